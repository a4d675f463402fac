import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BumpClassification } from '../src/classify/classify-bump.js';
import { applyInlineLimits, DEFAULT_POLICY, loadPolicy, mergePolicy } from '../src/policy/policy.js';
import { decideVerdict } from '../src/policy/verdict.js';
import type { Report } from '../src/report/report.js';
import { tempDir } from './helpers.js';

type Metrics = Report['metrics'];

function metrics(overrides: { overlap?: number; ci95?: [number, number] | null; cka?: number | null; icd?: number | null; top1?: number | null } = {}): Metrics {
  const top1 = overrides.top1 === undefined ? 0.01 : overrides.top1;
  return {
    knnOverlap: { k: 10, method: overrides.ci95 ? 'sampled' : 'exact', evaluated: 100, mean: overrides.overlap ?? 0.6, p10: 0.4, p50: 0.6, min: 0.1, ci95: overrides.ci95 ?? null, histogram: [0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0], worst: [] },
    cka: { linear: overrides.cka === undefined ? 0.95 : overrides.cka, reason: overrides.cka === null ? 'no variance' : null },
    centroid: {
      cosineDistance: 0.1,
      relativeShift: 0.5,
      reason: null,
      clustering: { source: 'kmeans', description: 'k-means', count: 8 },
      clusters: [],
      meanInterCentroidDistance: { reference: 1, candidate: 1 + (overrides.icd ?? 0), relativeChange: overrides.icd === undefined ? 0 : overrides.icd, reason: overrides.icd === null ? 'needs at least 2 clusters' : null },
    },
    paired: { cosineMean: 0.3, cosineP5: 0.1, cosineMin: 0, lowest: { id: 'x', cosine: 0 }, reason: null },
    crossRetrieval: { evaluated: 100, top1, recallAtK: 0.05, k: 10, threshold: 0.95, indexCompatible: top1 !== null && top1 >= 0.95, reason: top1 === null ? 'dimensions differ' : null },
    procrustes: { alignedCosineMean: 0.9, reason: null },
  };
}

function bump(final: BumpClassification['final'], underDeclared = false): BumpClassification {
  return {
    declared: underDeclared ? 'patch' : final,
    declaredSource: 'flag',
    fromManifests: final,
    requiredByVectors: final,
    required: final,
    final,
    underDeclared,
    reasons: [],
    limitations: [],
    changes: [],
    referenceVersion: '1.0.0',
    candidateVersion: null,
    nextVersion: '2.0.0',
    nextVersionReason: null,
  };
}

