import { describe, expect, it } from 'vitest';
import { runMeasureSteps, type MeasureInput, type MeasureStep } from '../src/measure/measure-step.js';

/** A logger that keeps the lines. */
function recorder() {
  const lines: string[] = [];
  return { lines, log: { info: (line: string) => lines.push(line), warn: (line: string) => lines.push(`warn: ${line}`) } };
}

// The steps here read nothing from the input; runMeasureSteps only passes it on.
const input = {} as MeasureInput;

describe('runMeasureSteps', () => {
  it('runs an alongside step while the later steps run, merges its result, and logs each step once with its own time', async () => {
    let release: (value: number) => void = () => undefined;
    const gate = new Promise<number>((resolve) => (release = resolve));
    const steps: MeasureStep[] = [
      { describe: () => 'first', run: () => ({ cka: { value: 0.5, reason: null } }) },
      // Finishes only once the step after it has run: sequential steps would never get there.
      { describe: () => 'beside', alongside: true, run: async () => ({ procrustes: await gate }) },
      { describe: (_, done) => `later (first gave ${done.cka?.value})`, run: () => (release(0.25), { paired: null }) },
    ];
    const { lines, log } = recorder();
    const done = await runMeasureSteps(steps, input, log);
    expect(done).toEqual({ cka: { value: 0.5, reason: null }, procrustes: 0.25, paired: null });
    expect(lines.map((line) => line.replace(/\d+ ms/, 'N ms'))).toEqual(['first in N ms', 'later (first gave 0.5) in N ms', 'beside in N ms (alongside the steps after it)']);
  });

  it("an alongside step's failure comes up after the later steps ran; a later step's failure comes first, once the alongside step has settled", async () => {
    const ran: string[] = [];
    const failing: MeasureStep = {
      describe: () => 'beside',
      alongside: true,
      run: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        ran.push('beside settled');
        throw new Error('beside failed');
      },
    };
    const later: MeasureStep = { describe: () => 'later', run: () => (ran.push('later'), {}) };
    await expect(runMeasureSteps([failing, later], input, recorder().log)).rejects.toThrow('beside failed');
    expect(ran).toEqual(['later', 'beside settled']);

    ran.length = 0;
    const broken: MeasureStep = { describe: () => 'broken', run: () => Promise.reject(new Error('later failed')) };
    await expect(runMeasureSteps([failing, broken], input, recorder().log)).rejects.toThrow('later failed');
    expect(ran).toEqual(['beside settled']);
  });

  it('gives every head start before the first step runs, and each step sees what the head starts returned', async () => {
    const order: string[] = [];
    const steps: MeasureStep[] = [
      { describe: () => 'first', run: (_, done) => (order.push(`first sees ${done.productsFormedEarly}`), {}) },
      {
        describe: () => 'second',
        headStart: () => (order.push('head start'), { productsFormedEarly: 0.25 }),
        run: (_, done) => (order.push(`second sees ${done.productsFormedEarly}`), { paired: null }),
      },
    ];
    const done = await runMeasureSteps(steps, input, recorder().log);
    expect(order).toEqual(['head start', 'first sees 0.25', 'second sees 0.25']);
    expect(done).toEqual({ productsFormedEarly: 0.25, paired: null });
  });
});
