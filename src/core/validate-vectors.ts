import { InputError } from './errors.js';
import { describeRow, type EmbeddingSet } from './embedding-set.js';

/**
 * Checks every row of a set before any metric sees it: each value must be finite and each
 * vector non-zero (cosine is undefined for a zero vector). Throws naming the file, row and id.
 * `sums` are each row's Σ x² (float64, rowSumsOfSquares), which the normalisation reuses.
 */
export function validateVectors(set: EmbeddingSet, sums: Float64Array): void {
  const { vectors, dim, count } = set;
  for (let i = 0; i < count; i++) {
    const offset = i * dim;
    const sumOfSquares = sums[i] as number;
    // A NaN or ±∞ anywhere in the row makes the float64 sum non-finite (float32 squares cannot
    // overflow it), so only such a row is searched for the value to name.
    if (!Number.isFinite(sumOfSquares)) {
      for (let j = 0; j < dim; j++) {
        const value = vectors[offset + j] as number;
        if (!Number.isFinite(value)) {
          throw new InputError(
            `${set.source}: ${describeRow(set, i)} has a non-finite value (${value}) at dimension ${j}; fix or drop that item before comparing.`,
          );
        }
      }
    }
    if (sumOfSquares === 0) {
      throw new InputError(`${set.source}: ${describeRow(set, i)} is a zero vector; its cosine similarity is undefined, so fix or drop that item.`);
    }
  }
}

/** Longest item id accepted (the report schema's bound on every id it holds). */
export const MAX_ID_LENGTH = 4096;

/** Checks that no id occurs twice in a set and none is longer than MAX_ID_LENGTH; names the rows. */
export function checkUniqueIds(set: EmbeddingSet): Map<string, number> {
  const index = new Map<string, number>();
  set.ids.forEach((id, row) => {
    if (id.length > MAX_ID_LENGTH) {
      throw new InputError(`${set.source}: ${describeRow(set, row)} has an id of ${id.length} characters; ids are limited to ${MAX_ID_LENGTH}. Use a shorter key (e.g. a hash of the text).`);
    }
    const earlier = index.get(id);
    if (earlier !== undefined) {
      throw new InputError(
        `${set.source}: duplicate id ${JSON.stringify(id)} at ${describeRow(set, earlier)} and ${describeRow(set, row)}; ids must be unique to pair items.`,
      );
    }
    index.set(id, row);
  });
  return index;
}
