import { afterAll, describe, expect, it } from 'vitest';
import { createKnnEngine, type CrossProductRequest, type KnnEngine } from '../src/kernels/knn-engine.js';
import { crossProduct } from '../src/kernels/matrix-products.js';
import { seededRandom } from '../src/stats/random.js';
import { kernelSupported, loadWasmKernel } from '../src/kernels/wasm-kernel.js';
import { crossScratchFloats, jobSize, paddedWidth, runCrossUnit, totalsFloats, type CrossJob, type CrossKernel, type CrossProductRef } from '../src/kernels/cross-job.js';
import { jsEngine } from './helpers.js';

// Cross-products as an idle-time job (cross-job.ts, idle-work.ts): the worker threads form the
// units between their search tasks, one lane's chunks strictly in order.

const KERNELS = (['simd', 'relaxed-simd'] as const).filter(kernelSupported);
const engines: KnnEngine[] = [];
afterAll(() => Promise.all(engines.map((engine) => engine.close())));

function engineWith(kernel: (typeof KERNELS)[number], threads: number): KnnEngine {
  const engine = createKnnEngine({ kernel, threads })!;
  engines.push(engine);
  return engine;
}

/** count × dim values in [−0.5, 0.5), seeded, in the engine's memory. */
function matrix(engine: KnnEngine, count: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const values = engine.allocate(count * dim);
  for (let i = 0; i < values.length; i++) values[i] = random() - 0.5;
  return values;
}

/**
 * RᵀR, CᵀC and CᵀR (as CKA asks for them) plus a narrow product, on 1,300 rows (five chunks and a
 * partial one) with widths that are not multiples of the kernel's panels.
 */
function requests(engine: KnnEngine): CrossProductRequest[] {
  const count = 1300;
  const r = matrix(engine, count, 70, 1);
  const c = matrix(engine, count, 45, 2);
  const narrow = matrix(engine, count, 3, 3);
  return [
    { a: r, da: 70, b: r, db: 70, count },
    { a: c, da: 45, b: c, db: 45, count },
    { a: c, da: 45, b: r, db: 70, count },
    { a: narrow, da: 3, b: c, db: 45, count },
  ];
}

const bits = (products: Float64Array[]) => products.map((product) => Array.from(product));

