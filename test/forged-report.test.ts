import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commentBody } from '../src/action/comment.js';
import { runAction } from '../src/action/run-action.js';
import { InputError } from '../src/core/errors.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { renderText } from '../src/render/text.js';
import { validatePartialReport, validateReport } from '../src/report/generated/validators.js';
import { parseValidatedJson } from '../src/report/validate-json.js';
import type { Report } from '../src/report/report.js';
import { FakeClient, fakeRuntime } from './action-fakes.js';
import { exampleWorkspace } from './action-harness.js';
import { CLI, EXAMPLES, runCliProcess, tempDir } from './helpers.js';

// In the README's fork pattern the fork controls report.json (and merge partials). Every field of
// a real report is forged here, one at a time: the report must be refused, or render inert.

/** The attack of the issue, plus table breakers, a newline that starts a heading and a control sequence. */
const PAYLOAD = '<img src=x onerror=alert(1)> @everyone [x](https://evil.example) | cell | \n# heading\n\u001b[31mred www.evil.example';
const HUGE = 'A'.repeat(1024 * 1024);

/** Marks that must never appear in rendered markdown: each would be live markup, a ping or a link. */
function expectInertMarkdown(markdown: string, where: string): void {
  expect(markdown, `${where}: raw HTML`).not.toMatch(/<img/);
  expect(markdown, `${where}: a ping`).not.toMatch(/@everyone/);
  expect(markdown, `${where}: a link or autolink`).not.toMatch(/https:\/\/evil|(?<!\\)\[x(?<!\\)\]\(|(?<![\\])www\.evil/);
  expect(markdown, `${where}: a forged heading`).not.toMatch(/^\s*#+ heading/m);
  // eslint-disable-next-line no-control-regex
  expect(markdown, `${where}: a control character`).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  expect(markdown, `${where}: a 1 MB string`).not.toMatch(/A{1000}/);
  // Every table row keeps its header's number of cells.
  const lines = markdown.split('\n');
  let columns = 0;
  for (const line of lines) {
    if (!line.startsWith('|')) {
      columns = 0;
      continue;
    }
    const cells = line.replace(/\\\|/g, '').split('|').length;
    if (columns === 0) columns = cells;
    else expect(cells, `${where}: a table row with the wrong number of cells: ${line.slice(0, 120)}`).toBe(columns);
  }
}

/** The report the README's example writes, as JSON text. */
let reportJson: any;
beforeAll(() => {
  const dir = tempDir();
  const run = runCliProcess([
    'compare',
    '--reference', join(EXAMPLES, 'reference.npy'),
    '--candidate', join(EXAMPLES, 'candidate-broken.npy'),
    '--reference-manifest', join(EXAMPLES, 'reference.manifest.json'),
    '--candidate-manifest', join(EXAMPLES, 'candidate-broken.manifest.json'),
    '--format', 'json', '--output', join(dir, 'report.json'),
  ], dir);
  expect(run.code).toBe(1); // the broken example fails: breaches, checks and skipped lists are all filled
  // A release-aware run adds a drift budget and its breach: forged like every other field.
  reportJson = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  reportJson.driftBudget = { anchor: 'embeddings-v1.0.0', anchorVersion: '1.0.0', knnOverlap: 0.4, cka: 0.9, minKnnOverlap: 0.5, minCka: 0.8, status: 'fail', reason: null };
  reportJson.verdict.breaches.push({ metric: 'driftBudgetKnnOverlap', value: 0.4, limit: 0.5, level: 'fail', message: 'drift budget: kNN overlap 0.4000 against embeddings-v1.0.0 is below 0.5' });
  reportJson.noiseFloor = { baselines: [{ source: 'retrains/seed2.npy', knnOverlap: 0.61, knnOverlapSe: 0.004, cka: 0.94, interCentroidChange: -0.03 }], derived: { margin: 0.05, knnOverlapMean: { warn: 0.6, fail: 0.55 }, ckaLinear: { warn: 0.94, fail: 0.89 } } };
  reportJson.components = [
    { name: 'text', dims: [0, 32], referenceDims: [0, 32], status: 'kept', bump: 'patch', changes: [{ section: 'training', path: 'components.text.training.seed', file: 'models/text/model.safetensors', reference: 0, candidate: 1 }], metrics: { knnOverlap: { mean: 0.7 }, cka: { linear: 0.9 }, paired: { cosineMean: 0.5 }, centroid: { cosineDistance: 0.1, relativeShift: 0.2 } } },
    { name: 'image', dims: [32, 64], referenceDims: null, status: 'added', bump: 'major', changes: [], metrics: null },
  ];
  expect(validateReport(reportJson)).toBe(true);
});

/** Every leaf of a JSON value with its path (arrays by index). */
function leaves(value: unknown, path: Array<string | number> = []): Array<{ path: Array<string | number>; value: unknown }> {
  if (Array.isArray(value)) return value.flatMap((item, index) => leaves(item, [...path, index]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, key]));
  return [{ path, value }];
}

function withValue(root: unknown, path: Array<string | number>, value: unknown): any {
  const copy = structuredClone(root) as any;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key];
  target[path[path.length - 1]!] = value;
  return copy;
}

