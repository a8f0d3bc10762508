import Token from 'markdown-it/lib/token.mjs';
import { markdown, type LessonDocument } from '../lesson/document.js';
import { formatErratum, type Erratum } from '../lesson/errata.js';
import { ADJUSTMENTS } from '../lesson/adjustments.js';
import {
  describeMark,
  formatClaimCoverage,
  formatCoverage,
  MARK_SYMBOL,
  type AnnotatedLesson,
  type ItemMark,
  type MarkKind,
} from './lesson-marks.js';

/** Facts about the run printed at the top of both reports. */
export interface RunFacts {
  readonly generated: string;
  readonly target: string;
  readonly runtime: string;
  readonly selection: string;
}

const LEGEND: ReadonlyArray<[MarkKind, string]> = [
  ['verbatim', 'ran as written and passed (or, for a claim: checked and holds)'],
  ['adjusted', 'ran with an adjustment (which, and why)'],
  ['failed', 'a test that runs or checks it failed'],
  ['changed', "changed in the lesson: the line's text, through its adjustment, no longer gives what the test ran (the difference)"],
  ['erratum', 'erratum: what really happens here differs from the text (with evidence)'],
  ['not-executable', 'not executable here (why)'],
  ['unproven', "declared by a test, but the test's transcript does not show it"],
  ['not-selected', 'not run in this selection (--grep)'],
  ['not-run', 'not run by any test'],
];

/** Extra lines under a mark: what else ran it, and each erratum's evidence. */
function details(m: ItemMark): string[] {
  const out: string[] = [];
  if (m.kind !== 'verbatim' && m.verbatim.length > 0) out.push(`ran as written in: ${m.verbatim.join('; ')}`);
  if (m.kind !== 'adjusted' && m.adjusted.length > 0)
    out.push(`ran with adjustment in: ${m.adjusted.map((a) => `${a.test} (${a.adjustment}: ${ADJUSTMENTS[a.adjustment].reason})`).join('; ')}`);
  if (m.kind === 'adjusted' || m.kind === 'verbatim') {
    const all = m.kind === 'adjusted' ? m.adjusted.map((a) => a.test) : m.verbatim;
    if (all.length > 2) out.push(`all tests: ${[...new Set(all)].join('; ')}`);
  }
  if (m.kind !== 'checked' && m.checkedBy.length > 0) out.push(`checked by: ${m.checkedBy.join('; ')}`);
  for (const e of m.errata) out.push(`${e.id}: the lesson says ${e.claim}; observed: ${e.observed}; evidence: ${e.evidence.trim()}`);
  if (m.kind !== 'unproven' && m.unproven.length > 0) out.push(`declared but not in the transcript: ${m.unproven.join('; ')}`);
  return out;
}

const firstLine = (text: string): string => {
  const lines = text.trim().split('\n');
  return lines.length > 1 ? `${lines[0] ?? ''} …` : (lines[0] ?? '');
};

function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${longest > 0 ? ' ' : ''}${text}${longest > 0 ? ' ' : ''}${fence}`;
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

function markdownMarks(marks: readonly ItemMark[]): string[] {
  const out = ['', '> **Harness annotations**', '>'];
  for (const m of marks) {
    const what = m.item.kind === 'command' || m.item.kind === 'claim' ? ` ${codeSpan(firstLine(m.item.text))}` : '';
    out.push(`> - ${MARK_SYMBOL[m.kind]} \`${m.item.id}\`${what} — ${oneLine(describeMark(m))}`);
    for (const d of details(m)) out.push(`>   - ${oneLine(d)}`);
  }
  out.push('');
  return out;
}

const shown = (a: AnnotatedLesson): ItemMark[] => a.marks.filter((m) => m.kind !== 'unmarked');

function groupByBlockEnd(a: AnnotatedLesson): Map<number, ItemMark[]> {
  const byEnd = new Map<number, ItemMark[]>();
  for (const m of shown(a)) byEnd.set(m.item.blockEnd, [...(byEnd.get(m.item.blockEnd) ?? []), m]);
  return byEnd;
}

