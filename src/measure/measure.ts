import type { AlignedPair } from '../core/align.js';
import { itemText } from '../core/item-text.js';
import type { KnnEngine } from '../kernels/knn-engine.js';
import { sampleIndices, seededRandom } from '../stats/random.js';
import { dimensionMismatchReason } from '../metrics/types.js';
import type { Logger } from '../logger.js';
import { MAX_REPORT_TEXT, type Report, type WorstItem } from '../report/report.js';
import type { ReportMaps } from '../report/report-maps.js';
import { DEFAULT_SAMPLE, type QueryShard, type Settings } from '../settings.js';
import { runMeasureSteps, type MeasureInput, type MeasureStep } from './measure-step.js';
import type { Measurements } from './measurements.js';
import { MEASURE_STEPS } from './steps.js';
import { STREAM } from './streams.js';
import { allRows } from '../core/all-rows.js';

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

/**
 * The queries a run evaluates: all items up to the exact limit (or with a sample at least that
 * large), else a seeded sample of `--sample` (default DEFAULT_SAMPLE) items. `allQueries` is null for all.
 */
export function evaluatedQueries(count: number, settings: Pick<Settings, 'sample' | 'exactLimit' | 'seed'>): { sampleSize: number | null; sampled: boolean; allQueries: Int32Array | null } {
  const sampleSize = settings.sample ?? (count > settings.exactLimit ? DEFAULT_SAMPLE : null);
  const sampled = sampleSize !== null && sampleSize < count;
  return { sampleSize, sampled, allQueries: sampled ? sampleIndices(count, sampleSize, seededRandom(settings.seed ^ STREAM.sample)) : null };
}

/** The contiguous range of query positions shard i of n takes: [⌊(i−1)·Q/n⌋, ⌊i·Q/n⌋). */
export function shardRange(queries: number, shard: QueryShard): { start: number; end: number } {
  return { start: Math.floor(((shard.index - 1) * queries) / shard.count), end: Math.floor((shard.index * queries) / shard.count) };
}

/**
 * Measures how the space moved: picks the evaluated queries (all, a seeded sample beyond the exact
 * limit, and/or one shard's slice), runs the measure steps on the pair, and shapes the report's
 * metrics (and a shard's per-item results) from what they produced.
 */
export async function measure(
  engine: KnnEngine,
  pair: AlignedPair,
  settings: Settings,
  log: Logger,
  steps: readonly MeasureStep[] = MEASURE_STEPS,
): Promise<{ metrics: Report['metrics']; maps: ReportMaps | null; shardItems: ShardItems | null }> {
  const { sampleSize, sampled, allQueries } = evaluatedQueries(pair.count, settings);
  if (settings.sample === null && sampled) {
    log.info(`${pair.count} items exceed the exact limit of ${settings.exactLimit}: evaluating a seeded sample of ${sampleSize} queries (neighbours searched over all items) with a 95% bootstrap interval`);
  }
  if (settings.sample !== null && !sampled) log.info(`sample ${settings.sample} ≥ ${pair.count} matched items: evaluating all items exactly`);
  const shard = settings.queryShard;
  const totalQueries = allQueries?.length ?? pair.count;
  const slice = shard ? shardRange(totalQueries, shard) : null;
  const queryRows = slice ? (allQueries ?? allRows(pair.count)).slice(slice.start, slice.end) : allQueries;
  if (shard && slice) log.info(`query shard ${shard.index}/${shard.count}: queries ${slice.start}–${slice.end - 1} of ${totalQueries}`);
  const input: MeasureInput = { engine, pair, settings, queryRows, allQueries, sampled, dimensionReason: dimensionMismatchReason(pair) };
  const done = await runMeasureSteps(steps, input, log);
  const worst = worstItems(pair, done);
  const metrics = shapeMetrics(input, done, worst.map(({ position: _position, ...item }) => item));
  const shardItems: ShardItems | null =
    shard && slice
      ? {
          shard,
          totalQueries,
          sampled,
          offset: slice.start,
          shared: Int32Array.from(done.knnDetail!.overlaps, (overlap) => Math.round(overlap * settings.k)),
          ranks: done.cross?.ranks ?? null,
          worst: worst.map((item) => ({ ...item, position: item.position + slice.start })),
        }
      : null;
  return { metrics, maps: done.maps ?? null, shardItems };
}

/** The lowest-overlap items with both neighbour lists as ids, their text cut to the report's bound. */
function worstItems(pair: AlignedPair, done: Measurements): Array<WorstItem & { readonly position: number }> {
  const detail = done.knnDetail!;
  const ids = (list: Int32Array): string[] => Array.from(list, (row) => pair.ids[row] as string);
  return done.knnSummary!.worstPositions.map((position) => {
    const row = detail.queryRows[position] as number;
    const from = position * detail.k;
    return {
      id: pair.ids[row] as string,
      text: itemText(pair.metadata, row, MAX_REPORT_TEXT),
      overlap: detail.overlaps[position] as number,
      referenceNeighbours: ids(detail.referenceNeighbours.subarray(from, from + detail.k)),
      candidateNeighbours: ids(detail.candidateNeighbours.subarray(from, from + detail.k)),
      position,
    };
  });
}

function withoutRanks<T extends { ranks: unknown }>({ ranks: _ranks, ...rest }: T): Omit<T, 'ranks'> {
  return rest;
}

/** The report's metrics section from the steps' results; metrics that do not apply get null and the reason. */
function shapeMetrics({ pair, settings, dimensionReason }: MeasureInput, done: Measurements, worst: WorstItem[]): Report['metrics'] {
  const { worstPositions: _positions, ...knn } = done.knnSummary!;
  const clusters = done.clusters!;
  const paired = done.paired ?? null;
  const cross = done.cross ?? null;
  const reason = dimensionReason ?? '';
  return {
    knnOverlap: { ...knn, worst },
    cka: { linear: done.cka!.value, reason: done.cka!.reason },
    centroid: {
      cosineDistance: done.globalShift?.cosineDistance ?? null,
      relativeShift: done.globalShift?.relativeShift ?? null,
      reason: dimensionReason ?? done.globalShift?.reason ?? null,
      clustering: { source: clusters.source, description: clusters.description, count: clusters.clusters.length },
      clusters: clusters.clusters,
      meanInterCentroidDistance: clusters.meanInterCentroidDistance,
    },
    paired:
      paired === null
        ? { cosineMean: null, cosineP5: null, cosineMin: null, lowest: null, reason }
        : { cosineMean: paired.cosineMean, cosineP5: paired.cosineP5, cosineMin: paired.cosineMin, lowest: { id: pair.ids[paired.minRow] as string, cosine: paired.cosineMin }, reason: null },
    crossRetrieval:
      cross === null
        ? {
            evaluated: null,
            top1: null,
            recallAtK: null,
            k: settings.k,
            threshold: settings.compatThreshold,
            indexCompatible: false,
            reason: `${reason}; an index built from the old vectors cannot hold the new ones, so a re-index is required`,
          }
        : { ...withoutRanks(cross), reason: null },
    procrustes: { alignedCosineMean: done.procrustes ?? null, reason: dimensionReason },
  };
}
