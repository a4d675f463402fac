// npm run bench: times `embedding-gate compare` end to end on seeded synthetic pairs and prints
// seconds and peak RSS. Data is generated into .bench/ (git-ignored) on first use.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = '.bench';
const CASES = [
  { name: '20,000 × 192 (exact)', count: 20000, dim: 192, args: [] },
  { name: '2,000 × 768 (exact)', count: 2000, dim: 768, args: [] },
];

/** Mulberry32, as in src/kernels/random.ts. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(next) {
  const u = Math.max(next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

function writeNpy(path, values, rows, cols) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(values.buffer)]));
}

/** A clustered reference and a "retrained" candidate: a random linear map of it plus noise. */
function makePair(count, dim, seed) {
  const stem = join(DIR, `pair-${count}x${dim}`);
  if (existsSync(`${stem}-candidate.npy`)) return stem;
  mkdirSync(DIR, { recursive: true });
  const next = random(seed);
  const clusters = 32;
  const centres = Float32Array.from({ length: clusters * dim }, () => gaussian(next));
  const reference = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const c = i % clusters;
    for (let j = 0; j < dim; j++) reference[i * dim + j] = centres[c * dim + j] + 0.9 * gaussian(next);
  }
  const map = Float32Array.from({ length: dim * dim }, (_, index) => (index % (dim + 1) === 0 ? 1 : 0) + 0.15 * gaussian(next));
  const candidate = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    for (let q = 0; q < dim; q++) {
      let sum = 0;
      for (let p = 0; p < dim; p++) sum += reference[i * dim + p] * map[p * dim + q];
      candidate[i * dim + q] = sum + 0.3 * gaussian(next);
    }
  }
  writeNpy(`${stem}-reference.npy`, reference, count, dim);
  writeNpy(`${stem}-candidate.npy`, candidate, count, dim);
  return stem;
}

console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
console.log('| case | seconds | peak RSS (MiB) | verdict |');
console.log('| --- | ---: | ---: | --- |');
for (const { name, count, dim, args } of CASES) {
  const stem = makePair(count, dim, count + dim);
  const started = process.hrtime.bigint();
  const run = spawnSync(
    process.execPath,
    ['scripts/bench-child.mjs', 'compare', '--reference', `${stem}-reference.npy`, '--candidate', `${stem}-candidate.npy`, '--format', 'json', ...args],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = Number(/bench:maxrss-kib=(\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1024;
  if (run.status !== 0 && run.status !== 1) {
    console.error(run.stderr);
    process.exit(1);
  }
  const report = JSON.parse(run.stdout);
  console.log(`| ${name} | ${seconds.toFixed(2)} | ${rss.toFixed(0)} | ${report.verdict.status}, kNN overlap ${report.metrics.knnOverlap.mean.toFixed(3)}, CKA ${report.metrics.cka.linear.toFixed(3)} |`);
}
