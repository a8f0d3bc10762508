/**
 * `npm run grade`: the lesson's Verify section against the lab a student built, read-only.
 * Exit 0 if and only if every check passes.
 */
import { BadInputError } from '../helpers/errors.js';
import { encodePlan, GRADE_PLAN_ENV, parseGradeArgs, type GradeOptions } from '../helpers/grade/options.js';
import { JUNIT_ENV } from '../helpers/report/junit-reporter.js';
import { RUN_ID_ENV } from '../helpers/targets/run-id.js';
import { sweep } from '../helpers/targets/sweep.js';
import { TARGET_ENV } from '../helpers/targets/index.js';
import { fail, privileged, runInteractive } from './lib.js';

function parse(): GradeOptions {
  try {
    return parseGradeArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof BadInputError) fail(e.message, 'npm run grade -- --netns NAME --host-veth NAME --ns-veth NAME --host-ip CIDR --ns-ip CIDR --bundle DIR --junit FILE');
    throw e;
  }
}

const opts = parse();
const env = { [GRADE_PLAN_ENV]: encodePlan(opts.plan), [JUNIT_ENV]: opts.junit, [TARGET_ENV]: 'host', [RUN_ID_ENV]: String(process.pid) };
process.on('SIGINT', () => undefined);
const argv = await privileged(['node_modules/.bin/vitest', 'run', '--config', 'vitest.grade.config.ts']);
const code = await runInteractive(argv, env);
// The grader's scratch directory and probe container, should the run have been interrupted.
await sweep({ run: String(process.pid) });
process.exit(code);
