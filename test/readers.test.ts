import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors.js';
import { readEmbeddingSet, type InputFormat } from '../src/io/read-embedding-set.js';
import { FIXTURES, readSet, tempDir } from './helpers.js';

async function read(path: string, options: { format?: InputFormat; idField?: string; vectorField?: string; idsFile?: string } = {}) {
  return readEmbeddingSet({
    path,
    display: path,
    format: options.format ?? null,
    idField: options.idField ?? 'id',
    vectorField: options.vectorField ?? 'embedding',
    idsFile: options.idsFile ?? null,
    idsDisplay: options.idsFile ?? null,
  });
}

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toMatch(pattern);
}

function write(name: string, text: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

const ROWS = [
  { id: 'a', embedding: [1, 2, 3], text: 'first | item', label: 'x' },
  { id: 'b', embedding: [4, 5, 6.5], text: 'second', label: 'y' },
  { id: 7, embedding: [-1, 0, 1e-3], text: 'third', label: 'x' },
];

describe('JSON Lines and JSON', () => {
  it('reads ids, vectors and keeps other fields as metadata', async () => {
    const set = await read(write('set.jsonl', `${ROWS.map((row) => JSON.stringify(row)).join('\n')}\n`));
    expect(set.count).toBe(3);
    expect(set.dim).toBe(3);
    expect(set.ids).toEqual(['a', 'b', '7']);
    expect(Array.from(set.vectors)).toEqual([1, 2, 3, 4, 5, 6.5, -1, 0, Math.fround(1e-3)]);
    expect(set.metadata?.[0]).toEqual({ text: 'first | item', label: 'x' });
    expect(set.rowLabel).toBe('line');
  });

  it('honours custom field names and skips blank lines (with CRLF)', async () => {
    const text = '{"key":"a","vec":[1,0]}\r\n\r\n{"key":"b","vec":[0,1]}\r\n';
    const set = await read(write('custom.jsonl', text), { idField: 'key', vectorField: 'vec' });
    expect(set.ids).toEqual(['a', 'b']);
    expect(Array.from(set.rowNumbers ?? [])).toEqual([1, 3]);
  });

  it('streams a top-level JSON array larger than one read chunk', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ id: `item-${i}`, embedding: [i, i + 0.5, -i], note: 'a "quoted" [bracket] {brace}' }));
    const set = await read(write('big.json', JSON.stringify(rows, null, 1)));
    expect(set.count).toBe(3000);
    expect(set.ids[2999]).toBe('item-2999');
    expect(Array.from(set.vectors.subarray(3 * 2999))).toEqual([2999, 2999.5, -2999]);
    expect(set.metadata?.[5]).toEqual({ note: 'a "quoted" [bracket] {brace}' });
  });

  it('reads a .json file of one object per line', async () => {
    const set = await read(write('lines.json', `${ROWS.map((row) => JSON.stringify(row)).join('\n')}\n`));
    expect(set.ids).toEqual(['a', 'b', '7']);
  });

  it('rejects a ragged row, naming the line, the id and both lengths', async () => {
    const text = '{"id":"a","embedding":[1,2,3]}\n{"id":"b","embedding":[1,2]}\n';
    await rejects(read(write('ragged.jsonl', text)), /ragged\.jsonl: line 2 \(id "b"\) has 2 values, but the first row has 3/);
  });

  it('rejects invalid JSON, naming the line', async () => {
    await rejects(read(write('bad.jsonl', '{"id":"a","embedding":[1]}\n{"id":"b","embedding":[1,}\n')), /bad\.jsonl: line 2 is not valid JSON/);
  });

  it('rejects a missing id and a non-numeric value', async () => {
    await rejects(read(write('noid.jsonl', '{"embedding":[1]}\n')), /line 1 has no id field "id".*the id-field option/);
    await rejects(read(write('str.jsonl', '{"id":"a","embedding":[1,"x"]}\n')), /line 1 \(id "a"\): embedding\[1\] is "x", not a number/);
    await rejects(read(write('novec.jsonl', '{"id":"a","vector":[1]}\n')), /no embedding field "embedding".*the vector-field option/);
  });

  it('rejects an empty file and an unclosed array', async () => {
    await rejects(read(write('empty.jsonl', '\n\n')), /empty\.jsonl: the file holds no embeddings \(empty set\)/);
    await rejects(read(write('open.json', '[{"id":"a","embedding":[1]},')), /not closed/);
  });
});