/** Loads a forged report as comment-from-report does; returns the report or the refusal. */
function load(forged: unknown): { report: Report } | { refused: string } {
  try {
    return { report: parseValidatedJson<Report>(JSON.stringify(forged), 'report.json', validateReport, 'an embedding-gate JSON report') };
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return { refused: (error as Error).message };
  }
}

describe('a forged report.json', () => {
  it('the real report is valid, and renders', () => {
    const loaded = load(reportJson);
    expect('report' in loaded).toBe(true);
    expect(renderMarkdown(reportJson)).toMatch(/FAIL — patch change/);
  });

  it('every field, forged with markup, a ping, a link, table breakers and newlines, is refused or renders inert', () => {
    let refused = 0;
    let rendered = 0;
    for (const { path } of leaves(reportJson)) {
      const where = path.join('.');
      for (const payload of [PAYLOAD, HUGE]) {
        const loaded = load(withValue(reportJson, path, payload));
        if ('refused' in loaded) {
          refused += 1;
          // The refusal names the field, and never echoes the payload whole.
          expect(loaded.refused, where).toMatch(/^report\.json: not an embedding-gate JSON report: /);
          expect(loaded.refused.length, where).toBeLessThan(600);
          expect(loaded.refused).not.toMatch(/A{100}|\n/);
          continue;
        }
        rendered += 1;
        expectInertMarkdown(renderMarkdown(loaded.report, { clusters: true }), `markdown of ${where}`);
        expectInertMarkdown(commentBody(loaded.report, { commentId: 'default', runUrl: null, headSha: null, toolVersion: '0' }), `comment of ${where}`);
        // eslint-disable-next-line no-control-regex
        expect(renderText(loaded.report), `text of ${where}`).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]|A{1000}/);
      }
    }
    // Enums, numbers and versions are refused; free text (ids, item text, reasons, paths) renders inert.
    expect(refused).toBeGreaterThan(100);
    expect(rendered).toBeGreaterThan(100);
  });

  it('the renderers escape every string field even without validation (enums and labels included)', () => {
    const strings = leaves(reportJson).filter(({ value }) => typeof value === 'string');
    expect(strings.map(({ path }) => path.join('.'))).toEqual(expect.arrayContaining(['bump.final', 'bump.required', 'verdict.policyLevel', 'verdict.checks.0.label', 'verdict.status']));
    for (const { path } of strings) {
      const forged = withValue(reportJson, path, PAYLOAD) as Report;
      expectInertMarkdown(renderMarkdown(forged, { clusters: true }), `markdown of ${path.join('.')}`);
      // eslint-disable-next-line no-control-regex
      expect(renderText(forged), `text of ${path.join('.')}`).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    }
  });

  it.each([
    [['bump', 'final'], /bump\.final must be one of "none", "patch", "minor", "major"; got "<img src=x/],
    [['bump', 'required'], /bump\.required must be one of/],
    [['bump', 'declaredSource'], /bump\.declaredSource must be one of "flag", "manifest versions", null/],
    [['verdict', 'policyLevel'], /verdict\.policyLevel must be one of/],
    [['verdict', 'checks', 0, 'label'], /verdict\.checks\[0\]\.label must be one of "kNN overlap \(mean\)"/],
    [['verdict', 'breaches', 0, 'metric'], /verdict\.breaches\[0\]\.metric/],
    [['metrics', 'knnOverlap', 'k'], /metrics\.knnOverlap\.k must be of type integer; got "<img/],
    [['settings', 'k'], /settings\.k must be of type integer/],
    [['bump', 'nextVersion'], /bump\.nextVersion is not in the expected form/],
    [['tool', 'version'], /tool\.version is not in the expected form/],
  ] as const)('%j is refused with a message naming the field', (path, message) => {
    const loaded = load(withValue(reportJson, [...path], PAYLOAD));
    expect('refused' in loaded && loaded.refused).toMatch(message);
  });

  it('unknown keys, wrong types and oversized strings are refused, naming the field', () => {
    expect(load({ ...reportJson, extra: 1 })).toEqual({ refused: expect.stringMatching(/the top level has the unknown field "extra"/) });
    expect(load(withValue(reportJson, ['metrics', 'cka', 'extra'], 1))).toEqual({ refused: expect.stringMatching(/metrics\.cka has the unknown field "extra"/) });
    expect(load(withValue(reportJson, ['metrics', 'cka', 'linear'], '0.9'))).toEqual({ refused: expect.stringMatching(/metrics\.cka\.linear/) });
    expect(load(withValue(reportJson, ['metrics', 'knnOverlap', 'worst', 0, 'id'], HUGE))).toEqual({
      refused: expect.stringMatching(/metrics\.knnOverlap\.worst\[0\]\.id is longer than 4096 characters/),
    });
    const { verdict: _verdict, ...withoutVerdict } = reportJson;
    expect(load(withoutVerdict)).toEqual({ refused: expect.stringMatching(/the top level lacks the required field "verdict"/) });
    expect(() => parseValidatedJson('{"schemaVersion": 1,', 'r.json', validateReport, 'a report')).toThrow(/r\.json: not valid JSON/);
  });

  it('a forged merge partial is refused the same way', () => {
    const partial = { kind: 'embedding-gate-partial', schemaVersion: 1, shard: { index: 1, count: 1 }, fingerprint: 'f'.repeat(64), totalQueries: 1, sampled: false, offset: 0, policy: { underDeclared: 'fail', levels: Object.fromEntries(['none', 'patch', 'minor', 'major'].map((level) => [level, { requireIndexCompatible: false, limits: {} }])) }, report: reportJson, items: { shared: [1], ranks: null, worst: [] } };
    expect(parseValidatedJson(JSON.stringify(partial), 'p.json', validatePartialReport, 'a partial report')).toBeTruthy();
    expect(() => parseValidatedJson(JSON.stringify(withValue(partial, ['report', 'bump', 'final'], PAYLOAD)), 'p.json', validatePartialReport, 'a partial report')).toThrow(
      /p\.json: not a partial report: report\.bump\.final must be one of/,
    );
    expect(() => parseValidatedJson(JSON.stringify(withValue(partial, ['policy', 'levels', 'patch', 'limits', 'knnOverlapMean'], { warn: PAYLOAD, fail: null })), 'p.json', validatePartialReport, 'a partial report')).toThrow(
      /policy\.levels\.patch\.limits\.knnOverlapMean\.warn must be of type number,null/,
    );
  });
});

