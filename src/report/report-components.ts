import type { Bump } from '../classify/bump.js';
import type { SectionChange } from '../classify/classify-bump.js';

/** One component of a composite embedding in the report: its bump from the manifests, and its slice's metrics. */
export interface ComponentReport {
  readonly name: string;
  /** Its slice [start, end) of the candidate vector (the reference's for a removed component), or `null`. */
  readonly dims: readonly [number, number] | null;
  /** Its slice of the reference vector, or `null` (added, or not given). */
  readonly referenceDims: readonly [number, number] | null;
  readonly status: 'kept' | 'added' | 'removed';
  readonly bump: Bump;
  readonly changes: readonly SectionChange[];
  /** Measured on the two slices, each L2-normalised on its own; `null` without slices on both sides. */
  readonly metrics: {
    readonly knnOverlap: { readonly mean: number };
    readonly cka: { readonly linear: number | null };
    readonly paired: { readonly cosineMean: number | null };
    readonly centroid: { readonly cosineDistance: number | null; readonly relativeShift: number | null };
  } | null;
}
