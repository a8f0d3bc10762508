import type { ExecResult } from '../targets/exec.js';
import type { Target, TargetExecOptions } from '../targets/types.js';
import { networkNamespace, parseConfig, type OciConfig } from './config.js';
import type { RunBlocker, RunResult } from './outcome.js';

/**
 * The harness's witness of a foreground run: for the duration of one `runc run`, config.json gets
 * one more poststart hook, `cp /dev/stdin FILE`, run by the runtime (on the machine's side) once it
 * has created the container and started it; the OCI state it receives lands in FILE. Whether FILE
 * exists afterwards is a fact no wording can fake: the runtime refused (no file), or it started the
 * container (file), whatever the exit status says. The bundle's own bytes are restored right
 * after the run, so every other check reads config.json as the lesson's commands left it.
 */
const WITNESS_PROGRAM = '/bin/cp';

let seq = 0;

function withWitnessHook(c: OciConfig, file: string): OciConfig {
  const hooks = c.hooks ?? {};
  return { ...c, hooks: { ...hooks, poststart: [...(hooks.poststart ?? []), { path: WITNESS_PROGRAM, args: ['cp', '/dev/stdin', file] }] } };
}

/** Runs `exec` (a runtime invocation on the bundle in `dir`) with the witness in place; see above. */
export async function witnessedRun(t: Target, dir: string, exec: () => Promise<ExecResult>, who: TargetExecOptions = {}): Promise<RunResult> {
  const configPath = `${dir}/config.json`;
  const read = await t.read(configPath);
  let config: OciConfig | undefined;
  try {
    config = read.exitCode === 0 ? parseConfig(read.stdout) : undefined;
  } catch {
    config = undefined;
  }
  if (config === undefined) {
    const r = await exec();
    return { ...r, started: false, blockers: ['spec-missing'] };
  }
  const file = `/tmp/lesson06-witness-${process.pid}-${++seq}.json`;
  await t.writeFile(configPath, `${JSON.stringify(withWitnessHook(config, file), null, 2)}\n`);
  let r: ExecResult;
  try {
    r = await exec();
  } finally {
    await t.writeFile(configPath, read.stdout);
  }
  const seen = await t.read(file);
  if (seen.exitCode === 0) {
    await t.remove(file);
    return { ...r, started: true, blockers: [] };
  }
  return { ...r, started: false, blockers: await blockersOf(t, dir, config, who) };
}

/**
 * What in the bundle or the run could have stopped a runtime before it started the container, each
 * checked on the target, in the order runtimes meet them. Asked only after a refusal.
 */
async function blockersOf(t: Target, dir: string, config: OciConfig, who: TargetExecOptions): Promise<RunBlocker[]> {
  const out: RunBlocker[] = [];
  if (who.uid !== undefined && who.uid !== 0) out.push('permission');
  const path = networkNamespace(config)?.path;
  if (path !== undefined) {
    const fs = await t.exec(['stat', '-L', '-f', '-c', '%T', '--', path]);
    if (fs.exitCode !== 0) out.push('netns-missing');
    else if (fs.stdout.trim() !== 'nsfs') out.push('not-a-netns');
  }
  const hooks = config.hooks ?? {};
  if (['prestart', 'createRuntime', 'createContainer', 'startContainer'].some((k) => (hooks[k]?.length ?? 0) > 0)) out.push('hook-failed');
  if (config.process.terminal === true) out.push('no-tty');
  if (!(await programInRootfs(t, dir, config))) out.push('exec-not-found');
  return out;
}

/** process.args[0] looked up as the runtime does: a path in the rootfs, or each directory of the process's PATH there. */
async function programInRootfs(t: Target, dir: string, config: OciConfig): Promise<boolean> {
  const program = config.process.args[0];
  if (program === undefined) return false;
  const root = config.root.path;
  const rootfs = root.startsWith('/') ? root : `${dir}/${root}`;
  const { env } = config.process;
  const pathVar = (env ?? []).find((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  const candidates = program.includes('/')
    ? [`${rootfs}/${program}`]
    : pathVar
        .split(':')
        .filter(Boolean)
        .map((d) => `${rootfs}${d}/${program}`);
  for (const c of candidates) if (await existsInRootfs(t, rootfs, c.slice(rootfs.length))) return true;
  return false;
}

/**
 * Whether `path` exists inside `rootfs`, following links as the container would see them: an
 * absolute target (bin/sh -> /bin/busybox) is read inside the rootfs, never on the machine, where
 * /bin/busybox exists whatever the rootfs holds.
 */
async function existsInRootfs(t: Target, rootfs: string, path: string): Promise<boolean> {
  let p = path;
  for (let hop = 0; hop < 8; hop++) {
    const link = await t.readlink(`${rootfs}${p}`);
    if (link.exitCode !== 0) return t.exists(`${rootfs}${p}`);
    const target = link.stdout.trim();
    p = target.startsWith('/') ? target : `${p.slice(0, p.lastIndexOf('/'))}/${target}`;
  }
  return false;
}
