// npm run bench: seeded synthetic pairs; times the kNN kernel alone and `compare` end to end,
// prints seconds, GFLOP/s and peak RSS, and — when python3 with NumPy is present — NumPy's
// float32 matmul + argpartition kNN on the same data in the same run, with our time / NumPy's.
// Data is generated into .bench/ (git-ignored) on first use.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { build } from 'esbuild';

const DIR = '.bench';
mkdirSync(DIR, { recursive: true });

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
const gaussian = (next) => Math.sqrt(-2 * Math.log(Math.max(next(), 1e-12))) * Math.cos(2 * Math.PI * next());

/** Writes a float32 C-order .npy, row chunk by row chunk. */
function writeNpy(path, rows, cols, fillRow) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head.writeUInt16LE(header.length, 8);
  const fd = openSync(path, 'w');
  writeSync(fd, Buffer.concat([head, Buffer.from(header, 'latin1')]));
  const chunkRows = 4096;
  const buffer = new Float32Array(chunkRows * cols);
  for (let start = 0; start < rows; start += chunkRows) {
    const count = Math.min(chunkRows, rows - start);
    for (let i = 0; i < count; i++) fillRow(start + i, buffer.subarray(i * cols, (i + 1) * cols));
    writeSync(fd, new Uint8Array(buffer.buffer, 0, count * cols * 4));
  }
  closeSync(fd);
}

/**
 * A clustered reference (64 clusters) and a "retrained" candidate: the reference with its
 * coordinates permuted and sign-flipped (a new basis) plus noise, so neighbourhoods partly survive.
 */
function makePair(count, dim) {
  const stem = join(DIR, `pair-${count}x${dim}`);
  if (existsSync(`${stem}-candidate.npy`)) return stem;
  const next = random(count * 7 + dim);
  const clusters = 64;
  const centres = Float32Array.from({ length: clusters * dim }, () => gaussian(next));
  const referenceRow = (i, row) => {
    const c = i % clusters;
    const rowNext = random(i * 2654435761 + dim);
    for (let j = 0; j < dim; j++) row[j] = centres[c * dim + j] + 0.9 * gaussian(rowNext);
  };
  const permutation = Array.from({ length: dim }, (_, j) => j).sort(() => next() - 0.5);
  const sign = Array.from({ length: dim }, () => (next() < 0.5 ? -1 : 1));
  const scratch = new Float32Array(dim);
  writeNpy(`${stem}-reference.npy`, count, dim, referenceRow);
  writeNpy(`${stem}-candidate.npy`, count, dim, (i, row) => {
    referenceRow(i, scratch);
    const noise = random(i * 40503 + 17);
    for (let j = 0; j < dim; j++) row[j] = sign[j] * scratch[permutation[j]] + 0.45 * gaussian(noise);
  });
  return stem;
}

const engineBundle = join(DIR, 'engine.mjs');
await build({ entryPoints: ['src/kernels/knn-engine.ts'], bundle: true, platform: 'node', format: 'esm', outfile: engineBundle, logLevel: 'warning' });
const { createKnnEngine } = await import(`./../${engineBundle}`);
const { readNpyMatrixForBench } = await (async () => {
  await build({ entryPoints: ['src/io/npy.ts'], bundle: true, platform: 'node', format: 'esm', outfile: join(DIR, 'npy.mjs'), logLevel: 'warning' });
  const { readNpyMatrix } = await import(`./../${join(DIR, 'npy.mjs')}`);
  return { readNpyMatrixForBench: readNpyMatrix };
})();

/** Unit-normalises rows in place. */
function normalise(values, count, dim) {
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += values[i * dim + j] ** 2;
    const scale = 1 / Math.sqrt(sum);
    for (let j = 0; j < dim; j++) values[i * dim + j] *= scale;
  }
}

const numpyEnv = { ...process.env };
// OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set on some of these machines to work around old
// OpenBLAS bugs; they slow a current NumPy, so the comparison runs NumPy without them.
delete numpyEnv.OPENBLAS_CORETYPE;
delete numpyEnv.OPENBLAS_L2_SIZE;

/**
 * The Python with the newest NumPy among BENCH_PYTHON, a .venv in this folder, and every python3*
 * / python on PATH; with the BLAS and the kernel (core) OpenBLAS chose at run time, from
 * threadpoolctl, else from OpenBLAS's own get_corename() in the loaded library.
 */
