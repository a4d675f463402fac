import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { InputError } from '../core/errors.js';
import type { EmbeddingSet, ItemMetadata } from '../core/embedding-set.js';
import type { RecordFields } from './json-lines.js';
import { RowBuilder, toId, toVector } from './row-builder.js';

/**
 * Reads a Parquet file with an id column and a `list<float>` (or `list<double>`) vector column,
 * one row group at a time. Other top-level columns are kept as metadata.
 */
export async function readParquet(path: string, file: string, fields: RecordFields): Promise<EmbeddingSet> {
  let metadata;
  let buffer;
  try {
    buffer = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw new InputError(`${file}: not a readable Parquet file (${(error as Error).message}).`);
  }
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  for (const [option, name] of [
    ['id-field', fields.idField],
    ['vector-field', fields.vectorField],
  ] as const) {
    if (!columns.includes(name)) {
      throw new InputError(`${file}: no column ${JSON.stringify(name)} (columns: ${columns.join(', ')}); set the ${option} option.`);
    }
  }
  const builder = new RowBuilder(file, 'row', `column ${JSON.stringify(fields.idField)}`);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    let rows: Array<Record<string, unknown>>;
    try {
      rows = (await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd })) as Array<Record<string, unknown>>;
    } catch (error) {
      throw new InputError(`${file}: could not decode rows ${rowStart}–${rowEnd - 1} (${(error as Error).message}).`);
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
