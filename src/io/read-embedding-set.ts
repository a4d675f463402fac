import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { EmbeddingSet } from '../core/embedding-set.js';
import { readDelimited } from './delimited.js';
import { readIdsFile } from './ids-file.js';
import { readJsonRecords } from './json-lines.js';
import { readArrowIpc } from './arrow-ipc.js';
import { readNpyMatrix, type NpyMatrix } from './npy.js';
import { readNpz } from './npz.js';
import { readParquet } from './parquet.js';

/** The file formats the gate reads (`arrow` is Arrow IPC: Feather v2 files and IPC streams). */
export const INPUT_FORMATS = ['npy', 'npz', 'jsonl', 'json', 'csv', 'tsv', 'parquet', 'arrow'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** Other names of a format, as file extensions and in the format-in options. */
export const FORMAT_ALIASES: Readonly<Record<string, InputFormat>> = { ndjson: 'jsonl', feather: 'arrow', ipc: 'arrow', arrows: 'arrow' };

/** Every name the format-in options accept. */
export const FORMAT_NAMES: readonly string[] = [...INPUT_FORMATS, ...Object.keys(FORMAT_ALIASES)];

/** The format a name (an extension or a format-in value) stands for, or null. */
export function formatNamed(name: string): InputFormat | null {
  const lower = name.toLowerCase();
  if ((INPUT_FORMATS as readonly string[]).includes(lower)) return lower as InputFormat;
  return FORMAT_ALIASES[lower] ?? null;
}

/** Everything needed to read one embedding set. */
export interface ReadRequest {
  /** Absolute path of the vectors file. */
  readonly path: string;
  /** The path as the user gave it, for messages. */
  readonly display: string;
  /** Forced format, or `null` to use the extension. */
  readonly format: InputFormat | null;
  readonly idField: string;
  readonly vectorField: string;
  /** Absolute path of an ids file for `.npy` (or `null`: sidecar `<stem>.ids.txt`, else row index). */
  readonly idsFile: string | null;
  readonly idsDisplay: string | null;
  /** Provides the final vectors array (the kNN engine's shared memory); default: a plain Float32Array. */
  readonly allocate?: (length: number) => Float32Array;
}

/** Picks the format from the file extension; unknown extensions are an error naming the file. */
export function detectFormat(display: string): InputFormat {
  const format = formatNamed(extname(display).slice(1));
  if (format !== null) return format;
  throw new InputError(
    `${display}: unknown file extension ${JSON.stringify(extname(display) || '(none)')}; use .npy, .npz, .jsonl, .json, .csv, .tsv, .parquet, .arrow, .feather or .ipc, or set the format-in option.`,
  );
}

/** Reads one embedding set in any supported format. */
export async function readEmbeddingSet(request: ReadRequest): Promise<EmbeddingSet> {
  const format = request.format ?? detectFormat(request.display);
  const allocate = request.allocate ?? ((length: number) => new Float32Array(length));
  const fields = { idField: request.idField, vectorField: request.vectorField, allocate };
  switch (format) {
    case 'npy':
      return readNpySet(request);
    case 'jsonl':
    case 'json':
      return readJsonRecords(request.path, request.display, fields);
    case 'csv':
      return readDelimited(request.path, request.display, fields, ',');
    case 'tsv':
      return readDelimited(request.path, request.display, fields, '\t');
    case 'parquet':
      return readParquet(request.path, request.display, fields);
    case 'arrow':
      return readArrowIpc(request.path, request.display, fields);
    case 'npz':
      return readNpzSet(request, allocate);
  }
}

function readNpySet(request: ReadRequest): EmbeddingSet {
  return matrixSet(request, readNpyMatrix(request.path, request.display, request.allocate), null);
}

async function readNpzSet(request: ReadRequest, allocate: (length: number) => Float32Array): Promise<EmbeddingSet> {
  const content = await readNpz(request.path, request.display, request, allocate);
  return matrixSet(request, content.matrix, content.ids && { ids: content.ids.values, idSource: `array ${JSON.stringify(content.ids.name)}` });
}

/**
 * A set from a matrix (`.npy`, `.npz`): ids from the archive's id array when there is one, else an
 * ids file, else the sidecar `<stem>.ids.txt`, else the row index.
 */
function matrixSet(request: ReadRequest, matrix: NpyMatrix, own: { ids: string[]; idSource: string } | null): EmbeddingSet {
  if (matrix.rows === 0 || matrix.cols === 0) {
    throw new InputError(`${request.display}: the array has shape (${matrix.rows}, ${matrix.cols}): an empty set.`);
  }
  const sidecar = join(dirname(request.path), `${basename(request.path, extname(request.path))}.ids.txt`);
  let ids: string[];
  let idSource: string;
  if (own) {
    ({ ids, idSource } = own);
  } else if (request.idsFile) {
    ids = readIdsFile(request.idsFile, request.idsDisplay ?? request.idsFile);
    idSource = `ids file ${request.idsDisplay}`;
  } else if (existsSync(sidecar)) {
    ids = readIdsFile(sidecar, sidecar);
    idSource = `sidecar ${basename(sidecar)}`;
  } else {
    ids = Array.from({ length: matrix.rows }, (_, index) => String(index));
    idSource = 'row index';
  }
  if (ids.length !== matrix.rows) {
    throw new InputError(
      `${request.display}: ${matrix.rows} rows but ${ids.length} ids in the ${idSource}; the ids file needs exactly one id per row.`,
    );
  }
  return {
    source: request.display,
    count: matrix.rows,
    dim: matrix.cols,
    vectors: matrix.values,
    ids,
    idSource,
    metadata: null,
    rowLabel: 'row',
    rowNumbers: null,
  };
}
