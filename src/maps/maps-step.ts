import { itemText } from '../core/item-text.js';
import type { MeasureInput, MeasureStep } from '../measure/measure-step.js';
import type { Measurements } from '../measure/measurements.js';
import { STREAM } from '../measure/streams.js';
import type { ReportMaps } from '../report/report-maps.js';
import { sampleIndices, seededRandom } from '../stats/random.js';
import { MAP_EPOCHS, umapLayout } from './umap-layout.js';
import { allRows } from '../core/all-rows.js';

/** Points mapped at most (a seeded sample beyond it), and per side in the joint view. */
export const MAP_POINTS = 1000;
export const JOINT_POINTS = 500;
/** Lines drawn in the joint view: the items that moved most. */
export const MOVED_LINES = 40;
/** Characters of an item's text the map keeps for its tooltip. */
const MAP_TEXT = 200;

/**
 * The maps of the HTML report: UMAP layouts of a seeded sample of items (all of them up to
 * MAP_POINTS) in each space, fed the engine's exact kNN graph of that sample, coloured by the
 * clusters step's assignment; and, when the dimensions are equal, a joint layout of both spaces.
 */
export const mapsStep: MeasureStep = {
  describe: (_, { maps }) => `maps (UMAP of ${maps!.points.ids.length} of ${maps!.total} items${maps!.joint ? ', and a joint view' : ''})`,
  run: async (input, done) => ({ maps: await buildMaps(input, done) }),
};

/**
 * The rows of the report's lowest-overlap items; none in a query shard, which knows only its own
 * queries (so all shards map the same rows, and a merged page maps a plain sample).
 */
function worstRows(done: Measurements, shard: boolean): number[] {
  const queryRows = done.knnDetail!.queryRows;
  return shard ? [] : done.knnSummary!.worstPositions.map((position) => queryRows[position] as number);
}

/**
 * The mapped rows of a large set: the lowest-overlap items (so every ringed point on the maps has its
 * neighbour lists in the report), then a seeded sample of the others up to MAP_POINTS, ascending.
 */
function mapRows(count: number, worst: readonly number[], random: () => number): number[] {
  const chosen = new Set(worst);
  const others = Array.from(sampleIndices(count, MAP_POINTS, random));
  for (const row of others) {
    if (chosen.size >= MAP_POINTS) break;
    chosen.add(row);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** Rows of `values` (`dim` wide) copied into a new array from `allocate`. */
function gather(values: Float32Array, dim: number, rows: readonly number[], allocate: (length: number) => Float32Array): Float32Array {
  const out = allocate(rows.length * dim);
  rows.forEach((row, i) => out.set(values.subarray(row * dim, (row + 1) * dim), i * dim));
  return out;
}

async function buildMaps({ engine, pair, settings, allQueries }: MeasureInput, done: Measurements): Promise<ReportMaps> {
  const random = seededRandom(settings.seed ^ STREAM.map);
  const sampled = pair.count > MAP_POINTS;
  const rows = sampled ? mapRows(pair.count, worstRows(done, settings.queryShard !== null), random) : Array.from({ length: pair.count }, (_, i) => i);
  const allocate = (length: number) => engine.allocate(length);
  const k = settings.k;
  const reference = await umapLayout(engine, gather(pair.reference, pair.referenceDim, rows, allocate), rows.length, pair.referenceDim, k, settings.seed, 'map of the reference space');
  const candidate = await umapLayout(engine, gather(pair.candidate, pair.candidateDim, rows, allocate), rows.length, pair.candidateDim, k, settings.seed, 'map of the candidate space');

  const assignment = done.assignment!;
  const clusterOf = new Int32Array(pair.count);
  assignment.clusters.forEach((cluster, index) => cluster.rows.forEach((row) => (clusterOf[row] = index)));
  const detail = done.knnDetail!;
  const overlapOfRow = new Map<number, number>();
  detail.queryRows.forEach((row, position) => overlapOfRow.set(row, detail.overlaps[position] as number));
  const positionOfRow = new Map<number, number>();
  (allQueries ?? allRows(pair.count)).forEach((row, position) => positionOfRow.set(row, position));
  // A query shard knows only its own queries' overlaps; merge fills them in from `query`.
  const shardRun = settings.queryShard !== null;

  let joint: ReportMaps['joint'] = null;
  const paired = done.paired ?? null;
  if (paired !== null) {
    const subset = rows.length > JOINT_POINTS ? Array.from(sampleIndices(rows.length, JOINT_POINTS, random)).sort((a, b) => a - b) : rows.map((_, i) => i);
    const subsetRows = subset.map((point) => rows[point] as number);
    const dim = pair.referenceDim;
    const both = allocate(2 * subsetRows.length * dim);
    both.set(gather(pair.reference, dim, subsetRows, (length) => new Float32Array(length)));
    both.set(gather(pair.candidate, dim, subsetRows, (length) => new Float32Array(length)), subsetRows.length * dim);
    const layout = await umapLayout(engine, both, 2 * subsetRows.length, dim, k, settings.seed, 'joint map');
    const half = subsetRows.length * 2;
    const moved = subset
      .map((_, i) => i)
      .sort((a, b) => (paired.values[subsetRows[a] as number] as number) - (paired.values[subsetRows[b] as number] as number) || a - b)
      .slice(0, MOVED_LINES);
    joint = { points: subset, reference: Array.from(layout.coordinates.subarray(0, half)), candidate: Array.from(layout.coordinates.subarray(half)), moved };
  }
  return {
    method: `UMAP (umap-js, ${MAP_EPOCHS} epochs, seed ${settings.seed}) of the engine's exact cosine ${k}-NN graph`,
    total: pair.count,
    sampled,
    clusters: assignment.clusters.map((cluster) => cluster.name),
    points: {
      ids: rows.map((row) => pair.ids[row] as string),
      text: rows.map((row) => itemText(pair.metadata, row, MAP_TEXT)),
      cluster: rows.map((row) => clusterOf[row] as number),
      overlap: rows.map((row) => (shardRun ? null : (overlapOfRow.get(row) ?? null))),
      query: rows.map((row) => positionOfRow.get(row) ?? null),
    },
    reference: Array.from(reference.coordinates),
    candidate: Array.from(candidate.coordinates),
    joint,
  };
}
