import { classifyBump } from './classify/classify-bump.js';
import { loadManifest, type Manifest } from './classify/manifest.js';
import { alignById, type AlignedPair } from './core/align.js';
import type { EmbeddingSet } from './core/embedding-set.js';
import { InputError } from './core/errors.js';
import { resolveInputFile, type PathPolicy } from './io/paths.js';
import { detectFormat, readEmbeddingSet } from './io/read-embedding-set.js';
import { seededRandom, sampleIndices } from './kernels/random.js';
import { clustersFromKmeans, clustersFromLabels } from './metrics/cluster-assignment.js';
import { clusterCentroids } from './metrics/cluster-centroids.js';
import { centroidShift } from './metrics/centroid-shift.js';
import { crossRetrieval } from './metrics/cross-retrieval.js';
import { knnOverlap, summariseKnnOverlap } from './metrics/knn-overlap.js';
import { linearCka } from './metrics/linear-cka.js';
import { pairedCosine } from './metrics/paired-cosine.js';
import { procrustesAlignedCosine } from './metrics/procrustes.js';
import { dimensionMismatchReason } from './metrics/types.js';
import { applyInlineLimits, loadPolicy, type Policy } from './policy/policy.js';
import { createKnnEngine, type KnnEngine } from './kernels/knn-engine.js';
import { decideVerdict } from './policy/verdict.js';
import { MAX_REPORT_TEXT, REPORT_SCHEMA_VERSION, type Report, type SetSummary, type WorstItem } from './report/report.js';
import { DEFAULT_SAMPLE, type QueryShard, type Settings, type SideSettings } from './settings.js';
import { TOOL_VERSION } from './version.js';

/** Where progress and warnings go (stderr in the CLI, the runner log in the action). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** Progress of a long step (optional): `done` of `total` units. */
  progress?(label: string, done: number, total: number): void;
}

/** Salts that give each random stream its own sequence from the one user seed. */
export const STREAM = { sample: 1, bootstrap: 2, kmeans: 3 } as const;

/** The per-item kNN results of one query shard, from which `merge` rebuilds the whole report. */
export interface ShardItems {
  readonly shard: QueryShard;
  /** Queries of the whole (unsharded) run, and whether they are a sample. */
  readonly totalQueries: number;
  readonly sampled: boolean;
  /** Position of this shard's first query in the whole run's query list. */
  readonly offset: number;
  /** Shared neighbours per query (overlap × k), in query order. */
  readonly shared: Int32Array;
  /** Cross-model partner ranks per query, or `null` when the dimensions differ. */
  readonly ranks: Int32Array | null;
  /** This shard's lowest-overlap items (a superset of its part of the global worst list), with their positions. */
  readonly worst: ReadonlyArray<WorstItem & { readonly position: number }>;
}

/** The report of a comparison, and the shard's per-item results when it ran one query shard. */
export interface CompareResult {
  readonly report: Report;
  readonly shardItems: ShardItems | null;
  /** The policy the verdict applied (a partial report carries it to `merge`). */
  readonly policy: Policy;
}

/** What the calling adapter adds: inputs it holds in memory, and how it names options. */
export interface CompareContext {
  /** A manifest already in memory (e.g. read from the PR's base commit); used when `settings.reference.manifest` is null. */
  readonly referenceManifest?: Manifest | null;
  /** How messages name an option: `--k` on the command line, `input 'k'` in the action. */
  readonly nameOf?: (option: string) => string;
}

const cliName = (option: string): string => `--${option}`;

/**
 * Runs the whole comparison: read both sets, join by id, measure, classify the bump, apply the
 * policy, and return the report. Throws InputError for anything wrong with the inputs.
 */
export async function compare(settings: Settings, log: Logger, context: CompareContext = {}): Promise<Report> {
  return (await compareDetailed(settings, log, context)).report;
}

