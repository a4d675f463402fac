import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { alignById } from '../src/core/align.js';
import { readEmbeddingSet } from '../src/io/read-embedding-set.js';
import { tempDir, inputErrorOf } from './helpers.js';

// 9007199254740993 = 2^53 + 1 parses to the float64 9007199254740992: two different ids that a
// reader keeping only the float would pair as one item.
const BIG = ['9007199254740993', '9007199254740992', '18446744073709551615'];
const VECTORS = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

async function read(path: string, idsFile: string | null = null) {
  return readEmbeddingSet({ path, display: path, format: null, idField: 'id', vectorField: 'embedding', idsFile, idsDisplay: idsFile });
}

function file(name: string, content: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

const refusal = inputErrorOf;

describe('numeric ids past 2^53 keep their exact text', () => {
  const jsonl = BIG.map((id, i) => `{"id": ${id}, "embedding": ${JSON.stringify(VECTORS[i])}}`).join('\n');

  it('JSON Lines', async () => {
    expect((await read(file('set.jsonl', jsonl))).ids).toEqual(BIG);
  });

  it('a JSON array', async () => {
    expect((await read(file('set.json', `[\n${jsonl.split('\n').join(',\n')}\n]`))).ids).toEqual(BIG);
  });

  it('CSV (ids are text there already)', async () => {
    const csv = `id,e0,e1,e2\n${BIG.map((id, i) => `${id},${VECTORS[i]!.join(',')}`).join('\n')}\n`;
    expect((await read(file('set.csv', csv))).ids).toEqual(BIG);
  });

  it('an ids file holding a JSON array of numbers', async () => {
    const npy = join(tempDir(), 'set.npy');
    // A 3 × 3 float32 .npy, written by hand: header, then the identity matrix.
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 3), }";
    const padded = header.padEnd(118 - 1, ' ') + '\n';
    const preamble = Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), Buffer.from([padded.length & 0xff, padded.length >> 8]), Buffer.from(padded, 'latin1')]);
    writeFileSync(npy, Buffer.concat([preamble, Buffer.from(new Float32Array(VECTORS.flat()).buffer)]));
    const ids = file('ids.json', `[${BIG.join(', ')}]`);
    expect((await read(npy, ids)).ids).toEqual(BIG);
    expect(await refusal(read(npy, file('bad.json', '[1, 2, {"x": 9007199254740993}]')))).toMatch(/bad\.json: element 2/);
  });

  it('Parquet int64 ids (BigInt) stay exact; float64 ids past 2^53 are refused', async () => {
    const path = join(tempDir(), 'set.parquet');
    const schema = (type: 'INT64' | 'DOUBLE') => [
      { name: 'root', num_children: 2 },
      { name: 'id', type, repetition_type: 'REQUIRED' as const },
      { name: 'embedding', repetition_type: 'OPTIONAL' as const, converted_type: 'LIST' as const, num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
      { name: 'element', type: 'FLOAT' as const, repetition_type: 'REQUIRED' as const },
    ];
    parquetWriteFile({ filename: path, schema: schema('INT64'), columnData: [{ name: 'id', data: [2n ** 53n + 1n, 2n ** 53n, 5n] }, { name: 'embedding', data: VECTORS }] });
    expect((await read(path)).ids).toEqual(['9007199254740993', '9007199254740992', '5']);
    const doubles = join(tempDir(), 'doubles.parquet');
    parquetWriteFile({ filename: doubles, schema: schema('DOUBLE'), columnData: [{ name: 'id', data: [1, 2 ** 53 + 2, 3] }, { name: 'embedding', data: VECTORS }] });
    expect(await refusal(read(doubles))).toMatch(/doubles\.parquet: row 1: the id 9007199254740994 is a number beyond 2\^53, which a float64 cannot hold exactly.*write the ids as strings \(or as int64 in Parquet\)/);
  });

  it('two ids one apart past 2^53 pair with their own items across formats', async () => {
    const reference = await read(file('ref.jsonl', jsonl));
    const csv = `id,e0,e1,e2\n${[...BIG].reverse().map((id, i) => `${id},${VECTORS[2 - i]!.join(',')}`).join('\n')}\n`;
    const candidate = await read(file('cand.csv', csv));
    const pair = alignById(reference, candidate, 1);
    expect(pair.count).toBe(3);
    expect(pair.ids).toEqual(BIG);
    // Each item kept its own vector: reference and candidate rows are equal.
    expect(Array.from(pair.candidate)).toEqual(Array.from(pair.reference));
  });

  it('fractional ids keep the literal as written', async () => {
    const set = await read(file('frac.jsonl', '{"id": 0.10000000000000001, "embedding": [1, 0]}\n{"id": 0.1, "embedding": [0, 1]}\n'));
    expect(set.ids).toEqual(['0.10000000000000001', '0.1']);
  });

  it('is refused when the literal cannot be told apart (the id key also occurs inside the record)', async () => {
    const message = await refusal(read(file('nested.jsonl', '{"id": 9007199254740993, "meta": {"id": 1}, "embedding": [1, 0]}\n')));
    expect(message).toMatch(/nested\.jsonl: line 1: the id 9007199254740992 is a number beyond 2\^53.*write the ids as strings/);
  });
});
