import type { ItemMetadata } from './embedding-set.js';

/** An item's `text` metadata cut to `max` characters (with an ellipsis), or null when it has none. */
export function itemText(metadata: readonly ItemMetadata[] | null, row: number, max: number): string | null {
  const value = metadata?.[row]?.text;
  if (typeof value !== 'string') return null;
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
