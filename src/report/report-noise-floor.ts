/** One harmless retrain measured against the reference. */
export interface NoiseFloorBaseline {
  readonly source: string;
  readonly knnOverlap: number;
  /** Standard error of the mean overlap (sd of per-item overlaps / √n). */
  readonly knnOverlapSe: number;
  readonly cka: number | null;
  readonly interCentroidChange: number | null;
}

/** The noise floor of a comparison with baselines, and the limits derived from it (`thresholds: auto`). */
export interface NoiseFloor {
  readonly baselines: readonly NoiseFloorBaseline[];
  /** `null` unless thresholds: auto. */
  readonly derived: {
    readonly margin: number;
    readonly knnOverlapMean: { readonly warn: number; readonly fail: number } | null;
    readonly ckaLinear: { readonly warn: number; readonly fail: number } | null;
  } | null;
}
