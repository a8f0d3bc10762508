import { readFileSync, statSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { BadInputError } from '../errors.js';
import type { CheckState } from '../grade/points.js';
import { recordFromProperties, type GradeRecord } from './grade-record.js';

/** One check as the report's <testcase> shows it: the verdict and, when it did not pass, the diagnosis line. */
interface ReportedCheck {
  readonly id: string;
  readonly name: string;
  readonly state: CheckState | 'error';
  /** The <failure>/<error>/<skipped> message: "expected …; seen …", or why it was not checked. */
  readonly message: string;
}

/** A student's grade report as npm run gradebook reads it. */
export interface ReadReport {
  readonly path: string;
  readonly record: GradeRecord;
  /** The digest the report carries (compare with recordDigest(record)). */
  readonly digest: string;
  readonly suiteNames: readonly string[];
  readonly checks: readonly ReportedCheck[];
  /** The suite's environment properties (kernel, runtime.version, …), beside the record's evidence. */
  readonly environment: Readonly<Record<string, string>>;
}

/** Far above any real report (a few KiB); a larger file is not one. */
const MAX_BYTES = 8 * 1024 * 1024;

interface XmlProp {
  name?: string | number;
  value?: string | number;
}
interface XmlOutcome {
  message?: string | number;
}
interface XmlCase {
  name?: string | number;
  failure?: XmlOutcome | string;
  error?: XmlOutcome | string;
  skipped?: XmlOutcome | string;
}
interface XmlSuite {
  name?: string | number;
  properties?: { property?: XmlProp[] };
  testcase?: XmlCase[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});

const msg = (o: XmlOutcome | string | undefined): string => (typeof o === 'object' ? String(o.message ?? '') : '');
const CHECK_NAME = /^([a-z0-9][a-z0-9-]*): /;

function caseOf(c: XmlCase): ReportedCheck | undefined {
  const name = String(c.name ?? '');
  const id = CHECK_NAME.exec(name)?.[1];
  if (id === undefined) return undefined;
  if (c.error !== undefined) return { id, name, state: 'error', message: msg(c.error) };
  if (c.failure !== undefined) return { id, name, state: 'fail', message: msg(c.failure) };
  if (c.skipped !== undefined) return { id, name, state: 'not checked', message: msg(c.skipped) };
  return { id, name, state: 'pass', message: '' };
}

/** Reads one report; a string is why it is not a grade report of this harness. */
export function readGradeReport(path: string): ReadReport | string {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) return 'it is not a regular file';
    if (st.size > MAX_BYTES) return `it is ${st.size} bytes, far more than a grade report`;
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return `it cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  let doc: { testsuites?: { name?: string; testsuite?: XmlSuite[] } };
  try {
    doc = parser.parse(text, true) as typeof doc;
  } catch (e) {
    return `it is not XML (${(e as Error).message.split('\n')[0] ?? ''})`;
  }
  const suites = doc.testsuites?.testsuite ?? [];
  if (suites.length === 0) return 'it is not a JUnit report (no <testsuites><testsuite>)';
  const graded = suites.find((s) => (s.properties?.property ?? []).some((p) => p.name === 'grade.student'));
  if (graded === undefined) return 'it has no grade.student property: a lesson suite report, or one written before grade records existed';
  const props = (graded.properties?.property ?? []).map((p) => ({ name: String(p.name ?? ''), value: String(p.value ?? '') }));
  const parsed = recordFromProperties(props);
  if (typeof parsed === 'string') return parsed;
  return {
    path,
    record: parsed.record,
    digest: parsed.digest,
    suiteNames: suites.map((s) => String(s.name ?? '')),
    checks: suites.flatMap((s) => (s.testcase ?? []).map(caseOf).filter((c): c is ReportedCheck => c !== undefined)),
    environment: Object.fromEntries(
      ['target', 'distro', 'runtime', 'runtime.version', 'iproute2', 'kernel', 'busybox'].map((n) => [
        n,
        props.find((p) => p.name === n)?.value ?? '',
      ]),
    ),
  };
}

/**
 * The reports a path stands for: a file is itself; a student's directory is its latest.xml; a
 * class directory (reports/grade) is every student directory's latest.xml; a flat directory of
 * collected reports is its *.xml. Earlier runs in a student's history are never counted.
 */
export function reportFiles(path: string, list: (dir: string) => string[], kind: (path: string) => 'file' | 'dir' | 'none'): string[] {
  const k = kind(path);
  if (k === 'file') return [path];
  if (k === 'none') return [];
  if (kind(`${path}/latest.xml`) === 'file') return [`${path}/latest.xml`];
  const names = list(path).sort();
  const latest = names.map((n) => `${path}/${n}/latest.xml`).filter((p) => kind(p) === 'file');
  if (latest.length > 0) {
    // A student directory whose latest.xml is gone would otherwise drop out of the class table unnoticed.
    const without = names.filter(
      (n) => kind(`${path}/${n}`) === 'dir' && kind(`${path}/${n}/latest.xml`) !== 'file' && list(`${path}/${n}`).some((f) => f.endsWith('.xml')),
    );
    if (without.length > 0)
      throw new BadInputError(
        `${path}/${without[0] ?? ''} holds reports but no latest.xml: instead of ${path}, give that student's report file and the other students' directories`,
      );
    return latest;
  }
  return names
    .filter((n) => n.endsWith('.xml'))
    .map((n) => `${path}/${n}`)
    .filter((p) => kind(p) === 'file');
}
