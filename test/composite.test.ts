import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateReport } from '../src/report/generated/validators.js';
import { FIXTURES, runCliProcess, tempDir } from './helpers.js';

// Composite embeddings written by NumPy (test/fixtures/make_composite.py): [text · w₁, image · w₂] with YAML manifests.
const DIR = join(FIXTURES, 'composite');

function compare(candidate: string, manifest = candidate, extra: string[] = []) {
  const run = runCliProcess(['compare', '--reference', join(DIR, 'reference.npy'), '--candidate', join(DIR, `${candidate}.npy`), '--reference-manifest', join(DIR, 'reference.yaml'), '--candidate-manifest', join(DIR, `${manifest}.yaml`), '--format', 'json', ...extra], tempDir());
  return { ...run, report: run.code === 2 ? null : JSON.parse(run.stdout) };
}

describe('composite embeddings', () => {
  it('one component retrained: the composite is a patch; the untouched component keeps every neighbour', () => {
    const { report, code, stderr } = compare('text-retrained');
    expect(code, stderr).toBe(0);
    expect(validateReport(report)).toBe(true);
    expect(report.bump).toMatchObject({ fromManifests: 'patch', final: 'patch' });
    const [text, image] = report.components;
    expect(text).toMatchObject({ name: 'text', dims: [0, 64], referenceDims: [0, 64], status: 'kept', bump: 'patch', changes: [{ section: 'training', path: 'components.text.training.seed', reference: 0, candidate: 1 }] });
    expect(image).toMatchObject({ name: 'image', dims: [64, 160], bump: 'none', changes: [] });
    expect(image.metrics.knnOverlap.mean).toBe(1);
    expect(image.metrics.cka.linear).toBeCloseTo(1, 6);
    expect(image.metrics.paired.cosineMean).toBeCloseTo(1, 6);
    expect(text.metrics.knnOverlap.mean).toBeLessThan(0.8);
  });

  it('the per-slice metrics equal those of the component’s vectors compared on their own', () => {
    const { report } = compare('text-retrained');
    const alone = runCliProcess(['compare', '--reference', join(DIR, 'text-only-reference.npy'), '--candidate', join(DIR, 'text-only-retrained.npy'), '--format', 'json'], tempDir());
    const own = JSON.parse(alone.stdout);
    const text = report.components[0].metrics;
    // The slice comes from the normalised full vector and is normalised again: float32 rounding may swap a near-tie neighbour (1/(k·n) each).
    expect(Math.abs(text.knnOverlap.mean - own.metrics.knnOverlap.mean)).toBeLessThanOrEqual(2 / (10 * 600));
    expect(text.cka.linear).toBeCloseTo(own.metrics.cka.linear, 5);
    expect(text.paired.cosineMean).toBeCloseTo(own.metrics.paired.cosineMean, 5);
    expect(text.centroid.relativeShift).toBeCloseTo(own.metrics.centroid.relativeShift, 5);
    expect(text.centroid.cosineDistance).toBeCloseTo(own.metrics.centroid.cosineDistance, 5);
  });

  it('combination weights changed: minor, and both slices unchanged', () => {
    const { report } = compare('weights-changed');
    expect(report.bump.fromManifests).toBe('minor');
    expect(report.bump.changes).toEqual([{ section: 'extraction', path: 'combination.weights[1]', reference: 0.5, candidate: 0.7 }]);
    expect(report.components.map((c: any) => [c.name, c.bump, c.metrics.knnOverlap.mean])).toEqual([['text', 'none', 1], ['image', 'none', 1]]);
  });

  it('a component added: major; it has no reference slice to measure', () => {
    const { report } = compare('meta-added');
    expect(report.bump.fromManifests).toBe('major');
    expect(report.bump.reasons).toContain('components: meta added → major');
    expect(report.components[2]).toMatchObject({ name: 'meta', dims: [160, 168], referenceDims: null, status: 'added', bump: 'major', metrics: null });
  });

  it.each([
    ['gap', /gap\.yaml: component image has dims \[70, 160\), leaving dimensions 64–69 of the candidate vector to no component \(a gap\)\./],
    ['overlap', /overlap\.yaml: component image has dims \[60, 160\), overlapping the previous component, which ends at 64\./],
    ['short', /short\.yaml: the components end at 150 \(component image has dims \[64, 150\)\), but the candidate vectors have 160 dimensions/],
  ])('bad slices (%s): exit 2 naming the component and its dims', (manifest, message) => {
    const run = compare('reference', manifest);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('the text and markdown reports show the per-component table', () => {
    const text = runCliProcess(['compare', '--reference', join(DIR, 'reference.npy'), '--candidate', join(DIR, 'text-retrained.npy'), '--reference-manifest', join(DIR, 'reference.yaml'), '--candidate-manifest', join(DIR, 'text-retrained.yaml')], tempDir());
    expect(text.stdout).toMatch(/Components \(each slice L2-normalised on its own\):\n {2}text {2}\[0, 64\) {2}patch {2}kNN overlap 0\.\d{4}/);
    const markdown = runCliProcess(['compare', '--reference', join(DIR, 'reference.npy'), '--candidate', join(DIR, 'text-retrained.npy'), '--reference-manifest', join(DIR, 'reference.yaml'), '--candidate-manifest', join(DIR, 'text-retrained.yaml'), '--format', 'markdown'], tempDir());
    expect(markdown.stdout).toMatch(/\| component \| dims \| bump \| kNN overlap \| CKA \| paired cosine \| centroid shift \|\n\| --- \| --- \| --- \| ---: \| ---: \| ---: \| ---: \|\n\| text \| \[0, 64\) \| patch \| 0\.\d{4} \|/);
    expect(markdown.stdout).toMatch(/\| image \| \[64, 160\) \| none \| 1\.0000 \| 1\.0000 \| 1\.0000 \| ±?0\.0% \|/);
  });
});

describe('a component given as a model folder', () => {
  it('takes its sections from the folder: a pooling change in one component is a minor change of the composite', () => {
    const dir = tempDir();
    const models = join(FIXTURES, 'models');
    const manifest = (folder: string) => `name: listing\ncomponents:\n  - name: text\n    dims: [0, 64]\n    model: ${join(models, folder)}\n  - name: image\n    dims: [64, 160]\n    training: {seed: 0}\ncombination: {method: concat}\n`;
    writeFileSync(join(dir, 'ref.yaml'), manifest('st-legacy'));
    writeFileSync(join(dir, 'cand.yaml'), manifest('st-cls'));
    const run = runCliProcess(['compare', '--reference', join(DIR, 'reference.npy'), '--candidate', join(DIR, 'reference.npy'), '--reference-manifest', 'ref.yaml', '--candidate-manifest', 'cand.yaml', '--format', 'json'], dir);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.bump.fromManifests).toBe('minor');
    expect(report.components[0]).toMatchObject({ name: 'text', bump: 'minor', changes: [{ path: 'components.text.extraction.pooling.mode', reference: 'mean', candidate: 'cls', file: expect.stringMatching(/st-cls\/1_Pooling\/config\.json$/) }] });
  });
});
