import { XMLParser } from 'fast-xml-parser';
import { existsSync, readFileSync } from 'node:fs';

export interface Property {
  readonly name: string;
  readonly value: string;
}

/** One <testcase> as selftest asserts on it. */
export interface ReportedCase {
  readonly suite: string;
  readonly name: string;
  readonly state: 'passed' | 'failed' | 'error' | 'skipped';
  /** The message attribute of <failure>/<error>/<skipped>. */
  readonly message: string | undefined;
  /** The type attribute of <failure>/<error>. */
  readonly type: string | undefined;
  /** The body of <failure>/<error>: diagnosis, fix and transcript. */
  readonly body: string;
  /**
   * The test's own facts (test-id, lesson.step, erratum, harness.adjustment, file, full name): the schema
   * allows no <properties> in a testcase, so the report writes them as the first "key: value"
   * lines of its <system-out>.
   */
  readonly properties: readonly Property[];
  readonly systemOut: string;
  /** The <properties> of the testcase's testsuite: run facts and the section's errata. */
  readonly suiteProperties: readonly Property[];
}

interface XmlText {
  '#text'?: string | number;
  message?: string;
  type?: string;
}
interface XmlNode {
  name: string;
  failure?: XmlText | string;
  error?: XmlText | string;
  skipped?: XmlText | string;
  'system-out'?: string | number;
}
interface XmlSuite {
  name: string;
  properties?: { property?: XmlProp | XmlProp[] };
  testcase?: XmlNode | XmlNode[];
}
interface XmlProp {
  name: string;
  value?: string;
}

const text = (n: XmlText | string | undefined): string => (typeof n === 'string' ? n : String(n?.['#text'] ?? ''));
const attr = (n: XmlText | string | undefined, a: 'message' | 'type'): string | undefined => (typeof n === 'object' ? n[a] : undefined);

/** The leading "key: value" lines of a testcase's system-out, up to the first blank line. */
export function outputProperties(systemOut: string): Property[] {
  const head = systemOut.split('\n\n')[0] ?? '';
  return head
    .split('\n')
    .map((l) => /^([a-z][\w. -]*): (.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1] ?? '', value: m[2] ?? '' }));
}

/** The one JUnit reader of selftest; an absent file is an empty list. */
export function readJUnit(path: string): ReportedCase[] {
  if (!existsSync(path)) return [];
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, trimValues: false }).parse(
    readFileSync(path, 'utf8'),
  );
  const suites = [doc.testsuites?.testsuite ?? []].flat() as XmlSuite[];
  return suites.flatMap((s) => {
    const suiteProperties = [s.properties?.property ?? []].flat().map((p) => ({ name: p.name, value: p.value ?? '' }));
    return [s.testcase ?? []].flat().map((c): ReportedCase => {
      const systemOut = String(c['system-out'] ?? '');
      const verdict = c.failure ?? c.error ?? c.skipped;
      const state = c.failure !== undefined ? 'failed' : c.error !== undefined ? 'error' : c.skipped !== undefined ? 'skipped' : 'passed';
      return {
        suite: s.name,
        name: c.name,
        state,
        message: attr(verdict, 'message'),
        type: attr(verdict, 'type'),
        body: c.failure !== undefined || c.error !== undefined ? text(verdict) : '',
        properties: outputProperties(systemOut),
        systemOut,
        suiteProperties,
      };
    });
  });
}