function findNumpy() {
  const names = new Set([process.env.BENCH_PYTHON, join('.venv', 'bin', 'python')].filter(Boolean));
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    let entries = [];
    try {
      entries = readdirSync(folder);
    } catch {
      continue;
    }
    for (const entry of entries) if (/^python3?(\.\d+)?$/.test(entry)) names.add(join(folder, entry));
  }
  const probe = `
import ctypes, numpy
core = None
try:
    from threadpoolctl import threadpool_info
    for info in threadpool_info():
        if info.get('internal_api') == 'openblas':
            core = 'OpenBLAS %s, core %s (threadpoolctl)' % (info.get('version'), info.get('architecture'))
except Exception:
    pass
if core is None:
    for line in open('/proc/self/maps'):
        if 'openblas' in line.lower() and '.so' in line:
            path = line.split()[-1]
            lib = ctypes.CDLL(path)
            # NumPy's wheels carry scipy-openblas, whose symbols are prefixed and suffixed.
            for name in ('openblas_get_corename', 'scipy_openblas_get_corename64_', 'scipy_openblas_get_corename'):
                get = getattr(lib, name, None)
                if get is not None:
                    get.restype = ctypes.c_char_p
                    core = 'OpenBLAS, core %s (%s)' % (get().decode(), name)
                    break
            if core:
                break
print(numpy.__version__)
print(core or 'BLAS: %s' % numpy.show_config(mode='dicts')['Build Dependencies']['blas'].get('name'))
`;
  let best = null;
  for (const python of names) {
    const run = spawnSync(python, ['-c', probe], { encoding: 'utf8', env: numpyEnv });
    if (run.status !== 0) continue;
    const [version, blas] = run.stdout.trim().split('\n');
    const key = version.split(/[^0-9]+/).slice(0, 3).map(Number);
    if (!best || newerVersion(key, best.key)) best = { python, version, blas, key };
  }
  return best;
}

/** True when version a (major, minor, patch) is above b. */
function newerVersion(a, b) {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return false;
}

const numpy = findNumpy();
const hasNumpy = numpy !== null;

/** NumPy float32 brute force of the same job: kNN of `queries` rows (all when 0) in both spaces (blocked matmul + argpartition), plus cross-model top-1. */
function numpyKnn(stem, queries, k = 10) {
  const script = `
import sys, time, numpy as np
k, queries = ${k}, ${queries}
total = 0.0
spaces = {}
for side in ('reference', 'candidate'):
    X = np.load('${stem}-' + side + '.npy').astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    spaces[side] = X
    n = X.shape[0]
    rows = np.arange(n) if queries == 0 else np.random.RandomState(1).choice(n, queries, replace=False)
    start = time.perf_counter()
    for b in range(0, len(rows), 2048):
        block = rows[b:b + 2048]
        S = X[block] @ X.T
        S[np.arange(len(block)), block] = -np.inf
        idx = np.argpartition(-S, k, axis=1)[:, :k]
    total += time.perf_counter() - start
# Cross-model top-1: each candidate vector searched against the reference index.
if spaces['reference'].shape[1] == spaces['candidate'].shape[1]:
    R, C = spaces['reference'], spaces['candidate']
    start = time.perf_counter()
    hits = 0
    for b in range(0, len(rows), 2048):
        block = rows[b:b + 2048]
        hits += int(np.sum(np.argmax(C[block] @ R.T, axis=1) == block))
    total += time.perf_counter() - start
print(total)
`;
  const run = spawnSync(numpy.python, ['-c', script], { encoding: 'utf8', env: numpyEnv, maxBuffer: 1 << 20 });
  if (run.status !== 0) return null;
  return Number(run.stdout.trim());
}

