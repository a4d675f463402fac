/** Free-form per-item fields kept from JSONL/CSV/Parquet rows (e.g. `text`, `label`). */
export type ItemMetadata = Readonly<Record<string, unknown>>;

/**
 * A set of embeddings as read from one file: `count` rows of `dim` float32 values, row-major,
 * with one id per row and optional metadata per row.
 */
export interface EmbeddingSet {
  /** Path of the file the vectors came from, as the user gave it (for messages). */
  readonly source: string;
  readonly count: number;
  readonly dim: number;
  /** Row-major `count × dim` values. */
  readonly vectors: Float32Array;
  /** One id per row. */
  readonly ids: readonly string[];
  /** Where the ids came from: a column/field, an ids file, or the row index. */
  readonly idSource: string;
  /** Per-row metadata, or `null` when the format carries none. */
  readonly metadata: readonly ItemMetadata[] | null;
  /** How a row is named in messages: "line" for text formats (1-based), "row" for binary ones (0-based). */
  readonly rowLabel: 'line' | 'row';
  /** For text formats: the 1-based line of each row; otherwise `null` (row index is the position). */
  readonly rowNumbers: Int32Array | null;
}

/** Describes row `index` of `set` for an error message, e.g. `line 12 (id "a")`. */
export function describeRow(set: EmbeddingSet, index: number): string {
  const position = set.rowNumbers ? set.rowNumbers[index] : index;
  return `${set.rowLabel} ${position} (id ${JSON.stringify(set.ids[index] ?? '')})`;
}
