import { open } from 'node:fs/promises';
import { CompressionType, compressionRegistry, DataType, RecordBatchReader, type RecordBatch } from 'apache-arrow';
import { decompress as decompressZstd } from 'fzstd';
import { InputError } from '../core/errors.js';
import type { EmbeddingSet, ItemMetadata } from '../core/embedding-set.js';
import type { RecordFields } from './json-lines.js';
import { decompressLz4Frame } from './lz4-frame.js';
import { RowBuilder, toId, toVector } from './row-builder.js';

// Arrow IPC buffers may be compressed (pyarrow's Feather v2 default is LZ4 frames, polars offers
// LZ4 and ZSTD); apache-arrow decodes them through the codecs registered here.
compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: (data) => decompressLz4Frame(data) });
compressionRegistry.set(CompressionType.ZSTD, { decode: (data) => decompressZstd(data) });

/**
 * Reads Arrow IPC: the file format (Feather v2, `.arrow`, `.feather`) and the stream format
 * (`.arrows`, `.ipc`), with uncompressed, LZ4 or ZSTD buffers, one record batch at a time, through
 * the apache-arrow package. The id and vector columns follow the Parquet rules: the vector column
 * may be `list`, `large_list` or `fixed_size_list` of float32 or float64 (polars `List` or `Array`);
 * other scalar columns are kept as metadata.
 */
export async function readArrowIpc(path: string, file: string, fields: RecordFields): Promise<EmbeddingSet> {
  const handle = await open(path, 'r');
  try {
    const builder = new RowBuilder(file, 'row', `column ${JSON.stringify(fields.idField)}`);
    let reader;
    try {
      reader = await RecordBatchReader.from(handle);
      await reader.open();
      alignDecompressedBuffers(reader);
    } catch (error) {
      throw new InputError(`${file}: not a readable Arrow IPC (Feather v2) file (${describe(error)}); write it with pyarrow.feather.write_feather or polars' write_ipc.`);
    }
    let row = 0;
    let checked = false;
    try {
      for await (const batch of reader) {
        if (!checked) {
          checkColumns(batch, file, fields);
          checked = true;
        }
        row = addBatch(batch, builder, file, fields, row);
      }
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`${file}: could not decode the Arrow record batch after row ${row} (${describe(error)}); the file may be corrupt or truncated.`);
    }
    if (!checked && reader.schema) checkColumnNames(reader.schema.fields.map((field) => field.name), file, fields);
    return builder.build(fields.allocate);
  } finally {
    await handle.close();
  }
}

/** The reader implementation's prototype that owns `_decompressBuffers` (apache-arrow's RecordBatchReaderImpl). */
type DecompressingImpl = { _decompressBuffers: (this: unknown, ...args: unknown[]) => { decommpressedBody: Uint8Array[] } };
let alignmentPatched = false;

/**
 * Works around an apache-arrow 21 defect: a buffer that a compressed batch stores uncompressed
 * (length prefix −1) is handed on as a view at the body's offset + 8, which need not be 8-byte
 * aligned, so an int64 buffer (large_list offsets) fails with "start offset of BigInt64Array should
 * be a multiple of 8". Such views are copied to aligned memory before the vectors are built. The
 * patch is applied once, to the reader implementation's prototype, and checked by the fixtures.
 */
function alignDecompressedBuffers(reader: unknown): void {
  if (alignmentPatched) return;
  let prototype = Object.getPrototypeOf((reader as { _impl?: object })._impl ?? {}) as object | null;
  while (prototype && !Object.prototype.hasOwnProperty.call(prototype, '_decompressBuffers')) prototype = Object.getPrototypeOf(prototype) as object | null;
  if (!prototype) return;
  const impl = prototype as DecompressingImpl;
  const original = impl._decompressBuffers;
  impl._decompressBuffers = function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    result.decommpressedBody = result.decommpressedBody.map((buffer) => (buffer.byteOffset % 8 === 0 ? buffer : buffer.slice()));
    return result;
  };
  alignmentPatched = true;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

function checkColumnNames(names: readonly string[], file: string, fields: RecordFields): void {
  for (const [option, name] of [
    ['id-field', fields.idField],
    ['vector-field', fields.vectorField],
  ] as const) {
    if (!names.includes(name)) throw new InputError(`${file}: no column ${JSON.stringify(name)} (columns: ${names.join(', ')}); set the ${option} option.`);
  }
}

/** The vector column must be a list of floats: list, large_list or fixed_size_list. */
function checkColumns(batch: RecordBatch, file: string, fields: RecordFields): void {
  checkColumnNames(batch.schema.fields.map((field) => field.name), file, fields);
  const type = batch.schema.fields.find((field) => field.name === fields.vectorField)!.type;
  const child = type.children?.[0]?.type;
  const isList = DataType.isList(type) || DataType.isLargeList(type) || DataType.isFixedSizeList(type);
  if (!isList || !DataType.isFloat(child)) {
    throw new InputError(
      `${file}: column ${JSON.stringify(fields.vectorField)} has the Arrow type ${String(type)}; embeddings must be a list, large_list or fixed_size_list of float32 or float64.`,
    );
  }
}

/** Appends a batch's rows; returns the next row index. */
function addBatch(batch: RecordBatch, builder: RowBuilder, file: string, fields: RecordFields, firstRow: number): number {
  const ids = batch.getChild(fields.idField)!;
  const vectors = batch.getChild(fields.vectorField)!;
  const others = batch.schema.fields.map((field) => field.name).filter((name) => name !== fields.idField && name !== fields.vectorField);
  const columns = others.map((name) => [name, batch.getChild(name)!] as const);
  for (let i = 0; i < batch.numRows; i++) {
    const index = firstRow + i;
    const id = toId(ids.get(i), file, `row ${index}`, fields.idField);
    const value = vectors.get(i) as { toArray(): ArrayLike<number> } | null;
    const vector = toVector(value === null ? null : value.toArray(), file, `row ${index} (id ${JSON.stringify(id)})`, fields.vectorField);
    const meta: Record<string, unknown> = {};
    for (const [name, column] of columns) {
      const cell: unknown = column.get(i);
      if (typeof cell === 'bigint') meta[name] = cell.toString();
      else if (cell === null || ['string', 'number', 'boolean'].includes(typeof cell)) meta[name] = cell;
    }
    builder.add(id, vector, meta as ItemMetadata, index);
  }
  return firstRow + batch.numRows;
}
