import { gradeStudentLab, lessonLab } from '../selftest/support/grade-lab.js';
const r = await gradeStudentLab(lessonLab);
console.log(r.exec.exitCode, r.exec.stdout.slice(-3000), r.exec.stderr.slice(-2000));
console.log(JSON.stringify(r.cases, null, 1));
console.log('same snapshot', r.before === r.after);
import { writeFileSync } from 'node:fs';
writeFileSync('/tmp/snap-before', r.before); writeFileSync('/tmp/snap-after', r.after);
