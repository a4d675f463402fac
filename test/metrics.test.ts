import { afterAll, describe, expect, it } from 'vitest';
import { alignById, type AlignedPair } from '../src/core/align.js';
import { crossProduct } from '../src/kernels/matrix-products.js';
import type { EmbeddingSet } from '../src/core/embedding-set.js';
import { seededRandom } from '../src/stats/random.js';
import { bootstrapMeanInterval } from '../src/metrics/bootstrap.js';
import { centroidShift } from '../src/metrics/centroid-shift.js';
import { clustersFromKmeans, clustersFromLabels } from '../src/metrics/cluster-assignment.js';
import { measureCentroids } from '../src/metrics/cluster-centroids.js';
import { crossRetrieval } from '../src/metrics/cross-retrieval.js';
import { knnOverlap, summariseKnnOverlap } from '../src/metrics/knn-overlap.js';
import { crossProductsOn, linearCka } from '../src/metrics/linear-cka.js';
import { pairedCosine } from '../src/metrics/paired-cosine.js';
import { procrustesAlignedCosine } from '../src/metrics/procrustes.js';
import { singularValues } from '../src/kernels/singular-values.js';
import { rowDots } from '../src/core/row-norms.js';
import { dimensionMismatchReason } from '../src/metrics/types.js';
import { availableEngines, expectClose, jsEngine, loadMetricCase } from './helpers.js';

// Reference values: test/fixtures/metrics/*.json, computed by test/fixtures/make_fixtures.py with
// scikit-learn 1.2 NearestNeighbors (cosine, brute), NumPy 1.24 and SciPy 1.10
// (orthogonal_procrustes, spatial.distance.cosine, pdist). Inputs are stored as float32; the
// tolerance covers float32 normalisation (about 1e-7 per value).
const TOL = 2e-6;
const procrustesOf = (pair: AlignedPair) =>
  procrustesAlignedCosine(singularValues(crossProduct(pair.candidate, pair.candidateDim, pair.reference, pair.referenceDim, pair.count), pair.referenceDim), pair.count);
const all = (n: number) => Array.from({ length: n }, (_, i) => i);
const labelsOf = (expected: { labels: string[] }) => expected.labels.map((label) => ({ label }));

const ENGINES = availableEngines();
afterAll(() => Promise.all(ENGINES.map(({ engine }) => engine.close())));

describe.each(['equal', 'dims', 'rotation'])('reference values: %s', (name) => {
  it.each(ENGINES)('kNN neighbour lists and overlap statistics match scikit-learn ($name engine)', async ({ engine }) => {
    const { pair, expected } = await loadMetricCase(name, engine);
    const detail = await knnOverlap(engine, pair, expected.k, null);
    const k = expected.k as number;
    const lists = (flat: Int32Array) => Array.from({ length: pair.count }, (_, i) => Array.from(flat.subarray(i * k, (i + 1) * k)));
    expect(lists(detail.referenceNeighbours)).toEqual(expected.referenceNeighbours);
    expect(lists(detail.candidateNeighbours)).toEqual(expected.candidateNeighbours);
    expect(Array.from(detail.overlaps)).toEqual(expected.knnOverlap.perItem);
    const summary = summariseKnnOverlap(detail, false, seededRandom(1));
    expectClose(summary.mean, expected.knnOverlap.mean, 1e-12);
    expectClose(summary.p10, expected.knnOverlap.p10, 1e-12);
    expectClose(summary.p50, expected.knnOverlap.p50, 1e-12);
    expect(summary.min).toBe(expected.knnOverlap.min);
    expect(summary.ci95).toBeNull();
  });

  it('linear CKA matches NumPy (feature-space and HSIC forms agree)', async () => {
    const { pair, expected } = await loadMetricCase(name);
    expectClose(expected.ckaLinear, expected.ckaLinearHsic, 1e-9);
    expectClose(linearCka(pair).value, expected.ckaLinear, TOL);
  });

  it('mean inter-centroid distance and its change match SciPy pdist', async () => {
    const { pair, expected } = await loadMetricCase(name);
    const assignment = clustersFromLabels(labelsOf(expected), pair.ids, 'label');
    expect(assignment).not.toBeNull();
    const result = measureCentroids(jsEngine, pair, assignment!, dimensionMismatchReason(pair)).clusters;
    expectClose(result.meanInterCentroidDistance.reference, expected.interCentroid.reference, TOL);
    expectClose(result.meanInterCentroidDistance.candidate, expected.interCentroid.candidate, TOL);
    expectClose(result.meanInterCentroidDistance.relativeChange, expected.interCentroid.relativeChange, TOL);
    if (expected.clusters) {
      expect(result.clusters.map((c) => [c.cluster, c.size])).toEqual(expected.clusters.map((c: any) => [c.cluster, c.size]));
      result.clusters.forEach((cluster, i) => {
        expectClose(cluster.cosineDistance, expected.clusters[i].cosineDistance, TOL);
        expectClose(cluster.relativeShift, expected.clusters[i].relativeShift, TOL);
      });
    } else {
      expect(result.clusters.every((c) => c.cosineDistance === null && c.reason?.startsWith('dimensions differ'))).toBe(true);
    }
  });
});

