import { InputError } from '../core/errors.js';
import type { EmbeddingSet, ItemMetadata } from '../core/embedding-set.js';

/**
 * Collects rows of a text or columnar format into one growing Float32Array.
 * The first row fixes the dimension; a later row of another length is an input error
 * naming its position and id.
 */
export class RowBuilder {
  private values = new Float32Array(0);
  private dim = -1;
  private count = 0;
  private readonly ids: string[] = [];
  private readonly metadata: ItemMetadata[] = [];
  private readonly positions: number[] = [];

  constructor(
    private readonly file: string,
    private readonly rowLabel: 'line' | 'row',
    private readonly idSource: string,
  ) {}

  /** Appends one row; `position` is its 1-based line (text formats) or 0-based row index. */
  add(id: string, vector: ArrayLike<number>, meta: ItemMetadata, position: number): void {
    if (this.dim < 0) {
      if (vector.length === 0) {
        throw new InputError(`${this.file}: ${this.rowLabel} ${position} (id ${JSON.stringify(id)}) has an empty embedding.`);
      }
      this.dim = vector.length;
    } else if (vector.length !== this.dim) {
      throw new InputError(
        `${this.file}: ${this.rowLabel} ${position} (id ${JSON.stringify(id)}) has ${vector.length} values, but the first row has ${this.dim}; every embedding must have the same dimension.`,
      );
    }
    const needed = (this.count + 1) * this.dim;
    if (needed > this.values.length) {
      const grown = new Float32Array(Math.max(needed, this.values.length * 2, 1024 * this.dim));
      grown.set(this.values.subarray(0, this.count * this.dim));
      this.values = grown;
    }
    const offset = this.count * this.dim;
    for (let j = 0; j < this.dim; j++) this.values[offset + j] = vector[j] as number;
    this.ids.push(id);
    this.metadata.push(meta);
    this.positions.push(position);
    this.count += 1;
  }

  private finalVectors(allocate: (length: number) => Float32Array): Float32Array {
    const vectors = allocate(this.count * this.dim);
    vectors.set(this.values.subarray(0, this.count * this.dim));
    this.values = new Float32Array(0);
    return vectors;
  }

  /** Finishes the set, copying the rows into `allocate`'s array; an input with no rows is an error. */
  build(allocate: (length: number) => Float32Array = (length) => new Float32Array(length)): EmbeddingSet {
    if (this.count === 0) {
      throw new InputError(`${this.file}: the file holds no embeddings (empty set).`);
    }
    const hasMetadata = this.metadata.some((meta) => Object.keys(meta).length > 0);
    return {
      source: this.file,
      count: this.count,
      dim: this.dim,
      vectors: this.finalVectors(allocate),
      ids: this.ids,
      idSource: this.idSource,
      metadata: hasMetadata ? this.metadata : null,
      rowLabel: this.rowLabel,
      rowNumbers: Int32Array.from(this.positions),
    };
  }
}

/**
 * Turns a JSON/CSV/Parquet id value into a string id, or throws naming the position. An id's text
 * must stay exact, or two different ids could be paired as one: strings and integers (BigInt from
 * int64 columns, numbers up to 2^53 − 1) are exact; any other number (beyond 2^53, or with a
 * fraction) is taken from `exactText`, the literal as written in the file, when the reader can give
 * it, and refused otherwise.
 */
export function toId(value: unknown, file: string, where: string, field: string, exactText?: () => string | null): string {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'number' && Number.isFinite(value)) {
    const exact = exactText?.() ?? null;
    if (exact !== null) return exact;
    throw new InputError(
      `${file}: ${where}: the id ${String(value)} is a ${Number.isInteger(value) ? 'number beyond 2^53' : 'fractional number'}, which a float64 cannot hold exactly, so two different ids could be read as one; write the ids as strings (or as int64 in Parquet).`,
    );
  }
  throw new InputError(
    `${file}: ${where} has ${value === undefined ? 'no' : 'an invalid'} id field ${JSON.stringify(field)}${value === undefined ? '' : ` (${JSON.stringify(value)})`}; every item needs a non-empty string or number id (or set the id-field option).`,
  );
}

/** Checks that a JSON/Parquet embedding value is an array of numbers, or throws naming the position. */
export function toVector(value: unknown, file: string, where: string, field: string): ArrayLike<number> {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return value as unknown as ArrayLike<number>;
  }
  if (value === null) {
    throw new InputError(`${file}: ${where} has a null embedding in ${JSON.stringify(field)}; drop that item or fill in its vector.`);
  }
  if (!Array.isArray(value)) {
    throw new InputError(
      `${file}: ${where} has ${value === undefined ? 'no' : 'a non-array'} embedding field ${JSON.stringify(field)}; expected an array of numbers (or set the vector-field option).`,
    );
  }
  for (let j = 0; j < value.length; j++) {
    const element: unknown = value[j];
    if (typeof element !== 'number') {
      throw new InputError(`${file}: ${where}: ${field}[${j}] is ${typeof element === 'bigint' ? `the integer ${element}` : JSON.stringify(element)}, not a number.`);
    }
  }
  return value as number[];
}
