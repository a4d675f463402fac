import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';
import { alignById, type AlignedPair } from '../src/core/align.js';
import { InputError } from '../src/core/errors.js';
import { readEmbeddingSet } from '../src/io/read-embedding-set.js';
import { createKnnEngine, type KnnEngine } from '../src/kernels/knn-engine.js';
import { kernelSupported } from '../src/kernels/wasm-kernel.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const EXAMPLES = join(ROOT, 'examples', 'digits');
/**
 * dist/cli.js (with the bundle it loads, cli-main.js) and dist/index.js copied alone into an empty folder outside the repository, where no
 * node_modules can be found: every process test runs these copies, so a dependency left out of a
 * bundle fails the tests instead of resolving from the repository's node_modules.
 */
export const BUNDLE_DIR = mkdtempSync(join(tmpdir(), 'embedding-gate-bundle-'));
for (const name of ['cli.js', 'cli-main.js', 'index.js']) copyFileSync(join(ROOT, 'dist', name), join(BUNDLE_DIR, name));
process.on('exit', () => rmSync(BUNDLE_DIR, { recursive: true, force: true }));

export const CLI = join(BUNDLE_DIR, 'cli.js');
export const ACTION_BUNDLE = join(BUNDLE_DIR, 'index.js');

/** Asserts |actual − expected| ≤ tolerance, naming both in the failure. */
export function expectClose(actual: number | null | undefined, expected: number, tolerance = 1e-6): void {
  expect(actual, `expected ${actual} ≈ ${expected} (±${tolerance})`).not.toBeNull();
  expect(Math.abs((actual as number) - expected), `|${actual} − ${expected}| > ${tolerance}`).toBeLessThanOrEqual(tolerance);
}

const temporaryDirectories: string[] = [];
afterEach(() => {
  for (const dir of temporaryDirectories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'embedding-gate-test-'));
  temporaryDirectories.push(dir);
  return dir;
}

/** Reads a JSON fixture. */
export function readJson<T = any>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Reads an .npy or other set with default fields. */
export async function readSet(path: string, display = path) {
  return readEmbeddingSet({ path, display, format: null, idField: 'id', vectorField: 'embedding', idsFile: null, idsDisplay: null });
}

/** Loads one metric fixture case (reference values computed with NumPy/SciPy/scikit-learn). */
export async function loadMetricCase(name: string, engine?: KnnEngine): Promise<{ pair: AlignedPair; expected: any }> {
  const reference = await readSet(join(FIXTURES, 'metrics', `${name}-reference.npy`));
  const candidate = await readSet(join(FIXTURES, 'metrics', `${name}-candidate.npy`));
  const allocate = engine ? (length: number) => engine.allocate(length) : undefined;
  return { pair: alignById(reference, candidate, 1, allocate), expected: readJson(join(FIXTURES, 'metrics', `${name}.json`)) };
}

/** Every kNN engine this runtime offers (the JS reference, then WebAssembly on 1 and 2 threads). */
export function availableEngines(): Array<{ name: string; engine: KnnEngine }> {
  const list: Array<{ name: string; engine: KnnEngine }> = [{ name: 'js', engine: createKnnEngine({ kernel: 'js', threads: 1 })! }];
  for (const kernel of ['simd', 'relaxed-simd'] as const) {
    if (!kernelSupported(kernel)) continue;
    for (const threads of [1, 2]) list.push({ name: `${kernel} × ${threads}`, engine: createKnnEngine({ kernel, threads })! });
  }
  return list;
}

/** The plain JavaScript engine (float64 sums), the reference for the others. */
export const jsEngine: KnnEngine = createKnnEngine({ kernel: 'js', threads: 1 })!;

/** Result of running the bundled CLI as a separate process. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node dist/cli.js ARGS` in `cwd`, exactly as a user would. */
export function runCliProcess(args: readonly string[], cwd = ROOT, nodeArgs: readonly string[] = []): CliRun {
  const result = spawnSync(process.execPath, [...nodeArgs, CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, EMBEDDING_GATE_DEBUG: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Awaits a promise that must reject with an InputError; returns its message. */
export async function inputErrorOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return (error as Error).message;
}