/** Like compare, but also returns the per-item results of a query shard (`settings.queryShard`). */
export async function compareDetailed(settings: Settings, log: Logger, context: CompareContext = {}): Promise<CompareResult> {
  const nameOf = context.nameOf ?? cliName;
  const paths = settings.paths;
  const referenceManifest = loadOptionalManifest(settings.reference.manifest, nameOf('reference-manifest'), paths) ?? context.referenceManifest ?? null;
  const candidateManifest = loadOptionalManifest(settings.candidate.manifest, nameOf('candidate-manifest'), paths);
  const configPath = settings.config === null ? null : resolveInputFile(settings.config, nameOf('config'), paths);
  const policy = applyInlineLimits(loadPolicy(configPath, settings.config), settings.inlineLimits);
  const engine = createKnnEngine({ kernel: settings.kernel, threads: settings.threads, progress: log.progress?.bind(log) });
  if (engine === null) {
    throw new InputError(
      `${nameOf('kernel')} ${settings.kernel} is not supported by this runtime (Node ${process.versions.node})${settings.kernel === 'relaxed-simd' ? ': relaxed SIMD needs Node 22 or later, or node --experimental-wasm-relaxed-simd' : ''}; use auto.`,
    );
  }
  try {
    // Vectors are read straight into the engine's memory, where its kernel reads them.
    const allocate = (length: number) => engine.allocate(length);
    const reference = await readSide(settings.reference, 'reference', settings, paths, log, nameOf, allocate);
    const candidate = await readSide(settings.candidate, 'candidate', settings, paths, log, nameOf, allocate);
    log.info(`kNN kernel: ${engine.kernel}${engine.kernel === 'js' ? '' : ` on ${engine.threads} thread${engine.threads === 1 ? '' : 's'}`}`);
    // Rows already in reference order are normalised in place (no copy).
    const pair = alignById(reference.set, candidate.set, settings.minCoverage, allocate, true);
    log.info(`aligned ${pair.count} items by id (${pair.summary.referenceOnly.count} reference-only, ${pair.summary.candidateOnly.count} candidate-only)`);
    if (settings.k >= pair.count) {
      throw new InputError(
        `${nameOf('k')} ${settings.k} needs at least ${settings.k + 1} matched items (each item's neighbours exclude itself); there are ${pair.count}. Lower it or embed more probe items.`,
      );
    }
    const { metrics, shardItems } = await measure(engine, pair, settings, log);
    const bump = classifyBump({
      referenceManifest,
      candidateManifest,
      declaredFlag: settings.declaredBump,
      vectors: {
        referenceDim: pair.referenceDim,
        candidateDim: pair.candidateDim,
        minPairedCosine: metrics.paired.cosineMin,
        equivalenceTolerance: settings.equivalenceTolerance,
      },
    });
    const verdict = decideVerdict(metrics, bump, policy);
    const report: Report = {
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: { name: 'embedding-gate', version: TOOL_VERSION },
      settings: {
        k: settings.k,
        sample: settings.sample,
        exactLimit: settings.exactLimit,
        seed: settings.seed,
        clusters: settings.clusters,
        minCoverage: settings.minCoverage,
        compatThreshold: settings.compatThreshold,
        equivalenceTolerance: settings.equivalenceTolerance,
        config: settings.config,
        kernel: engine.kernel,
      },
      reference: reference.summary,
      candidate: candidate.summary,
      alignment: pair.summary,
      metrics,
      bump,
      verdict,
    };
    return { report, shardItems, policy };
  } finally {
    await engine.close();
  }
}

async function readSide(
  side: SideSettings,
  name: 'reference' | 'candidate',
  settings: Settings,
  paths: PathPolicy,
  log: Logger,
  nameOf: (option: string) => string,
  allocate: (length: number) => Float32Array,
): Promise<{ set: EmbeddingSet; summary: SetSummary }> {
  const path = resolveInputFile(side.path, nameOf(name), paths);
  const idsPath = side.ids === null ? null : resolveInputFile(side.ids, nameOf(`${name}-ids`), paths);
  const format = side.format ?? detectFormat(side.path);
  const started = Date.now();
  const set = await readEmbeddingSet({
    path,
    display: side.path,
    format,
    idField: settings.idField,
    vectorField: settings.vectorField,
    idsFile: idsPath,
    idsDisplay: side.ids,
    allocate,
  });
  log.info(`read ${name} ${side.path}: ${set.count} × ${set.dim} (${format}, ids from ${set.idSource}) in ${Date.now() - started} ms`);
  return {
    set,
    summary: { source: side.path, format, count: set.count, dim: set.dim, idSource: set.idSource, manifest: side.manifest },
  };
}

