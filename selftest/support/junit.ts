import { XMLParser } from 'fast-xml-parser';
import { existsSync, readFileSync } from 'node:fs';

/** One <testcase> as selftest asserts on it. */
export interface ReportedCase {
  readonly suite: string;
  readonly name: string;
  readonly state: 'passed' | 'failed' | 'error' | 'skipped';
  /** The message attribute of <failure>/<error>, or the skip's message. */
  readonly message: string | undefined;
  /** The body of <failure>/<error>: diagnosis, fix and transcript. */
  readonly body: string;
  readonly properties: ReadonlyArray<{ name: string; value: string }>;
}

interface XmlNode {
  name: string;
  failure?: { message?: string; '#text'?: string };
  error?: { message?: string; type?: string; '#text'?: string };
  skipped?: { message?: string } | string;
  properties?: { property?: XmlProp | XmlProp[] };
}
interface XmlProp {
  name: string;
  value?: string;
  '#text'?: string;
}

/** The one JUnit reader of selftest; an absent file is an empty list. */
export function readJUnit(path: string): ReportedCase[] {
  if (!existsSync(path)) return [];
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(path, 'utf8'));
  const suites = [doc.testsuites?.testsuite ?? []].flat() as Array<{ name: string; testcase?: XmlNode | XmlNode[] }>;
  return suites.flatMap((s) =>
    [s.testcase ?? []].flat().map((c): ReportedCase => {
      const properties = [c.properties?.property ?? []].flat().map((p) => ({ name: p.name, value: p.value ?? p['#text'] ?? '' }));
      const skipMessage = typeof c.skipped === 'object' ? c.skipped.message : undefined;
      const state = c.failure ? 'failed' : c.error ? 'error' : c.skipped !== undefined ? 'skipped' : 'passed';
      return {
        suite: s.name,
        name: c.name,
        state,
        message: c.failure?.message ?? c.error?.message ?? skipMessage ?? properties.find((p) => p.name === 'skip.reason')?.value,
        body: c.failure?.['#text'] ?? c.error?.['#text'] ?? '',
        properties,
      };
    }),
  );
}
