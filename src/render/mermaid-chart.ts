/**
 * A Mermaid `xychart-beta` bar chart of the per-item kNN overlap histogram, which GitHub renders
 * natively in comments and job summaries. Only numbers and fixed labels go into it (no data text),
 * so it cannot be broken or abused by ids; the grammar emitted is exactly:
 *
 *     xychart-beta
 *       title "kNN overlap per item (k = <int>, <int> items)"
 *       x-axis "overlap" ["0.0", "0.1", …]
 *       y-axis "items" 0 --> <int>
 *       bar [<int>, <int>, …]
 */
export function overlapChart(histogram: readonly number[], evaluated: number): string {
  const k = histogram.length - 1;
  const counts = histogram.map((count) => (Number.isSafeInteger(count) && count >= 0 ? count : 0));
  const labels = counts.map((_, j) => `"${(j / k).toFixed(k > 10 ? 2 : 1)}"`);
  const top = Math.max(1, ...counts);
  return [
    '```mermaid',
    'xychart-beta',
    `  title "kNN overlap per item (k = ${k}, ${Math.trunc(evaluated)} items)"`,
    `  x-axis "overlap" [${labels.join(', ')}]`,
    `  y-axis "items" 0 --> ${top}`,
    `  bar [${counts.join(', ')}]`,
    '```',
  ].join('\n');
}
