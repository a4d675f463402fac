import { seededRandom } from '../stats/random.js';
import { clustersFromKmeans, clustersFromLabels } from '../metrics/cluster-assignment.js';
import { measureCentroids } from '../metrics/cluster-centroids.js';
import { centroidShift } from '../metrics/centroid-shift.js';
import { crossRetrieval } from '../metrics/cross-retrieval.js';
import { knnOverlap, summariseKnnOverlap } from '../metrics/knn-overlap.js';
import { crossProductsOn, linearCka } from '../metrics/linear-cka.js';
import { allRows } from '../core/all-rows.js';
import { pairedCosine } from '../metrics/paired-cosine.js';
import { procrustesAlignedCosine } from '../metrics/procrustes.js';
import type { MeasureStep } from './measure-step.js';
import { STREAM } from './streams.js';

/** kNN in both spaces for the evaluated queries, and the overlap summary (bootstrap interval when sampled). */
const knnOverlapStep: MeasureStep = {
  describe: ({ settings }, { knnSummary }) => `kNN overlap (k=${settings.k}, ${knnSummary!.evaluated} queries, ${knnSummary!.method})`,
  run: async ({ engine, pair, settings, queryRows, sampled }) => {
    const knnDetail = await knnOverlap(engine, pair, settings.k, queryRows);
    return { knnDetail, knnSummary: summariseKnnOverlap(knnDetail, sampled, seededRandom(settings.seed ^ STREAM.bootstrap)) };
  },
};

/**
 * The cross-products RᵀR, CᵀC and CᵀR and the column means on the engine, then linear CKA from
 * them. The products start before the first step: the engine's threads form them whenever the
 * searches leave them idle, and the step itself completes what is left.
 */
const ckaStep: MeasureStep = {
  describe: (_, { productsFormedEarly }) => `linear CKA (${Math.round(100 * productsFormedEarly!)}% of its product chunks formed in idle time)`,
  headStart: ({ engine, pair }) => ({ pendingProducts: crossProductsOn(engine, pair) }),
  run: async ({ pair }, { pendingProducts }) => {
    const productsFormedEarly = pendingProducts!.formed();
    const products = await pendingProducts!.finish();
    return { products, productsFormedEarly, cka: linearCka(pair, products) };
  },
};

/** Clusters (the label field, else seeded k-means), per-cluster and global centroid shifts. */
const clustersStep: MeasureStep = {
  describe: (_, { clusters }) => `clusters (${clusters!.description})`,
  run: async ({ engine, pair, settings, dimensionReason }) => {
    const assignment =
      clustersFromLabels(pair.metadata, pair.ids, settings.clusterField) ??
      (await clustersFromKmeans(engine, pair.reference, pair.count, pair.referenceDim, settings.clusters, settings.seed, seededRandom(settings.seed ^ STREAM.kmeans)));
    return { assignment, ...measureCentroids(engine, pair, assignment, dimensionReason) };
  },
};

/** Paired cosine cos(R_i, C_i) (equal dimensions only). */
const pairedStep: MeasureStep = {
  describe: () => 'paired cosine',
  run: ({ engine, pair, dimensionReason }) => ({ paired: dimensionReason === null ? pairedCosine(engine.rowDots(pair.reference, pair.candidate, pair.count, pair.referenceDim)) : null }),
};

/** Cross-model retrieval: each C_i searched against the reference index (equal dimensions only). */
const crossRetrievalStep: MeasureStep = {
  describe: () => 'cross-model retrieval',
  run: async ({ engine, pair, settings, queryRows, dimensionReason }, { knnDetail }) => ({
    cross: dimensionReason === null ? await crossRetrieval(engine, pair, settings.k, settings.compatThreshold, queryRows, knnDetail!.referenceNeighbours) : null,
  }),
};

/**
 * Procrustes: mean cosine after the best orthogonal map of C onto R, from CᵀR's singular values
 * (equal dimensions only). Its d³ work runs on the engine's background thread, alongside the steps
 * after it.
 */
const procrustesStep: MeasureStep = {
  describe: () => 'Procrustes',
  alongside: true,
  run: async ({ engine, pair, dimensionReason }, { products }) => ({
    procrustes: dimensionReason === null ? procrustesAlignedCosine(await engine.singularValues(products!.candidateByReference, pair.referenceDim), pair.count) : null,
  }),
};

/** Every measurement of a comparison, in the order they run (later steps read earlier ones' results). */
export const MEASURE_STEPS: readonly MeasureStep[] = [knnOverlapStep, ckaStep, procrustesStep, clustersStep, pairedStep, crossRetrievalStep];

/** The global centroid shift alone (equal dimensions only): a component's slice gets it without clustering. */
const globalShiftStep: MeasureStep = {
  describe: () => 'centroid shift',
  run: ({ pair, dimensionReason }) => ({
    globalShift: dimensionReason === null ? centroidShift(pair.reference, pair.candidate, pair.referenceDim, allRows(pair.count)) : null,
  }),
};

/** What a composite embedding's component gets on its slice: kNN overlap, CKA, paired cosine and centroid shift. */
export const COMPONENT_STEPS: readonly MeasureStep[] = [knnOverlapStep, ckaStep, pairedStep, globalShiftStep];
