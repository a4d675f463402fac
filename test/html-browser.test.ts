import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, ROOT, runCliProcess } from './helpers.js';

// A real browser: Debian's Chromium, driven by playwright-core, opens the HTML report of the bundled
// example sets with every network request blocked. .ci/run installs chromium; without it this fails.
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(ROOT, 'test-results');

let browser: Browser;
let page = '';
let report: any;
let markdown = '';
let dir = '';

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (the CI script does)`).toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'embedding-gate-html-'));
  const run = runCliProcess([
    'compare', '--reference', join(EXAMPLES, 'reference.npy'), '--candidate', join(EXAMPLES, 'candidate-patch.jsonl'),
    '--reference-manifest', join(EXAMPLES, 'reference.manifest.json'), '--candidate-manifest', join(EXAMPLES, 'candidate-patch.manifest.json'),
    '--html', join(dir, 'report.html'), '--format', 'json', '--output', join(dir, 'report.json'),
  ], dir);
  expect(run.code, run.stderr).toBe(0);
  page = join(dir, 'report.html');
  report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  markdown = runCliProcess(['render', join(dir, 'report.json'), '--format', 'markdown'], dir).stdout;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens the report with every request other than the page itself blocked; returns the page, its errors and the blocked requests. */
async function open(path: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1600 } });
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    if (route.request().url() === `file://${path}`) return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  const tab = await context.newPage();
  const errors: string[] = [];
  tab.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  tab.on('pageerror', (error) => errors.push(String(error)));
  await tab.goto(`file://${path}`);
  return { tab, errors, blocked, context };
}

describe('the HTML report in headless Chromium', () => {
  it('renders both maps, the joint view and every chart with the data’s point and bar counts, offline, without errors', async () => {
    const { tab, errors, blocked, context } = await open(page);
    const maps = report.maps;
    const count = (selector: string) => tab.locator(selector).count();
    expect(await count('svg[data-map="reference"] circle.p')).toBe(maps.points.ids.length);
    expect(await count('svg[data-map="candidate"] circle.p')).toBe(maps.points.ids.length);
    expect(await count('svg[data-map="joint"] circle.p')).toBe(2 * maps.joint.points.length);
    expect(await count('svg[data-map="joint"] line.move')).toBe(maps.joint.moved.length);
    expect(await count('svg[data-chart="overlap-histogram"] rect.bar')).toBe(report.metrics.knnOverlap.k + 1);
    expect(await count('svg[data-chart="cluster-shift"] rect.bar')).toBe(report.metrics.centroid.clusters.length);
    expect(await count('svg[data-chart="cluster-overlap"] rect.bar')).toBe(maps.clusters.length);
    // The SVGs are laid out (not empty boxes).
    const box = await tab.locator('svg[data-map="reference"]').boundingBox();
    expect(box!.width).toBeGreaterThan(200);
    expect(box!.height).toBeGreaterThan(200);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await tab.screenshot({ path: join(SCREENSHOTS, 'html-report.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);
    await context.close();
  });

  it('hovering a point shows its id, text and overlap; clicking a ringed one lists its old and new neighbours', async () => {
    const { tab, errors, context } = await open(page);
    // A ringed point that nothing covers at its centre, so the real pointer lands on it.
    const index = await tab.evaluate(() => {
      for (const circle of Array.from(document.querySelectorAll('svg[data-map="candidate"] circle.p.worst'))) {
        const box = circle.getBoundingClientRect();
        if (document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === circle) return Number((circle as SVGElement).dataset.i);
      }
      return -1;
    });
    expect(index).toBeGreaterThanOrEqual(0);
    const point = tab.locator(`svg[data-map="candidate"] circle[data-i="${index}"]`);
    await point.hover();
    const tooltip = tab.locator('#tooltip');
    await expect.poll(() => tooltip.isVisible()).toBe(true);
    expect(await tooltip.locator('strong').textContent()).toBe(report.maps.points.ids[index]);
    expect(await tooltip.textContent()).toContain('kNN overlap: ');
    // The same item is ringed in every map.
    expect(await tab.locator(`circle.hl[data-i="${index}"]`).count()).toBeGreaterThanOrEqual(2);
    await point.click();
    const panel = tab.locator('#neighbours');
    expect(await panel.locator('h3').textContent()).toBe(report.maps.points.ids[index]);
    const worst = report.metrics.knnOverlap.worst.find((item: any) => item.id === report.maps.points.ids[index]);
    expect(worst, 'every ringed point is one of the report’s lowest-overlap items').toBeTruthy();
    expect(await panel.locator('ol').first().locator('li').allTextContents()).toEqual(worst.referenceNeighbours);
    expect(await panel.locator('ol').nth(1).locator('li').allTextContents()).toEqual(worst.candidateNeighbours);
    // Every one of them is on the maps, ringed.
    expect(await tab.locator('svg[data-map="reference"] circle.worst').count()).toBe(report.metrics.knnOverlap.worst.length);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the Content-Security-Policy blocks anything but the page’s own script and style', async () => {
    const html = readFileSync(page, 'utf8');
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(html).not.toMatch(/unsafe-inline|unsafe-eval|https?:\/\//);
    expect((html.match(/<script>/g) ?? []).length).toBe(1);
  });

  it('the Mermaid chart of the PR comment parses with the mermaid package', async () => {
    const block = /```mermaid\n([\s\S]*?)\n```/.exec(markdown)?.[1];
    expect(block).toMatch(/^xychart-beta\n/);
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.setContent('<!doctype html><html><body></body></html>');
    await tab.addScriptTag({ path: join(ROOT, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js') });
    const parse = (text: string) =>
      tab.evaluate(async (source) => {
        try {
          return { ok: Boolean(await (globalThis as any).mermaid.parse(source)) };
        } catch (error) {
          return { ok: false, error: String(error) };
        }
      }, text);
    expect(await parse(block!)).toEqual({ ok: true });
    // The check can fail: a broken chart is refused.
    expect((await parse(block!.replace('bar [', 'bar ['.slice(0, 3)))).ok).toBe(false);
    await context.close();
  });
});
