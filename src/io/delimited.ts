import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { InputError } from '../core/errors.js';
import type { EmbeddingSet, ItemMetadata } from '../core/embedding-set.js';
import type { RecordFields } from './json-lines.js';
import { RowBuilder, toId, toVector } from './row-builder.js';

/** How the vector is laid out in a CSV/TSV file, decided from the header row. */
type VectorLayout =
  | { readonly kind: 'json-column'; readonly column: number }
  | { readonly kind: 'dimension-columns'; readonly columns: readonly number[] };

const DIMENSION_HEADER = /^(.*?)(\d+)$/;

/**
 * Reads a CSV or TSV file (streamed record by record, RFC 4180 quoting) with a header row:
 * an id column plus either one column holding a JSON array (named like `--vector-field`),
 * or one numeric column per dimension: headers that share a prefix and end in the dimension
 * index (`0,1,2…`, `dim_0,dim_1…`, `e0,e1…`). Every other column is kept as metadata.
 */
export async function readDelimited(
  path: string,
  file: string,
  fields: RecordFields,
  delimiter: ',' | '\t',
): Promise<EmbeddingSet> {
  const builder = new RowBuilder(file, 'line', `column ${JSON.stringify(fields.idField)}`);
  const parser = createReadStream(path).pipe(
    parse({ delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, info: true }),
  );
  let header: string[] | null = null;
  let idColumn = -1;
  let layout: VectorLayout | null = null;
  let metaColumns: number[] = [];
  try {
    for await (const item of parser) {
      const { record, info } = item as { record: string[]; info: { lines: number } };
      const line = info.lines;
      if (!header) {
        header = record;
        idColumn = header.indexOf(fields.idField);
        if (idColumn < 0) {
          throw new InputError(
            `${file}: the header has no id column ${JSON.stringify(fields.idField)} (columns: ${header.slice(0, 8).join(', ')}${header.length > 8 ? ', …' : ''}); set the id-field option.`,
          );
        }
        layout = detectLayout(header, idColumn, fields.vectorField, file);
        const used = new Set([idColumn, ...(layout.kind === 'json-column' ? [layout.column] : layout.columns)]);
        metaColumns = header.map((_, index) => index).filter((index) => !used.has(index));
        continue;
      }
      if (record.length !== header.length) {
        throw new InputError(
          `${file}: line ${line} has ${record.length} fields, the header has ${header.length}; every row needs the same columns (ragged row).`,
        );
      }
      const id = toId(record[idColumn], file, `line ${line}`, fields.idField);
      const where = `line ${line} (id ${JSON.stringify(id)})`;
      const vector = layout?.kind === 'json-column' ? parseJsonCell(record[layout.column] ?? '', file, where, fields.vectorField) : parseNumberCells(record, layout!, header, file, where);
      const meta: Record<string, unknown> = {};
      for (const index of metaColumns) meta[header[index] as string] = record[index];
      builder.add(id, vector, meta as ItemMetadata, line);
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${file}: not valid ${delimiter === ',' ? 'CSV' : 'TSV'}: ${(error as Error).message}`);
  }
  if (!header) throw new InputError(`${file}: the file is empty (no header row, no embeddings).`);
  return builder.build(fields.allocate);
}

function detectLayout(header: readonly string[], idColumn: number, vectorField: string, file: string): VectorLayout {
  const jsonColumn = header.indexOf(vectorField);
  if (jsonColumn >= 0) return { kind: 'json-column', column: jsonColumn };
  const byPrefix = new Map<string, Array<{ column: number; index: number }>>();
  header.forEach((name, column) => {
    if (column === idColumn) return;
    const match = DIMENSION_HEADER.exec(name.trim());
    if (!match) return;
    const prefix = match[1] ?? '';
    const list = byPrefix.get(prefix) ?? [];
    list.push({ column, index: Number(match[2]) });
    byPrefix.set(prefix, list);
  });
  let best: Array<{ column: number; index: number }> = [];
  for (const list of byPrefix.values()) if (list.length > best.length) best = list;
  if (best.length === 0) {
    throw new InputError(
      `${file}: no embedding column: expected a column ${JSON.stringify(vectorField)} holding a JSON array, or one column per dimension named like 0,1,2… or dim_0,dim_1… (set the vector-field option).`,
    );
  }
  best.sort((a, b) => a.index - b.index);
  best.forEach((entry, position) => {
    if (entry.index !== best[0]!.index + position) {
      throw new InputError(`${file}: dimension columns are not consecutive: ${JSON.stringify(header[entry.column])} is out of sequence.`);
    }
  });
  return { kind: 'dimension-columns', columns: best.map((entry) => entry.column) };
}

function parseJsonCell(cell: string, file: string, where: string, field: string): ArrayLike<number> {
  let value: unknown;
  try {
    value = JSON.parse(cell);
  } catch {
    throw new InputError(`${file}: ${where}: column ${JSON.stringify(field)} is not a JSON array of numbers: ${JSON.stringify(cell.slice(0, 60))}.`);
  }
  return toVector(value, file, where, field);
}

const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

function parseNumberCells(record: readonly string[], layout: VectorLayout, header: readonly string[], file: string, where: string): number[] {
  const columns = layout.kind === 'dimension-columns' ? layout.columns : [];
  return columns.map((column) => {
    const cell = (record[column] ?? '').trim();
    if (NON_FINITE.test(cell)) return cell.toLowerCase().includes('nan') ? Number.NaN : cell.startsWith('-') ? -Infinity : Infinity;
    const value = cell.length === 0 ? Number.NaN : Number(cell);
    if (Number.isNaN(value)) {
      throw new InputError(`${file}: ${where}: column ${JSON.stringify(header[column])} holds ${JSON.stringify(cell)}, not a number.`);
    }
    return value;
  });
}
