/** Floor on a share in the PSI, so that an empty cluster on one side gives a large, finite term. */
export const PSI_FLOOR = 1e-4;

/**
 * Population shift between two histograms over the same bins:
 * PSI = Σ_c (q_c − r_c) · ln(q_c / r_c), shares floored at 1e-4; and Pearson's
 * χ² = Σ_c (O_c − E_c)² / E_c with O = current counts and E_c = r_c · n (bins with E = 0 skipped),
 * on k − 1 degrees of freedom.
 */
export function populationShift(referenceCounts: ArrayLike<number>, currentCounts: ArrayLike<number>): { psi: number; chiSquare: number; degreesOfFreedom: number } {
  const k = referenceCounts.length;
  let m = 0;
  let n = 0;
  for (let c = 0; c < k; c++) {
    m += referenceCounts[c]!;
    n += currentCounts[c]!;
  }
  let psi = 0;
  let chiSquare = 0;
  for (let c = 0; c < k; c++) {
    const r = Math.max(referenceCounts[c]! / m, PSI_FLOOR);
    const q = Math.max(currentCounts[c]! / n, PSI_FLOOR);
    psi += (q - r) * Math.log(q / r);
    const expected = (referenceCounts[c]! / m) * n;
    if (expected > 0) chiSquare += (currentCounts[c]! - expected) ** 2 / expected;
  }
  return { psi, chiSquare, degreesOfFreedom: k - 1 };
}
