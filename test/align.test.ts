import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alignById } from '../src/core/align.js';
import type { EmbeddingSet } from '../src/core/embedding-set.js';
import { InputError } from '../src/core/errors.js';
import { FIXTURES, readSet, tempDir } from './helpers.js';

function set(source: string, ids: string[], rows: number[][]): EmbeddingSet {
  return {
    source,
    count: rows.length,
    dim: rows[0]!.length,
    vectors: Float32Array.from(rows.flat()),
    ids,
    idSource: 'test',
    metadata: null,
    rowLabel: 'row',
    rowNumbers: null,
  };
}

function throws(run: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InputError);
  expect((caught as Error).message).toMatch(pattern);
}

describe('alignById', () => {
  const reference = set('ref.npy', ['a', 'b', 'c', 'd'], [[3, 4], [1, 0], [0, 2], [1, 1]]);

  it('joins by id whatever the candidate order, in reference order, with unit rows', () => {
    const candidate = set('cand.npy', ['d', 'c', 'a', 'b'], [[2, 2], [0, 5], [6, 8], [7, 0]]);
    const pair = alignById(reference, candidate, 1);
    expect(pair.ids).toEqual(['a', 'b', 'c', 'd']);
    expect(Array.from(pair.reference)).toEqual(Array.from(Float32Array.from([0.6, 0.8, 1, 0, 0, 1, Math.SQRT1_2, Math.SQRT1_2])));
    expect(Array.from(pair.candidate)).toEqual(Array.from(Float32Array.from([0.6, 0.8, 1, 0, 0, 1, Math.SQRT1_2, Math.SQRT1_2])));
    expect(pair.summary).toMatchObject({ matched: 4, coverage: 1, referenceOnly: { count: 0 }, candidateOnly: { count: 0 } });
  });

  it('reports ids found on one side only', () => {
    const candidate = set('cand.npy', ['a', 'b', 'c', 'x', 'y'], [[1, 0], [1, 0], [1, 0], [1, 0], [1, 0]]);
    const pair = alignById(reference, candidate, 0.5);
    expect(pair.summary.matched).toBe(3);
    expect(pair.summary.coverage).toBe(0.75);
    expect(pair.summary.referenceOnly).toEqual({ count: 1, examples: ['d'] });
    expect(pair.summary.candidateOnly).toEqual({ count: 2, examples: ['x', 'y'] });
  });

  it('rejects coverage below --min-coverage, naming missing ids', () => {
    const candidate = set('cand.npy', ['a', 'b', 'c'], [[1, 0], [1, 0], [1, 0]]);
    throws(() => alignById(reference, candidate, 0.95), /only 3 of 4 reference ids \(75\.0%\) are in cand\.npy, below min-coverage 0\.95; missing e\.g\. "d"/);
  });

  it('rejects sets with no common id', () => {
    const candidate = set('cand.npy', ['p', 'q'], [[1, 0], [1, 0]]);
    throws(() => alignById(reference, candidate, 0.95), /no common ids between ref\.npy .*"a", "b", "c".* and cand\.npy .*"p", "q"/);
  });

  it('rejects duplicate ids, naming both rows', () => {
    const candidate = set('cand.npy', ['a', 'b', 'a', 'd'], [[1, 0], [1, 0], [1, 0], [1, 0]]);
    throws(() => alignById(reference, candidate, 0.95), /cand\.npy: duplicate id "a" at row 0 \(id "a"\) and row 2 \(id "a"\)/);
  });

  it.each([
    ['with-nan.npy', /row 1 \(id "1"\) has a non-finite value \(NaN\) at dimension 0/],
    ['with-inf.npy', /row 2 \(id "2"\) has a non-finite value \(Infinity\) at dimension 0/],
    ['with-zero-row.npy', /row 2 \(id "2"\) is a zero vector/],
  ])('rejects %s, naming the file, row and id', async (file, pattern) => {
    const bad = await readSet(join(FIXTURES, 'npy', file), file);
    const good = set('good.npy', ['0', '1', '2'], [[1, 0], [0, 1], [1, 1]]);
    throws(() => alignById(good, bad, 0.95), new RegExp(`^${file.replace('.', '\\.')}: ${pattern.source}`));
  });

  it('names the line of a JSONL row with a zero vector', async () => {
    const path = join(tempDir(), 'z.jsonl');
    writeFileSync(path, '{"id":"a","embedding":[1,0]}\n\n{"id":"b","embedding":[0,0]}\n');
    const zero = await readSet(path, 'z.jsonl');
    throws(() => alignById(zero, zero, 0.95), /z\.jsonl: line 3 \(id "b"\) is a zero vector/);
  });
});
