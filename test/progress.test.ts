import { describe, expect, it } from 'vitest';
import { progressPrinter } from '../src/progress.js';

describe('progressPrinter', () => {
  it('redraws one bar on a terminal, at most every 100 ms, and ends the line at 100%', () => {
    let time = 0;
    const out: string[] = [];
    const progress = progressPrinter({ write: (text) => out.push(text), interactive: true, now: () => time });
    progress('kNN', 0, 100);
    time = 50;
    progress('kNN', 10, 100);
    time = 150;
    progress('kNN', 50, 100);
    time = 160;
    progress('kNN', 100, 100);
    expect(out).toEqual([
      `\r[${'-'.repeat(30)}]   0% kNN`,
      `\r[${'#'.repeat(15)}${'-'.repeat(15)}]  50% kNN`,
      `\r[${'#'.repeat(30)}] 100% kNN\n`,
    ]);
  });

  it('writes a log line every interval in CI, and a final line only for long steps', () => {
    let time = 0;
    const out: string[] = [];
    const progress = progressPrinter({ write: (text) => out.push(text), interactive: false, logEveryMs: 1000, now: () => time });
    progress('quick', 0, 10);
    time = 10;
    progress('quick', 10, 10);
    progress('slow', 0, 4);
    time = 1100;
    progress('slow', 1, 4);
    time = 1500;
    progress('slow', 2, 4);
    time = 2200;
    progress('slow', 4, 4);
    expect(out).toEqual(['slow: 25% (1 / 4, 1 s)\n', 'slow: 100% (4 / 4, 2 s)\n']);
  });
});
