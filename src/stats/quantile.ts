/**
 * The p-quantile of ascending-sorted values with linear interpolation between closest ranks
 * (NumPy's default `method="linear"`, R's type 7): h = (n − 1)·p,
 * Q(p) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). Requires n ≥ 1 and 0 ≤ p ≤ 1.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of an empty array');
  const h = (n - 1) * p;
  const lower = Math.floor(h);
  const upper = Math.min(lower + 1, n - 1);
  const a = sorted[lower] as number;
  const b = sorted[upper] as number;
  return a + (h - lower) * (b - a);
}

/** Ascending copy of the values as a Float64Array (numeric sort, no string comparison). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}