describe.each(KERNELS)('cross-product jobs on the %s kernel', (kernel) => {
  it('give the same bits whatever the thread count, whether searches run meanwhile, and with two jobs in flight', async () => {
    const results: number[][][] = [];
    for (const threads of [1, 2, 3]) {
      const engine = engineWith(kernel, threads);
      const asked = requests(engine);
      results.push(bits(await engine.crossProducts(asked).finish()));

      // A search runs while the job is pending: both come out as they do alone.
      const values = matrix(engine, 900, 24, 4);
      const alone = Array.from(await engine.nearestNeighbours(values, 900, 24, 5, null, 'test'));
      const pending = engine.crossProducts(asked);
      const during = Array.from(await engine.nearestNeighbours(values, 900, 24, 5, null, 'test'));
      expect(during).toEqual(alone);
      results.push(bits(await pending.finish()));

      // Two jobs in flight, finished in the reverse order.
      const first = engine.crossProducts(asked);
      const second = engine.crossProducts(asked.slice(2));
      expect(bits(await second.finish())).toEqual(results[0]!.slice(2));
      results.push(bits(await first.finish()));
    }
    for (const result of results) expect(result).toEqual(results[0]);

    // And they are AᵀB, to float32 accuracy (sums of 256 rows in float32, added in float64).
    const want = requests(jsEngine).map(({ a, da, b, db, count }) => crossProduct(a, da, b, db, count));
    results[0]!.forEach((product, i) => product.forEach((value, e) => expect(Math.abs(value - want[i]![e]!), `product ${i}, entry ${e}`).toBeLessThan(2e-4)));
  }, 60_000);

  it('are formed while the threads are idle, leaving a core to the caller; finish() forms the rest', async () => {
    const two = engineWith(kernel, 2);
    const count = 20_000;
    const a = matrix(two, count, 96, 5);
    const pending = two.crossProducts([{ a, da: 96, b: a, db: 96, count }]);
    const deadline = Date.now() + 20_000;
    while (pending.formed() === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pending.formed()).toBeGreaterThan(0);
    const [product] = await pending.finish();
    expect(pending.formed()).toBe(1);
    expect(Array.from(product!)).toEqual(Array.from(await two.crossProduct(a, 96, a, 96, count)));

    // With one thread, that core is the caller's: nothing is formed until finish().
    const one = engineWith(kernel, 1);
    const b = matrix(one, 3000, 16, 6);
    const waiting = one.crossProducts([{ a: b, da: 16, b, db: 16, count: 3000 }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(waiting.formed()).toBe(0);
    await waiting.finish();
    expect(waiting.formed()).toBe(1);
  }, 60_000);

  it('finish() fails, rather than waiting for ever, when the engine closes first', async () => {
    const engine = createKnnEngine({ kernel, threads: 1 })!;
    const a = matrix(engine, 2000, 64, 7);
    const pending = engine.crossProducts([{ a, da: 64, b: a, db: 64, count: 2000 }]);
    await engine.close();
    await expect(pending.finish()).rejects.toThrow('the kNN engine was closed');
  });
});

describe('cross-product jobs on the JavaScript engine', () => {
  it('are formed in finish(), in float64', async () => {
    const asked = requests(jsEngine);
    const pending = jsEngine.crossProducts(asked);
    expect(pending.formed()).toBe(0);
    const products = await pending.finish();
    expect(pending.formed()).toBe(1);
    expect(bits(products)).toEqual(bits(asked.map(({ a, da, b, db, count }) => crossProduct(a, da, b, db, count))));
  });
});

describe.each(KERNELS)('runCrossUnit on the %s kernel', (kernel) => {
  it("adds to its product's totals only, rows padded to whole column groups included (a −0 placed after every totals area stays −0), and gives the engine's bits", async () => {
    // One thread's view: a shared memory with a bump allocator, every unit run here in order.
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
    const exports = new WebAssembly.Instance(loadWasmKernel(kernel)!.module, { env: { memory } }).exports as unknown as CrossKernel;
    let top = 0;
    const allocate = (bytes: number) => ((top = Math.ceil(top / 16) * 16 + bytes), top - bytes);
    const count = 300;
    const [da, db] = [70, 45];
    const source = requests(jsEngine);
    const place = (values: Float32Array, rows: number, dim: number) => {
      const address = allocate(rows * dim * 4);
      new Float32Array(memory.buffer, address, rows * dim).set(values.subarray(0, rows * dim));
      return { address, count: rows, dim };
    };
    const a = place(source[0]!.a, count, da);
    const b = place(source[1]!.a, count, db);
    const sentinels: number[] = [];
    const product = (left: typeof a, right: typeof a, symmetric: boolean): CrossProductRef => {
      const totalsAddress = allocate(totalsFloats(left.dim, right.dim) * 4);
      sentinels.push(allocate(8));
      new Float64Array(memory.buffer, sentinels.at(-1)!, 1)[0] = -0;
      return { a: left, b: right, symmetric, totalsAddress, laneRows: 8 };
    };
    const products = [product(a, b, false), product(b, a, false), product(a, a, true)];
    const { units, controlInts } = jobSize(products);
    const job: CrossJob = { products, controlAddress: allocate(controlInts * 4), slotsAddress: allocate(4), units };
    const scratch = allocate(crossScratchFloats(products) * 4);
    const packed = { job: null, product: -1, chunk: -1 };
    const last = Array.from({ length: units }, (_, unit) => runCrossUnit(exports, () => memory.buffer, job, unit, scratch, packed));
    expect(last.indexOf(true)).toBe(units - 1);
    for (const address of sentinels) expect(Object.is(new Float64Array(memory.buffer, address, 1)[0], -0), `the 8 bytes at ${address}`).toBe(true);

    const engine = engineWith(kernel, 2);
    const [ea, eb] = [matrix(engine, count, da, 0), matrix(engine, count, db, 0)];
    ea.set(source[0]!.a.subarray(0, count * da));
    eb.set(source[1]!.a.subarray(0, count * db));
    const want = await engine.crossProducts([
      { a: ea, da, b: eb, db, count },
      { a: eb, da: db, b: ea, db: da, count },
      { a: ea, da, b: ea, db: da, count },
    ]).finish();
    products.forEach(({ a: left, b: right, totalsAddress, symmetric }, i) => {
      const width = paddedWidth(right.dim);
      const totals = new Float64Array(memory.buffer, totalsAddress, left.dim * width);
      for (let p = 0; p < left.dim; p++) {
        for (let q = symmetric ? p : 0; q < right.dim; q++) expect(totals[p * width + q], `product ${i} (${p}, ${q})`).toBe(want[i]![p * right.dim + q]);
      }
    });
  });
});