describe.each(['equal', 'dims', 'rotation'])('engine cross-products: %s', (name) => {
  it.each(ENGINES)('CKA from the $name engine’s cross-products matches NumPy', async ({ engine }) => {
    const { pair, expected } = await loadMetricCase(name, engine);
    const products = await crossProductsOn(engine, pair).finish();
    expectClose(linearCka(pair, products).value, expected.ckaLinear, 2e-6);
    const exact = crossProduct(pair.candidate, pair.candidateDim, pair.reference, pair.referenceDim, pair.count);
    exact.forEach((value, i) => expectClose(products.candidateByReference[i], value, 1e-5));
  });
});

describe('CKA of a set with no variance', () => {
  /** n copies of one unit vector (reference) and n varied vectors (candidate), in the engine's memory. */
  function constantPair(engine: (typeof ENGINES)[number]['engine'], n: number, d: number, spread = 0) {
    const reference = engine.allocate(n * d);
    const candidate = engine.allocate(n * d);
    for (let i = 0; i < n; i++) {
      let norm = 0;
      for (let j = 0; j < d; j++) {
        const value = Math.sin(j + 1) + spread * Math.cos(7 * i + 3 * j);
        reference[i * d + j] = value;
        norm += value * value;
      }
      for (let j = 0; j < d; j++) reference[i * d + j] = (reference[i * d + j] as number) / Math.sqrt(norm);
    }
    for (let i = 0; i < n * d; i++) candidate[i] = Math.sin(i * 0.37);
    return { count: n, referenceDim: d, candidateDim: d, reference, candidate };
  }
  const productsOf = (engine: (typeof ENGINES)[number]['engine'], pair: ReturnType<typeof constantPair>) => crossProductsOn(engine, pair).finish();

  it.each(ENGINES)('a constant set of 97, 1,000 or 5,000 items says so on the $name engine (float rounding is not variance)', async ({ engine }) => {
    for (const n of [97, 1000, 5000]) {
      const pair = constantPair(engine, n, 64);
      expect(linearCka(pair, await productsOf(engine, pair)), `n = ${n}`).toEqual({ value: null, reason: 'a set has no variance (every item has the same vector)' });
    }
  });

  it.each(ENGINES)('a set that varies only a little still gets a value on the $name engine', async ({ engine }) => {
    const pair = constantPair(engine, 1000, 64, 0.05);
    const cka = linearCka(pair, await productsOf(engine, pair));
    expect(cka.reason).toBeNull();
    expect(cka.value).toBeGreaterThan(0);
  });
});