/** Our kernel alone: exact kNN in both spaces (all queries: each pair scored once), or a query sample. */
async function kernelKnn(stem, count, dim, queries, k = 10) {
  const engine = createKnnEngine({ kernel: 'auto', threads: null });
  const sets = ['reference', 'candidate'].map((side) => {
    const { values } = readNpyMatrixForBench(`${stem}-${side}.npy`, side, (length) => engine.allocate(length));
    normalise(values, count, dim);
    return values;
  });
  const rows = queries === 0 ? null : Int32Array.from({ length: queries }, (_, i) => Math.floor((i * count) / queries));
  const started = performance.now();
  for (const values of sets) await engine.nearestNeighbours(values, count, dim, k, rows, 'bench');
  const seconds = (performance.now() - started) / 1000;
  const { settled, unsettled, int8, int8Fallbacks } = engine.screenCounts;
  const int16 = settled + unsettled > 0 ? `int16 screen settled ${((100 * settled) / (settled + unsettled)).toFixed(1)}%` : '';
  const screens = [int8 > 0 ? `int8 screen ${int8} of ${int8 + int8Fallbacks} spaces` : '', int16].filter(Boolean);
  const screen = screens.length > 0 ? `, ${screens.join(', ')}` : '';
  const description = `${engine.kernel}${engine.kernel === 'js' ? '' : ` × ${engine.threads} threads`}${screen}`;
  await engine.close();
  return { seconds, description };
}