function loadOptionalManifest(path: string | null, option: string, paths: PathPolicy): Manifest | null {
  if (path === null) return null;
  return loadManifest(resolveInputFile(path, option, paths), path);
}

async function measure(engine: KnnEngine, pair: AlignedPair, settings: Settings, log: Logger): Promise<{ metrics: Report['metrics']; shardItems: ShardItems | null }> {
  const sampleSize = settings.sample ?? (pair.count > settings.exactLimit ? DEFAULT_SAMPLE : null);
  const sampled = sampleSize !== null && sampleSize < pair.count;
  if (settings.sample === null && sampled) {
    log.info(`${pair.count} items exceed the exact limit of ${settings.exactLimit}: evaluating a seeded sample of ${sampleSize} queries (neighbours searched over all items) with a 95% bootstrap interval`);
  }
  if (settings.sample !== null && !sampled) log.info(`sample ${settings.sample} ≥ ${pair.count} matched items: evaluating all items exactly`);
  const allQueries = sampled ? sampleIndices(pair.count, sampleSize, seededRandom(settings.seed ^ STREAM.sample)) : null;
  const shard = settings.queryShard;
  const totalQueries = allQueries?.length ?? pair.count;
  const slice = shard ? shardRange(totalQueries, shard) : null;
  const queryRows = slice ? (allQueries ?? Int32Array.from({ length: pair.count }, (_, i) => i)).slice(slice.start, slice.end) : allQueries;
  if (shard && slice) log.info(`query shard ${shard.index}/${shard.count}: queries ${slice.start}–${slice.end - 1} of ${totalQueries}`);
  const dimensionReason = dimensionMismatchReason(pair);

  let started = Date.now();
  const knnDetail = await knnOverlap(engine, pair, settings.k, queryRows);
  const { worstPositions, ...knn } = summariseKnnOverlap(knnDetail, sampled, seededRandom(settings.seed ^ STREAM.bootstrap));
  log.info(`kNN overlap (k=${settings.k}, ${knn.evaluated} queries, ${knn.method}) in ${Date.now() - started} ms`);
  const text = (row: number): string | null => {
    const value = pair.metadata?.[row]?.text;
    if (typeof value !== 'string') return null;
    // The report keeps at most MAX_REPORT_TEXT characters of an item's text (its schema's bound).
    return value.length > MAX_REPORT_TEXT ? `${value.slice(0, MAX_REPORT_TEXT - 1)}…` : value;
  };
  const ids = (list: Int32Array): string[] => Array.from(list, (row) => pair.ids[row] as string);
  const worstWithPositions = worstPositions.map((position) => {
    const row = knnDetail.queryRows[position] as number;
    const from = position * knnDetail.k;
    return {
      id: pair.ids[row] as string,
      text: text(row),
      overlap: knnDetail.overlaps[position] as number,
      referenceNeighbours: ids(knnDetail.referenceNeighbours.subarray(from, from + knnDetail.k)),
      candidateNeighbours: ids(knnDetail.candidateNeighbours.subarray(from, from + knnDetail.k)),
      position,
    };
  });
  const worst: WorstItem[] = worstWithPositions.map(({ position: _position, ...item }) => item);

  started = Date.now();
  const [referenceGram, candidateGram, candidateByReference] = [
    await engine.crossProduct(pair.reference, pair.referenceDim, pair.reference, pair.referenceDim, pair.count),
    await engine.crossProduct(pair.candidate, pair.candidateDim, pair.candidate, pair.candidateDim, pair.count),
    // CᵀR (uncentred) serves both CKA and Procrustes.
    await engine.crossProduct(pair.candidate, pair.candidateDim, pair.reference, pair.referenceDim, pair.count),
  ];
  const cka = linearCka(pair, { referenceGram, candidateGram, candidateByReference });
  log.info(`linear CKA in ${Date.now() - started} ms`);

  started = Date.now();

  const assignment =
    clustersFromLabels(pair.metadata, pair.ids, settings.clusterField) ??
    clustersFromKmeans(pair.reference, pair.count, pair.referenceDim, settings.clusters, settings.seed, seededRandom(settings.seed ^ STREAM.kmeans));
  const clusters = clusterCentroids(pair, assignment, dimensionReason);
  log.info(`clusters (${assignment.description}) in ${Date.now() - started} ms`);
  const allRows = Array.from({ length: pair.count }, (_, i) => i);
  const globalShift = dimensionReason === null ? centroidShift(pair.reference, pair.candidate, pair.referenceDim, allRows) : null;

  let paired: Report['metrics']['paired'];
  let cross: Report['metrics']['crossRetrieval'];
  let ranks: Int32Array | null = null;
  let procrustes: Report['metrics']['procrustes'];
  if (dimensionReason === null) {
    const values = pairedCosine(pair.reference, pair.candidate, pair.count, pair.referenceDim);
    paired = {
      cosineMean: values.cosineMean,
      cosineP5: values.cosineP5,
      cosineMin: values.cosineMin,
      lowest: { id: pair.ids[values.minRow] as string, cosine: values.cosineMin },
      reason: null,
    };
    started = Date.now();
    const { ranks: partnerRanks, ...retrieval } = await crossRetrieval(engine, pair, settings.k, settings.compatThreshold, queryRows);
    log.info(`cross-model retrieval in ${Date.now() - started} ms`);
    cross = { ...retrieval, reason: null };
    ranks = partnerRanks;
    started = Date.now();
    procrustes = { alignedCosineMean: procrustesAlignedCosine(candidateByReference, pair.count, pair.referenceDim), reason: null };
    log.info(`Procrustes in ${Date.now() - started} ms`);
  } else {
    paired = { cosineMean: null, cosineP5: null, cosineMin: null, lowest: null, reason: dimensionReason };
    cross = {
      evaluated: null,
      top1: null,
      recallAtK: null,
      k: settings.k,
      threshold: settings.compatThreshold,
      indexCompatible: false,
      reason: `${dimensionReason}; an index built from the old vectors cannot hold the new ones, so a re-index is required`,
    };
    procrustes = { alignedCosineMean: null, reason: dimensionReason };
  }

  const shardItems: ShardItems | null =
    shard && slice
      ? {
          shard,
          totalQueries,
          sampled,
          offset: slice.start,
          shared: Int32Array.from(knnDetail.overlaps, (overlap) => Math.round(overlap * settings.k)),
          ranks,
          worst: worstWithPositions.map((item) => ({ ...item, position: item.position + slice.start })),
        }
      : null;
  const metrics: Report['metrics'] = {
    knnOverlap: { ...knn, worst },
    cka: { linear: cka.value, reason: cka.reason },
    centroid: {
      cosineDistance: globalShift?.cosineDistance ?? null,
      relativeShift: globalShift?.relativeShift ?? null,
      reason: dimensionReason ?? globalShift?.reason ?? null,
      clustering: { source: clusters.source, description: clusters.description, count: clusters.clusters.length },
      clusters: clusters.clusters,
      meanInterCentroidDistance: clusters.meanInterCentroidDistance,
    },
    paired,
    crossRetrieval: cross,
    procrustes,
  };
  return { metrics, shardItems };
}

/** The contiguous range of query positions shard i of n takes: [⌊(i−1)·Q/n⌋, ⌊i·Q/n⌋). */
export function shardRange(queries: number, shard: QueryShard): { start: number; end: number } {
  return { start: Math.floor(((shard.index - 1) * queries) / shard.count), end: Math.floor((shard.index * queries) / shard.count) };
}
