import { createHash } from 'node:crypto';
import { InputError } from '../core/errors.js';
import { resolveInputFile, type PathPolicy } from '../io/paths.js';
import type { CompareResult } from '../compare.js';
import { STREAM } from '../measure/streams.js';
import { seededRandom } from '../stats/random.js';
import { summariseRanks } from '../metrics/cross-retrieval.js';
import { summariseKnnOverlap } from '../metrics/knn-overlap.js';
import type { Policy } from '../policy/policy.js';
import { decideVerdict } from '../policy/verdict.js';
import { validatePartialReport } from '../report/generated/validators.js';
import { REPORT_SCHEMA_VERSION, type Report, type WorstItem } from '../report/report.js';
import { readValidatedJson } from '../report/validate-json.js';

/** Marks a partial report: one query shard's results, for `embedding-gate merge`. */
export const PARTIAL_KIND = 'embedding-gate-partial';

/** One shard's output: its report, the policy, and the per-item kNN results `merge` needs. */
export interface PartialReport {
  readonly kind: typeof PARTIAL_KIND;
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly shard: { readonly index: number; readonly count: number };
  /** Hash of everything the shards must share (inputs, settings, the non-kNN metrics, the bump). */
  readonly fingerprint: string;
  readonly totalQueries: number;
  readonly sampled: boolean;
  readonly offset: number;
  readonly policy: Policy;
  /** The shard's own report (its kNN numbers cover only its queries). */
  readonly report: Report;
  readonly items: {
    readonly shared: readonly number[];
    readonly ranks: readonly number[] | null;
    readonly worst: ReadonlyArray<WorstItem & { readonly position: number }>;
  };
}

/** The part of a report every shard computes in full: equal across shards of one run. */
function fingerprintOf(report: Report): string {
  const { metrics, verdict: _verdict, ...rest } = report;
  const { knnOverlap: _knn, crossRetrieval, ...global } = metrics;
  const shared = { ...rest, metrics: global, k: report.metrics.knnOverlap.k, threshold: crossRetrieval.threshold };
  return createHash('sha256').update(JSON.stringify(shared)).digest('hex');
}

/** Builds the partial report of a sharded comparison. */
export function buildPartialReport(result: CompareResult): PartialReport {
  const items = result.shardItems;
  if (!items) throw new Error('buildPartialReport needs a sharded comparison');
  return {
    kind: PARTIAL_KIND,
    schemaVersion: REPORT_SCHEMA_VERSION,
    shard: items.shard,
    fingerprint: fingerprintOf(result.report),
    totalQueries: items.totalQueries,
    sampled: items.sampled,
    offset: items.offset,
    policy: result.policy,
    report: result.report,
    items: { shared: Array.from(items.shared), ranks: items.ranks ? Array.from(items.ranks) : null, worst: items.worst },
  };
}

/**
 * Reads partial-report files (paths relative to the workspace); `what` names the option in errors.
 * A partial may come from another job (or a fork), so each is validated strictly against
 * schema/partial-report.schema.json, report included, before merge reads a field of it.
 */
export function loadPartialReports(files: readonly string[], what: string, paths: PathPolicy): Array<{ file: string; partial: PartialReport }> {
  return files.map((file) => {
    const path = resolveInputFile(file, what, paths);
    return { file, partial: readValidatedJson<PartialReport>(path, file, validatePartialReport, 'a partial report of embedding-gate (write one with compare --query-shard i/n)') };
  });
}

/**
 * Combines the partial reports of shards 1..n into the report an unsharded run gives: per-item
 * overlaps and ranks are concatenated in query order, then the summaries, the bootstrap interval,
 * the lowest-overlap items and the verdict are computed as in `compare` (byte-identical for exact
 * runs). Every shard must be present once and all must come from the same inputs and settings.
 */
export function mergePartialReports(partials: ReadonlyArray<{ file: string; partial: PartialReport }>): Report {
  if (partials.length === 0) throw new InputError('merge needs the partial reports of every shard.');
  for (const { file, partial } of partials) {
    if (partial?.kind !== PARTIAL_KIND || partial.schemaVersion !== REPORT_SCHEMA_VERSION) {
      throw new InputError(`${file}: not a partial report of embedding-gate (write one with compare --query-shard i/n --format json).`);
    }
  }
  const sorted = [...partials].sort((a, b) => a.partial.shard.index - b.partial.shard.index);
  const first = sorted[0]!.partial;
  const count = first.shard.count;
  let expectedOffset = 0;
  sorted.forEach(({ file, partial }, position) => {
    if (partial.shard.count !== count) throw new InputError(`${file}: shard ${partial.shard.index}/${partial.shard.count} does not belong to a run of ${count} shards.`);
    if (partial.shard.index !== position + 1) {
      throw new InputError(`${file}: shard ${partial.shard.index}/${count} ${partial.shard.index === position ? 'is given twice' : `follows a gap: shard ${position + 1}/${count} is missing`}.`);
    }
    if (partial.fingerprint !== first.fingerprint || partial.totalQueries !== first.totalQueries) {
      throw new InputError(`${file}: shard ${partial.shard.index} was computed from other inputs or settings than shard 1 (${sorted[0]!.file}); re-run all shards alike.`);
    }
    if (partial.offset !== expectedOffset) {
      throw new InputError(`${file}: shard ${partial.shard.index} starts at query ${partial.offset}, but the shards before it end at ${expectedOffset}; were they written by different versions?`);
    }
    expectedOffset += partial.items.shared.length;
  });
  if (sorted.length !== count) throw new InputError(`only ${sorted.length} of ${count} shards given; shard ${sorted.length + 1}/${count} is missing.`);

  const base = first.report;
  const k = base.metrics.knnOverlap.k;
  const shared = sorted.flatMap(({ partial }) => partial.items.shared);
  if (shared.length !== first.totalQueries) throw new InputError(`the shards hold ${shared.length} queries, the run has ${first.totalQueries}.`);
  const overlaps = Float64Array.from(shared, (value) => value / k);
  const { worstPositions, ...knn } = summariseKnnOverlap({ k, overlaps }, first.sampled, seededRandom(base.settings.seed ^ STREAM.bootstrap));
  const candidates = new Map(sorted.flatMap(({ partial }) => partial.items.worst.map((item) => [item.position, item] as const)));
  const worst: WorstItem[] = worstPositions.map((position) => {
    const item = candidates.get(position);
    if (!item) throw new InputError(`the shards lack the neighbour lists of query ${position}; were they written by different versions?`);
    const { position: _position, ...rest } = item;
    return rest;
  });
  let crossRetrieval = base.metrics.crossRetrieval;
  if (first.items.ranks !== null) {
    const ranks = sorted.flatMap(({ partial }) => partial.items.ranks ?? []);
    crossRetrieval = { ...summariseRanks(ranks, k, base.metrics.crossRetrieval.threshold), reason: null };
  }
  const metrics: Report['metrics'] = { ...base.metrics, knnOverlap: { ...knn, worst }, crossRetrieval };
  // Each shard knew only its own queries' overlaps: the map points get theirs from the whole list.
  const maps = base.maps && { ...base.maps, points: { ...base.maps.points, overlap: base.maps.points.query.map((query) => (query === null ? null : (overlaps[query] ?? null))) } };
  return { ...base, metrics, maps, verdict: decideVerdict(metrics, base.bump, first.policy) };
}