describe('decideVerdict', () => {
  it('passes a healthy retrain under the default patch policy, listing every check', () => {
    const verdict = decideVerdict(metrics(), bump('patch'), DEFAULT_POLICY);
    expect(verdict.status).toBe('pass');
    expect(verdict.breaches).toEqual([]);
    expect(verdict.checks.map((c) => [c.metric, c.status])).toEqual([
      ['knnOverlapMean', 'pass'],
      ['ckaLinear', 'pass'],
      ['interCentroidDistanceChange', 'pass'],
    ]);
  });

  it('warns between the limits and fails past the fail limit, with metric, value, limit and message', () => {
    const warn = decideVerdict(metrics({ cka: 0.85 }), bump('patch'), DEFAULT_POLICY);
    expect(warn.status).toBe('warn');
    expect(warn.breaches).toEqual([
      { metric: 'ckaLinear', value: 0.85, limit: 0.9, level: 'warn', message: 'linear CKA 0.8500 is below the floor 0.9000 (warn limit for a patch change)' },
    ]);
    const fail = decideVerdict(metrics({ cka: 0.5, icd: -0.3 }), bump('patch'), DEFAULT_POLICY);
    expect(fail.status).toBe('fail');
    expect(fail.breaches.map((b) => [b.metric, b.level])).toEqual([
      ['ckaLinear', 'fail'],
      ['interCentroidDistanceChange', 'fail'],
    ]);
  });

  it('applies the policy of the final bump level', () => {
    expect(decideVerdict(metrics({ cka: 0.5 }), bump('major'), DEFAULT_POLICY).status).toBe('pass');
    expect(decideVerdict(metrics({ cka: 0.5 }), bump('minor'), DEFAULT_POLICY).status).toBe('warn');
  });

  it('with a sampled estimate, breaches only when the whole 95% interval is past the limit', () => {
    const straddles = decideVerdict(metrics({ overlap: 0.38, ci95: [0.33, 0.43] }), bump('patch'), DEFAULT_POLICY);
    expect(straddles.status).toBe('pass');
    const below = decideVerdict(metrics({ overlap: 0.3, ci95: [0.27, 0.33] }), bump('patch'), DEFAULT_POLICY);
    expect(below.breaches[0]?.message).toBe('kNN overlap (mean) 0.3000 (95% CI 0.2700–0.3300, entirely below the floor) is below the floor 0.4000 (warn limit for a patch change)');
  });

  it('lists a limit it could not check instead of passing it silently', () => {
    const verdict = decideVerdict(metrics({ cka: null }), bump('patch'), DEFAULT_POLICY);
    expect(verdict.skipped).toEqual([{ metric: 'ckaLinear', reason: 'no variance' }]);
    expect(verdict.checks.find((c) => c.metric === 'ckaLinear')?.status).toBe('skipped');
  });

  it('fails an under-declared bump by default, at the configured level, or not at all', () => {
    expect(decideVerdict(metrics(), bump('major', true), DEFAULT_POLICY).breaches.at(-1)).toMatchObject({ metric: 'bump', level: 'fail', value: 'patch', limit: 'major' });
    expect(decideVerdict(metrics(), bump('major', true), { ...DEFAULT_POLICY, underDeclared: 'warn' }).status).toBe('warn');
    expect(decideVerdict(metrics(), bump('major', true), { ...DEFAULT_POLICY, underDeclared: 'off' }).status).toBe('pass');
  });

  it('requires index compatibility when the policy says so (also when dimensions differ)', () => {
    const policy = mergePolicy(DEFAULT_POLICY, { policy: { patch: { requireIndexCompatible: true } } }, 'c.yml');
    expect(decideVerdict(metrics({ top1: 0.99 }), bump('patch'), policy).status).toBe('pass');
    expect(decideVerdict(metrics({ top1: 0.2 }), bump('patch'), policy).breaches.at(-1)?.metric).toBe('indexCompatible');
    expect(decideVerdict(metrics({ top1: null }), bump('patch'), policy).status).toBe('fail');
  });
});

describe('policy config', () => {
  const write = (name: string, text: string) => {
    const path = join(tempDir(), name);
    writeFileSync(path, text);
    return path;
  };

  it('merges YAML over the defaults; null removes a default limit', () => {
    const path = write('gate.yml', 'underDeclared: warn\npolicy:\n  patch:\n    ckaLinear: { fail: 0.6 }\n    interCentroidDistanceChange: null\n    knnOverlapP10: { warn: 0.2 }\n');
    const policy = loadPolicy(path, 'gate.yml');
    expect(policy.underDeclared).toBe('warn');
    expect(policy.levels.patch.limits).toEqual({
      knnOverlapMean: DEFAULT_POLICY.levels.patch.limits.knnOverlapMean,
      ckaLinear: { warn: 0.9, fail: 0.6 },
      knnOverlapP10: { warn: 0.2, fail: null },
    });
    expect(policy.levels.minor).toEqual(DEFAULT_POLICY.levels.minor);
  });

  it('reads JSON, and an empty file means the defaults', () => {
    expect(loadPolicy(write('gate.json', '{"policy": {"major": {"ckaLinear": {"fail": 0.1}}}}'), 'gate.json').levels.major.limits.ckaLinear).toEqual({ warn: 0.3, fail: 0.1 });
    expect(loadPolicy(write('empty.yml', ''), 'empty.yml')).toEqual(DEFAULT_POLICY);
  });

  it.each([
    ['typo.yml', 'polcy: {}\n', /typo\.yml: unknown top-level key "polcy"; expected one of underDeclared, policy/],
    ['level.yml', 'policy:\n  huge: {}\n', /unknown bump level under policy "huge"/],
    ['metric.yml', 'policy:\n  patch:\n    cka: {warn: 0.9}\n', /unknown key under policy\.patch "cka"; expected one of knnOverlapMean/],
    ['limit.yml', 'policy:\n  patch:\n    ckaLinear: {warn: high}\n', /policy\.patch\.ckaLinear\.warn must be a number or null, found "high"/],
    ['order.yml', 'policy:\n  patch:\n    ckaLinear: {warn: 0.5, fail: 0.7}\n', /warn limit 0\.5 is below the fail limit 0\.7/],
    ['flag.yml', 'policy:\n  patch:\n    requireIndexCompatible: "yes"\n', /requireIndexCompatible must be true or false/],
    ['under.yml', 'underDeclared: maybe\n', /underDeclared must be fail, warn or off/],
    ['broken.yml', 'policy: [\n', /broken\.yml: not valid YAML/],
  ])('rejects %s, naming the key', (name, text, pattern) => {
    expect(() => loadPolicy(write(name, text), name)).toThrow(pattern);
  });
});

