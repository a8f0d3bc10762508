import { check, describe, test, testId } from '../fixtures/index.js';
import { checkPrintedView, checkRunOutcome, ipOutputOf } from '../fixtures/proofs.js';
import { CommandError } from '../helpers/targets/base.js';
import type { Remedy } from '../helpers/lesson/diagnosis.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { findIface } from '../helpers/net/ip.js';
import { VERIFY_PATH_QUERY, VERIFY_SCRIPT } from '../helpers/lesson/claims.js';
import { installShims, scriptEnv, scriptSaysWhenAllPass } from '../helpers/lesson/script.js';
import { formatCidr } from '../helpers/net/cidr.js';
import { pingWithinDeadline } from '../helpers/net/deadline.js';
import { interfaces, interfacesIfAny, listNetns, ping } from '../helpers/net/ops.js';
import { judgeNetnsPath, vethEnd, verifyPing, verifyPingArgv } from '../helpers/lesson/verify-checks.js';
import { formatResult } from '../helpers/targets/exec.js';
import { withArgs, withNetnsPath } from '../helpers/oci/config.js';

describe('verify', { tags: ['verify'] }, () => {
  test('script check 1: container-net is in ip netns list', testId('verify/script-check-1'), async ({ target, plan, lab, lesson }) => {
    await lesson.step('automated script, check 1 (namespace exists)');
    await lesson.runs('verify/b1/L9', { adjustment: 'condition-by-harness', as: [['ip', 'netns', 'list']] });
    await lab.through(5);
    const out = (await target.must(['ip', 'netns', 'list'])).stdout;
    check(
      lesson,
      out.split('\n').some((l) => l.includes(plan.netns)),
      {
        id: 'verify/ip-netns-list-mentions',
        expected: `"ip netns list" mentions ${plan.netns} (PASS: Network namespace exists)`,
        seen: out,
        commonError: fixes.missingNetns(plan),
      },
    );
  });

  test('script check 2: ip link show veth-host succeeds', testId('verify/script-check-2'), async ({ target, plan, lab, lesson }) => {
    await lesson.step('automated script, check 2 (veth-host exists)');
    await lesson.runs('verify/b1/L16', { adjustment: 'condition-by-harness', as: [['ip', 'link', 'show', plan.hostVeth]] });
    await lab.through(5);
    const r = await target.exec(['ip', 'link', 'show', plan.hostVeth]);
    check(lesson, r.exitCode === 0, {
      id: 'verify/exit-0-pass-interface',
      expected: `exit 0 (PASS: ${plan.hostVeth} interface exists)`,
      seen: formatResult(r),
      next: `create the pair: "ip link add ${plan.hostVeth} type veth peer name ${plan.nsVeth}" (Exercise 1 Step 2)`,
    });
  });

  test('script check 3: ping -c 1 -W 1 10.0.0.2 from the host succeeds', testId('verify/script-check-3'), async ({ target, plan, lab, lesson }) => {
    await lesson.step('automated script, check 3 (host can reach namespace)');
    await lesson.runs('verify/b1/L23', { adjustment: 'condition-by-harness', as: [verifyPingArgv(plan, 'host-to-ns')] });
    await lab.through(5);
    const r = await verifyPing(target, plan, 'host-to-ns');
    check(lesson, r.ok, {
      id: 'verify/exit-0-pass-host',
      expected: 'exit 0 (PASS: Host can reach namespace)',
      seen: r.result.stdout + r.result.stderr,
      commonError: fixes.noConnectivity(plan),
    });
  });

  test(
    'script check 4: ip netns exec container-net ping -c 1 -W 1 10.0.0.1 succeeds',
    testId('verify/script-check-4'),
    async ({ target, plan, lab, lesson }) => {
      await lesson.step('automated script, check 4 (namespace can reach host)');
      await lesson.runs('verify/b1/L30', { adjustment: 'condition-by-harness', as: [verifyPingArgv(plan, 'ns-to-host')] });
      await lab.through(5);
      const r = await verifyPing(target, plan, 'ns-to-host');
      check(lesson, r.ok, {
        id: 'verify/exit-0-pass-namespace',
        expected: 'exit 0 (PASS: Namespace can reach host)',
        seen: r.result.stdout + r.result.stderr,
        commonError: r.result.stderr.includes('Cannot open network namespace') ? fixes.missingNetns(plan) : fixes.noConnectivity(plan),
      });
    },
  );

  test(
    'script check 5: jq -e finds the network namespace path in ~/oci-netns-test/config.json',
    testId('verify/script-check-5'),
    async ({ target, plan, lab, lessonBundleAsWritten, lesson }) => {
      await lesson.step('automated script, check 5 (config.json configured)');
      // The namespace must be there for the path to be compared with it by the kernel's account.
      await lab.through(1);
      await lesson.runs('verify/b1/L37', {
        adjustment: 'condition-by-harness',
        as: [['jq', '-e', VERIFY_PATH_QUERY, lessonBundleAsWritten.configPath]],
      });
      const r = await target.exec(['jq', '-e', VERIFY_PATH_QUERY, lessonBundleAsWritten.configPath]);
      check(lesson, r.exitCode === 0, {
        id: 'verify/exit-0-pass-config',
        expected: 'exit 0 (PASS: config.json configured correctly)',
        seen: formatResult(r),
        commonError: fixes.wrongInterfaces(plan),
      });
      const printed = JSON.parse(r.stdout) as unknown;
      const path = await judgeNetnsPath(target, plan, { type: 'network', path: typeof printed === 'string' ? printed : '' });
      check(lesson, path.ok, {
        id: 'verify/path-finds-script-accepts',
        expected: `the path it finds is ${plan.netnsPath}, the namespace by the kernel's account (the script accepts any path; the harness does not)`,
        seen: path.seen,
        commonError: path.commonError,
      });
    },
  );

  test(
    'script check 5 with a path naming no namespace: the jq check passes (erratum); runc refuses it',
    testId('verify/script-check-5-any-path'),
    async ({ target, plan, lessonBundle, runc, lesson, cx }) => {
      await lesson.step('automated script, check 5 (config.json configured)');
      const typo = `${plan.netnsPath}-typo`;
      await lessonBundle.patch(withNetnsPath(typo), withArgs('ip', 'addr'));
      const script = await target.exec(['jq', '-e', VERIFY_PATH_QUERY, lessonBundle.configPath]);
      // jq -e exits 0 or 1 for a query it could run; anything else is jq itself failing, not the lesson.
      if (script.exitCode !== 0 && script.exitCode !== 1) throw new CommandError(script);
      const run = await runc.run(plan.containerId, lessonBundle.dir);
      await checkRunOutcome(cx, lessonBundle, run, {
        symptoms: ['netns-missing'],
        expected: `runc refuses to start: the namespace path ${typo} does not exist`,
        whenRan: {
          commonError: fixes.wrongInterfaces(plan),
          next: `the runtime started a container although ${typo} names no namespace: it did not use the path`,
        },
      });
      if (script.exitCode === 0) {
        await lesson.erratum({
          id: 'E-verify-accepts-any-path',
          where: 'Verify, automated script check 5',
          claim: 'PASS means config.json is configured correctly',
          observed: 'the jq query passes for any path; the harness also checks that the path names the namespace and that runc can join it',
          evidence: `jq -e printed ${script.stdout.trim()} and exited 0; runc run then failed: ${run.stderr.trim()}`,
        });
      }
    },
  );

  test(
    'manual 1–2: the namespace exists and veth-host is configured (UP, 10.0.0.1/24)',
    testId('verify/manual-1-2'),
    async ({ target, plan, lab, lesson }) => {
      await lesson.step('manual checklist, items 1–2');
      await lab.through(5);
      const names = await listNetns(target);
      check(lesson, names.includes(plan.netns), {
        id: 'verify/ip-netns-list-shows',
        expected: `"ip netns list" shows ${plan.netns}`,
        seen: names.join(', ') || '(none)',
        commonError: fixes.missingNetns(plan),
      });
      const host = vethEnd(await interfaces(target), plan.hostVeth, plan.hostCidr);
      check(lesson, host.up && host.addressed, {
        id: 'verify/veth-host-up-with-address',
        expected: `${plan.hostVeth} UP with ${formatCidr(plan.hostCidr)}`,
        seen: `${plan.hostVeth}: ${host.iface ? `${host.flags} ${host.inet}` : 'missing'}`,
        commonError: fixes.noConnectivity(plan),
      });
    },
  );

  test(
    'manual 3: ip netns exec container-net ip addr shows veth-container with 10.0.0.2/24',
    testId('verify/manual-3'),
    async ({ target, plan, lab, lesson }) => {
      await lesson.step('manual checklist, item 3');
      await lab.through(5);
      const list = await interfacesIfAny(target, plan.netns, true);
      check(lesson, list !== undefined, {
        id: 'verify/ip-netns-exec-ip',
        expected: `"ip netns exec ${plan.netns} ip addr" runs`,
        seen: 'the namespace cannot be entered',
        commonError: fixes.missingNetns(plan),
      });
      const inside = findIface(list, plan.nsVeth);
      check(lesson, inside !== undefined, {
        id: 'verify/listed-inside',
        expected: `${plan.nsVeth} is listed inside ${plan.netns}`,
        seen: list.map((i) => i.ifname).join(', '),
        next: `move it: "ip link set ${plan.nsVeth} netns ${plan.netns}" (Exercise 1 Step 3)`,
      });
      const end = vethEnd(list, plan.nsVeth, plan.nsCidr);
      check(lesson, end.up && end.addressed, {
        id: 'verify/veth-container-up-with-address',
        expected: `${plan.nsVeth} UP with ${formatCidr(plan.nsCidr)} inside ${plan.netns}`,
        seen: `${end.flags} ${end.inet}`,
        commonError: fixes.noConnectivity(plan),
      });
    },
  );

  test('manual 4: ping works in both directions', testId('verify/manual-4'), async ({ target, plan, lab, lesson }) => {
    await lesson.step('manual checklist, item 4');
    await lab.through(5);
    const out = await ping(target, plan.nsCidr.address, { count: 1 });
    const back = await ping(target, plan.hostCidr.address, { count: 1, netns: plan.netns });
    check(lesson, out.ok && back.ok, {
      id: 'verify/host-namespace-namespace-host',
      expected: 'host→namespace and namespace→host both answer',
      seen: `host→ns: ${out.result.stdout}${out.result.stderr}\nns→host: ${back.result.stdout}${back.result.stderr}`,
      commonError: fixes.noConnectivity(plan),
    });
  });

  test(
    'manual 5: a container run with ip addr sees veth-container and its address',
    testId('verify/manual-5'),
    async ({ target, plan, lab, lessonBundle, runc, lesson, cx }) => {
      await lesson.step('manual checklist, item 5');
      await lab.through(5);
      await lessonBundle.patch(withArgs('ip', 'addr'));
      const r = await runc.run(plan.containerId, lessonBundle.dir);
      await checkRunOutcome(cx, lessonBundle, r, { symptoms: ['ok'], expected: 'the container runs "ip addr" and exits 0' });
      const printed = ipOutputOf(r.stdout);
      const veth = findIface(printed, plan.nsVeth);
      check(lesson, veth?.inet.includes(formatCidr(plan.nsCidr)) === true, {
        id: 'verify/container-lists-veth-container',
        expected: `the container lists ${plan.nsVeth} with ${formatCidr(plan.nsCidr)}`,
        seen: formatResult(r),
        commonError: fixes.wrongInterfaces(plan),
      });
      checkPrintedView(cx, printed, await interfaces(target, plan.netns), plan.netns);
    },
  );

  // With the document, bash runs the lesson's script file as written and it must print exactly its own PASS lines.
  test(
    'the whole script: its five checks in order on one lab, stopping at the first FAIL as set -e and exit 1 do',
    testId('verify/whole-script'),
    async ({ target, plan, lab, lessonBundleAsWritten, runc, lesson }) => {
      await lesson.step('automated script, whole');
      const exitsZero = (_: string, code: number | undefined): boolean => code === 0;
      const pair: Remedy = { next: `create the pair: "ip link add ${plan.hostVeth} type veth peer name ${plan.nsVeth}" (Exercise 1 Step 2)` };
      // The project's own record of the script's five checks, in its order: what runs without the document, and what each FAIL means.
      const checks: Array<{ argv: string[]; ok: (out: string, code: number | undefined) => boolean; says: string; remedy: Remedy }> = [
        {
          argv: ['ip', 'netns', 'list'],
          ok: (out, code) => code === 0 && out.includes(plan.netns),
          says: 'PASS: Network namespace exists',
          remedy: { commonError: fixes.missingNetns(plan) },
        },
        { argv: ['ip', 'link', 'show', plan.hostVeth], ok: exitsZero, says: `PASS: ${plan.hostVeth} interface exists`, remedy: pair },
        {
          argv: verifyPingArgv(plan, 'host-to-ns'),
          ok: exitsZero,
          says: 'PASS: Host can reach namespace',
          remedy: { commonError: fixes.noConnectivity(plan) },
        },
        {
          argv: verifyPingArgv(plan, 'ns-to-host'),
          ok: exitsZero,
          says: 'PASS: Namespace can reach host',
          remedy: { commonError: fixes.noConnectivity(plan) },
        },
        {
          argv: ['jq', '-e', VERIFY_PATH_QUERY, lessonBundleAsWritten.configPath],
          ok: exitsZero,
          says: 'PASS: config.json configured correctly',
          remedy: { commonError: fixes.wrongInterfaces(plan) },
        },
      ];
      const script = lesson.block('verify/b1');
      await lab.through(5);
      if (script === undefined) {
        // Without the document: the checks one by one as argv, stopping at the first FAIL as set -e and exit 1 do.
        const said: string[] = [];
        const failed = await (async () => {
          for (const c of checks) {
            // ping has a timeout of its own (-W 1); the exec timeout bounds the rest.
            const run = () => target.exec(c.argv, { timeoutMs: 10_000 });
            // A ping that failed while the kernel counted its reply (late, on a loaded machine) is not the script's FAIL.
            const r = c.argv.includes('ping') ? await pingWithinDeadline(target, c.argv[0] === 'ip' ? plan.netns : undefined, 1, run) : await run();
            if (!c.ok(r.stdout, r.exitCode)) {
              said.push(`FAIL at "${c.argv.join(' ')}" (exit ${r.exitCode ?? '?'})`);
              return c;
            }
            said.push(c.says);
          }
          return undefined;
        })();
        check(lesson, failed === undefined, {
          id: 'verify/five-pass-lines-then',
          expected: 'five PASS lines, then "=== All verifications passed! ==="',
          seen: said.join('; '),
          ...(failed?.remedy ?? { next: 'nothing failed' }),
        });
        return;
      }
      const file = `${target.home}/${VERIFY_SCRIPT}`;
      await lesson.runsScript('verify/b1', `./${VERIFY_SCRIPT}`);
      await lesson.runs('verify/b2/L1');
      await lesson.runs('verify/b2/L2');
      await lesson.adjustment(await installShims(target, runc.binary));
      await target.writeFile(file, script);
      await target.must(['env', '-C', target.home, 'chmod', '+x', VERIFY_SCRIPT]);
      const r = await target.exec([...scriptEnv(target.home, target.home), `./${VERIFY_SCRIPT}`], { timeoutMs: 30_000 });
      const expected = scriptSaysWhenAllPass(script);
      const passes = r.stdout.split('\n').filter((l) => l.startsWith('PASS:')).length;
      check(lesson, r.exitCode === 0 && r.stdout === expected, {
        id: 'verify/script-as-written-says-all-pass',
        expected: `exit 0 and exactly the script's own lines: ${JSON.stringify(expected)}`,
        seen: `exit ${r.exitCode ?? '?'}; stdout ${JSON.stringify(r.stdout)}${r.stderr ? `; stderr ${JSON.stringify(r.stderr)}` : ''}`,
        ...(r.exitCode !== 0 && checks[passes] !== undefined
          ? checks[passes].remedy
          : { next: 'the script printed other lines than it says when every check passes: compare its echo lines with the output' }),
      });
    },
  );
});
