/** The row numbers 0, 1, …, count − 1: every row of a matrix, as the row lists of the metrics and kernels take them. */
export function allRows(count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => i);
}
