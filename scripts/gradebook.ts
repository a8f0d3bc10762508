/**
 * `npm run gradebook -- DIR…`: the class table from many students' grade reports
 * (reports/grade/<student>/latest.xml), as reports/gradebook.csv and a self-contained
 * reports/gradebook.html. Runs as whoever calls it; it reads reports and writes two files.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { BadInputError } from '../helpers/errors.js';
import { readPoints } from '../helpers/grade/points.js';
import { buildGradebook, gradebookCsv } from '../helpers/report/gradebook.js';
import { gradebookHtml } from '../helpers/report/gradebook-html.js';
import { readGradeReport, reportFiles, type ReadReport } from '../helpers/report/gradebook-read.js';
import { writeReport } from '../helpers/report/safe-write.js';
import { parseGradebookArgs } from './cli/gradebook-args.js';
import { GRADEBOOK_USAGE } from './cli/usage.js';
import { exitOnHarnessCrash, fail, parseOrFail } from './lib/process.js';

exitOnHarnessCrash('npm run gradebook');
const next = 'npm run gradebook -- --help lists the options';
const args = parseOrFail(() => parseGradebookArgs(process.argv.slice(2), process.cwd()), next);
if (args.help) {
  process.stdout.write(GRADEBOOK_USAGE);
  process.exit(0);
}

const kind = (p: string): 'file' | 'dir' | 'none' => {
  try {
    const st = statSync(p);
    return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'none';
  } catch {
    return 'none';
  }
};
const shown = (p: string): string => {
  const r = relative(process.cwd(), p);
  return r === '' ? '.' : r.startsWith('..') ? p : r;
};

const book = parseOrFail(() => {
  const points = readPoints(args.points, args.pointsShown);
  const reports: ReadReport[] = [];
  for (const input of args.inputs) {
    const files = reportFiles(input, (d) => readdirSync(d), kind);
    if (files.length === 0)
      throw new BadInputError(`${shown(input)} holds no grade report (a report file, a student directory with latest.xml, or a directory of them)`);
    for (const f of files) {
      const r = readGradeReport(f);
      if (typeof r === 'string') throw new BadInputError(`${shown(f)} is refused: ${r}`);
      reports.push({ ...r, path: shown(f) });
    }
  }
  return buildGradebook(reports, points);
}, "give each student's full grade report of this lesson, written by this harness (npm run grade), once");

writeReport(args.csv, gradebookCsv(book));
const pageDir = dirname(args.html);
writeReport(
  args.html,
  gradebookHtml(book, (report) => relative(pageDir, report).split('/').map(encodeURIComponent).join('/'), new Date()),
);

const flagged = book.rows.filter((r) => r.flags.length > 0);
const ungradable = book.rows.filter((r) => r.score === undefined);
process.stdout.write(`gradebook: ${book.rows.length} students, points from ${book.points.file}\n  ${shown(args.csv)}\n  ${shown(args.html)}\n`);
for (const r of ungradable) process.stdout.write(`ungradable: ${r.student}: ${r.ungradable ?? ''}\n`);
for (const r of flagged) for (const f of r.flags) process.stdout.write(`flagged: ${r.student}: ${f}\n`);
if (flagged.length > 0)
  fail(
    `${flagged.length} report(s) flagged (listed above, and in the flags column); the gradebook was written`,
    'look at those reports and labs before using their scores',
    1,
  );
