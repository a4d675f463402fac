import type { ComponentBump } from '../classify/composite-bump.js';
import type { Manifest, ManifestComponent } from '../classify/manifest.js';
import type { AlignedPair } from '../core/align.js';
import { InputError } from '../core/errors.js';
import type { KnnEngine } from '../kernels/knn-engine.js';
import type { Logger } from '../logger.js';
import { dimensionMismatchReason } from '../metrics/types.js';
import type { ComponentReport } from '../report/report-components.js';
import type { Settings } from '../settings.js';
import { evaluatedQueries } from './measure.js';
import { runMeasureSteps } from './measure-step.js';
import { COMPONENT_STEPS } from './steps.js';

/**
 * Checks that a manifest's component slices tile the vector: sorted by start, the first starts at 0,
 * each starts where the previous ends (no gap, no overlap), and the last ends at `dim`. A slice that
 * breaks this is an input error naming the component and its dims.
 */
export function checkSlices(manifest: Manifest, dim: number, side: string): void {
  const parts = (manifest.components ?? []).filter((component) => component.dims !== null) as Array<ManifestComponent & { dims: readonly [number, number] }>;
  if (parts.length === 0) return;
  if (parts.length !== manifest.components!.length) {
    const missing = manifest.components!.find((component) => component.dims === null)!;
    throw new InputError(`${manifest.file}: component ${missing.name} has no dims while others do; give every component its slice [start, end) of the ${side} vector.`);
  }
  const sorted = [...parts].sort((a, b) => a.dims[0] - b.dims[0]);
  let end = 0;
  for (const part of sorted) {
    const [from, to] = part.dims;
    if (from > end) throw new InputError(`${manifest.file}: component ${part.name} has dims [${from}, ${to}), leaving dimensions ${end}–${from - 1} of the ${side} vector to no component (a gap).`);
    if (from < end) throw new InputError(`${manifest.file}: component ${part.name} has dims [${from}, ${to}), overlapping the previous component, which ends at ${end}.`);
    end = to;
  }
  if (end !== dim) {
    const last = sorted[sorted.length - 1]!;
    throw new InputError(`${manifest.file}: the components end at ${end} (component ${last.name} has dims [${last.dims[0]}, ${last.dims[1]})), but the ${side} vectors have ${dim} dimensions; the slices must cover [0, ${dim}) exactly.`);
  }
}

/**
 * Measures each component kept in both manifests on its own slices: the slice of every row of each
 * side, L2-normalised on its own, then kNN overlap, linear CKA, paired cosine and centroid shift as
 * for the whole vector (same k, queries and seed). Components without slices get no metrics.
 */
export async function measureComponents(
  engine: KnnEngine,
  pair: AlignedPair,
  bumps: readonly ComponentBump[],
  reference: Manifest,
  candidate: Manifest,
  settings: Settings,
  log: Logger,
): Promise<ComponentReport[]> {
  const referenceDims = new Map((reference.components ?? []).map((component) => [component.name, component.dims]));
  const { sampled, allQueries } = evaluatedQueries(pair.count, settings);
  const reports: ComponentReport[] = [];
  for (const bump of bumps) {
    const refSlice = referenceDims.get(bump.name) ?? null;
    const candSlice = bump.status === 'kept' ? bump.dims : null;
    const base = { name: bump.name, dims: bump.dims, referenceDims: refSlice, status: bump.status, bump: bump.bump, changes: bump.changes };
    if (refSlice === null || candSlice === null) {
      reports.push({ ...base, metrics: null });
      continue;
    }
    const slicePair = slicedPair(engine, pair, refSlice, candSlice, bump.name, candidate.file);
    const prefixed: Logger = { ...log, info: (message) => log.info(`component ${bump.name}: ${message}`) };
    const done = await runMeasureSteps(COMPONENT_STEPS, { engine, pair: slicePair, settings, queryRows: allQueries, allQueries, sampled, dimensionReason: dimensionMismatchReason(slicePair) }, prefixed);
    reports.push({
      ...base,
      metrics: {
        knnOverlap: { mean: done.knnSummary!.mean },
        cka: { linear: done.cka!.value },
        paired: { cosineMean: done.paired?.cosineMean ?? null },
        centroid: { cosineDistance: done.globalShift?.cosineDistance ?? null, relativeShift: done.globalShift?.relativeShift ?? null },
      },
    });
  }
  return reports;
}

/** The pair restricted to one slice per side, each row of each slice scaled to unit length. */
function slicedPair(engine: KnnEngine, pair: AlignedPair, refSlice: readonly [number, number], candSlice: readonly [number, number], name: string, file: string): AlignedPair {
  const cut = (values: Float32Array, dim: number, [from, to]: readonly [number, number], side: string): Float32Array => {
    const width = to - from;
    const out = engine.allocate(pair.count * width);
    for (let row = 0; row < pair.count; row++) {
      let norm = 0;
      for (let j = 0; j < width; j++) {
        const value = values[row * dim + from + j]!;
        norm += value * value;
      }
      if (norm === 0) throw new InputError(`${file}: component ${name}: the ${side} vector of id ${JSON.stringify(pair.ids[row])} is all zeros on dims [${from}, ${to}), so its slice has no direction; fill the slice or drop the item.`);
      const scale = 1 / Math.sqrt(norm);
      for (let j = 0; j < width; j++) out[row * width + j] = values[row * dim + from + j]! * scale;
    }
    return out;
  };
  return {
    ...pair,
    referenceDim: refSlice[1] - refSlice[0],
    candidateDim: candSlice[1] - candSlice[0],
    reference: cut(pair.reference, pair.referenceDim, refSlice, 'reference'),
    candidate: cut(pair.candidate, pair.candidateDim, candSlice, 'candidate'),
  };
}
