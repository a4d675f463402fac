import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateReport } from '../src/report/generated/validators.js';
import { EXAMPLES, FIXTURES, runCliProcess, tempDir } from './helpers.js';

// Baselines: the example reference model retrained with seeds 2 and 3 (test/fixtures/make_calibration.py, scikit-learn).
const REFERENCE = join(EXAMPLES, 'reference.npy');
const BASELINES = [join(FIXTURES, 'calibration', 'retrain-seed2.npy'), join(FIXTURES, 'calibration', 'retrain-seed3.npy')];
const withManifests = (candidate: string) => ['--reference-manifest', join(EXAMPLES, 'reference.manifest.json'), '--candidate-manifest', join(EXAMPLES, `${candidate}.manifest.json`)];

describe('calibration from harmless retrains', () => {
  it('calibrate prints a config whose patch limits pass an honest retrain and fail a broken candidate', () => {
    const dir = tempDir();
    const calibrate = runCliProcess(['calibrate', REFERENCE, ...BASELINES, '--output', 'thresholds.yaml'], dir);
    expect(calibrate.code, calibrate.stderr).toBe(0);
    const snippet = readFileSync(join(dir, 'thresholds.yaml'), 'utf8');
    expect(snippet).toMatch(/^# Patch limits derived by embedding-gate calibrate from 2 harmless retrains/);
    expect(snippet).toMatch(/\npolicy:\n {2}patch:\n {4}knnOverlapMean: \{ warn: 0\.\d{4}, fail: 0\.\d{4} \}\n {4}ckaLinear: \{ warn: 0\.9387, fail: 0\.8887 \}\n$/);
    const honest = runCliProcess(['compare', '--reference', REFERENCE, '--candidate', join(EXAMPLES, 'candidate-patch.jsonl'), ...withManifests('candidate-patch'), '--config', 'thresholds.yaml', '--format', 'json'], dir);
    expect(honest.code, honest.stderr).toBe(0);
    expect(JSON.parse(honest.stdout).verdict.status).not.toBe('fail');
    const broken = runCliProcess(['compare', '--reference', REFERENCE, '--candidate', join(EXAMPLES, 'candidate-broken.npy'), ...withManifests('candidate-broken'), '--config', 'thresholds.yaml', '--format', 'json'], dir);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout).verdict.breaches.map((b: { metric: string }) => b.metric)).toContain('ckaLinear');
  });

  it('compare --baseline shows each metric against the noise floor; --thresholds auto applies the same limits as calibrate', () => {
    const dir = tempDir();
    const baselineArgs = BASELINES.flatMap((path) => ['--baseline', path]);
    const text = runCliProcess(['compare', '--reference', REFERENCE, '--candidate', join(EXAMPLES, 'candidate-patch.jsonl'), ...withManifests('candidate-patch'), ...baselineArgs], dir);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Noise floor \(2 harmless retrains of the reference model\): kNN overlap 0\.\d{4} vs 0\.6100–0\.6150 for a harmless retrain; linear CKA 0\.\d{4} vs 0\.9387–0\.9475\./);

    const auto = runCliProcess(['compare', '--reference', REFERENCE, '--candidate', join(EXAMPLES, 'candidate-broken.npy'), ...withManifests('candidate-broken'), ...baselineArgs, '--thresholds', 'auto', '--format', 'json'], dir);
    expect(auto.code).toBe(1);
    const report = JSON.parse(auto.stdout);
    expect(validateReport(report)).toBe(true);
    expect(report.noiseFloor.derived).toMatchObject({ margin: 0.05, ckaLinear: { warn: expect.closeTo(0.9387, 4), fail: expect.closeTo(0.8887, 4) } });
    expect(report.noiseFloor.baselines.map((b: { source: string }) => b.source)).toEqual(BASELINES);
    const calibrate = runCliProcess(['calibrate', REFERENCE, ...BASELINES], dir);
    const warn = Number(/knnOverlapMean: \{ warn: ([\d.]+)/.exec(calibrate.stdout)![1]);
    expect(report.noiseFloor.derived.knnOverlapMean.warn).toBeCloseTo(warn, 4);
    const markdown = runCliProcess(['compare', '--reference', REFERENCE, '--candidate', join(EXAMPLES, 'candidate-broken.npy'), ...baselineArgs, '--thresholds', 'auto', '--format', 'markdown'], dir);
    expect(markdown.stdout).toMatch(/Patch limits derived from it \(thresholds: auto; warn at the lowest retrain, kNN overlap less 1\.96 standard errors; fail 0\.05 below\): kNN overlap warn below 0\.\d{4}, fail below 0\.\d{4}; linear CKA warn below 0\.9387, fail below 0\.8887\./);
  });

  it('--thresholds auto without a baseline, and calibrate without one, say what to give', () => {
    const auto = runCliProcess(['compare', '--reference', REFERENCE, '--candidate', join(EXAMPLES, 'candidate-patch.jsonl'), '--thresholds', 'auto'], tempDir());
    expect(auto.code).toBe(2);
    expect(auto.stderr).toMatch(/--thresholds auto derives the limits from the noise floor: give --baseline, a harmless retrain of the reference model/);
    const calibrate = runCliProcess(['calibrate', REFERENCE], tempDir());
    expect(calibrate.code).toBe(2);
    expect(calibrate.stderr).toMatch(/calibrate needs the reference and at least one baseline/);
  });
});
