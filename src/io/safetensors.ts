import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InputError } from '../core/errors.js';

/** Largest safetensors header read (the format's own limit is 100 MB). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;
/** Bytes read per call while hashing: large enough for disk speed, small enough to bound memory. */
const CHUNK_BYTES = 8 * 1024 * 1024;

/** One tensor of a safetensors file: where its bytes are, and what they mean. */
export interface TensorEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** The file holding it, and the absolute byte range of its data. */
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Reads a safetensors header: an 8-byte little-endian length, then that many bytes of JSON mapping
 * each tensor to its dtype, shape and data offsets (relative to the end of the header).
 * `__metadata__` is skipped: it describes the save, not the weights. Offsets are checked against the file size.
 */
export async function readSafetensorsHeader(path: string, display: string): Promise<TensorEntry[]> {
  const size = (await stat(path)).size;
  const handle = await open(path, 'r');
  try {
    const prefix = Buffer.alloc(8);
    if (size < 8 || (await handle.read(prefix, 0, 8, 0)).bytesRead !== 8) throw new InputError(`${display}: not a safetensors file (shorter than its 8-byte header length).`);
    const length = Number(prefix.readBigUInt64LE(0));
    if (length > MAX_HEADER_BYTES || 8 + length > size) throw new InputError(`${display}: not a safetensors file (header length ${length} does not fit the file's ${size} bytes).`);
    const json = Buffer.alloc(length);
    await handle.read(json, 0, length, 8);
    let header: Record<string, { dtype?: unknown; shape?: unknown; data_offsets?: unknown }>;
    try {
      header = JSON.parse(json.toString('utf8'));
    } catch {
      throw new InputError(`${display}: the safetensors header is not valid JSON.`);
    }
    const base = 8 + length;
    const entries: TensorEntry[] = [];
    for (const [name, info] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const offsets = info?.data_offsets;
      const valid =
        typeof info?.dtype === 'string' &&
        Array.isArray(info.shape) &&
        info.shape.every((d) => Number.isInteger(d) && d >= 0) &&
        Array.isArray(offsets) &&
        offsets.length === 2 &&
        offsets.every((o) => Number.isInteger(o) && o >= 0) &&
        offsets[0] <= offsets[1] &&
        base + offsets[1] <= size;
      if (!valid) throw new InputError(`${display}: tensor ${JSON.stringify(name)} has a malformed header entry (dtype, shape or data offsets).`);
      entries.push({ name, dtype: info.dtype as string, shape: info.shape as number[], file: path, start: base + (offsets as number[])[0]!, end: base + (offsets as number[])[1]! });
    }
    return entries;
  } finally {
    await handle.close();
  }
}

/** Bytes of a tensor hashed as one unit; a tensor's digest lists its units' SHA-256 in order. */
const UNIT_BYTES = 64 * 1024 * 1024;
/** Below this many bytes in all, the units are hashed on this thread (starting workers costs more). */
const WORKER_THRESHOLD = 256 * 1024 * 1024;

/** The worker that hashes one byte range of a file with its own 8 MiB buffer (CommonJS: eval'd workers are scripts). */
const HASH_WORKER = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const buffer = Buffer.allocUnsafe(${CHUNK_BYTES});
parentPort.on('message', ({ id, file, start, end }) => {
  let fd = -1;
  try {
    fd = openSync(file, 'r');
    const hash = createHash('sha256');
    for (let position = start; position < end; ) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, end - position), position);
      if (read === 0) throw new Error('the file ends inside a tensor');
      hash.update(buffer.subarray(0, read));
      position += read;
    }
    parentPort.postMessage({ id, digest: hash.digest('hex') });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message) });
  } finally {
    if (fd >= 0) closeSync(fd);
  }
});`;

/** One unit of work: a byte range of a file. */
interface HashUnit {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

/**
 * SHA-256 over the weights' contents: for each tensor in name order, its name, dtype and shape,
 * then the SHA-256 of each 64 MiB unit of its data (counted from the tensor's first byte). Large
 * weights are hashed by one worker thread per core, each reading its units with an 8 MiB buffer,
 * so the digest keeps up with the disk and memory stays bounded. The file layout, the sharding and
 * the header's `__metadata__` do not enter it: the same weights saved as one file or as shards, by
 * another library version, give the same digest.
 */
export async function digestTensors(
  tensors: readonly TensorEntry[],
  { threads = availableParallelism(), workerThreshold = WORKER_THRESHOLD }: { threads?: number; workerThreshold?: number } = {},
): Promise<{ digest: string; bytes: number; count: number }> {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.name === sorted[i - 1]!.name) throw new InputError(`tensor ${JSON.stringify(sorted[i]!.name)} is stored twice (${sorted[i - 1]!.file} and ${sorted[i]!.file}).`);
  }
  const units: HashUnit[] = [];
  const unitsOf = sorted.map((tensor) => {
    const first = units.length;
    for (let start = tensor.start; start < tensor.end; start += UNIT_BYTES) units.push({ file: tensor.file, start, end: Math.min(tensor.end, start + UNIT_BYTES) });
    return [first, units.length] as const;
  });
  const bytes = sorted.reduce((sum, tensor) => sum + (tensor.end - tensor.start), 0);
  const digests = bytes >= workerThreshold && threads > 1 ? await hashOnWorkers(units, threads) : await hashHere(units);
  const hash = createHash('sha256');
  sorted.forEach((tensor, index) => {
    hash.update(`${JSON.stringify([tensor.name, tensor.dtype, tensor.shape])}\n`);
    const [from, to] = unitsOf[index]!;
    for (let unit = from; unit < to; unit++) hash.update(`${digests[unit]}\n`);
  });
  return { digest: hash.digest('hex'), bytes, count: sorted.length };
}

/** Each unit's SHA-256 (hex), on this thread. */
async function hashHere(units: readonly HashUnit[]): Promise<string[]> {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const digests: string[] = [];
  for (const unit of units) {
    const handle = await open(unit.file, 'r');
    try {
      const hash = createHash('sha256');
      for (let position = unit.start; position < unit.end; ) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, unit.end - position), position);
        if (bytesRead === 0) throw new InputError(`${unit.file}: the file ends inside a tensor.`);
        hash.update(buffer.subarray(0, bytesRead));
        position += bytesRead;
      }
      digests.push(hash.digest('hex'));
    } finally {
      await handle.close();
    }
  }
  return digests;
}

/** Each unit's SHA-256 (hex), on `threads` worker threads taking the next unit as they finish one. */
async function hashOnWorkers(units: readonly HashUnit[], threads: number): Promise<string[]> {
  const digests: string[] = new Array(units.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(threads, units.length) }, () => new Worker(HASH_WORKER, { eval: true }));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const take = () => {
              if (next >= units.length) return resolve();
              const id = next++;
              worker.postMessage({ id, ...units[id]! });
            };
            worker.on('message', (message: { id: number; digest?: string; error?: string }) => {
              if (message.error !== undefined) return reject(new InputError(`${units[message.id]!.file}: ${message.error}.`));
              digests[message.id] = message.digest!;
              take();
            });
            worker.on('error', reject);
            take();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return digests;
}