describe.each(['equal', 'rotation'])('reference values, equal dimensions: %s', (name) => {
  it('centroid shift, paired cosine, cross retrieval and Procrustes match NumPy/SciPy', async () => {
    const { pair, expected } = await loadMetricCase(name);
    const shift = centroidShift(pair.reference, pair.candidate, pair.referenceDim, all(pair.count));
    expectClose(shift.cosineDistance, expected.centroid.cosineDistance, TOL);
    expectClose(shift.relativeShift, expected.centroid.relativeShift, TOL);
    // The same global shift from the clusters' row sums (clusters covering every item), and from a
    // pass of its own when they do not (a cluster of two items only).
    const halves = { source: 'label' as const, description: 'halves', clusters: [{ name: 'a', rows: all(pair.count).filter((i) => i % 2 === 0) }, { name: 'b', rows: all(pair.count).filter((i) => i % 2 === 1) }] };
    const partial = { ...halves, clusters: [{ name: 'a', rows: [0, 1] }] };
    for (const assignment of [halves, partial]) {
      const { globalShift } = measureCentroids(jsEngine, pair, assignment, null);
      expectClose(globalShift!.cosineDistance, expected.centroid.cosineDistance, TOL);
      expectClose(globalShift!.relativeShift, expected.centroid.relativeShift, TOL);
    }
    const paired = pairedCosine(rowDots(pair.reference, pair.candidate, pair.count, pair.referenceDim));
    expectClose(paired.cosineMean, expected.paired.mean, TOL);
    expectClose(paired.cosineP5, expected.paired.p5, TOL);
    expectClose(paired.cosineMin, expected.paired.min, TOL);
    const cross = await crossRetrieval(jsEngine, pair, expected.k, 0.95, null);
    expect(cross.top1).toBe(expected.crossRetrieval.top1);
    expect(cross.recallAtK).toBe(expected.crossRetrieval.recallAtK);
    expectClose(procrustesOf(pair), expected.procrustesAlignedCosineMean, 1e-5);
  });

  it.each(ENGINES)('cross-retrieval ranks match NumPy ($name engine)', async ({ engine }) => {
    const { pair, expected } = await loadMetricCase(name, engine);
    const ranks = await engine.partnerRanks(pair.candidate, pair.reference, pair.count, pair.referenceDim, null, pair.count, 'test');
    expect(Array.from(ranks)).toEqual(expected.crossRetrieval.ranks);
    const capped = await engine.partnerRanks(pair.candidate, pair.reference, pair.count, pair.referenceDim, null, expected.k, 'test');
    expect(Array.from(capped)).toEqual(expected.crossRetrieval.ranks.map((rank: number) => Math.min(rank, expected.k)));
  });
});

function setOf(name: string, rows: Float32Array, count: number, dim: number, order?: number[]): EmbeddingSet {
  const index = order ?? all(count);
  const vectors = new Float32Array(count * dim);
  index.forEach((source, target) => vectors.set(rows.subarray(source * dim, (source + 1) * dim), target * dim));
  return { source: name, count, dim, vectors, ids: index.map((i) => `id-${i}`), idSource: 'test', metadata: null, rowLabel: 'row', rowNumbers: null };
}

