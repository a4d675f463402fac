import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
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

/**
 * SHA-256 of the weights' contents: for each tensor in name order, its name, dtype and shape, then
 * its data bytes, streamed in 8 MiB reads (memory stays bounded whatever the size). The file
 * layout, the sharding and the header's `__metadata__` do not enter it, so the same weights saved
 * as one file or as shards, by another library version, give the same digest.
 */
export async function digestTensors(tensors: readonly TensorEntry[]): Promise<{ digest: string; bytes: number; count: number }> {
  const hash = createHash('sha256');
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.name === sorted[i - 1]!.name) throw new InputError(`tensor ${JSON.stringify(sorted[i]!.name)} is stored twice (${sorted[i - 1]!.file} and ${sorted[i]!.file}).`);
  }
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const handles = new Map<string, Awaited<ReturnType<typeof open>>>();
  let bytes = 0;
  try {
    for (const tensor of sorted) {
      hash.update(`${JSON.stringify([tensor.name, tensor.dtype, tensor.shape])}\n`);
      let handle = handles.get(tensor.file);
      if (!handle) {
        handle = await open(tensor.file, 'r');
        handles.set(tensor.file, handle);
      }
      for (let position = tensor.start; position < tensor.end; ) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, tensor.end - position), position);
        if (bytesRead === 0) throw new InputError(`${tensor.file}: ends inside tensor ${JSON.stringify(tensor.name)}.`);
        hash.update(buffer.subarray(0, bytesRead));
        position += bytesRead;
        bytes += bytesRead;
      }
    }
  } finally {
    for (const handle of handles.values()) await handle.close();
  }
  return { digest: hash.digest('hex'), bytes, count: sorted.length };
}