describe('CSV and TSV', () => {
  it('reads a JSON-array column and keeps quoted metadata', async () => {
    const text = 'id,embedding,text\na,"[1,2]","hello, world"\nb,"[3,4]",second\n';
    const set = await read(write('set.csv', text));
    expect(set.ids).toEqual(['a', 'b']);
    expect(Array.from(set.vectors)).toEqual([1, 2, 3, 4]);
    expect(set.metadata?.[0]).toEqual({ text: 'hello, world' });
  });

  it('reads one numeric column per dimension, in index order', async () => {
    const text = 'label,dim_1,id,dim_0,dim_2\nx,2,a,1,3\ny,5,b,4,6\n';
    const set = await read(write('cols.csv', text));
    expect(Array.from(set.vectors)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(set.metadata?.[1]).toEqual({ label: 'y' });
  });

  it('reads TSV with bare numeric headers', async () => {
    const set = await read(write('set.tsv', 'id\t0\t1\na\t0.5\t-1\n'));
    expect(Array.from(set.vectors)).toEqual([0.5, -1]);
  });

  it('keeps NaN and Inf cells as non-finite values for validation to name', async () => {
    const set = await read(write('nan.csv', 'id,0,1\na,NaN,1\nb,-inf,2\n'));
    expect(set.vectors[0]).toBeNaN();
    expect(set.vectors[2]).toBe(-Infinity);
  });

  it('rejects a ragged row, a non-numeric cell, a missing id column and a file without header', async () => {
    await rejects(read(write('ragged.csv', 'id,0,1\na,1,2\nb,1\n')), /ragged\.csv: line 3 has 2 fields, the header has 3/);
    await rejects(read(write('text.csv', 'id,0,1\na,1,two\n')), /line 2 \(id "a"\): column "1" holds "two", not a number/);
    await rejects(read(write('noid.csv', 'name,0\na,1\n')), /no id column "id".*the id-field option/);
    await rejects(read(write('nothing.csv', '')), /empty/);
    await rejects(read(write('novector.csv', 'id,text\na,b\n')), /no embedding column/);
  });
});

describe('Parquet', () => {
  function writeParquet(path: string, rowGroupSize: number, ids: string[], vectors: number[][]) {
    parquetWriteFile({
      filename: path,
      rowGroupSize,
      schema: [
        { name: 'root', num_children: 3 },
        { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
        { name: 'embedding', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
        { name: 'text', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
      columnData: [
        { name: 'id', data: ids },
        { name: 'embedding', data: vectors },
        { name: 'text', data: ids.map((id) => `text of ${id}`) },
      ],
    });
  }

  it('reads an id column and a list<float> column across row groups', async () => {
    const path = join(tempDir(), 'set.parquet');
    const vectors = Array.from({ length: 5 }, (_, i) => [i, i + 0.25, -i]);
    writeParquet(path, 2, ['a', 'b', 'c', 'd', 'e'], vectors);
    const set = await read(path);
    expect(set.ids).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(Array.from(set.vectors)).toEqual(vectors.flat());
    expect(set.metadata?.[4]).toEqual({ text: 'text of e' });
  });

  it('rejects a missing column and a file that is not Parquet', async () => {
    const path = join(tempDir(), 'set.parquet');
    writeParquet(path, 10, ['a'], [[1, 2]]);
    await rejects(read(path, { vectorField: 'vector' }), /no column "vector" \(columns: id, embedding, text\); set the vector-field option/);
    await rejects(read(write('fake.parquet', 'not parquet at all')), /not a readable Parquet file/);
  });
});

describe('ids for .npy and format detection', () => {
  const source = join(FIXTURES, 'npy', 'f32-le-c-v1.npy');

  it('uses the row index when there is no ids file', async () => {
    const set = await readSet(source);
    expect(set.ids).toEqual(['0', '1', '2', '3']);
    expect(set.idSource).toBe('row index');
  });

  it('uses the <stem>.ids.txt sidecar, then an explicit ids file (line list or JSON array)', async () => {
    const dir = tempDir();
    copyFileSync(source, join(dir, 'vectors.npy'));
    writeFileSync(join(dir, 'vectors.ids.txt'), 'w\nx\ny\nz\n');
    expect((await readSet(join(dir, 'vectors.npy'))).ids).toEqual(['w', 'x', 'y', 'z']);
    writeFileSync(join(dir, 'ids.json'), '["p", "q", 3, "s"]');
    expect((await read(join(dir, 'vectors.npy'), { idsFile: join(dir, 'ids.json') })).ids).toEqual(['p', 'q', '3', 's']);
  });

  it('rejects an ids file with the wrong count or an empty line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'short.txt'), 'a\nb\n');
    await rejects(read(source, { idsFile: join(dir, 'short.txt') }), /4 rows but 2 ids/);
    writeFileSync(join(dir, 'gap.txt'), 'a\n\nc\nd\n');
    await rejects(read(source, { idsFile: join(dir, 'gap.txt') }), /line 2 is empty/);
  });

  it('rejects an unknown extension and honours --format-in', async () => {
    const path = write('vectors.bin', '{"id":"a","embedding":[1]}\n');
    await rejects(read(path), /unknown file extension "\.bin".*the format-in option/);
    expect((await read(path, { format: 'jsonl' })).ids).toEqual(['a']);
  });
});
