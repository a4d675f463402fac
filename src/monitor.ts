import type { EmbeddingSet } from './core/embedding-set.js';
import { InputError } from './core/errors.js';
import { resolveInputFile, type PathPolicy } from './io/paths.js';
import { detectFormat, readEmbeddingSet, type InputFormat } from './io/read-embedding-set.js';
import { createKnnEngine, type KnnEngine } from './kernels/knn-engine.js';
import type { KernelChoice } from './kernels/wasm-kernel.js';
import type { Logger } from './logger.js';
import { cosine, euclideanDistance } from './kernels/matrix-products.js';
import { assignToCentres, kmeansFit } from './metrics/kmeans.js';
import { mmdPermutationTest } from './metrics/mmd.js';
import { populationShift } from './metrics/population-shift.js';
import { MONITOR_SCHEMA_VERSION, type MonitorBreach, type MonitorCluster, type MonitorLimits, type MonitorReport } from './report/monitor-report.js';
import { seededRandom } from './stats/random.js';
import { TOOL_VERSION } from './version.js';
import { allRows } from './core/all-rows.js';

/** Streams of the monitor's seeded randomness (disjoint from compare's). */
const STREAM = { kmeans: 0x6d6f6e31, mmd: 0x6d6f6e32 } as const;

/** Every setting of a monitor run. */
export interface MonitorSettings {
  readonly reference: string;
  readonly current: string;
  readonly format: InputFormat | null;
  readonly idField: string;
  readonly vectorField: string;
  readonly clusters: number;
  readonly seed: number;
  readonly permutations: number;
  /** Items of each side in the two-sample test (a seeded sample beyond it). */
  readonly mmdSample: number;
  readonly kernel: KernelChoice;
  readonly threads: number | null;
  readonly limits: MonitorLimits;
  readonly paths: PathPolicy;
}

/**
 * Monitoring without pairs: the reference (e.g. the release's sample) and the current items (e.g.
 * this week's traffic) are different items in the same model space. Both are L2-normalised; the
 * reference is clustered (seeded k-means) and every current item goes to its nearest reference
 * centroid. Reported: the global centroid distance, the mean distance between cluster centroids
 * and its change, each cluster's share on both sides (PSI, χ²) and centroid movement, and an MMD²
 * permutation test. Thresholds make the verdict.
 */
export async function monitor(settings: MonitorSettings, log: Logger, names: (option: string) => string = (option) => `--${option}`): Promise<MonitorReport> {
  const engine = createKnnEngine({ kernel: settings.kernel, threads: settings.threads, progress: log.progress?.bind(log) });
  if (engine === null) throw new InputError(`${names('kernel')} ${settings.kernel} is not supported by this runtime (Node ${process.versions.node}); use auto.`);
  try {
    engine.warmUp();
    const reference = await readUnit(settings, settings.reference, names('reference'), engine, log);
    const current = await readUnit(settings, settings.current, names('current'), engine, log);
    if (reference.dim !== current.dim) {
      throw new InputError(`${settings.current} has ${current.dim} dimensions and ${settings.reference} has ${reference.dim}: monitor compares items in one model space. To compare two models, use embedding-gate compare.`);
    }
    const dim = reference.dim;
    const k = Math.min(settings.clusters, reference.count);
    let started = Date.now();
    const allReference = allRows(reference.count);
    const { assignment, centres } = await kmeansFit(engine, reference.vectors, reference.count, dim, k, allReference, seededRandom(settings.seed ^ STREAM.kmeans));
    const currentAssignment = await assignToCentres(engine, current.vectors, current.count, dim, centres, null);
    log.info(`clusters (k-means, k=${k}, seed ${settings.seed}) and assignment of ${current.count} current items in ${Date.now() - started} ms`);

    const referenceCounts = countPerCluster(assignment, k);
    const currentCounts = countPerCluster(currentAssignment, k);
    const referenceCentroids = clusterMeans(reference.vectors, dim, assignment, k);
    const currentCentroids = clusterMeans(current.vectors, dim, currentAssignment, k);
    const clusters: MonitorCluster[] = Array.from({ length: k }, (_, c) => ({
      cluster: c,
      referenceShare: referenceCounts[c]! / reference.count,
      currentShare: currentCounts[c]! / current.count,
      centroidDistance: currentCounts[c]! > 0 && referenceCounts[c]! > 0 ? euclideanDistance(referenceCentroids[c]!, currentCentroids[c]!) : null,
    }));
    const referenceSpread = meanPairwise(referenceCentroids.filter((_, c) => referenceCounts[c]! > 0));
    const currentSpread = meanPairwise(currentCentroids.filter((_, c) => currentCounts[c]! > 0));
    const globalReference = mean(reference.vectors, dim, reference.count);
    const globalCurrent = mean(current.vectors, dim, current.count);

    started = Date.now();
    const mmd = await mmdPermutationTest(engine, { values: reference.vectors, count: reference.count }, { values: current.vectors, count: current.count }, dim, {
      sample: settings.mmdSample,
      permutations: settings.permutations,
      random: seededRandom(settings.seed ^ STREAM.mmd),
    });
    log.info(`MMD² permutation test (${mmd.referenceSample} + ${mmd.currentSample} items, ${mmd.permutations} permutations) in ${Date.now() - started} ms`);

    const population = populationShift(referenceCounts, currentCounts);
    const interCentroid = {
      reference: referenceSpread,
      current: currentSpread,
      relativeChange: referenceSpread !== null && currentSpread !== null && referenceSpread > 0 ? (currentSpread - referenceSpread) / referenceSpread : null,
    };
    const breaches = monitorBreaches(settings.limits, mmd.pValue, population.psi, interCentroid.relativeChange);
    return {
      schemaVersion: MONITOR_SCHEMA_VERSION,
      kind: 'monitor',
      tool: { name: 'embedding-gate', version: TOOL_VERSION },
      settings: { clusters: k, seed: settings.seed, permutations: settings.permutations, mmdSample: settings.mmdSample, kernel: engine.kernel },
      reference: { source: settings.reference, count: reference.count, dim },
      current: { source: settings.current, count: current.count, dim },
      centroid: { euclidean: euclideanDistance(globalReference, globalCurrent), cosineDistance: 1 - (cosine(globalReference, globalCurrent) ?? 0) },
      interCentroid,
      population,
      clusters,
      mmd,
      limits: settings.limits,
      verdict: { status: breaches.some((b) => b.level === 'fail') ? 'fail' : breaches.length > 0 ? 'warn' : 'pass', breaches },
    };
  } finally {
    await engine.close();
  }
}

