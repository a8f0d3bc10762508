import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

/**
 * The harness's hook scripts read the container's pid from the OCI state with the shell alone.
 * Runtimes write that state in their own layout (runc one line, others indented over many lines,
 * keys in any order), so the recorder is fed each layout for a live process and must record that
 * process's namespace, and must refuse a state without a pid rather than guess.
 */
const RECORDER = fileURLToPath(new URL('../../fixtures/hooks/record-netns.sh', import.meta.url));

describe('hook scripts: the pid from the OCI state, whatever its layout', () => {
  let dir: string;
  let pid: number;
  const sleeper = execa('sleep', ['60'], { stdio: 'ignore', reject: false });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hooks-'));
    pid = sleeper.pid as number;
  });
  afterAll(async () => {
    sleeper.kill();
    await rm(dir, { recursive: true, force: true });
  });
  const record = (state: string) => execa('sh', [RECORDER, join(dir, 'out')], { input: state, reject: false });

  test.each([
    ['one line, as runc writes it', (p: number) => `{"ociVersion":"1.0.2","id":"c1","status":"created","pid":${p},"bundle":"/b","annotations":{}}`],
    ['indented over lines, pid after the bundle', (p: number) => `{\n  "ociVersion": "1.0.0",\n  "id": "c1",\n  "bundle": "/b",\n  "pid": ${p}\n}\n`],
    ['an id that holds the word "pid" in quotes, escaped', (p: number) => `{"id":"a\\"pid\\"","pid":\t${p},"status":"created"}`],
  ])("%s: the recorded inode is that process's network namespace", async (_what, state) => {
    const r = await record(state(pid));
    expect(r.exitCode, r.stderr).toBe(0);
    const inode = (await readFile(join(dir, 'out'), 'utf8')).split('\n')[0];
    expect(inode).toBe(String(statSync(`/proc/${pid}/ns/net`).ino));
  });

  test.each([
    ['no pid key', '{"id":"c1","status":"created"}'],
    ['a pid that is no number', '{"id":"c1","pid":"x1"}'],
    ['nothing at all', ''],
  ])('%s: refused, naming the missing pid', async (_what, state) => {
    const r = await record(state);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('no pid in the OCI state on stdin');
  });
});
