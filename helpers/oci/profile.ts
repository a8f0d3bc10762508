import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPrivateRunDir } from '../targets/run-dir.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { LessonCheckError, type Diagnosis } from '../lesson/diagnosis.js';
import { remedyForRun } from '../lesson/run-diagnosis.js';
import type { LabPlan } from '../lesson/plan.js';
import { formatResult, type ExecResult } from '../targets/exec.js';
import type { Target } from '../targets/types.js';
import { NEED_ORDER, needPatch, type RuntimeNeed } from './runtime-needs.js';
import { Bundle } from './bundle.js';
import { withArgs } from './config.js';
import { classifyRun, processRan, type RunResult, type RunSymptom } from './outcome.js';
import type { Runc } from './runtime.js';

/**
 * What the runtime under test needs before the lesson's bundle runs unattended, observed by
 * running a bundle made exactly as the lesson makes it (runc spec, only /bin/busybox copied):
 * each failure that names one adjustment adds it, and the run is tried again with it.
 */
export interface RuntimeProfile {
  /** Each adjustment this runtime needs, with the output that showed it. */
  readonly needs: ReadonlyMap<RuntimeNeed, string>;
}

type ProbeOutcome = { readonly ok: true; readonly profile: RuntimeProfile } | { readonly ok: false; readonly failure: Diagnosis };

/** The failure that each adjustment answers. */
const ANSWERS: Readonly<Partial<Record<RunSymptom, RuntimeNeed>>> = {
  'exec-not-found': 'applets',
  'no-tty': 'terminal',
  'ping-not-permitted': 'net-raw',
};

/** A ping that needs a raw socket and nothing else: in a new namespace, to its own loopback. */
const PROBE_ARGS = ['sh', '-c', 'ping -c 1 -W 1 127.0.0.1'];

export async function probeRuntime(t: Target, runc: Runc, plan: LabPlan, dir: string, cgroupsPath: string): Promise<ProbeOutcome> {
  const needs = new Map<RuntimeNeed, string>();
  try {
    const bundle = await new Bundle(t, runc, dir).create({ applets: false, cgroupsPath });
    await bundle.patch(withArgs(...PROBE_ARGS));
    for (let attempt = 0; attempt <= NEED_ORDER.length; attempt++) {
      const r = await runc.run(`lesson06-probe-${attempt}`, dir);
      const symptom = classifyRun(r);
      const answer = ANSWERS[symptom];
      const evidence = `${r.stderr}${r.stdout}`;
      if (answer === 'net-raw') needs.set(answer, evidence);
      if (answer === 'net-raw' || processRan(symptom)) {
        const untrusted = await exitStatusProblem(runc, bundle);
        return untrusted === undefined ? { ok: true, profile: { needs } } : { ok: false, failure: untrusted };
      }
      if (answer === undefined || needs.has(answer)) return { ok: false, failure: probeFailure(plan, r, symptom) };
      needs.set(answer, evidence);
      if (answer === 'applets') await bundle.installApplets();
      const patch = needPatch(answer);
      if (patch) await bundle.patch(patch);
    }
    return { ok: false, failure: probeFailure(plan, undefined, 'runtime-failed') };
  } catch (e) {
    if (e instanceof LessonCheckError) return { ok: false, failure: e.diagnosis };
    throw e;
  } finally {
    await t.exec(['rm', '-rf', dir]);
  }
}

/** A process exit status and a refusal the probe provokes on purpose, so the runtime's exit status can be trusted. */
const CALIBRATION_EXIT = 7;
/** Not in the rootfs: every runtime refuses before it starts the process (runc and crun look it up at create). */
const MISSING_PROGRAM = '/lesson06-probe-no-such-program';

/**
 * Every verdict reads the runtime's exit status next to the witness; a runtime (or a wrapper)
 * that reports 0 for a process that failed, or for a container it refused to start, would turn
 * refusals into passes. Two runs with known outcomes settle it once per worker.
 */
