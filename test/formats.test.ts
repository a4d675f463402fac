import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { readEmbeddingSet } from '../src/io/read-embedding-set.js';
import { FIXTURES, runCliProcess, tempDir, inputErrorOf } from './helpers.js';

// Fixtures written by numpy, pyarrow, polars and pandas (test/fixtures/make_format_fixtures.py;
// versions in formats/versions.json). Every file holds the probe set of source-f32.npy (or
// source-f64.npy): the reader must give back exactly those ids and float32 vectors.
const DIR = join(FIXTURES, 'formats');
const at = (name: string) => join(DIR, name);

async function read(name: string, options: { idField?: string; vectorField?: string; idsFile?: string } = {}) {
  return readEmbeddingSet({
    path: at(name),
    display: name,
    format: null,
    idField: options.idField ?? 'id',
    vectorField: options.vectorField ?? 'embedding',
    idsFile: options.idsFile ? at(options.idsFile) : null,
    idsDisplay: options.idsFile ?? null,
  });
}

const refusal = inputErrorOf;

const source = { f32: await read('source-f32.npy'), f64: await read('source-f64.npy') };
const ITEM_IDS = source.f32.ids;
const INT_IDS = ITEM_IDS.map((_, i) => String(1_000_000_000_000 + i));

function expectSameSet(set: Awaited<ReturnType<typeof read>>, from: keyof typeof source, ids: readonly string[] = ITEM_IDS): void {
  expect(set.count).toBe(300);
  expect(set.dim).toBe(24);
  expect(set.ids).toEqual(ids);
  // Identical float32 values, bit for bit (float64 files: the same rounding to float32 as the .npy reader).
  expect(Buffer.from(set.vectors.buffer, set.vectors.byteOffset, set.vectors.byteLength).equals(Buffer.from(source[from].vectors.buffer, source[from].vectors.byteOffset, source[from].vectors.byteLength))).toBe(true);
}

describe('Parquet from pyarrow, polars and pandas: every codec and list type', () => {
  it.each([
    ['pyarrow-none.parquet', 'f32'],
    ['pyarrow-snappy.parquet', 'f32'],
    ['pyarrow-gzip.parquet', 'f32'],
    ['pyarrow-zstd.parquet', 'f32'],
    ['pyarrow-brotli.parquet', 'f32'],
    ['pyarrow-lz4.parquet', 'f32'],
    ['pyarrow-list-f64.parquet', 'f64'],
    ['pyarrow-fixed-size-list.parquet', 'f32'],
    ['pyarrow-large-list.parquet', 'f32'],
    ['polars-default.parquet', 'f32'],
    ['polars-lz4.parquet', 'f32'],
    ['polars-array.parquet', 'f32'],
    ['pandas-gzip.parquet', 'f32'],
    ['pandas-brotli.parquet', 'f32'],
  ] as const)('%s', async (name, from) => {
    const set = await read(name);
    expectSameSet(set, from);
    expect(set.metadata?.[5]).toMatchObject({ text: 'text of item 5, with a comma' });
  });

  it('a vector column that is not a list of floats is refused naming the column and its type', async () => {
    expect(await refusal(read('pyarrow-zstd.parquet', { vectorField: 'text' }))).toMatch(/^pyarrow-zstd\.parquet: column "text" holds (STRING|UTF8); embeddings must be a list of float32 or float64/);
    expect(await refusal(read('pyarrow-int64-ids.parquet', { vectorField: 'id', idField: 'text' }))).toMatch(/column "id" holds INT64; embeddings must be a list/);
  });

  it('int64 ids', async () => {
    expectSameSet(await read('pyarrow-int64-ids.parquet'), 'f32', INT_IDS);
  });

  it('a null vector is refused naming the row and the id', async () => {
    expect(await refusal(read('null-vector.parquet'))).toBe('null-vector.parquet: row 7 (id "item-007") has a null embedding in "embedding"; drop that item or fill in its vector.');
  });

  it('a codec that cannot be read is refused naming the codec and the column', async () => {
    const path = join(tempDir(), 'lzo.parquet');
    // No current writer produces LZO; hyparquet-writer labels a column with it (identity "compression").
    parquetWriteFile({ filename: path, codec: 'LZO', compressors: { LZO: (bytes: Uint8Array) => bytes }, columnData: [{ name: 'id', data: ['a', 'b'], type: 'STRING' }, { name: 'embedding', data: [[1, 2], [3, 4]] }] } as any);
    const message = await refusal(readEmbeddingSet({ path, display: 'lzo.parquet', format: null, idField: 'id', vectorField: 'embedding', idsFile: null, idsDisplay: null }));
    expect(message).toMatch(/^lzo\.parquet: column "id" is compressed with the Parquet codec LZO, which embedding-gate cannot read \(it reads UNCOMPRESSED, SNAPPY, GZIP, BROTLI, ZSTD, LZ4, LZ4_RAW\)/);
    const run = runCliProcess(['compare', '--reference', path, '--candidate', path], tempDir());
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n').filter((line) => line.includes('error'))).toEqual([expect.stringMatching(/^embedding-gate: error: .*lzo\.parquet: column "id" is compressed with the Parquet codec LZO/)]);
  });
});