describe('comment-from-report with a forged report', () => {
  function workspaceWith(report: unknown): string {
    const workspace = exampleWorkspace();
    mkdirSync(join(workspace, 'out'));
    writeFileSync(join(workspace, 'out', 'report.json'), JSON.stringify(report));
    return workspace;
  }

  it('refuses an invalid report: the step fails naming the field, and nothing is posted or output', async () => {
    const client = new FakeClient();
    const { runtime, recorded } = fakeRuntime({ mode: 'comment-from-report', report: 'out/report.json', 'pr-number': '2' }, client, workspaceWith(withValue(reportJson, ['bump', 'final'], PAYLOAD)));
    await expect(runAction(runtime)).rejects.toThrow(/input 'report': out\/report\.json: not an embedding-gate JSON report: bump\.final must be one of/);
    expect(client.comments).toEqual([]);
    expect([...recorded.outputs.values()].join('')).not.toMatch(/img|everyone/);
    expect(recorded.summaries).toEqual([]);
  });

  it('posts a valid report whose data carries the payload, inert, and no output carries it', async () => {
    let forged = withValue(reportJson, ['metrics', 'knnOverlap', 'worst', 0, 'id'], PAYLOAD);
    forged = withValue(forged, ['metrics', 'knnOverlap', 'worst', 0, 'text'], PAYLOAD);
    forged = withValue(forged, ['bump', 'reasons', 0], PAYLOAD);
    forged = withValue(forged, ['verdict', 'breaches', 0, 'message'], PAYLOAD);
    forged = withValue(forged, ['reference', 'source'], PAYLOAD);
    const client = new FakeClient();
    const { runtime, recorded } = fakeRuntime({ mode: 'comment-from-report', report: 'out/report.json', 'pr-number': '2' }, client, workspaceWith(forged));
    await runAction(runtime);
    expect(client.comments).toHaveLength(1);
    expectInertMarkdown(client.comments[0]!.body, 'comment');
    expectInertMarkdown(recorded.summaries.join('\n'), 'summary');
    expect(client.comments[0]!.body).toMatch(/&lt;img src=x onerror=alert\(1\)&gt; @\u200deveryone \\\[x\\\]\(https\\:\/\/evil\.example\)/);
    const outputs = [...recorded.outputs.entries()];
    expect(outputs.filter(([, value]) => /img|everyone|evil|heading/.test(value))).toEqual([]);
    expect(recorded.outputs.get('bump')).toBe('patch');
  });
});

