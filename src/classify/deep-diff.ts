/** One difference between two JSON-like values, at a dotted path (`a.b[2].c`). */
export interface ValueChange {
  readonly path: string;
  readonly reference: unknown;
  readonly candidate: unknown;
}

/**
 * Lists the leaf paths where two JSON-like values differ. Object key order is ignored; arrays
 * compare element by element; a key present on one side only is a change (the other side is
 * `undefined`). Paths come in sorted key order, so the list is deterministic.
 */
export function deepDiff(reference: unknown, candidate: unknown, path = ''): ValueChange[] {
  if (isPlainObject(reference) && isPlainObject(candidate)) {
    const keys = [...new Set([...Object.keys(reference), ...Object.keys(candidate)])].sort();
    return keys.flatMap((key) => deepDiff(reference[key], candidate[key], path ? `${path}.${key}` : key));
  }
  if (Array.isArray(reference) && Array.isArray(candidate)) {
    const length = Math.max(reference.length, candidate.length);
    const changes: ValueChange[] = [];
    for (let i = 0; i < length; i++) changes.push(...deepDiff(reference[i], candidate[i], `${path}[${i}]`));
    return changes;
  }
  return Object.is(reference, candidate) ? [] : [{ path, reference, candidate }];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}
