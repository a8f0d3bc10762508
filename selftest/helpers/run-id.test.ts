import { describe, expect, test } from 'vitest';
import { CGROUP_PATTERN, harnessCgroupPath } from '../../helpers/targets/run-id.js';

describe('run-named cgroups', () => {
  test('every harness cgroupsPath is one the sweep recognises, and names its run', () => {
    const a = harnessCgroupPath('4242').slice(1);
    const b = harnessCgroupPath('4242').slice(1);
    expect(a).not.toBe(b);
    expect(CGROUP_PATTERN.exec(a)?.[1]).toBe('4242');
  });
});