/** The limits a monitor run reached: p < α (warn), PSI and |inter-centroid change| past their warn or fail level. */
export function monitorBreaches(limits: MonitorLimits, pValue: number, psi: number, change: number | null): MonitorBreach[] {
  const breaches: MonitorBreach[] = [];
  if (limits.alpha !== null && pValue < limits.alpha) {
    breaches.push({ check: 'mmdPValue', level: 'warn', value: pValue, limit: limits.alpha, message: `the current items are not distributed like the reference: MMD² permutation test p = ${pValue.toFixed(4)} < α = ${limits.alpha}` });
  }
  const ceiling = (check: 'psi' | 'interCentroidChange', value: number | null, levels: { warn: number | null; fail: number | null }, label: string) => {
    if (value === null) return;
    for (const level of ['fail', 'warn'] as const) {
      const limit = levels[level];
      if (limit !== null && Math.abs(value) > limit) {
        breaches.push({ check, level, value, limit, message: `${label} ${value.toFixed(4)} is past the ${level} limit ${limit}` });
        return;
      }
    }
  };
  ceiling('psi', psi, limits.psi, 'population stability index (cluster shares)');
  ceiling('interCentroidChange', change, limits.interCentroidChange, 'relative change of the mean distance between cluster centroids');
  return breaches;
}

/** Reads a set into engine memory and scales each row to unit length (a zero row is an input error naming it). */
async function readUnit(settings: MonitorSettings, path: string, option: string, engine: KnnEngine, log: Logger): Promise<EmbeddingSet> {
  const started = Date.now();
  const set = await readEmbeddingSet({
    path: resolveInputFile(path, option, settings.paths),
    display: path,
    format: settings.format ?? detectFormat(path),
    idField: settings.idField,
    vectorField: settings.vectorField,
    idsFile: null,
    idsDisplay: null,
    allocate: (length) => engine.allocate(length),
  });
  for (let row = 0; row < set.count; row++) {
    let norm = 0;
    for (let t = 0; t < set.dim; t++) norm += set.vectors[row * set.dim + t]! ** 2;
    if (!(norm > 0) || !Number.isFinite(norm)) throw new InputError(`${path}: ${set.rowLabel} ${row + 1} (id ${JSON.stringify(set.ids[row])}) has a zero or non-finite vector, which has no direction; drop it.`);
    const scale = 1 / Math.sqrt(norm);
    for (let t = 0; t < set.dim; t++) set.vectors[row * set.dim + t]! *= scale;
  }
  log.info(`read ${path}: ${set.count} × ${set.dim} in ${Date.now() - started} ms`);
  return set;
}

function countPerCluster(assignment: Int32Array, k: number): Int32Array {
  const counts = new Int32Array(k);
  for (const cluster of assignment) counts[cluster] = counts[cluster]! + 1;
  return counts;
}

function clusterMeans(values: Float32Array, dim: number, assignment: Int32Array, k: number): Float64Array[] {
  const sums = Array.from({ length: k }, () => new Float64Array(dim));
  const counts = countPerCluster(assignment, k);
  assignment.forEach((cluster, row) => {
    const sum = sums[cluster]!;
    for (let t = 0; t < dim; t++) sum[t] = sum[t]! + values[row * dim + t]!;
  });
  return sums.map((sum, c) => sum.map((value) => (counts[c]! > 0 ? value / counts[c]! : 0)));
}

function mean(values: Float32Array, dim: number, count: number): Float64Array {
  const sum = new Float64Array(dim);
  for (let row = 0; row < count; row++) for (let t = 0; t < dim; t++) sum[t] = sum[t]! + values[row * dim + t]!;
  return sum.map((value) => value / count);
}

/** Mean Euclidean distance over pairs of centroids, or `null` with fewer than two. */
function meanPairwise(centroids: readonly Float64Array[]): number | null {
  if (centroids.length < 2) return null;
  let total = 0;
  let pairs = 0;
  for (let a = 0; a < centroids.length; a++) for (let b = a + 1; b < centroids.length; b++, pairs++) total += euclideanDistance(centroids[a]!, centroids[b]!);
  return total / pairs;
}