describe('invariants', () => {
  const count = 120;
  const dim = 8;
  const random = seededRandom(5);
  const base = Float32Array.from({ length: count * dim }, () => random() - 0.3);

  it('identical sets: overlap 1, CKA 1, paired cosine 1, top-1 1, Procrustes 1, no shift', async () => {
    const pair = alignById(setOf('a', base, count, dim), setOf('b', base, count, dim), 1);
    const summary = summariseKnnOverlap(await knnOverlap(jsEngine, pair, 10, null), false, seededRandom(1));
    expect([summary.mean, summary.min]).toEqual([1, 1]);
    expect(summary.worstPositions).toEqual([]);
    expectClose(linearCka(pair).value, 1, 1e-12);
    expect(pairedCosine(rowDots(pair.reference, pair.candidate, count, dim)).cosineMin).toBeGreaterThan(1 - 1e-6);
    expect(await crossRetrieval(jsEngine, pair, 10, 0.95, null)).toMatchObject({ top1: 1, indexCompatible: true });
    expectClose(procrustesOf(pair), 1, 1e-9);
    expect(centroidShift(pair.reference, pair.candidate, dim, all(count)).relativeShift).toBe(0);
  });

  it('a pure rotation: overlap 1, CKA 1, Procrustes 1, top-1 near 0, not index compatible', async () => {
    const { pair } = await loadMetricCase('rotation');
    expect(summariseKnnOverlap(await knnOverlap(jsEngine, pair, 5, null), false, seededRandom(1)).mean).toBe(1);
    expectClose(linearCka(pair).value, 1, 1e-6);
    expectClose(procrustesOf(pair), 1, 1e-6);
    const cross = await crossRetrieval(jsEngine, pair, 5, 0.95, null);
    expect(cross.top1).toBeLessThan(0.1);
    expect(cross.indexCompatible).toBe(false);
  });

  it('shuffling the candidate rows changes nothing (the join is by id)', async () => {
    const other = Float32Array.from(base, (v, i) => v + Math.sin(i) * 0.2);
    const shuffled = all(count).sort((a, b) => ((a * 7919) % count) - ((b * 7919) % count));
    const straight = alignById(setOf('a', base, count, dim), setOf('b', other, count, dim), 1);
    const permuted = alignById(setOf('a', base, count, dim), setOf('b', other, count, dim, shuffled), 1);
    expect(Array.from(permuted.candidate)).toEqual(Array.from(straight.candidate));
    expect(linearCka(permuted).value).toBe(linearCka(straight).value);
    expect(Array.from((await knnOverlap(jsEngine, permuted, 5, null)).overlaps)).toEqual(Array.from((await knnOverlap(jsEngine, straight, 5, null)).overlaps));
  });

  it('sampled queries reproduce the exact per-item overlaps of those items, with a bootstrap interval', async () => {
    const { pair, expected } = await loadMetricCase('equal');
    const rows = Int32Array.from([0, 5, 17, 40, 41, 89]);
    const detail = await knnOverlap(jsEngine, pair, expected.k, rows);
    expect(Array.from(detail.overlaps)).toEqual(Array.from(rows, (row) => expected.knnOverlap.perItem[row]));
    const summary = summariseKnnOverlap(detail, true, seededRandom(3));
    expect(summary.method).toBe('sampled');
    const [low, high] = summary.ci95!;
    expect(low).toBeLessThanOrEqual(summary.mean);
    expect(high).toBeGreaterThanOrEqual(summary.mean);
    expect(summariseKnnOverlap(detail, true, seededRandom(3)).ci95).toEqual(summary.ci95);
  });
});

describe('bootstrapMeanInterval', () => {
  it('is narrow for a constant sample and covers the mean of a varied one', () => {
    expect(bootstrapMeanInterval([0.5, 0.5, 0.5], seededRandom(1))).toEqual([0.5, 0.5]);
    const values = Array.from({ length: 400 }, (_, i) => (i % 10) / 10);
    const [low, high] = bootstrapMeanInterval(values, seededRandom(2));
    // Mean 0.45, standard error ≈ 0.2872 / √400 ≈ 0.0144: the 95% interval is about ±0.028.
    expect(low).toBeGreaterThan(0.41);
    expect(low).toBeLessThan(0.44);
    expect(high).toBeGreaterThan(0.46);
    expect(high).toBeLessThan(0.49);
  });

  it('takes the 2.5% and 97.5% quantiles: each side is 1.96 standard errors from the mean, not 1.645 (a 90% interval)', () => {
    // A symmetric sample of 2,000 values with standard deviation σ; the mean of n resampled values
    // has standard error σ/√n, and 95% of bootstrap means fall within ±1.96 of it.
    const values = Array.from({ length: 2000 }, (_, i) => Math.sin(i * 0.61803398875) * 2);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    const se = sd / Math.sqrt(values.length);
    const [low, high] = bootstrapMeanInterval(values, seededRandom(5));
    expectClose((mean - low) / se, 1.96, 0.2);
    expectClose((high - mean) / se, 1.96, 0.2);
    const [low90, high90] = bootstrapMeanInterval(values, seededRandom(5), 0.9);
    expectClose((mean - low90) / se, 1.645, 0.2);
    expectClose((high90 - mean) / se, 1.645, 0.2);
  });
});

