import { formatPoints } from '../grade/points.js';
import type { Gradebook, GradebookRow } from './gradebook.js';

/**
 * The class table as one self-contained page: no script, no stylesheet or font from elsewhere, so
 * it opens from a file, a mail attachment or a CI artifact alike. Every text from a report is
 * escaped; links are relative to the page.
 */

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const MARK = { pass: '✓', fail: '✗', 'not checked': '–' } as const;

const pct = (n: number, of: number): string => (of === 0 ? '–' : `${Math.round((n / of) * 100)}%`);

function row(r: GradebookRow, href: (report: string) => string): string {
  const score =
    r.score === undefined
      ? `<td class="ungradable" title="${esc(r.ungradable ?? '')}">ungradable</td>`
      : `<td class="num">${formatPoints(r.score)}</td>`;
  const cells = r.checks
    .map(
      (c) =>
        `<td class="check ${c.state.replace(' ', '-')}" title="${esc(c.state === 'pass' ? 'pass' : `${c.state}: ${c.message}`)}">${MARK[c.state]}${r.score === undefined ? '' : ` ${formatPoints(c.points)}`}</td>`,
    )
    .join('');
  const flags = [...r.flags, ...(r.ungradable ? [`ungradable: ${r.ungradable}`] : []), ...r.notes].map((f) => `<li>${esc(f)}</li>`).join('');
  return `<tr class="student${r.flags.length > 0 ? ' flagged' : ''}" data-student="${esc(r.student)}"><th scope="row"><a href="${esc(href(r.report))}">${esc(r.student)}</a></th>${score}<td class="num">${formatPoints(r.max)}</td><td class="num">${r.score === undefined ? '–' : pct(r.score, r.max)}</td>${cells}<td class="flags">${flags === '' ? '' : `<ul>${flags}</ul>`}</td></tr>`;
}

export function gradebookHtml(book: Gradebook, href: (report: string) => string, generatedAt: Date): string {
  const head = book.checkIds
    .map((id) => `<th scope="col" class="check-head"><span>${esc(id)}</span><br><small>${formatPoints(book.points.weights[id] ?? 0)} pt</small></th>`)
    .join('');
  const rates = book.checks
    .map((c) => `<td class="rate" title="${c.failed} of ${c.graded} did not pass (${c.notChecked} not checked)">${pct(c.failed, c.graded)}</td>`)
    .join('');
  const flagged = book.rows.filter((r) => r.flags.length > 0);
  const diagnoses = book.checks
    .map(
      (c) =>
        `<tr class="diagnosis"><th scope="row">${esc(c.id)}</th><td class="num">${c.failed}/${c.graded}</td><td>${c.diagnosis ? `${esc(c.diagnosis.text)} <small>(${c.diagnosis.count} of ${c.diagnosis.of} failed)</small>` : c.notChecked > 0 ? `<small>not checked ${c.notChecked}× (a check it needs failed)</small>` : ''}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Gradebook: lesson 06, ${book.rows.length} students</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}
thead th{background:#f3f3f3}
.check-head span{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}
.num{text-align:right}
.check{text-align:center;white-space:nowrap}
.pass{background:#e6f4ea}.fail{background:#fce8e6}.not-checked{background:#f1f1f1;color:#666}
.ungradable{background:#fff4ce;font-weight:bold}
tr.flagged th{background:#fff4ce}
.flags ul{margin:0;padding-left:1.1em}.flags{max-width:38em;font-size:12px}
.rate{text-align:center;font-weight:bold}
</style></head><body>
<h1>Gradebook: lesson 06 (network integration)</h1>
<p>${book.rows.length} students; points from <code>${esc(book.points.file)}</code> (sha256 ${esc(book.points.sha256.slice(0, 12))}…); ${flagged.length} report(s) flagged; generated ${esc(generatedAt.toISOString())}.
✓ pass, ✗ fail, – not checked (scores 0, counts in the maximum). A flag is a reason to look, not a verdict: see README, "What the evidence can and cannot show".</p>
<table id="students"><thead><tr><th scope="col">student</th><th scope="col">score</th><th scope="col">max</th><th scope="col">%</th>${head}<th scope="col">flags</th></tr></thead>
<tbody>
${book.rows.map((r) => row(r, href)).join('\n')}
</tbody>
<tfoot><tr id="failure-rate"><th scope="row" colspan="4">did not pass</th>${rates}<td></td></tr></tfoot></table>
<h2>Per check: how many did not pass, and the most common diagnosis</h2>
<table id="checks"><thead><tr><th scope="col">check</th><th scope="col">not passed</th><th scope="col">most common diagnosis</th></tr></thead><tbody>
${diagnoses}
</tbody></table>
</body></html>
`;
}
