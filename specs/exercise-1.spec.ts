import { check, describe, test, testId } from '../fixtures/index.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { findIface, isUp, parsePingSummary } from '../helpers/net/ip.js';
import { CLAIMED_MISSING_DEVICE_TEXT, EXERCISE_1_PING_COUNT } from '../helpers/lesson/claims.js';
import { formatCidr } from '../helpers/net/cidr.js';
import { inNetns, interfacesIfAny, linkExists, listNetns, ping } from '../helpers/net/ops.js';
import { formatResult } from '../helpers/targets/exec.js';

const names = (list: ReadonlyArray<{ ifname: string }> | undefined): string =>
  list === undefined ? '(namespace not found)' : list.map((i) => i.ifname).join(', ') || '(none)';

describe('exercise-1', { tags: ['exercise-1'] }, () => {
  test(
    'step 1: ip netns add lists container-net and creates its file under /var/run/netns',
    testId('exercise-1/step-1'),
    async ({ target, plan, lab, lesson }) => {
      await lesson.step('Step 1');
      await lesson.checks('exercise-1/s1/b1/L6');
      await lab.through(1);
      const listed = await listNetns(target);
      check(lesson, listed.includes(plan.netns), {
        id: 'exercise-1/ip-netns-list-shows',
        expected: `"ip netns list" shows ${plan.netns}`,
        seen: listed.join(', ') || '(no namespace)',
        commonError: fixes.missingNetns(plan),
      });
      const fs = await target.exec(['stat', '-f', '-c', '%T', plan.netnsPath]);
      check(lesson, fs.exitCode === 0 && fs.stdout.trim() === 'nsfs', {
        id: 'exercise-1/bind-mount-namespace-file',
        expected: `${plan.netnsPath} is a bind mount of a namespace file (file system type nsfs)`,
        seen: formatResult(fs),
        commonError: fixes.missingNetns(plan),
      });
    },
  );

  test('step 2: both veth ends exist on the host before the move', testId('exercise-1/step-2'), async ({ target, plan, lab, lesson }) => {
    await lesson.step('Step 2');
    await lab.through(2);
    const host = await interfacesIfAny(target);
    for (const name of [plan.hostVeth, plan.nsVeth]) {
      check(lesson, findIface(host ?? [], name) !== undefined, {
        id: 'exercise-1/ip-link-show-finds',
        expected: `"ip link show ${name}" finds ${name} on the host`,
        seen: names(host),
        next: `create the pair: "ip link add ${plan.hostVeth} type veth peer name ${plan.nsVeth}" (Step 2)`,
      });
    }
  });

  test(
    'step 3: after the move veth-container is gone from the host view',
    testId('exercise-1/step-3-gone-from-host'),
    async ({ target, plan, lab, lesson }) => {
      await lesson.step('Step 3');
      await lesson.checks('exercise-1/s3/b1/L6');
      await lab.through(3);
      const host = await interfacesIfAny(target);
      if (findIface(host ?? [], plan.hostVeth) === undefined) {
        const movedInstead = await linkExists(target, plan.hostVeth, plan.netns);
        check(lesson, false, {
          id: 'exercise-1/stays-host',
          expected: `${plan.hostVeth} stays on the host`,
          seen: `host: ${names(host)}; ${plan.hostVeth} ${movedInstead ? `is in ${plan.netns}` : 'is nowhere'}`,
          next: movedInstead
            ? `move ${plan.nsVeth}, not ${plan.hostVeth}: "ip link set ${plan.nsVeth} netns ${plan.netns}" (Step 3)`
            : `the pair no longer exists: create it again ("ip link add ${plan.hostVeth} type veth peer name ${plan.nsVeth}", Step 2) and move ${plan.nsVeth} (Step 3)`,
        });
      }
      check(lesson, findIface(host ?? [], plan.nsVeth) === undefined, {
        id: 'exercise-1/longer-listed-host',
        expected: `${plan.nsVeth} is no longer listed on the host`,
        seen: names(host),
        next: `move it: "ip link set ${plan.nsVeth} netns ${plan.netns}" (Step 3)`,
      });
      const show = await target.exec(['ip', 'link', 'show', plan.nsVeth]);
      const lessonWording = show.stderr.includes(CLAIMED_MISSING_DEVICE_TEXT);
      const iprouteWording = show.stderr.includes(`Device "${plan.nsVeth}" does not exist`);
      check(lesson, show.exitCode !== 0 && (lessonWording || iprouteWording), {
        id: 'exercise-1/ip-link-show-fails',
        expected: `"ip link show ${plan.nsVeth}" fails saying the device does not exist`,
        seen: formatResult(show),
        next:
          show.exitCode === 0
            ? `the host should not know ${plan.nsVeth} after Step 3; see Common Error 5`
            : 'the command fails, but its error does not say the device does not exist: read it in the transcript (the "ip" on this machine words it otherwise, or failed for another reason)',
      });
      if (!lessonWording) {
        await lesson.erratum({
          id: 'E-missing-device-wording',
          where: 'Exercise 1 Step 3 (and Common Error 5)',
          claim: `"ip link show ${plan.nsVeth}" fails with: Cannot find device "${plan.nsVeth}"`,
          observed: 'the command fails as taught, but iproute2 words the error differently',
          evidence: show.stderr,
        });
      }
    },
  );

  test(
    'step 3: veth-container is inside the namespace and DOWN',
    testId('exercise-1/step-3-inside-netns-down'),
    async ({ target, plan, lab, lesson }) => {
      await lesson.step('Step 3');
      await lesson.checks('exercise-1/s3/b1/L10');
      await lab.through(3);
      const list = await interfacesIfAny(target, plan.netns, true);
      check(lesson, list !== undefined, {
        id: 'exercise-1/ip-netns-exec-ip',
        expected: `"ip netns exec ${plan.netns} ip link show" runs`,
        seen: 'the namespace cannot be entered',
        commonError: fixes.missingNetns(plan),
      });
      const inside = findIface(list, plan.nsVeth);
      check(lesson, inside !== undefined, {
        id: 'exercise-1/ip-netns-exec-ip-2',
        expected: `"ip netns exec ${plan.netns} ip link show ${plan.nsVeth}" finds it`,
        seen: names(list),
        next: `move it: "ip link set ${plan.nsVeth} netns ${plan.netns}" (Step 3)`,
      });
      check(lesson, !isUp(inside) && inside.operstate === 'DOWN', {
        id: 'exercise-1/down-right-after-move',
        expected: `${plan.nsVeth} is DOWN right after the move`,
        seen: `flags ${inside.flags.join(',')}, state ${inside.operstate ?? '?'}`,
        next: 'the lesson brings interfaces up only in Step 5: run the steps in order',
      });
    },
  );

  test('step 4: veth-host has 10.0.0.1/24 and veth-container has 10.0.0.2/24', testId('exercise-1/step-4'), async ({ target, plan, lab, lesson }) => {
    await lesson.step('Step 4');
    await lab.through(4);
    const hostSide = findIface((await interfacesIfAny(target)) ?? [], plan.hostVeth);
    const nsSide = findIface((await interfacesIfAny(target, plan.netns)) ?? [], plan.nsVeth);
    check(lesson, hostSide?.inet.includes(formatCidr(plan.hostCidr)) === true, {
      id: 'exercise-1/veth-host-address',
      expected: `${plan.hostVeth} has ${formatCidr(plan.hostCidr)}`,
      seen: hostSide ? hostSide.inet.join(', ') || 'no address' : 'no such interface',
      commonError: fixes.setAddress(plan, plan.hostVeth, false, hostSide?.inet ?? []),
    });
    check(lesson, nsSide?.inet.includes(formatCidr(plan.nsCidr)) === true, {
      id: 'exercise-1/veth-container-address',
      expected: `${plan.nsVeth} in ${plan.netns} has ${formatCidr(plan.nsCidr)}`,
      seen: nsSide ? nsSide.inet.join(', ') || 'no address' : 'no such interface',
      commonError: fixes.setAddress(plan, plan.nsVeth, true, nsSide?.inet ?? []),
    });
  });

  test('step 5: veth-host, veth-container and the namespace loopback are up', testId('exercise-1/step-5'), async ({ target, plan, lab, lesson }) => {
    await lesson.step('Step 5');
    await lab.through(5);
    const host = await interfacesIfAny(target);
    const ns = await interfacesIfAny(target, plan.netns);
    check(lesson, ns !== undefined, {
      id: 'exercise-1/can-entered',
      expected: `${plan.netns} can be entered`,
      seen: 'the namespace cannot be entered',
      commonError: fixes.missingNetns(plan),
    });
    const wanted = [
      { where: 'host', list: host ?? [], name: plan.hostVeth, inNamespace: false },
      { where: plan.netns, list: ns, name: plan.nsVeth, inNamespace: true },
      { where: plan.netns, list: ns, name: 'lo', inNamespace: true },
    ];
    for (const w of wanted) {
      const i = findIface(w.list, w.name);
      check(lesson, i !== undefined, {
        id: 'exercise-1/link-exists',
        expected: `${w.name} exists (${w.where})`,
        seen: `${w.where}: ${names(w.list)}`,
        next: w.inNamespace
          ? `${w.name} is not in ${plan.netns}: move it there with "ip link set ${w.name} netns ${plan.netns}" (Step 3)`
          : `create the pair again: "ip link add ${plan.hostVeth} type veth peer name ${plan.nsVeth}" (Step 2)`,
      });
      check(lesson, isUp(i), {
        id: 'exercise-1/has-up-flag',
        expected: `${w.name} (${w.where}) has the UP flag`,
        seen: `flags ${i.flags.join(',')}`,
        commonError: fixes.bringUp(plan, w.name, w.inNamespace),
      });
    }
  });

  test('step 6: the host pings the namespace at 10.0.0.2', testId('exercise-1/step-6-host-pings-netns'), async ({ target, plan, lab, lesson }) => {
    await lesson.step('Step 6');
    await lesson.checks('exercise-1/s6/b1/L3');
    await lab.through(5);
    const r = await ping(target, plan.nsCidr.address, { count: EXERCISE_1_PING_COUNT });
    check(lesson, r.ok, {
      id: 'exercise-1/ping-c-2-2',
      expected: `"ping -c ${EXERCISE_1_PING_COUNT} ${plan.nsCidr.address}": ${EXERCISE_1_PING_COUNT} packets transmitted, ${EXERCISE_1_PING_COUNT} received`,
      seen: r.result.stdout + r.result.stderr,
      commonError: fixes.noConnectivity(plan),
    });
  });

  test('step 6: the namespace pings the host at 10.0.0.1', testId('exercise-1/step-6-netns-pings-host'), async ({ target, plan, lab, lesson }) => {
    await lesson.step('Step 6');
    await lesson.checks('exercise-1/s6/b1/L7');
    await lab.through(5);
    const r = await ping(target, plan.hostCidr.address, { count: EXERCISE_1_PING_COUNT, netns: plan.netns });
    check(lesson, r.ok, {
      id: 'exercise-1/ip-netns-exec-ping',
      expected: `"ip netns exec ${plan.netns} ping -c ${EXERCISE_1_PING_COUNT} ${plan.hostCidr.address}": ${EXERCISE_1_PING_COUNT} packets transmitted, ${EXERCISE_1_PING_COUNT} received`,
      seen: r.result.stdout + r.result.stderr,
      commonError: r.result.stderr.includes('Cannot open network namespace') ? fixes.missingNetns(plan) : fixes.noConnectivity(plan),
    });
  });

  test(
    'as written: Steps 1–6 in order, each command exactly as the lesson types it (minus sudo), with the output it states',
    testId('exercise-1/as-written'),
    async ({ target, plan, lab, lesson }) => {
      await lesson.step('Steps 1–6, as written');
      await lesson.checks('exercise-1/s1/b1/L6', 'exercise-1/s1/b1/L10', 'exercise-1/s3/b1/L10', 'exercise-1/s6/b1/L3', 'exercise-1/s6/b1/L7');
      // The lab builder runs each step's lesson commands as written (labStepCommands).
      const build = async (step: 1 | 2 | 3 | 4 | 5): Promise<void> => void (await lab.through(step));
      await build(1);
      const list = await target.must(['ip', 'netns', 'list']);
      const files = await target.must(['ls', '-la', '/var/run/netns/']);
      check(lesson, list.stdout.includes(plan.netns) && files.stdout.includes(plan.netns), {
        id: 'exercise-1/ip-netns-list-ls',
        expected: `"ip netns list" and "ls -la /var/run/netns/" both show ${plan.netns}`,
        seen: `${list.stdout}\n${files.stdout}`,
        commonError: fixes.missingNetns(plan),
      });
      await build(2);
      const shown = [await target.exec(['ip', 'link', 'show', plan.hostVeth]), await target.exec(['ip', 'link', 'show', plan.nsVeth])];
      check(
        lesson,
        shown.every((r) => r.exitCode === 0),
        {
          id: 'exercise-1/before-move-ip-link',
          expected: `before the move "ip link show" finds ${plan.hostVeth} and ${plan.nsVeth}`,
          seen: shown.map((r) => formatResult(r)).join('\n'),
          next: `create the pair: "ip link add ${plan.hostVeth} type veth peer name ${plan.nsVeth}" (Step 2)`,
        },
      );
      await build(3);
      const gone = await target.exec(['ip', 'link', 'show', plan.nsVeth]);
      check(lesson, gone.exitCode !== 0, {
        id: 'exercise-1/after-move-ip-link',
        expected: `after the move "ip link show ${plan.nsVeth}" no longer finds it on the host`,
        seen: formatResult(gone),
        next: `move it: "ip link set ${plan.nsVeth} netns ${plan.netns}" (Step 3)`,
      });
      const inside = await target.exec(inNetns(plan.netns, ['ip', 'link', 'show', plan.nsVeth]));
      check(lesson, inside.exitCode === 0 && / state DOWN /.test(inside.stdout), {
        id: 'exercise-1/inside-ip-link-show',
        expected: `inside ${plan.netns} "ip link show ${plan.nsVeth}" shows it in DOWN state`,
        seen: formatResult(inside),
        ...(inside.exitCode === 0
          ? { next: 'the lesson brings interfaces up only in Step 5: run the steps in order' }
          : { next: `it is not inside ${plan.netns} either: create the pair again and move it (Steps 2–3)` }),
      });
      await build(4);
      await build(5);
      const count = String(EXERCISE_1_PING_COUNT);
      const pings = [
        await target.exec(['ping', '-c', count, plan.nsCidr.address]),
        await target.exec(inNetns(plan.netns, ['ping', '-c', count, plan.hostCidr.address])),
      ];
      const summaries = pings.map((r) => parsePingSummary(r.stdout));
      check(
        lesson,
        summaries.every((p) => p?.transmitted === EXERCISE_1_PING_COUNT && p.received === EXERCISE_1_PING_COUNT),
        {
          id: 'exercise-1/both-pings-2-packets',
          expected: `both pings: ${EXERCISE_1_PING_COUNT} packets transmitted, ${EXERCISE_1_PING_COUNT} received`,
          seen: pings.map((r) => formatResult(r)).join('\n'),
          commonError: fixes.noConnectivity(plan),
        },
      );
    },
  );
});