describe('pairedCosine', () => {
  it('names the row of the lowest cosine (the first on ties), not the highest', () => {
    const unit = (angle: number) => [Math.cos(angle), Math.sin(angle)];
    // Rows 0..3 turn by 0.1, 2.5, 0.3 and 2.5 radians: cosines 0.995, −0.801, 0.955, −0.801.
    const reference = Float32Array.from([unit(0), unit(0), unit(0), unit(0)].flat());
    const candidate = Float32Array.from([unit(0.1), unit(2.5), unit(0.3), unit(2.5)].flat());
    const result = pairedCosine(rowDots(reference, candidate, 4, 2));
    expect(result.minRow).toBe(1);
    expectClose(result.cosineMin, Math.cos(2.5), 1e-6);
    expectClose(result.cosineMean, (Math.cos(0.1) + 2 * Math.cos(2.5) + Math.cos(0.3)) / 4, 1e-6);
  });
});

describe('clusters', () => {
  it('k-means is seeded: the same seed gives the same clusters', async () => {
    const { pair } = await loadMetricCase('equal');
    const run = (seed: number) => clustersFromKmeans(jsEngine, pair.reference, pair.count, pair.referenceDim, 3, seed, seededRandom(seed));
    expect(await run(11)).toEqual(await run(11));
    expect((await run(11)).clusters.reduce((total, c) => total + c.rows.length, 0)).toBe(pair.count);
  });

  it('label clusters sort numerically, reject partial labels, and fall back to k-means without labels', () => {
    const ids = ['a', 'b', 'c'];
    expect(clustersFromLabels([{ label: 10 }, { label: 9 }, { label: 10 }], ids, 'label')?.clusters.map((c) => c.name)).toEqual(['9', '10']);
    expect(() => clustersFromLabels([{ label: 'x' }, {}, { label: 'y' }], ids, 'label')).toThrow(/item "b" has no "label"/);
    expect(clustersFromLabels([{ text: 'x' }, {}, {}], ids, 'label')).toBeNull();
  });

  it('rejects more k-means clusters than items', async () => {
    await expect(clustersFromKmeans(jsEngine, new Float32Array(4), 2, 2, 3, 1, seededRandom(1))).rejects.toThrow(/clusters = 3 needs at least 3 matched items/);
  });
});

describe('Procrustes from the singular values of CᵀR', () => {
  // Full rank: to 1e-9. Rank-deficient: a zero singular value comes out as √(ε·λ_max) ≈ 1e-8·σ_max,
  // so the sum is within 1e-6 (the bound the gate needs), not 1e-9.
  it('equals the nuclear norm from an SVD (ml-matrix): to 1e-9 at full rank, to 1e-6 when rank-deficient', async () => {
    const { Matrix, SingularValueDecomposition } = await import('ml-matrix');
    const { procrustesAlignedCosine } = await import('../src/metrics/procrustes.js');
    for (const [d, rank] of [[3, 3], [7, 7], [40, 40], [64, 10], [129, 129], [65, 9], [200, 200]] as const) {
      let s = d * 31 + rank;
      const random = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
      const left = Array.from({ length: d }, () => Array.from({ length: rank }, random));
      const right = Array.from({ length: rank }, () => Array.from({ length: d }, random));
      const m = new Matrix(left).mmul(new Matrix(right));
      const svd = new SingularValueDecomposition(m, { computeLeftSingularVectors: false, computeRightSingularVectors: false });
      const nuclear = svd.diagonal.reduce((sum, sigma) => sum + sigma, 0);
      const n = Math.ceil(nuclear) + 1;
      const flat = Float64Array.from(m.to1DArray());
      expectClose(procrustesAlignedCosine(singularValues(flat, d), n), nuclear / n, rank === d ? 1e-9 : 1e-6);
    }
  });
});
