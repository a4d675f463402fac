/** A metric value that may not apply to this comparison: the value, or `null` with the reason. */
export type Applicable<T> = { readonly value: T; readonly reason: null } | { readonly value: null; readonly reason: string };

/** The aligned, unit-normalised matrices every metric reads (row i is the same item in both). */
export interface AlignedMatrices {
  readonly count: number;
  readonly referenceDim: number;
  readonly candidateDim: number;
  readonly reference: Float32Array;
  readonly candidate: Float32Array;
}

/** The reason shared by all equal-dimension metrics when the dimensions differ. */
export function dimensionMismatchReason(matrices: AlignedMatrices): string | null {
  return matrices.referenceDim === matrices.candidateDim
    ? null
    : `dimensions differ (${matrices.referenceDim} → ${matrices.candidateDim}): the coordinates are not comparable one to one`;
}
