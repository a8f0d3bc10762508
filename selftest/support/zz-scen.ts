import { FAKE_SCENARIOS, FAULT_SCENARIOS, passSet } from './scenarios.js';
import { selects } from './test-ids.js';
const t = process.argv[2]!;
for (const s of [...FAULT_SCENARIOS, ...FAKE_SCENARIOS]) {
  if (!selects(s.select, t)) continue;
  let fails = false;
  if (s.passes === 'all') fails = false;
  else if (s.passes === 'all but the failures') fails = s.fails.some((f) => f.test === t);
  else fails = !passSet(s.passes, new Set([t])).has(t);
  if (fails) console.log(s.name, '|', s.fails.find((f) => f.test === t)?.check ?? '(no first check)');
}
