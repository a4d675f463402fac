import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, FIXTURES, runCliProcess, tempDir } from './helpers.js';

// Sharded runs: `compare --query-shard i/n` in separate processes, then `merge`, must give the
// report of one unsharded run, byte for byte.
function workspace(): string {
  const dir = tempDir();
  for (const file of ['reference.npy', 'reference.ids.txt', 'reference.manifest.json', 'candidate-patch.jsonl', 'candidate-patch.manifest.json', 'candidate-minor.csv']) {
    copyFileSync(join(EXAMPLES, file), join(dir, file));
  }
  return dir;
}

const base = ['--reference', 'reference.npy', '--candidate', 'candidate-patch.jsonl', '--reference-manifest', 'reference.manifest.json', '--candidate-manifest', 'candidate-patch.manifest.json'];

function shardsThenMerge(dir: string, args: string[], count: number, format = 'json'): string {
  const files: string[] = [];
  for (let index = 1; index <= count; index++) {
    const file = `partial-${index}.json`;
    const run = runCliProcess(['compare', ...args, '--query-shard', `${index}/${count}`, '--output', file], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`shard ${index}/${count} done`));
    files.push(file);
  }
  const merged = runCliProcess(['merge', ...files.reverse(), '--format', format], dir);
  expect(merged.stderr).toMatch(new RegExp(`merged ${count} shards`));
  return merged.stdout;
}

describe('query shards and merge', () => {
  it('an exact run split into 3 shards merges into the unsharded report, byte for byte', () => {
    const dir = workspace();
    const whole = runCliProcess(['compare', ...base, '--format', 'json'], dir).stdout;
    expect(shardsThenMerge(dir, base, 3)).toBe(whole);
    expect(shardsThenMerge(dir, base, 3, 'markdown')).toBe(runCliProcess(['compare', ...base, '--format', 'markdown'], dir).stdout);
  });

  it('a sampled run merges into the unsharded sampled report, bootstrap interval included', () => {
    const dir = workspace();
    const sampled = [...base, '--sample', '400', '--seed', '3'];
    const whole = runCliProcess(['compare', ...sampled, '--format', 'json'], dir).stdout;
    expect(JSON.parse(whole).metrics.knnOverlap.ci95).toHaveLength(2);
    expect(shardsThenMerge(dir, sampled, 2)).toBe(whole);
  });

  it('with maps (--html): a sampled run merges into the unsharded report, map overlaps filled in; only the mapped sample differs', () => {
    const dir = workspace();
    const sampled = [...base, '--sample', '500', '--html', 'unused.html'];
    const whole = JSON.parse(runCliProcess(['compare', ...sampled, '--format', 'json'], dir).stdout);
    const merged = JSON.parse(shardsThenMerge(dir, sampled, 2));
    // A shard cannot know the run's lowest-overlap items, which an unsharded run always maps: the
    // merged maps are a plain seeded sample, and everything else is the same, byte for byte.
    const { maps: wholeMaps, ...wholeRest } = whole;
    const { maps: mergedMaps, ...mergedRest } = merged;
    expect(JSON.stringify(mergedRest)).toBe(JSON.stringify(wholeRest));
    const worstIds = whole.metrics.knnOverlap.worst.map((item: { id: string }) => item.id);
    expect(worstIds.every((id: string) => wholeMaps.points.ids.includes(id))).toBe(true);
    expect(mergedMaps.points.ids).toHaveLength(1000);
    // Each merged point's overlap is the one of the whole run's query list.
    const overlapOf = new Map<string, number>();
    wholeMaps.points.ids.forEach((id: string, i: number) => wholeMaps.points.overlap[i] !== null && overlapOf.set(id, wholeMaps.points.overlap[i]));
    mergedMaps.points.ids.forEach((id: string, i: number) => {
      if (overlapOf.has(id)) expect(mergedMaps.points.overlap[i]).toBe(overlapOf.get(id));
    });
    expect(mergedMaps.points.overlap.filter((value: number | null) => value !== null).length).toBeGreaterThan(0);
    expect(mergedMaps.points.overlap.filter((value: number | null) => value === null).length).toBeGreaterThan(0); // points that were not sampled queries
    expect(shardsThenMerge(dir, sampled, 2, 'html')).toMatch(/^<!doctype html>[\s\S]*data-map="reference" data-points="1000"/);
  }, 120_000);

  it('with maps of every item (≤ 1,000): the merged page equals the unsharded one, byte for byte', () => {
    const dir = workspace();
    const few = ['--reference', join(FIXTURES, 'metrics', 'equal-reference.npy'), '--candidate', join(FIXTURES, 'metrics', 'equal-candidate.npy'), '--k', '7', '--clusters', '3', '--html', 'unused.html'];
    expect(shardsThenMerge(dir, few, 2, 'html')).toBe(runCliProcess(['compare', ...few, '--format', 'html'], dir).stdout);
  }, 120_000);

  it('works across a dimension change (no cross-retrieval ranks)', () => {
    const dir = workspace();
    const minor = ['--reference', 'reference.npy', '--candidate', 'candidate-minor.csv'];
    expect(shardsThenMerge(dir, minor, 2)).toBe(runCliProcess(['compare', ...minor, '--format', 'json'], dir).stdout);
  });

  it('refuses a missing shard, a repeated shard, shards of different runs, and files that are not partial reports', () => {
    const dir = workspace();
    for (const index of [1, 2, 3]) runCliProcess(['compare', ...base, '--query-shard', `${index}/3`, '--output', `p${index}.json`], dir);
    runCliProcess(['compare', ...base, '--seed', '9', '--query-shard', '3/3', '--output', 'other.json'], dir);
    writeFileSync(join(dir, 'report.json'), runCliProcess(['compare', ...base, '--format', 'json'], dir).stdout);
    const cases: Array<[string[], RegExp]> = [
      [['p1.json', 'p3.json'], /p3\.json: shard 3\/3 follows a gap: shard 2\/3 is missing/],
      [['p1.json', 'p2.json'], /only 2 of 3 shards given; shard 3\/3 is missing/],
      [['p1.json', 'p2.json', 'p2.json'], /shard 2\/3 is given twice/],
      [['p1.json', 'p2.json', 'other.json'], /other\.json: shard 3 was computed from other inputs or settings than shard 1/],
      [['report.json'], /report\.json: not a partial report of embedding-gate/],
    ];
    const shifted = JSON.parse(readFileSync(join(dir, 'p2.json'), 'utf8'));
    writeFileSync(join(dir, 'shifted.json'), JSON.stringify({ ...shifted, offset: shifted.offset + 1 }));
    cases.push([['p1.json', 'shifted.json', 'p3.json'], /shifted\.json: shard 2 starts at query 600, but the shards before it end at 599/]);
    for (const [files, pattern] of cases) {
      const run = runCliProcess(['merge', ...files], dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(pattern);
    }
    const bad = runCliProcess(['compare', ...base, '--query-shard', '4/3'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--query-shard must be i\/n with 1 ≤ i ≤ n \(e\.g\. 2\/4\), got "4\/3"/);
    expect(readFileSync(join(dir, 'p1.json'), 'utf8')).toMatch(/"kind":"embedding-gate-partial"/);
  });
});
