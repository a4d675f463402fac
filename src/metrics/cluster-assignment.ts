import { InputError } from '../core/errors.js';
import type { ItemMetadata } from '../core/embedding-set.js';
import type { KnnEngine } from '../kernels/knn-engine.js';
import { sampleIndices } from '../stats/random.js';
import { kmeansAssignments } from './kmeans.js';
import { allRows } from '../core/all-rows.js';

/** Items per k-means fit: beyond this the centres are fitted on a seeded sample, then every item is assigned. */
export const KMEANS_FIT_LIMIT = 10_000;

/** Clusters of the aligned items: a name and the member rows of each, in a stable order. */
export interface ClusterAssignment {
  readonly source: 'label' | 'kmeans';
  /** The metadata field (labels) or a description of the k-means run. */
  readonly description: string;
  readonly clusters: ReadonlyArray<{ readonly name: string; readonly rows: readonly number[] }>;
}

/**
 * Clusters from a metadata label field when every item has one (clusters sorted by label:
 * numerically when all labels are numbers, else by code point); `null` when no item has it.
 * Some items labelled and others not is an input error naming the first unlabelled id.
 */
export function clustersFromLabels(
  metadata: readonly ItemMetadata[] | null,
  ids: readonly string[],
  field: string,
): ClusterAssignment | null {
  if (!metadata) return null;
  const labels = metadata.map((meta) => meta[field]);
  const present = labels.filter((label) => label !== undefined && label !== null && label !== '');
  if (present.length === 0) return null;
  const groups = new Map<string, number[]>();
  labels.forEach((label, row) => {
    if (label === undefined || label === null || label === '') {
      throw new InputError(
        `item ${JSON.stringify(ids[row])} has no ${JSON.stringify(field)} although other items do; label every item or none (clusters then come from k-means).`,
      );
    }
    const name = typeof label === 'string' ? label : JSON.stringify(label);
    const rows = groups.get(name) ?? [];
    rows.push(row);
    groups.set(name, rows);
  });
  const names = [...groups.keys()];
  const numeric = names.every((name) => name.trim() !== '' && Number.isFinite(Number(name)));
  names.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    source: 'label',
    description: `field ${JSON.stringify(field)}`,
    clusters: names.map((name) => ({ name, rows: groups.get(name) as number[] })),
  };
}

/**
 * Seeded k-means of the unit reference vectors (kmeansAssignments: k-means++ seeding, Lloyd
 * iterations on the engine's kernel, decisions exact in float64), fitted on a seeded sample of
 * KMEANS_FIT_LIMIT items when there are more, then every item goes to its nearest centre (squared
 * Euclidean, ties to the lower cluster). Empty clusters are dropped; clusters are numbered 0.. in
 * the fitted order.
 */
export async function clustersFromKmeans(
  engine: KnnEngine,
  vectors: Float32Array,
  count: number,
  dim: number,
  clusterCount: number,
  seed: number,
  random: () => number,
): Promise<ClusterAssignment> {
  if (clusterCount > count) {
    throw new InputError(`clusters = ${clusterCount} needs at least ${clusterCount} matched items, there are ${count}; lower the clusters option.`);
  }
  const fitRows = count > KMEANS_FIT_LIMIT ? Int32Array.from(sampleIndices(count, KMEANS_FIT_LIMIT, random)) : allRows(count);
  const assignment = await kmeansAssignments(engine, vectors, count, dim, clusterCount, fitRows, random);
  const members: number[][] = Array.from({ length: clusterCount }, () => []);
  assignment.forEach((cluster, row) => members[cluster]?.push(row));
  const clusters = members
    .map((rows, index) => ({ name: String(index), rows }))
    .filter((cluster) => cluster.rows.length > 0);
  return {
    source: 'kmeans',
    description: `k-means, k=${clusterCount}, seed ${seed}${count > KMEANS_FIT_LIMIT ? `, fitted on ${KMEANS_FIT_LIMIT} sampled items` : ''}`,
    clusters,
  };
}
