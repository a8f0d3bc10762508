import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Debian's chromium (apt-get install chromium); playwright-core drives it, it downloads no browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless, and nothing that would reach the network on its own. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface PageVisit {
  /** Console messages of type error, uncaught page errors, and any request that is not the file itself. */
  readonly problems: string[];
  readonly text: string;
  /** Elements per CSS selector, counted in the rendered page. */
  readonly counts: Record<string, number>;
}

/** Opens a local HTML file in a fresh profile, screenshots the whole page, and reports what went wrong. */
export async function visit(file: string, screenshot: string, selectors: readonly string[]): Promise<PageVisit> {
  const profile = mkdtempSync(join(tmpdir(), 'annotated-lesson-selftest-chromium-'));
  const url = pathToFileURL(file).href;
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  const problems: string[] = [];
  try {
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (r.url() !== url) problems.push(`request to ${r.url()}`);
    });
    await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
    await page.screenshot({ path: screenshot, fullPage: true });
    const counts: Record<string, number> = {};
    for (const s of selectors) counts[s] = await page.locator(s).count();
    return { problems, text: await page.innerText('body'), counts };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