function errataSection(errata: readonly Erratum[], heading: string): string[] {
  if (errata.length === 0) return [];
  return [`## ${heading}`, '', ...errata.map((e) => ['```text', formatErratum(e), '```', ''].join('\n'))];
}

/** reports/lesson.md: the lesson's own text, each annotated block followed by its marks. */
export function renderLessonMarkdown(doc: LessonDocument, a: AnnotatedLesson, facts: RunFacts): string {
  const byEnd = groupByBlockEnd(a);
  const lines = doc.source.replace(/\n$/, '').split('\n');
  const out = [
    `<!-- annotated lesson, generated ${facts.generated} from ${doc.path}; target ${facts.target}, runtime ${facts.runtime}, ${facts.selection} -->`,
    '',
    '> **Annotated by the lesson 06 harness.** Marks: ' + LEGEND.map(([k, text]) => `${MARK_SYMBOL[k]} ${text}`).join(' · '),
    '',
  ];
  lines.forEach((line, i) => {
    out.push(line);
    const marks = byEnd.get(i + 1);
    if (marks) out.push(...markdownMarks(marks));
  });
  const observed = [...new Map(a.marks.flatMap((m) => m.errata).map((e) => [e.id, e])).values()];
  out.push(
    '',
    '---',
    '',
    '# Harness summary',
    '',
    ...errataSection(observed, 'Errata placed on lesson lines'),
    ...errataSection(a.unplacedErrata, 'Errata not placed on a lesson line'),
  );
  if (a.problems.length > 0) out.push("## Problems in the harness's own bookkeeping", '', ...a.problems.map((p) => `- ${p}`), '');
  out.push(formatClaimCoverage(a.coverage), '', formatCoverage(a.coverage), '');
  return out.join('\n');
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function markHtml(m: ItemMark): string {
  const more = details(m);
  const body = `<span class="sym">${MARK_SYMBOL[m.kind]}</span> <code class="id">${esc(m.item.id)}</code> ${esc(describeMark(m))}`;
  return more.length === 0
    ? `<div class="mark m-${m.kind}">${body}</div>`
    : `<details class="mark m-${m.kind}"><summary>${body}</summary><ul>${more.map((d) => `<li>${esc(d)}</li>`).join('')}</ul></details>`;
}

const CSS = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1f24;background:#fff}
h1,h2,h3,h4{line-height:1.25}
pre{background:#f4f5f7;padding:.6rem .8rem;border-radius:6px;overflow-x:auto}
code{font:13px/1.45 ui-monospace,"DejaVu Sans Mono",monospace}
table.lines{border-collapse:collapse;width:100%;table-layout:fixed;background:#f4f5f7;border-radius:6px;margin:1rem 0}
table.lines td{vertical-align:top;padding:.1rem .6rem}
table.lines td.code{white-space:pre-wrap;overflow-wrap:anywhere;width:52%;font:13px/1.45 ui-monospace,"DejaVu Sans Mono",monospace}
table.lines td.note{border-left:1px solid #d0d4da;width:48%}
.mark{margin:.1rem 0;padding:.1rem .4rem;border-radius:4px;font-size:13px}
.mark summary{cursor:pointer}
.mark ul{margin:.3rem 0 .3rem 1.2rem;padding:0}
.marks{margin:.3rem 0 1rem}
.sym{font-weight:bold}
.id{font-size:12px;color:#57606a}
.m-verbatim,.m-checked{background:#dafbe1}
.m-adjusted{background:#fff8c5}
.m-failed{background:#ffd8d3}
.m-erratum{background:#ffe7c2}
.m-not-executable{background:#e7e9ec}
.m-unproven,.m-not-run,.m-changed{background:#ffd8d3}
.m-not-selected{background:#f0f1f3;color:#57606a}
.summary{border:1px solid #d0d4da;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.coverage{font-weight:bold}
`;

/** reports/lesson.html: one self-contained page (inline CSS, no script, no network). */
export function renderLessonHtml(doc: LessonDocument, a: AnnotatedLesson, facts: RunFacts): string {
  const md = markdown();
  const byStart = new Map<number, ItemMark[]>();
  for (const m of shown(a)) byStart.set(m.item.blockStart, [...(byStart.get(m.item.blockStart) ?? []), m]);
  const tokens = md.parse(doc.source, {});
  // A claims list gets its marks right after it, as a block of its own.
  const withMarks: Token[] = [];
  const openLists: Array<{ marks: ItemMark[]; level: number }> = [];
  for (const t of tokens) {
    withMarks.push(t);
    const isOpen = t.type === 'ordered_list_open' || t.type === 'bullet_list_open';
    const isClose = t.type === 'ordered_list_close' || t.type === 'bullet_list_close';
    const marks = t.map ? byStart.get(t.map[0]) : undefined;
    if (isOpen && marks?.every((m) => m.item.kind === 'claim')) openLists.push({ marks, level: t.level });
    if (isClose && openLists.at(-1)?.level === t.level) {
      const mark = new Token('lesson_marks', 'div', 0);
      mark.meta = openLists.pop()?.marks;
      withMarks.push(mark);
    }
  }
  md.renderer.rules.lesson_marks = (ts, idx) => `<div class="marks">${((ts[idx]?.meta ?? []) as ItemMark[]).map(markHtml).join('')}</div>\n`;
  const defaultFence = md.renderer.rules.fence;
  md.renderer.rules.fence = (ts, idx, options, env, self) => {
    const t = ts[idx];
    const marks = t?.map ? byStart.get(t.map[0]) : undefined;
    const plain = defaultFence ? defaultFence(ts, idx, options, env, self) : `<pre><code>${esc(t?.content ?? '')}</code></pre>`;
    if (!t?.map || !marks) return plain;
    const lang = t.info.trim().split(/\s+/)[0] ?? '';
    if (lang !== 'bash' && lang !== 'sh') return `${plain}<div class="marks">${marks.map(markHtml).join('')}</div>\n`;
    const first = t.map[0] + 2; // 1-based document line of the fence's first content line
    const rows = t.content
      .replace(/\n$/, '')
      .split('\n')
      .map((line, i) => {
        const here = marks.filter((m) => m.item.line === first + i);
        return `<tr><td class="code">${esc(line) || ' '}</td><td class="note">${here.map(markHtml).join('')}</td></tr>`;
      });
    return `<table class="lines">${rows.join('')}</table>\n`;
  };
  const counts = new Map<MarkKind, number>();
  for (const m of a.marks) counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);
  const observed = [...new Map(a.marks.flatMap((m) => m.errata).map((e) => [e.id, e])).values()];
  const errataHtml = (list: readonly Erratum[], title: string): string =>
    list.length === 0 ? '' : `<h2>${esc(title)}</h2>${list.map((e) => `<pre>${esc(formatErratum(e))}</pre>`).join('')}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`Annotated: ${doc.title || doc.path}`)}</title>
<style>${CSS}</style>
</head>
<body>
<div class="summary">
<p><strong>Annotated by the lesson 06 harness</strong> — generated ${esc(facts.generated)} from <code>${esc(doc.path)}</code>; target ${esc(facts.target)}, runtime ${esc(facts.runtime)}, ${esc(facts.selection)}.</p>
<ul>${LEGEND.map(([k, text]) => `<li><span class="mark m-${k}"><span class="sym">${MARK_SYMBOL[k]}</span> ${esc(text)}</span> — ${counts.get(k) ?? 0}</li>`).join('')}</ul>
<p>${esc(formatClaimCoverage(a.coverage))}</p>
<p class="coverage">${esc(formatCoverage(a.coverage))}</p>
</div>
${md.renderer.render(withMarks, md.options, {})}
<hr>
<h1>Harness summary</h1>
${errataHtml(observed, 'Errata placed on lesson lines')}
${errataHtml(a.unplacedErrata, 'Errata not placed on a lesson line')}
${a.problems.length === 0 ? '' : `<h2>Problems in the harness's own bookkeeping</h2><ul>${a.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`}
<p>${esc(formatClaimCoverage(a.coverage))}</p>
<p class="coverage" id="coverage">${esc(formatCoverage(a.coverage))}</p>
</body>
</html>
`;
}