describe('inline limits', () => {
  it('set fail floors on every level, raise a looser warn limit, keep a stricter one, and set index compatibility', () => {
    const policy = applyInlineLimits(DEFAULT_POLICY, { minKnnOverlap: 0.5, minCka: 0.2, requireIndexCompatible: true });
    expect(policy.levels.patch.limits.knnOverlapMean).toEqual({ warn: 0.5, fail: 0.5 });
    expect(policy.levels.patch.limits.ckaLinear).toEqual({ warn: 0.9, fail: 0.2 });
    expect(policy.levels.major.limits.knnOverlapMean).toEqual({ warn: 0.5, fail: 0.5 });
    expect(BUMP_LEVELS.every((level) => policy.levels[level].requireIndexCompatible)).toBe(true);
    expect(decideVerdict(metrics({ overlap: 0.45, top1: 0.99 }), bump('major'), policy).status).toBe('fail');
  });

  it('leave the policy alone when unset', () => {
    expect(applyInlineLimits(DEFAULT_POLICY, { minKnnOverlap: null, minCka: null, requireIndexCompatible: null })).toEqual(DEFAULT_POLICY);
  });
});

const BUMP_LEVELS = ['none', 'patch', 'minor', 'major'] as const;

describe('decideVerdict at the limits', () => {
  it('a value exactly at a floor or a ceiling passes; the next float past it breaches', () => {
    const atFloor = decideVerdict(metrics({ overlap: 0.25, cka: 0.8 }), bump('patch'), DEFAULT_POLICY);
    expect(atFloor.breaches.filter((b) => b.level === 'fail')).toEqual([]);
    expect(atFloor.checks.find((c) => c.metric === 'knnOverlapMean')?.status).toBe('warn');
    const atWarn = decideVerdict(metrics({ overlap: 0.4, cka: 0.9, icd: 0.1 }), bump('patch'), DEFAULT_POLICY);
    expect(atWarn.status).toBe('pass');
    expect(atWarn.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass']);
    const pastFloor = decideVerdict(metrics({ overlap: 0.25 - 1e-12 }), bump('patch'), DEFAULT_POLICY);
    expect(pastFloor.breaches).toMatchObject([{ metric: 'knnOverlapMean', level: 'fail' }]);
    const pastCeiling = decideVerdict(metrics({ icd: 0.25 + 1e-12 }), bump('patch'), DEFAULT_POLICY);
    expect(pastCeiling.breaches).toMatchObject([{ metric: 'interCentroidDistanceChange', level: 'fail' }]);
  });

  it('a sampled value whose interval ends exactly at a floor passes', () => {
    const verdict = decideVerdict(metrics({ overlap: 0.3, ci95: [0.2, 0.25] }), bump('patch'), DEFAULT_POLICY);
    expect(verdict.breaches.filter((b) => b.level === 'fail')).toEqual([]);
  });
});
