import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema, type FileMetaData, type SchemaTree } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { InputError } from '../core/errors.js';
import type { EmbeddingSet, ItemMetadata } from '../core/embedding-set.js';
import type { RecordFields } from './json-lines.js';
import { RowBuilder, toId, toVector } from './row-builder.js';

/**
 * The Parquet codecs read: hyparquet decodes UNCOMPRESSED and SNAPPY itself, and
 * hyparquet-compressors adds GZIP, BROTLI, ZSTD, LZ4 (Hadoop framing) and LZ4_RAW — every codec
 * pyarrow, pandas and polars write (their "lz4" option writes LZ4_RAW).
 */
export const PARQUET_CODECS: readonly string[] = [...new Set(['UNCOMPRESSED', 'SNAPPY', ...Object.keys(compressors)])];

/**
 * Reads a Parquet file with an id column and a vector column, one row group at a time. The vector
 * column may be `list<float32|float64>`, `large_list` or `fixed_size_list` (pyarrow), or a polars
 * `List` or `Array`: Parquet stores all of them as a LIST. Other top-level columns are kept as metadata.
 */
export async function readParquet(path: string, file: string, fields: RecordFields): Promise<EmbeddingSet> {
  let metadata: FileMetaData;
  let buffer;
  try {
    buffer = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw new InputError(`${file}: not a readable Parquet file (${(error as Error).message}); was it written completely?`);
  }
  const schema = parquetSchema(metadata);
  const columns = schema.children.map((child) => child.element.name);
  for (const [option, name] of [
    ['id-field', fields.idField],
    ['vector-field', fields.vectorField],
  ] as const) {
    if (!columns.includes(name)) {
      throw new InputError(`${file}: no column ${JSON.stringify(name)} (columns: ${columns.join(', ')}); set the ${option} option.`);
    }
  }
  checkCodecs(metadata, file);
  checkVectorType(schema.children.find((child) => child.element.name === fields.vectorField)!, file);
  const builder = new RowBuilder(file, 'row', `column ${JSON.stringify(fields.idField)}`);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    let rows: Array<Record<string, unknown>>;
    try {
      rows = (await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd, compressors })) as Array<Record<string, unknown>>;
    } catch (error) {
      throw new InputError(`${file}: could not decode rows ${rowStart}–${rowEnd - 1} (${(error as Error).message}); the file may be corrupt or truncated.`);
    }
    rows.forEach((row, offset) => {
      const index = rowStart + offset;
      const id = toId(row[fields.idField], file, `row ${index}`, fields.idField);
      const vector = toVector(row[fields.vectorField], file, `row ${index} (id ${JSON.stringify(id)})`, fields.vectorField);
      const meta: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row)) {
        if (key !== fields.idField && key !== fields.vectorField) meta[key] = typeof value === 'bigint' ? value.toString() : value;
      }
      builder.add(id, vector, meta as ItemMetadata, index);
    });
    rowStart = rowEnd;
  }
  return builder.build(fields.allocate);
}

/**
 * The vector column must be a list whose leaf is FLOAT or DOUBLE (or the FLOAT16 logical type):
 * anything else is refused before decoding, naming the column and what it holds.
 */
function checkVectorType(column: SchemaTree, file: string): void {
  let node = column;
  let depth = 0;
  while (node.children.length === 1) {
    node = node.children[0]!;
    depth += 1;
  }
  const leaf = node.element;
  const floating = leaf.type === 'FLOAT' || leaf.type === 'DOUBLE' || leaf.logical_type?.type === 'FLOAT16';
  const repeated = depth > 0 || column.element.repetition_type === 'REPEATED';
  if (node.children.length === 0 && floating && repeated) return;
  const held = node.children.length > 0 ? `a group of ${node.children.length} fields` : `${repeated ? 'a list of ' : ''}${leaf.logical_type?.type ?? leaf.converted_type ?? leaf.type ?? 'unknown'}`;
  throw new InputError(`${file}: column ${JSON.stringify(column.element.name)} holds ${held}; embeddings must be a list of float32 or float64 (pyarrow list, large_list or fixed_size_list; polars List or Array).`);
}

/** Refuses, before decoding anything, a column chunk whose codec cannot be read, naming the codec and the column. */
function checkCodecs(metadata: FileMetaData, file: string): void {
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const codec = chunk.meta_data?.codec;
      const column = chunk.meta_data?.path_in_schema.join('.') ?? '?';
      if (codec === undefined || PARQUET_CODECS.includes(codec)) continue;
      throw new InputError(
        `${file}: column ${JSON.stringify(column)} is compressed with the Parquet codec ${codec}, which embedding-gate cannot read (it reads ${PARQUET_CODECS.join(', ')}); rewrite the file with e.g. pyarrow.parquet.write_table(table, path, compression="zstd").`,
      );
    }
  }
}
