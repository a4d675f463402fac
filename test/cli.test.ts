import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/stats/random.js';
import { kernelSupported } from '../src/kernels/wasm-kernel.js';
import { EXAMPLES, FIXTURES, ROOT, expectClose, readJson, runCliProcess, tempDir, type CliRun } from './helpers.js';

// End to end: every test runs the committed bundle dist/cli.js as its own node process.
const D = 'examples/digits';
const patchArgs = [
  'compare',
  '--reference', `${D}/reference.npy`,
  '--candidate', `${D}/candidate-patch.jsonl`,
  '--reference-manifest', `${D}/reference.manifest.json`,
  '--candidate-manifest', `${D}/candidate-patch.manifest.json`,
];

const schema = readJson(join(ROOT, 'schema', 'report.schema.json'));
const validate = new Ajv2020.default({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

function json(run: CliRun): any {
  expect(run.stderr).not.toMatch(/internal error/);
  const report = JSON.parse(run.stdout);
  const valid = validate(report);
  expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
  expect(valid).toBe(true);
  return report;
}

describe('compare on the bundled examples', () => {
  let patch: CliRun;
  beforeAll(() => {
    patch = runCliProcess([...patchArgs, '--format', 'json']);
  });

  it('a retrain declared as a patch passes: exit 0, a pure JSON report on stdout, progress on stderr', () => {
    expect(patch.code).toBe(0);
    const report = json(patch);
    expect(report.reference).toMatchObject({ count: 1797, dim: 64, format: 'npy' });
    expect(report.candidate).toMatchObject({ count: 1797, dim: 64, format: 'jsonl' });
    expect(report.alignment).toMatchObject({ matched: 1797, referenceOnly: { count: 0 }, candidateOnly: { count: 0 } });
    expect(report.bump).toMatchObject({ declared: 'patch', fromManifests: 'patch', requiredByVectors: 'patch', final: 'patch', underDeclared: false, nextVersion: '1.0.1' });
    expect(report.metrics.knnOverlap).toMatchObject({ k: 10, method: 'exact', evaluated: 1797, ci95: null });
    expect(report.metrics.knnOverlap.worst).toHaveLength(10);
    expect(report.metrics.knnOverlap.worst[0].text).toMatch(/^handwritten \d/);
    expect(report.metrics.centroid.clustering).toEqual({ source: 'label', description: 'field "label"', count: 10 });
    expect(report.metrics.crossRetrieval.indexCompatible).toBe(false);
    expect(report.verdict.status).toBe('pass');
    expect(patch.stderr).toMatch(/embedding-gate: aligned 1797 items by id/);
  });

  it('the text report says what a user needs first', () => {
    const run = runCliProcess(patchArgs);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('embedding-gate: PASS — patch change (declared patch)');
    // The rule is top-1 ≥ threshold: the sentence compares top-1 with it, and gives recall@k beside it.
    expect(run.stdout).toMatch(/Re-index required: new vectors cannot be searched against the old index \(cross-model top-1 \d+\.\d% < 95\.0%; recall@10 \d+\.\d%\)\./);
    expect(run.stdout).toMatch(/a linear adapter may avoid the re-index/);
  });

  it('an under-trained "patch" fails on its metrics: exit 1', () => {
    const run = runCliProcess([
      'compare', '--reference', `${D}/reference.npy`, '--candidate', `${D}/candidate-broken.npy`,
      '--reference-manifest', `${D}/reference.manifest.json`, '--candidate-manifest', `${D}/candidate-broken.manifest.json`, '--format', 'json',
    ]);
    expect(run.code).toBe(1);
    const report = json(run);
    expect(report.verdict.status).toBe('fail');
    expect(report.verdict.breaches.map((b: any) => b.metric)).toContain('ckaLinear');
  });

  it('a new architecture shipped as a patch version is under-declared: exit 1', () => {
    const dir = tempDir();
    const manifest = readJson(join(EXAMPLES, 'candidate-major.manifest.json'));
    writeFileSync(join(dir, 'liar.json'), JSON.stringify({ ...manifest, version: '1.0.1' }));
    const run = runCliProcess(
      ['compare', '--reference', join(EXAMPLES, 'reference.npy'), '--candidate', join(EXAMPLES, 'candidate-major.npy'),
        '--reference-manifest', join(EXAMPLES, 'reference.manifest.json'), '--candidate-manifest', 'liar.json', '--format', 'json'],
      dir,
    );
    expect(run.code).toBe(1);
    const report = json(run);
    expect(report.bump).toMatchObject({ declared: 'patch', required: 'major', final: 'major', underDeclared: true, nextVersion: '2.0.0' });
    expect(report.verdict.breaches.at(-1)).toMatchObject({ metric: 'bump', level: 'fail' });
  });

  it('a changed dimension (CSV, shuffled rows) reports not-applicable metrics as null with a reason', () => {
    const run = runCliProcess([
      'compare', '--reference', `${D}/reference.npy`, '--candidate', `${D}/candidate-minor.csv`,
      '--reference-manifest', `${D}/reference.manifest.json`, '--candidate-manifest', `${D}/candidate-minor.manifest.json`, '--format', 'json',
    ]);
    expect(run.code).toBe(0);
    const report = json(run);
    expect(report.bump).toMatchObject({ fromManifests: 'minor', requiredByVectors: 'minor', final: 'minor' });
    expect(report.metrics.centroid).toMatchObject({ cosineDistance: null, relativeShift: null });
    expect(report.metrics.centroid.reason).toMatch(/dimensions differ \(64 → 128\)/);
    expect(report.metrics.paired.cosineMean).toBeNull();
    expect(report.metrics.crossRetrieval).toMatchObject({ top1: null, indexCompatible: false });
    expect(report.metrics.procrustes.alignedCosineMean).toBeNull();
    expect(report.metrics.cka.linear).toBeGreaterThan(0);
    expect(report.metrics.centroid.meanInterCentroidDistance.relativeChange).not.toBeNull();
    expect(run.stdout).not.toMatch(/NaN/);
  });

  it('re-embedding noise alone classifies as no change', () => {
    const report = json(runCliProcess(['compare', '--reference', `${D}/reference.npy`, '--candidate', `${D}/candidate-noise.npy`, '--format', 'json']));
    expect(report.bump).toMatchObject({ requiredByVectors: 'none', final: 'none' });
    expect(report.metrics.crossRetrieval).toMatchObject({ top1: 1, indexCompatible: true });
    expect(report.bump.limitations.join(' ')).toMatch(/No reference or candidate manifest/);
  });

  it('is byte-for-byte deterministic, exact and sampled', () => {
    expect(runCliProcess([...patchArgs, '--format', 'json']).stdout).toBe(patch.stdout);
    const sampled = [...patchArgs, '--format', 'json', '--sample', '300', '--seed', '7'];
    const first = runCliProcess(sampled);
    expect(runCliProcess(sampled).stdout).toBe(first.stdout);
    const report = json(first);
    expect(report.metrics.knnOverlap).toMatchObject({ method: 'sampled', evaluated: 300 });
    const [low, high] = report.metrics.knnOverlap.ci95;
    expect(low).toBeLessThanOrEqual(report.metrics.knnOverlap.mean);
    expect(high).toBeGreaterThanOrEqual(report.metrics.knnOverlap.mean);
    expect(report.metrics.crossRetrieval.evaluated).toBe(300);
    expect(runCliProcess([...sampled.slice(0, -1), '8']).stdout).not.toBe(first.stdout);
  });

  it('inline limits override the policy: --min-knn-overlap 0.9 fails the healthy retrain', () => {
    const run = runCliProcess([...patchArgs, '--min-knn-overlap', '0.9', '--format', 'json']);
    expect(run.code).toBe(1);
    expect(json(run).verdict.breaches[0]).toMatchObject({ metric: 'knnOverlapMean', limit: 0.9, level: 'fail' });
  });

  it('beyond --exact-limit, samples 5,000 queries with a 95% interval; --sample overrides', () => {
    const dir = tempDir();
    const random = seededRandom(9);
    const rows = (shift: number) =>
      Array.from({ length: 6000 }, (_, i) => JSON.stringify({ id: `i${i}`, embedding: Array.from({ length: 8 }, (_, j) => Math.sin(i * (j + 1) + 0.5) + shift * random()) })).join('\n');
    writeFileSync(join(dir, 'ref.jsonl'), rows(0));
    writeFileSync(join(dir, 'cand.jsonl'), rows(0.3));
    const auto = runCliProcess(['compare', '--reference', 'ref.jsonl', '--candidate', 'cand.jsonl', '--exact-limit', '5500', '--format', 'json'], dir);
    const report = json(auto);
    expect(report.metrics.knnOverlap).toMatchObject({ method: 'sampled', evaluated: 5000 });
    expect(report.metrics.knnOverlap.ci95).toHaveLength(2);
    expect(auto.stderr).toMatch(/6000 items exceed the exact limit of 5500: evaluating a seeded sample of 5000 queries/);
    const exact = json(runCliProcess(['compare', '--reference', 'ref.jsonl', '--candidate', 'cand.jsonl', '--format', 'json'], dir));
    expect(exact.metrics.knnOverlap).toMatchObject({ method: 'exact', evaluated: 6000, ci95: null });
    const chosen = json(runCliProcess(['compare', '--reference', 'ref.jsonl', '--candidate', 'cand.jsonl', '--exact-limit', '5500', '--sample', '700', '--format', 'json'], dir));
    expect(chosen.metrics.knnOverlap.evaluated).toBe(700);
  });

  it('writes markdown to --output and keeps stdout empty', () => {
    const dir = tempDir();
    for (const file of ['reference.npy', 'reference.ids.txt', 'candidate-patch.jsonl']) copyFileSync(join(EXAMPLES, file), join(dir, file));
    const run = runCliProcess(['compare', '--reference', 'reference.npy', '--candidate', 'candidate-patch.jsonl', '--format', 'markdown', '--output', 'out/report.md'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/report written to out\/report\.md/);
    const markdown = readFileSync(join(dir, 'out', 'report.md'), 'utf8');
    expect(markdown).toMatch(/^## ✅ embedding-gate: PASS — patch change \(nothing declared\)/);
    expect(markdown).toMatch(/\| linear CKA \| 0\.9\d+ \| ≥ 0\.9000 \| ≥ 0\.8000 \| ✅ \|/);
  });

  it('prints help and the version', () => {
    const help = runCliProcess(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/embedding-gate compare --reference REF --candidate CAND/);
    expect(help.stdout).toMatch(/--declared-bump X/);
    const version = runCliProcess(['--version']);
    expect(version.stdout.trim()).toBe(readJson(join(ROOT, 'package.json')).version);
  });
});

describe('metrics end to end match the NumPy/SciPy/scikit-learn reference values', () => {
  // Every kernel runs on every Node: relaxed SIMD is the default of the Actions runtime (Node 24);
  // on Node 20 it runs behind V8's flag, so a wrong relaxed-SIMD kernel fails here on Node 20 too.
  it.each(['js', 'simd', 'relaxed-simd'] as const)('the "equal" fixture through the CLI, %s kernel', (kernel) => {
    const expected = readJson(join(FIXTURES, 'metrics', 'equal.json'));
    const nodeArgs = kernel === 'relaxed-simd' && !kernelSupported('relaxed-simd') ? ['--experimental-wasm-relaxed-simd'] : [];
    const run = runCliProcess(
      [
        'compare', '--reference', 'test/fixtures/metrics/equal-reference.npy', '--candidate', 'test/fixtures/metrics/equal-candidate.npy',
        '--k', String(expected.k), '--clusters', '3', '--format', 'json', '--kernel', kernel,
      ],
      ROOT,
      nodeArgs,
    );
    const { metrics, settings } = json(run);
    expect(settings.kernel).toBe(kernel);
    expectClose(metrics.knnOverlap.mean, expected.knnOverlap.mean, 1e-12);
    expectClose(metrics.knnOverlap.p10, expected.knnOverlap.p10, 1e-12);
    expectClose(metrics.cka.linear, expected.ckaLinear, 2e-6);
    expectClose(metrics.centroid.cosineDistance, expected.centroid.cosineDistance, 2e-6);
    expectClose(metrics.centroid.relativeShift, expected.centroid.relativeShift, 2e-6);
    expectClose(metrics.paired.cosineMean, expected.paired.mean, 2e-6);
    expectClose(metrics.paired.cosineP5, expected.paired.p5, 2e-6);
    expect(metrics.crossRetrieval.top1).toBe(expected.crossRetrieval.top1);
    expect(metrics.crossRetrieval.recallAtK).toBe(expected.crossRetrieval.recallAtK);
    expectClose(metrics.procrustes.alignedCosineMean, expected.procrustesAlignedCosineMean, 1e-5);
  });
});

describe('bad input: exit 2, one clear line naming the file and the row or id, no stack trace', () => {
  function workspace(files: Record<string, string | Buffer>): string {
    const dir = tempDir();
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return dir;
  }
  const good = readFileSync(join(EXAMPLES, 'reference.npy'));
  const goodIds = readFileSync(join(EXAMPLES, 'reference.ids.txt'));
  const npy = (name: string) => readFileSync(join(FIXTURES, 'npy', name));
  const jsonl = (rows: Array<[string, number[]]>) => rows.map(([id, embedding]) => JSON.stringify({ id, embedding })).join('\n');
  const small = jsonl([['a', [1, 0]], ['b', [0, 1]], ['c', [1, 1]]]);

  const cases: Array<[string, Record<string, string | Buffer>, string[], RegExp]> = [
    ['missing file', { 'ref.jsonl': small }, ['--reference', 'ref.jsonl', '--candidate', 'nope.npy'], /--candidate: file not found: nope\.npy/],
    ['unknown extension', { 'ref.jsonl': small, 'cand.vec': small }, ['--reference', 'ref.jsonl', '--candidate', 'cand.vec'], /cand\.vec: unknown file extension "\.vec"/],
    ['truncated .npy', { 'ref.npy': good, 'ref.ids.txt': goodIds, 'cand.npy': good.subarray(0, 1000) }, ['--reference', 'ref.npy', '--candidate', 'cand.npy'], /cand\.npy: truncated \.npy data/],
    ['corrupt .npy header', { 'ref.jsonl': small, 'cand.npy': Buffer.from('\x93NUMPY\x01\x00\x10\x00{garbage}       \n', 'latin1') }, ['--reference', 'ref.jsonl', '--candidate', 'cand.npy'], /cand\.npy: corrupt \.npy header/],
    ['wrong dtype', { 'ref.jsonl': small, 'cand.npy': npy('int64.npy') }, ['--reference', 'ref.jsonl', '--candidate', 'cand.npy'], /cand\.npy: unsupported dtype "<i8"/],
    ['NaN', { 'ref.npy': npy('with-nan.npy'), 'cand.npy': npy('with-nan.npy') }, ['--reference', 'ref.npy', '--candidate', 'cand.npy'], /ref\.npy: row 1 \(id "1"\) has a non-finite value \(NaN\)/],
    ['Inf', { 'ref.npy': npy('with-inf.npy'), 'cand.npy': npy('with-inf.npy') }, ['--reference', 'ref.npy', '--candidate', 'cand.npy'], /ref\.npy: row 2 \(id "2"\) has a non-finite value \(Infinity\)/],
    ['zero vector', { 'ref.jsonl': small, 'cand.jsonl': jsonl([['a', [1, 0]], ['b', [0, 0]], ['c', [1, 1]]]) }, ['--reference', 'ref.jsonl', '--candidate', 'cand.jsonl'], /cand\.jsonl: line 2 \(id "b"\) is a zero vector/],
    ['ragged JSONL', { 'ref.jsonl': small, 'cand.jsonl': jsonl([['a', [1, 0]], ['b', [0, 1, 2]]]) }, ['--reference', 'ref.jsonl', '--candidate', 'cand.jsonl'], /cand\.jsonl: line 2 \(id "b"\) has 3 values, but the first row has 2/],
    ['ragged CSV', { 'ref.jsonl': small, 'cand.csv': 'id,0,1\na,1,0\nb,0\n' }, ['--reference', 'ref.jsonl', '--candidate', 'cand.csv'], /cand\.csv: line 3 has 2 fields, the header has 3/],
    ['duplicate ids', { 'ref.jsonl': small, 'cand.jsonl': jsonl([['a', [1, 0]], ['b', [0, 1]], ['a', [1, 1]]]) }, ['--reference', 'ref.jsonl', '--candidate', 'cand.jsonl'], /cand\.jsonl: duplicate id "a" at line 1 \(id "a"\) and line 3 \(id "a"\)/],
    ['no overlapping ids', { 'ref.jsonl': small, 'cand.jsonl': jsonl([['x', [1, 0]], ['y', [0, 1]]]) }, ['--reference', 'ref.jsonl', '--candidate', 'cand.jsonl'], /no common ids between ref\.jsonl/],
    ['k ≥ n', { 'ref.jsonl': small, 'cand.jsonl': small }, ['--reference', 'ref.jsonl', '--candidate', 'cand.jsonl', '--k', '3', '--clusters', '2'], /--k 3 needs at least 4 matched items/],
    ['empty set', { 'ref.jsonl': small, 'cand.jsonl': '' }, ['--reference', 'ref.jsonl', '--candidate', 'cand.jsonl'], /cand\.jsonl: the file holds no embeddings \(empty set\)/],
    ['manifest not JSON', { 'ref.jsonl': small, 'cand.jsonl': small, 'm.json': '{"version": 1.0' }, ['--reference', 'ref.jsonl', '--candidate', 'cand.jsonl', '--candidate-manifest', 'm.json'], /m\.json: not valid JSON/],
    ['manifest not YAML', { 'ref.jsonl': small, 'cand.jsonl': small, 'm.yaml': 'architecture: {layers: [1, 2\n' }, ['--reference', 'ref.jsonl', '--candidate', 'cand.jsonl', '--reference-manifest', 'm.yaml'], /m\.yaml: not valid YAML/],
    ['unknown option', { 'ref.jsonl': small }, ['--reference', 'ref.jsonl', '--candidate', 'ref.jsonl', '--kk', '3'], /Unknown option '--kk'/],
    ['bad number', { 'ref.jsonl': small }, ['--reference', 'ref.jsonl', '--candidate', 'ref.jsonl', '--k', 'ten'], /--k must be a whole number ≥ 1, got "ten"/],
    ['bad config key', { 'ref.jsonl': small, 'gate.yml': 'policy:\n  patch:\n    cka: {warn: 1}\n' }, ['--reference', 'ref.jsonl', '--candidate', 'ref.jsonl', '--config', 'gate.yml'], /gate\.yml: unknown key under policy\.patch "cka"/],
    ['an option of earlier versions', { 'ref.jsonl': small }, ['--reference', 'ref.jsonl', '--candidate', 'ref.jsonl', '--allow-outside-workspace'], /--allow-outside-workspace is gone: the CLI reads and writes any path it is given\. Drop it from the command\./],
    ['output into a missing folder behind a file', { 'ref.jsonl': small, 'f': 'x' }, ['--reference', 'ref.jsonl', '--candidate', 'ref.jsonl', '--clusters', '2', '--k', '1', '--output', 'f/report.txt'], /--output: cannot write f\/report\.txt: /],
  ];

  it.each(cases)('%s', (_, files, args, pattern) => {
    const run = runCliProcess(['compare', ...args], workspace(files));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(pattern);
    const errors = run.stderr.split('\n').filter((line) => line.includes('error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^embedding-gate: error: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('reads and writes the paths it is given, like any command-line tool: absolute paths elsewhere, and ../ from the working directory', () => {
    const data = tempDir();
    writeFileSync(join(data, 'cand.jsonl'), small);
    const results = tempDir();
    const cwd = workspace({ 'ref.jsonl': small });
    const absolute = runCliProcess(['compare', '--reference', join(data, 'cand.jsonl'), '--candidate', join(data, 'cand.jsonl'), '--clusters', '2', '--k', '1', '--format', 'json', '--output', join(results, 'deep', 'report.json')], cwd);
    expect(absolute.stderr).not.toMatch(/error/);
    expect(absolute.code).toBe(0);
    expect(JSON.parse(readFileSync(join(results, 'deep', 'report.json'), 'utf8')).reference.source).toBe(join(data, 'cand.jsonl'));
    const relative = runCliProcess(['compare', '--reference', 'ref.jsonl', '--candidate', `../${basename(data)}/cand.jsonl`, '--clusters', '2', '--k', '1', '--output', `../${basename(results)}/report.txt`], cwd);
    expect(relative.code).toBe(0);
    expect(readFileSync(join(results, 'report.txt'), 'utf8')).toMatch(/^embedding-gate: PASS/);
  });
});