describe('Arrow IPC: Feather v2 and streams, uncompressed, LZ4 and ZSTD', () => {
  it.each([
    ['feather-default.feather', 'pyarrow Feather v2 (LZ4, its default)'],
    ['feather-zstd.feather', 'pyarrow Feather v2, ZSTD'],
    ['feather-uncompressed-fixed.feather', 'pyarrow Feather v2, fixed_size_list, 3 record batches'],
    ['pyarrow-stream-zstd.ipc', 'pyarrow IPC stream, large_list, ZSTD'],
    ['polars.arrow', 'polars write_ipc'],
    ['polars-array-lz4.arrow', 'polars write_ipc, Array column, LZ4'],
    ['polars-stream.ipc', 'polars write_ipc_stream, ZSTD'],
  ])('%s (%s)', async (name) => {
    const set = await read(name);
    expectSameSet(set, 'f32');
    expect(set.metadata?.[5]).toMatchObject({ text: 'text of item 5, with a comma' });
  });

  it('a vector column of another type is refused naming the type', async () => {
    expect(await refusal(read('polars.arrow', { vectorField: 'text' }))).toMatch(/^polars\.arrow: column "text" has the Arrow type (Utf8|LargeUtf8|Utf8View); embeddings must be a list, large_list or fixed_size_list of float32 or float64\.$/);
    expect(await refusal(read('polars.arrow', { vectorField: 'vec' }))).toMatch(/^polars\.arrow: no column "vec" \(columns: id, embedding, text\); set the vector-field option\.$/);
  });
});

describe('.npz from numpy.savez and numpy.savez_compressed', () => {
  it('savez: embeddings and string ids', async () => {
    const set = await read('savez-string-ids.npz');
    expectSameSet(set, 'f32');
    expect(set.idSource).toBe('array "ids"');
  });

  it('savez_compressed: vectors and int64 ids', async () => {
    expectSameSet(await read('savez-compressed-int-ids.npz'), 'f32', INT_IDS);
  });

  it('a single unnamed array: ids from the ids file (the .npy rules), else the row index', async () => {
    expectSameSet(await read('savez-single.npz', { idsFile: 'source-f32.ids.txt' }), 'f32');
    const byRow = await read('savez-single.npz');
    expect(byRow.ids.slice(0, 3)).toEqual(['0', '1', '2']);
    expect(byRow.idSource).toBe('row index');
  });

  it('arrays named by --vector-field and --id-field, float64', async () => {
    expectSameSet(await read('savez-f64-named.npz', { vectorField: 'emb', idField: 'item' }), 'f64');
  });

  it('an object (pickled) array is refused, never unpickled', async () => {
    expect(await refusal(read('savez-pickled-ids.npz'))).toMatch(/^savez-pickled-ids\.npz: array "ids" is an object array, which NumPy stores with pickle; embedding-gate never unpickles\./);
  });

  it('an archive without a 2-D float array is refused, listing what it holds', async () => {
    expect(await refusal(read('savez-no-matrix.npz'))).toMatch(/^savez-no-matrix\.npz: no 2-D float array \(items × dimensions\) in the archive \(arrays: ids \(1-D <U8\), scores \(1-D <f4\)\)/);
  });
});

describe('a pandas CSV whose vectors are stringified lists', () => {
  it('reads the lists exactly', async () => {
    expectSameSet(await read('pandas-lists.csv'), 'f32');
  });
});

