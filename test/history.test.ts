import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendHistory, parseHistory, releaseRecords } from '../src/history/history-file.js';
import { historyRecord, type HistoryRecord } from '../src/history/history-record.js';
import { historyTable } from '../src/render/history-table.js';
import { renderHistoryHtml } from '../src/render/html/history-html.js';
import { EXAMPLES, runCliProcess } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const SHA = (digit: string) => digit.repeat(40);

function record(overrides: Omit<Partial<HistoryRecord>, 'metrics'> & { metrics?: Partial<HistoryRecord['metrics']> } = {}): HistoryRecord {
  const base = historyRecord(
    { kind: 'release', date: new Date('2026-11-01T12:00:00Z'), version: '1.0.0', tag: 'embeddings-v1.0.0', commit: SHA('a'), repositoryUrl: 'https://github.com/o/r', pullRequest: null, base: null, bump: 'initial' },
    null,
  );
  return { ...base, ...overrides, metrics: { ...base.metrics, ...overrides.metrics } };
}

describe('the history file', () => {
  it('appends a line, keeps earlier lines byte for byte, and does not add a rerun twice', () => {
    const first = appendHistory('', 'h.jsonl', record())!;
    expect(first.split('\n')).toHaveLength(2);
    // Earlier lines are kept as written (spacing and key order included); a missing final newline is added.
    const edited = first.trimEnd().replace('"kind":"release"', '"kind": "release"');
    const second = appendHistory(edited, 'h.jsonl', record({ version: '1.1.0', tag: 'embeddings-v1.1.0', commit: SHA('b'), bump: 'minor', metrics: { knnOverlap: 0.8 } }))!;
    expect(second.startsWith(`${edited}\n`)).toBe(true);
    expect(parseHistory(second, 'h.jsonl').map((r) => r.version)).toEqual(['1.0.0', '1.1.0']);
    expect(appendHistory(second, 'h.jsonl', record({ version: '1.1.0', tag: 'embeddings-v1.1.0', commit: SHA('b'), date: '2026-12-01T00:00:00.000Z' }))).toBeNull();
  });

  it('refuses a damaged or forged line, naming the file, the line and the field', () => {
    const good = JSON.stringify(record());
    expect(() => parseHistory(`${good}\n\n{"schemaVersion":1`, 'h.jsonl')).toThrow(/^h\.jsonl line 3: not valid JSON/);
    const forged = { ...record(), commitUrl: 'javascript:alert(1)//commit/' + SHA('a') };
    expect(() => parseHistory(`${good}\n${JSON.stringify(forged)}\n`, 'h.jsonl')).toThrow(/h\.jsonl line 2: not an embedding-gate history record: commitUrl is not in the expected form/);
    expect(() => parseHistory(JSON.stringify({ ...record(), tag: '<img src=x>' }), 'h.jsonl')).toThrow(/line 1: .*tag is not in the expected form/);
    expect(() => parseHistory(JSON.stringify({ ...record(), extra: 1 }), 'h.jsonl')).toThrow(/the top level has the unknown field "extra"/);
    expect(() => appendHistory('not json\n', 'h.jsonl', record())).toThrow(/h\.jsonl line 1: not valid JSON/);
  });

  it('the comment table escapes every value and links only a commit page', () => {
    const forged = [
      record({ version: '1.0.0', date: '2026-11-01T12:00:00Z', bump: 'initial' }),
      // Renderers never trust validation: an unvalidated record with payloads in every string.
      { ...record(), version: '<img src=x onerror=alert(1)> @everyone [x](https://evil.example)', commitUrl: 'https://evil.example/a/b/commit/x) [y](https://evil.example' } as HistoryRecord,
    ];
    const table = historyTable(forged, null).toString();
    expect(table).toContain(`[1.0.0](https://github.com/o/r/commit/${SHA('a')})`);
    expect(table).not.toContain('<img');
    expect(table).not.toContain('(https://evil');
    expect(table).not.toMatch(/@everyone/);
    expect(table).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('releaseRecords keeps releases in order, the last few when asked', () => {
    const records = ['1.0.0', '1.0.1', '1.1.0'].map((version, i) => record({ version, commit: SHA(String(i + 1)) }));
    const gate = record({ kind: 'gate', pullRequest: 7 });
    expect(releaseRecords([records[0]!, gate, records[1]!, records[2]!], 2).map((r) => r.version)).toEqual(['1.0.1', '1.1.0']);
  });
});

describe('embedding-gate history, run as a process', () => {
  let dir = '';
  let browser: Browser;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'embedding-gate-history-'));
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (the CI script does)`).toBe(true);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends records from real reports, prints the table and writes a page whose trends have a linked point per release, in Chromium', async () => {
    const compare = (candidate: string, manifest: string, out: string) =>
      runCliProcess(['compare', '--reference', join(EXAMPLES, 'reference.npy'), '--candidate', join(EXAMPLES, candidate), '--reference-manifest', join(EXAMPLES, 'reference.manifest.json'), '--candidate-manifest', join(EXAMPLES, manifest), '--format', 'json', '--output', out], dir);
    expect(compare('candidate-patch.jsonl', 'candidate-patch.manifest.json', 'patch.json').code).toBe(0);
    expect(compare('candidate-minor.csv', 'candidate-minor.manifest.json', 'minor.json').code).toBe(0);
    const append = (report: string, version: string, digit: string, date: string) =>
      runCliProcess(['history', 'history.jsonl', '--append', report, '--version', version, '--tag', `embeddings-v${version}`, '--commit', SHA(digit), '--repository-url', 'https://github.com/acme/search', '--base', 'embeddings-v1.0.0', '--date', date], dir);
    const first = append('patch.json', '1.0.1', '1', '2026-11-02T09:00:00Z');
    expect(first.stderr).toBe('embedding-gate: appended a release record (1.0.1) to history.jsonl\n');
    expect(append('minor.json', '1.1.0', '2', '2026-11-09T09:00:00Z').code).toBe(0);
    const again = append('minor.json', '1.1.0', '2', '2026-11-10T09:00:00Z');
    expect(again.stderr).toMatch(/already holds this run/);
    const lines = readFileSync(join(dir, 'history.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const patchReport = JSON.parse(readFileSync(join(dir, 'patch.json'), 'utf8'));
    expect(JSON.parse(lines[0]!).metrics).toEqual({
      knnOverlap: patchReport.metrics.knnOverlap.mean,
      cka: patchReport.metrics.cka.linear,
      pairedCosine: patchReport.metrics.paired.cosineMean,
      crossTop1: patchReport.metrics.crossRetrieval.top1,
      meanInterCentroidDistance: patchReport.metrics.centroid.meanInterCentroidDistance.candidate,
      interCentroidChange: patchReport.metrics.centroid.meanInterCentroidDistance.relativeChange,
    });

    const printed = runCliProcess(['history', 'history.jsonl', '--html', 'history.html'], dir);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toMatch(/^embedding-gate drift history: 2 release\(s\), 0 gate run\(s\)\n\nkind +version +date \(UTC\) +bump/);
    expect(printed.stdout).toMatch(/release +1\.1\.0 +2026-11-09 09:00 +minor +pass/);

    const path = join(dir, 'history.html');
    const context = await browser.newContext();
    const blocked: string[] = [];
    await context.route('**/*', (route) => (route.request().url() === `file://${path}` ? route.continue() : (blocked.push(route.request().url()), route.abort())));
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
    tab.on('pageerror', (error) => errors.push(String(error)));
    await tab.goto(`file://${path}`);
    const charts = await tab.$$eval('svg[data-chart]', (svgs) => svgs.map((svg) => ({ name: svg.getAttribute('data-chart'), points: svg.querySelectorAll('circle.point').length, links: Array.from(svg.querySelectorAll('a')).map((a) => a.getAttribute('href')), box: svg.getBoundingClientRect().width })));
    expect(charts.map((chart) => chart.name)).toEqual(['knn-overlap', 'cka', 'inter-centroid']);
    for (const chart of charts) {
      expect(chart.points).toBe(2);
      expect(chart.links).toEqual([`https://github.com/acme/search/commit/${SHA('1')}`, `https://github.com/acme/search/commit/${SHA('2')}`]);
      expect(chart.box).toBeGreaterThan(200);
    }
    expect(await tab.$$eval('table[data-table="history"] tbody tr', (rows) => rows.length)).toBe(2);
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);
    await context.close();
  }, 120_000);

  it('a forged history is refused with its line; a forged record rendered anyway stays inert in Chromium', async () => {
    writeFileSync(join(dir, 'forged.jsonl'), `${JSON.stringify(record())}\n${JSON.stringify({ ...record(), version: '<script>alert(1)</script>' })}\n`);
    const run = runCliProcess(['history', 'forged.jsonl', '--html', 'forged.html'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^embedding-gate: error: forged\.jsonl line 2: not an embedding-gate history record: version is not in the expected form/);
    expect(existsSync(join(dir, 'forged.html'))).toBe(false);

    const payload = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>';
    const forged = [record(), { ...record(), version: payload, tag: payload, base: payload, date: `2026-11-02T00:00:00Z${payload}`, commitUrl: 'javascript:document.title="pwned"', driftBudget: { anchor: payload, knnOverlap: 0.5, cka: 0.9, status: 'fail' } } as HistoryRecord];
    const path = join(dir, 'inert.html');
    writeFileSync(path, renderHistoryHtml(forged));
    const tab = await browser.newPage();
    await tab.goto(`file://${path}`);
    expect(await tab.title()).toBe('embedding-gate: drift history');
    expect(await tab.$$eval('script, img', (nodes) => nodes.length)).toBe(0);
    expect(await tab.$$eval('a', (links) => links.map((a) => a.getAttribute('href')).filter((href) => !href!.startsWith('https://github.com/o/r/commit/')))).toEqual([]);
    expect(await tab.textContent('body')).toContain('<script>document.title="pwned"</script>');
    await tab.close();
  }, 60_000);
});