describe('the CLI merge refuses a forged partial', () => {
  it('exits 2 with one line naming the file and the field', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p1.json'), JSON.stringify({ kind: 'embedding-gate-partial', schemaVersion: 1, report: { bump: { final: PAYLOAD } } }));
    const run = spawnSync(process.execPath, [CLI, 'merge', 'p1.json'], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^embedding-gate: error: p1\.json: not a partial report of embedding-gate .*: the top level lacks the required field "shard"/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('a forged report rendered as HTML', () => {
  it('every string and every map field, forged, is refused or renders inert in the page', async () => {
    const { compare } = await import('../src/compare.js');
    const { anyPath } = await import('../src/io/paths.js');
    const { parseSettings } = await import('../src/settings.js');
    const { renderHtml } = await import('../src/render/html/html.js');
    const { FIXTURES } = await import('./helpers.js');
    const settings = parseSettings({ reference: 'equal-reference.npy', candidate: 'equal-candidate.npy', k: '7', clusters: '3', format: 'html' }, undefined, anyPath(join(FIXTURES, 'metrics')));
    const withMaps = JSON.parse(JSON.stringify(await compare(settings, { info: () => undefined, warn: () => undefined })));
    const targets = leaves(withMaps).filter(({ path, value }) => typeof value === 'string' || path[0] === 'maps');
    let rendered = 0;
    for (const { path } of targets) {
      const loaded = load(withValue(withMaps, path, PAYLOAD));
      if ('refused' in loaded) continue;
      rendered += 1;
      const page = renderHtml(loaded.report);
      expect(page, path.join('.')).not.toMatch(/<img|<\/script><|onerror=alert\(1\)>/);
      expect(page.match(/<script/g), path.join('.')).toHaveLength(2);
    }
    expect(rendered).toBeGreaterThan(50);
  }, 120_000);
});