/** `compare` end to end in a child process, with its peak RSS. */
function compareRun(stem, args) {
  const started = process.hrtime.bigint();
  // stem null: `args` is the whole command line (e.g. a monitor run).
  const command = stem === null ? args : ['compare', '--reference', `${stem}-reference.npy`, '--candidate', `${stem}-candidate.npy`, '--format', 'json', ...args];
  const run = spawnSync(process.execPath, ['scripts/bench-child.mjs', ...command], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0 && run.status !== 1) throw new Error(run.stderr);
  const rss = Number(/bench:maxrss-kib=(\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1024;
  const report = JSON.parse(run.stdout);
  return { seconds, rss, report, log: run.stderr, stdoutBytes: Buffer.byteLength(run.stdout) };
}

const CASES = [
  { count: 20000, dim: 192, queries: 0, compareArgs: [] },
  { count: 2000, dim: 768, queries: 0, compareArgs: [] },
  { count: 20000, dim: 384, queries: 0, compareArgs: [] },
  { count: 20000, dim: 768, queries: 0, compareArgs: [] },
  { count: 100000, dim: 768, queries: 5000, compareArgs: ['--sample', '5000'] },
];
// --repeat N: run the kernel, NumPy and compare N times each, interleaved, and keep each one's best
// time (a shared machine's noise only ever adds time).
const argv = process.argv.slice(2);
const repeatAt = argv.indexOf('--repeat');
const REPEAT = repeatAt >= 0 ? Math.max(1, Number(argv[repeatAt + 1]) || 1) : 1;
const only = argv.filter((_, i) => repeatAt < 0 || (i !== repeatAt && i !== repeatAt + 1));

/** The stages `compare` logs as "<stage> … in N ms", in seconds. */
const STAGES = [
  ['read', /read (reference|candidate) [^\n]* in (\d+) ms/g],
  ['kNN (both spaces)', /kNN overlap [^\n]* in (\d+) ms/g],
  ['cross retrieval', /cross-model retrieval in (\d+) ms/g],
  ['k-means and clusters', /clusters \([^\n]* in (\d+) ms/g],
  ['CKA', /linear CKA[^\n]* in (\d+) ms/g],
  ['Procrustes', /Procrustes in (\d+) ms/g],
];
function stageTimes(log) {
  return STAGES.map(([, pattern]) => [...log.matchAll(pattern)].reduce((sum, match) => sum + Number(match[match.length - 1]), 0) / 1000);
}
const stages = [];

console.log(`node ${process.version}, ${process.platform}/${process.arch}${REPEAT > 1 ? `, best of ${REPEAT} interleaved runs` : ''}; ${hasNumpy ? `NumPy ${numpy.version} (${numpy.python}), ${numpy.blas}; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for NumPy` : 'NumPy not found (set BENCH_PYTHON)'}`);
console.log('| N × d, queries | kernel | kNN both spaces (s) | GFLOP/s (2·Q·N·d per space) | NumPy kNN + cross top-1 (s) | our kNN / NumPy | compare end to end (s) | compare / NumPy | peak RSS (MiB) |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const { count, dim, queries, compareArgs } of CASES) {
  const name = `${count}x${dim}`;
  if (only.length > 0 && !only.includes(name)) continue;
  const stem = makePair(count, dim);
  let kernel = null;
  let numpySeconds = null;
  let compare = null;
  for (let run = 0; run < REPEAT; run++) {
    const kernelRun = await kernelKnn(stem, count, dim, queries);
    if (!kernel || kernelRun.seconds < kernel.seconds) kernel = kernelRun;
    const numpyRun = hasNumpy ? numpyKnn(stem, queries) : null;
    if (numpyRun !== null && (numpySeconds === null || numpyRun < numpySeconds)) numpySeconds = numpyRun;
    const compareOnce = compareRun(stem, compareArgs);
    if (!compare || compareOnce.seconds < compare.seconds) compare = compareOnce;
  }
  const q = queries === 0 ? count : queries;
  const gflops = (2 * 2 * q * count * dim) / kernel.seconds / 1e9;
  const m = compare.report.metrics;
  console.log(
    `| ${count.toLocaleString('en')} × ${dim}, ${queries === 0 ? 'all' : queries.toLocaleString('en')} | ${kernel.description} | ${kernel.seconds.toFixed(2)} | ${gflops.toFixed(1)} | ${numpySeconds === null ? 'n/a' : numpySeconds.toFixed(2)} | ${numpySeconds === null ? 'n/a' : (kernel.seconds / numpySeconds).toFixed(2)} | ${compare.seconds.toFixed(2)} | ${numpySeconds === null ? 'n/a' : (compare.seconds / numpySeconds).toFixed(2)} | ${compare.rss.toFixed(0)} |`,
  );
  stages.push({ name: `${count.toLocaleString('en')} × ${dim}, ${queries === 0 ? 'all' : queries.toLocaleString('en')}`, total: compare.seconds, times: stageTimes(compare.log) });
  console.error(`  ${name}: verdict ${compare.report.verdict.status}, kNN overlap ${m.knnOverlap.mean.toFixed(3)}${m.knnOverlap.ci95 ? ` (95% CI ${m.knnOverlap.ci95.map((v) => v.toFixed(3)).join('–')})` : ''}, CKA ${m.cka.linear?.toFixed(3)}, kernel ${compare.report.settings.kernel}`);
}

if (stages.length > 0) {
  console.log(`\n| N × d, queries | ${STAGES.map(([name]) => `${name} (s)`).join(' | ')} | all but kNN, share of compare |`);
  console.log(`| --- | ${STAGES.map(() => '---:').join(' | ')} | ---: |`);
  for (const { name, total, times } of stages) {
    const others = times.reduce((sum, value, i) => sum + (i === 1 ? 0 : value), 0);
    console.log(`| ${name} | ${times.map((value) => value.toFixed(2)).join(' | ')} | ${((100 * (total - times[1])) / total).toFixed(0)}% (${others.toFixed(2)} s in the stages above) |`);
  }
}

// The HTML report's maps: what `--html` adds to `compare` (the maps step's own time, from the log,
// and the whole run's), and the sizes of the page and of the JSON report with its maps, at 20,000 × 768.
if (only.length === 0 || only.includes('maps')) {

  console.log('\n| N × d | kNN overlap step (s) | maps step (s) | compare (s) | compare --html (s) | HTML page (KiB) | JSON report with maps (KiB) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [count, dim] of [[20000, 768]]) {
    const stem = makePair(count, dim);
    const html = join(DIR, `report-${count}x${dim}.html`);
    const plain = compareRun(stem, []);
    const withMaps = compareRun(stem, ['--html', html]);
    const step = (name) => Number(new RegExp(`${name}[^\\n]* in (\\d+) ms`).exec(withMaps.log)?.[1] ?? NaN) / 1000;
    console.log(
      `| ${count.toLocaleString('en')} × ${dim} | ${step('kNN overlap').toFixed(2)} | ${step('maps').toFixed(2)} | ${plain.seconds.toFixed(2)} | ${withMaps.seconds.toFixed(2)} | ${(statSync(html).size / 1024).toFixed(0)} | ${(withMaps.stdoutBytes / 1024).toFixed(0)} |`,
    );
  }
}

// Hashing model weights for a model folder used as a manifest: a 2 GiB safetensors file (64 tensors
// of 32 MiB), digested by tensor contents; against `cat` (the disk) and `sha256sum` (disk + hash).
if (only.length === 0 || only.includes('weights')) {
  const folder = join(DIR, 'weights-2g');
  const file = join(folder, 'model.safetensors');
  const tensors = 64;
  const tensorBytes = 32 * 1024 * 1024;
  if (!existsSync(file)) {
    mkdirSync(folder, { recursive: true });
    const header = {};
    for (let t = 0; t < tensors; t++) header[`layer.${String(t).padStart(2, '0')}.weight`] = { dtype: 'F32', shape: [tensorBytes / 4], data_offsets: [t * tensorBytes, (t + 1) * tensorBytes] };
    let json = JSON.stringify(header);
    json += ' '.repeat((8 - (json.length % 8)) % 8);
    const fd = openSync(file, 'w');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(json.length));
    writeSync(fd, length);
    writeSync(fd, Buffer.from(json));
    const next = random(2024);
    const chunk = new Float32Array(tensorBytes / 4);
    for (let t = 0; t < tensors; t++) {
      for (let i = 0; i < chunk.length; i++) chunk[i] = next() - 0.5;
      writeSync(fd, new Uint8Array(chunk.buffer));
    }
    closeSync(fd);
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 1024 }));
  }
  await build({
    entryPoints: ['src/classify/model-folder.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(DIR, 'model-folder.mjs'),
    logLevel: 'warning',
    // yaml is CommonJS: give the ESM bundle a require, as scripts/build.mjs does for dist/.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  const bytes = statSync(file).size;
  const timed = (command, args) => {
    const started = process.hrtime.bigint();
    const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (run.status !== 0) throw new Error(run.stderr);
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, stderr: run.stderr };
  };
  timed('sh', ['-c', `cat ${file} > /dev/null`]); // warm the page cache, so every line reads the same memory
  const cat = timed('sh', ['-c', `cat ${file} > /dev/null`]);
  const sha = timed('sha256sum', [file]);
  const ours = timed(process.execPath, ['scripts/bench-weights.mjs', folder]);
  const rss = Number(/bench:maxrss-kib=(\d+)/.exec(ours.stderr)?.[1] ?? NaN) / 1024;
  const rate = (seconds) => `${(bytes / seconds / 1024 ** 3).toFixed(2)} GiB/s`;
  console.log(`\n| weights (${(bytes / 1024 ** 3).toFixed(2)} GiB safetensors, page cache warm) | seconds | throughput | peak RSS (MiB) |`);
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| cat > /dev/null | ${cat.seconds.toFixed(2)} | ${rate(cat.seconds)} | |`);
  console.log(`| sha256sum | ${sha.seconds.toFixed(2)} | ${rate(sha.seconds)} | |`);
  console.log(`| model folder digest (node ${process.version}) | ${ours.seconds.toFixed(2)} | ${rate(ours.seconds)} | ${rss.toFixed(0)} |`);
}

// Monitor mode: a run on 50,000 × 768 current items against a 20,000 × 768 reference (time and
// peak RSS), and the false-alarm rate of its MMD² permutation test at α = 0.05 on 1,000 seeded
// splits of one sample (the digits example), where every alarm is a false one.
if (only.length === 0 || only.includes('monitor')) {
  const reference = `${makePair(20000, 768)}-reference.npy`;
  const current = `${makePair(50000, 768)}-reference.npy`;
  const run = compareRun(null, ['monitor', '--reference', reference, '--current', current, '--format', 'json']);
  console.log(`\n| monitor run | seconds | peak RSS (MiB) | verdict | MMD² p |\n| --- | ---: | ---: | --- | ---: |`);
  console.log(`| 20,000 × 768 reference, 50,000 × 768 current (node ${process.version}) | ${run.seconds.toFixed(2)} | ${run.rss.toFixed(0)} | ${run.report.verdict.status} | ${run.report.mmd.pValue.toFixed(4)} |`);
  await build({ entryPoints: ['scripts/bench-false-alarms.ts'], bundle: true, platform: 'node', format: 'esm', outfile: join(DIR, 'false-alarms.mjs'), logLevel: 'warning' });
  const alarms = spawnSync(process.execPath, [join(DIR, 'false-alarms.mjs')], { encoding: 'utf8' });
  if (alarms.status !== 0) throw new Error(alarms.stderr);
  console.log(alarms.stdout.trimEnd());
}
