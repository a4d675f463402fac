import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors.js';
import { float16BitsToNumber } from '../src/io/float16.js';
import { readNpyMatrix } from '../src/io/npy.js';
import { FIXTURES, readJson, tempDir } from './helpers.js';

// Files and expected values written by test/fixtures/make_fixtures.py with NumPy's own writer
// (numpy.lib.format.write_array), one per dtype, byte order, memory order and format version.
const NPY = join(FIXTURES, 'npy');
const expected = readJson<Record<string, { shape: number[]; values: number[]; descr: string; fortran: boolean; version: string }>>(join(NPY, 'expected.json'));

describe('readNpyMatrix', () => {
  it.each(Object.keys(expected))('reads %s exactly as NumPy stored it', (name) => {
    const want = expected[name]!;
    const matrix = readNpyMatrix(join(NPY, `${name}.npy`), name);
    expect(matrix.header.descr).toBe(want.descr);
    expect(matrix.header.fortranOrder).toBe(want.fortran);
    expect(matrix.header.version).toBe(want.version);
    expect([matrix.rows, matrix.cols]).toEqual(want.shape);
    expect(Array.from(matrix.values)).toEqual(want.values);
  });

  it('covers every dtype, both byte orders, both memory orders and all three versions', () => {
    const entries = Object.values(expected);
    expect(new Set(entries.map((e) => e.descr))).toEqual(new Set(['<f2', '>f2', '<f4', '>f4', '<f8', '>f8']));
    expect(new Set(entries.map((e) => e.fortran))).toEqual(new Set([true, false]));
    expect(new Set(entries.map((e) => e.version))).toEqual(new Set(['1.0', '2.0', '3.0']));
  });

  const fail = (path: string, pattern: RegExp) => {
    let caught: unknown;
    try {
      readNpyMatrix(path, 'given.npy');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as Error).message).toMatch(/^given\.npy: /);
    expect((caught as Error).message).toMatch(pattern);
  };

  it('rejects an integer dtype, naming it and the fix', () => fail(join(NPY, 'int64.npy'), /unsupported dtype "<i8".*astype\("float32"\)/));
  it('rejects a 3-D array', () => fail(join(NPY, 'three-d.npy'), /expected a 2-D array.*\(2, 2, 2\)/));

  it('rejects truncated data', () => {
    const path = join(tempDir(), 'cut.npy');
    const bytes = readFileSync(join(NPY, 'f32-le-c-v1.npy'));
    writeFileSync(path, bytes.subarray(0, bytes.length - 7));
    fail(path, /truncated \.npy data: shape \(4, 5\) of <f4 needs 80 bytes, the file has 73/);
  });

  it('rejects a truncated header', () => {
    const path = join(tempDir(), 'head.npy');
    writeFileSync(path, readFileSync(join(NPY, 'f32-le-c-v1.npy')).subarray(0, 40));
    fail(path, /truncated \.npy header/);
  });

  it('rejects a file without the magic string', () => {
    const path = join(tempDir(), 'text.npy');
    writeFileSync(path, 'id,embedding\n1,"[1,2]"\n');
    fail(path, /not a \.npy file/);
  });

  it('rejects a corrupt header dictionary', () => {
    const path = join(tempDir(), 'corrupt.npy');
    const bytes = Buffer.from(readFileSync(join(NPY, 'f32-le-c-v1.npy')));
    bytes.write("{'dxscr", 10, 'latin1');
    writeFileSync(path, bytes);
    fail(path, /corrupt \.npy header/);
  });

  it('rejects bytes after the declared data', () => {
    const path = join(tempDir(), 'long.npy');
    copyFileSync(join(NPY, 'f32-le-c-v1.npy'), path);
    writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.alloc(8)]));
    fail(path, /8 unexpected bytes after the data/);
  });
});

describe('float16BitsToNumber', () => {
  it('decodes normal, subnormal and special values (IEEE 754 binary16)', () => {
    expect(float16BitsToNumber(0x3c00)).toBe(1);
    expect(float16BitsToNumber(0xc000)).toBe(-2);
    expect(float16BitsToNumber(0x7bff)).toBe(65504);
    expect(float16BitsToNumber(0x0001)).toBe(2 ** -24);
    expect(float16BitsToNumber(0x7c00)).toBe(Infinity);
    expect(float16BitsToNumber(0xfc00)).toBe(-Infinity);
    expect(float16BitsToNumber(0x7e00)).toBeNaN();
    expect(Object.is(float16BitsToNumber(0x8000), -0)).toBe(true);
  });
});
