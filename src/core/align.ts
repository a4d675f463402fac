import { InputError } from './errors.js';
import type { EmbeddingSet, ItemMetadata } from './embedding-set.js';
import { JS_ROW_LOOPS, type RowLoops } from './row-norms.js';
import { checkUniqueIds, validateVectors } from './validate-vectors.js';

/** How many ids to list when reporting ids present on one side only. */
export const ONE_SIDED_EXAMPLES = 10;

/** The result of joining two sets by id: L2-normalised, row-aligned matrices (reference order). */
export interface AlignedPair {
  readonly count: number;
  readonly referenceDim: number;
  readonly candidateDim: number;
  /** `count × referenceDim`, every row of unit length. */
  readonly reference: Float32Array;
  /** `count × candidateDim`, every row of unit length; row i is the same item as reference row i. */
  readonly candidate: Float32Array;
  readonly ids: readonly string[];
  /** Metadata per aligned row (reference fields, then candidate fields that the reference lacks). */
  readonly metadata: readonly ItemMetadata[] | null;
  readonly summary: AlignmentSummary;
}

/** The alignment part of the report. */
export interface AlignmentSummary {
  readonly matched: number;
  readonly coverage: number;
  readonly referenceOnly: { readonly count: number; readonly examples: readonly string[] };
  readonly candidateOnly: { readonly count: number; readonly examples: readonly string[] };
}

/**
 * Joins reference and candidate by id (candidate rows may be in any order), validates every
 * vector, and returns row-aligned unit vectors. Duplicate ids, no common id, and a coverage
 * (matched / reference count) below `minCoverage` are input errors. `allocate` provides the
 * output arrays (the kNN engine passes its shared memory so its kernel reads them in place).
 * With `reuseInputs`, a set whose rows are already all matched and in reference order is
 * normalised in place and used as is (no copy): the caller gives up that set's raw vectors.
 * `loops` runs the row norms and the scaling (an engine passes its kernel's, with the same bits).
 */
export function alignById(
  reference: EmbeddingSet,
  candidate: EmbeddingSet,
  minCoverage: number,
  allocate: (length: number) => Float32Array = (length) => new Float32Array(length),
  reuseInputs = false,
  loops: RowLoops = JS_ROW_LOOPS,
): AlignedPair {
  const referenceSquares = loops.sumsOfSquares(reference.vectors, reference.count, reference.dim);
  const candidateSquares = loops.sumsOfSquares(candidate.vectors, candidate.count, candidate.dim);
  validateVectors(reference, referenceSquares);
  validateVectors(candidate, candidateSquares);
  checkUniqueIds(reference);
  const candidateIndex = checkUniqueIds(candidate);

  const referenceRows: number[] = [];
  const candidateRows: number[] = [];
  const referenceOnly: string[] = [];
  reference.ids.forEach((id, row) => {
    const match = candidateIndex.get(id);
    if (match === undefined) referenceOnly.push(id);
    else {
      referenceRows.push(row);
      candidateRows.push(match);
    }
  });
  const matchedCandidates = new Set(candidateRows);
  const candidateOnly = candidate.ids.filter((_, row) => !matchedCandidates.has(row));
  const matched = referenceRows.length;
  if (matched === 0) {
    throw new InputError(
      `no common ids between ${reference.source} (${reference.idSource}, e.g. ${examples(reference.ids)}) and ${candidate.source} (${candidate.idSource}, e.g. ${examples(candidate.ids)}); both sets must embed the same probe items under the same ids.`,
    );
  }
  const coverage = matched / reference.count;
  if (coverage < minCoverage) {
    throw new InputError(
      `only ${matched} of ${reference.count} reference ids (${formatPercent(coverage)}) are in ${candidate.source}, below min-coverage ${minCoverage}; missing e.g. ${examples(referenceOnly)}. Embed the same probe set with both models, or lower min-coverage.`,
    );
  }
  const ids = referenceRows.map((row) => reference.ids[row] as string);
  return {
    count: matched,
    referenceDim: reference.dim,
    candidateDim: candidate.dim,
    reference: normalisedRows(reference, referenceRows, referenceSquares, reuseInputs, allocate, loops),
    candidate: normalisedRows(candidate, candidateRows, candidateSquares, reuseInputs, allocate, loops),
    ids,
    metadata: mergeMetadata(reference, candidate, referenceRows, candidateRows),
    summary: {
      matched,
      coverage,
      referenceOnly: { count: referenceOnly.length, examples: referenceOnly.slice(0, ONE_SIDED_EXAMPLES) },
      candidateOnly: { count: candidateOnly.length, examples: candidateOnly.slice(0, ONE_SIDED_EXAMPLES) },
    },
  };
}

/** True when `rows` is 0, 1, …, count − 1. */
function isIdentity(rows: readonly number[], count: number): boolean {
  return rows.length === count && rows.every((row, index) => row === index);
}

/**
 * The given rows in order, each scaled to unit L2 norm (x / √Σx², with each row's float64 Σx²): in
 * place when `reuseInput` and the rows are the set's own order, else in a new matrix from `allocate`.
 */
function normalisedRows(
  set: EmbeddingSet,
  rows: readonly number[],
  sumsOfSquares: Float64Array,
  reuseInput: boolean,
  allocate: (length: number) => Float32Array,
  loops: RowLoops,
): Float32Array {
  const { dim, vectors } = set;
  const out = reuseInput && isIdentity(rows, set.count) ? vectors : allocate(rows.length * dim);
  const scales = Float64Array.from(rows, (row) => 1 / Math.sqrt(sumsOfSquares[row] as number));
  loops.scaleRows(vectors, dim, Int32Array.from(rows), scales, out);
  return out;
}

function mergeMetadata(
  reference: EmbeddingSet,
  candidate: EmbeddingSet,
  referenceRows: readonly number[],
  candidateRows: readonly number[],
): ItemMetadata[] | null {
  if (!reference.metadata && !candidate.metadata) return null;
  return referenceRows.map((row, i) => ({
    ...(candidate.metadata?.[candidateRows[i] as number] ?? {}),
    ...(reference.metadata?.[row] ?? {}),
  }));
}

function examples(ids: readonly string[]): string {
  return ids
    .slice(0, 3)
    .map((id) => JSON.stringify(id))
    .join(', ');
}

function formatPercent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}