async function exitStatusProblem(runc: Runc, bundle: Bundle): Promise<Diagnosis | undefined> {
  await bundle.patch(withArgs('sh', '-c', `exit ${CALIBRATION_EXIT}`));
  const exited = await runc.run('lesson06-probe-exit', bundle.dir);
  // A refusal that involves no namespace: a runtime under test may drop namespace paths (that is a
  // verdict of its own, not of its exit status).
  await bundle.patch(withArgs(MISSING_PROGRAM));
  const refused = await runc.run('lesson06-probe-refusal', bundle.dir);
  const problem = (expected: string, r: RunResult): Diagnosis => ({
    ref: { section: 'exercise-3', step: 'Step 1' },
    expected,
    seen: `exit ${r.exitCode ?? '?'}; container ${r.started === true ? 'started' : 'not started'} (the harness's poststart witness ${r.started === true ? 'ran' : 'did not run'}); ${r.stdout}${r.stderr}`,
    next: `the exit status of ${runc.label} does not say what happened, so no verdict that reads it can be trusted: run the real runtime, not a wrapper that changes its exit status (check: ${runc.binary} --version)`,
  });
  if (exited.started !== true || exited.exitCode !== CALIBRATION_EXIT)
    return problem(
      `"sh -c 'exit ${CALIBRATION_EXIT}'" in a container: the runtime starts it and exits ${CALIBRATION_EXIT}, the process's status`,
      exited,
    );
  if (refused.started !== false || refused.exitCode === 0)
    return problem(
      `a program that is not in the rootfs (${MISSING_PROGRAM}): the runtime refuses to start the container and exits non-zero`,
      refused,
    );
  return undefined;
}

function probeFailure(plan: LabPlan, r: ExecResult | undefined, symptom: RunSymptom): Diagnosis {
  return {
    ref: { section: 'exercise-3', step: 'Step 1' },
    expected: `the runtime runs a container from a bundle made as Exercise 2 makes it (${PROBE_ARGS.join(' ')})`,
    seen: r ? `${symptom}: ${formatResult(r)}` : 'no run succeeded after every adjustment',
    ...remedyForRun(symptom, plan, { busyboxInRootfs: true }),
  };
}

/** One probe per runtime and target kind per worker process: the runtime does not change between tests. */
const profiles = new Map<string, Promise<ProbeOutcome>>();

/** How long a worker waits for the one that probes (a probe runs a few containers; the machine may be loaded). */
const SHARED_WAIT_MS = 120_000;

type StoredOutcome =
  | { readonly ok: true; readonly needs: ReadonlyArray<readonly [RuntimeNeed, string]> }
  | { readonly ok: false; readonly failure: Diagnosis }
  /** The probe itself broke (not a verdict on the runtime): every waiting worker fails at once with this cause. */
  | { readonly ok: 'broke'; readonly error: string };

const store = (o: ProbeOutcome): StoredOutcome => (o.ok ? { ok: true, needs: [...o.profile.needs] } : o);
function restore(s: StoredOutcome, file: string): ProbeOutcome {
  if (s.ok === 'broke') throw new Error(`the runtime probe broke in the worker that ran it (${file}): ${s.error}`);
  return s.ok === true ? { ok: true, profile: { needs: new Map(s.needs) } } : s;
}

/** Written whole or not at all: the name appears only once the content is there. */
function publish(file: string, s: StoredOutcome): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(s), { mode: 0o600, flag: 'wx' });
  renameSync(`${file}.tmp`, file);
}

/**
 * One probe per run: the first worker to ask creates `<key>.lock` in the run's private directory
 * (the launcher's, mode 0700), probes in its own sandbox and leaves the outcome beside it; the
 * other workers read that instead of probing again. Without that directory (vitest started by
 * hand), each worker probes once.
 */
export async function sharedProbe(key: string, dir: string, probe: () => Promise<ProbeOutcome>): Promise<ProbeOutcome> {
  const file = join(dir, `runtime-profile-${key.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
  let mine = false;
  try {
    closeSync(openSync(`${file}.lock`, 'wx', 0o600));
    mine = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  if (mine) {
    let outcome: ProbeOutcome;
    try {
      outcome = await probe();
    } catch (e) {
      publish(file, { ok: 'broke', error: e instanceof Error ? e.message : String(e) });
      throw e;
    }
    publish(file, store(outcome));
    return outcome;
  }
  const until = Date.now() + SHARED_WAIT_MS;
  while (!existsSync(file)) {
    if (Date.now() > until)
      throw new Error(`no runtime profile in ${file} after ${SHARED_WAIT_MS} ms: the worker that probes the runtime ended without one`);
    await sleep(50);
  }
  return restore(JSON.parse(readFileSync(file, 'utf8')) as StoredOutcome, file);
}

/** The runtime's profile, probed once per run when `shareDir` is the launcher's private run directory, else once per worker. */
export function profileOnce(key: string, shareDir: string | undefined, probe: () => Promise<ProbeOutcome>): Promise<ProbeOutcome> {
  let p = profiles.get(key);
  if (p === undefined) {
    p = shareDir !== undefined && isPrivateRunDir(shareDir) ? sharedProbe(key, shareDir, probe) : probe();
    profiles.set(key, p);
  }
  return p;
}
