/** A metric value for people: 4 decimals, or "n/a" for a not-applicable (null) value. */
export function formatMetric(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return 'n/a';
  return value.toFixed(digits);
}

/** A fraction as a percentage with one decimal, e.g. 0.9731 → "97.3%". */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  return `${(value * 100).toFixed(1)}%`;
}

/** A signed relative change as a percentage, e.g. 0.12 → "+12.0%". */
export function formatChange(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  const percent = (value * 100).toFixed(1);
  return percent === '-0.0' || percent === '0.0' ? '±0.0%' : `${value > 0 ? '+' : ''}${percent}%`;
}