describe('bad files of each format: exit 2 and one line naming the file and the problem', () => {
  const truncated = (name: string, keep = 0.6) => {
    const dir = tempDir();
    const bytes = readFileSync(at(name));
    writeFileSync(join(dir, name), bytes.subarray(0, Math.floor(bytes.length * keep)));
    return dir;
  };
  const garbage = (name: string) => {
    const dir = tempDir();
    writeFileSync(join(dir, name), Buffer.from('this is not a binary file at all, just text\n'.repeat(20)));
    return dir;
  };

  it.each([
    ['truncated Parquet', 'pyarrow-zstd.parquet', truncated, /pyarrow-zstd\.parquet: not a readable Parquet file/],
    ['corrupt Parquet', 'pyarrow-zstd.parquet', garbage, /pyarrow-zstd\.parquet: not a readable Parquet file/],
    ['truncated Feather', 'feather-zstd.feather', truncated, /feather-zstd\.feather: (not a readable Arrow IPC|could not decode)/],
    ['corrupt Feather', 'feather-default.feather', garbage, /feather-default\.feather: not a readable Arrow IPC/],
    ['truncated IPC stream', 'polars-stream.ipc', truncated, /polars-stream\.ipc: (could not decode|not a readable)/],
    ['truncated .npz', 'savez-compressed-int-ids.npz', truncated, /savez-compressed-int-ids\.npz: not a readable \.npz \(zip\) archive/],
    ['corrupt .npz', 'savez-string-ids.npz', garbage, /savez-string-ids\.npz: not a readable \.npz \(zip\) archive/],
    ['.npz without a 2-D float array', 'savez-no-matrix.npz', (name: string) => {
      const dir = tempDir();
      writeFileSync(join(dir, name), readFileSync(at(name)));
      return dir;
    }, /savez-no-matrix\.npz: no 2-D float array/],
  ] as const)('%s', (_, name, make, pattern) => {
    const dir = make(name);
    const run = runCliProcess(['compare', '--reference', name, '--candidate', at('source-f32.npy')], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(pattern);
    const errors = run.stderr.split('\n').filter((line) => line.includes('error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^embedding-gate: error: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a Parquet file with a null vector', () => {
    const run = runCliProcess(['compare', '--reference', at('null-vector.parquet'), '--candidate', at('source-f32.npy')], tempDir());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/null-vector\.parquet: row 7 \(id "item-007"\) has a null embedding/);
  });
});

describe('end to end: the same probe set in every format gives the same report', () => {
  it('compare of a Feather reference and a Parquet candidate equals the .npy comparison', () => {
    const args = ['--k', '5', '--clusters', '3', '--format', 'json'];
    const npy = runCliProcess(['compare', '--reference', at('source-f32.npy'), '--candidate', at('source-f32.npy'), ...args], DIR);
    const mixed = runCliProcess(['compare', '--reference', 'feather-default.feather', '--candidate', 'polars-default.parquet', ...args], DIR);
    const npz = runCliProcess(['compare', '--reference', 'savez-string-ids.npz', '--candidate', 'pandas-lists.csv', ...args], DIR);
    for (const run of [npy, mixed, npz]) expect(run.code, run.stderr).toBe(0);
    const metrics = (run: typeof npy) => JSON.parse(run.stdout).metrics;
    expect(metrics(mixed)).toEqual(metrics(npy));
    expect(metrics(npz)).toEqual(metrics(npy));
    expect(JSON.parse(mixed.stdout).reference.format).toBe('arrow');
    expect(JSON.parse(npz.stdout).reference.format).toBe('npz');
  });
});

describe('--format-in names the new formats when the extension does not', () => {
  it('feather, ipc, arrow and npz', () => {
    const dir = tempDir();
    for (const [from, to] of [
      ['feather-default.feather', 'reference.bin'],
      ['polars-stream.ipc', 'stream.data'],
      ['savez-string-ids.npz', 'vectors.zip'],
    ] as const) writeFileSync(join(dir, to), readFileSync(at(from)));
    const run = runCliProcess(['compare', '--reference', 'reference.bin', '--reference-format-in', 'feather', '--candidate', 'vectors.zip', '--candidate-format-in', 'npz', '--k', '5', '--clusters', '3', '--format', 'json'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ reference: { format: 'arrow' }, candidate: { format: 'npz' }, metrics: { knnOverlap: { mean: 1 } } });
    const stream = runCliProcess(['compare', '--reference', 'stream.data', '--candidate', 'stream.data', '--format-in', 'ipc', '--k', '5', '--clusters', '3'], dir);
    expect(stream.code, stream.stderr).toBe(0);
    const bad = runCliProcess(['compare', '--reference', 'stream.data', '--candidate', 'stream.data', '--format-in', 'hdf5'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format-in must be one of npy, npz, jsonl, json, csv, tsv, parquet, arrow, ndjson, feather, ipc, arrows, got "hdf5"\./);
  });
});
