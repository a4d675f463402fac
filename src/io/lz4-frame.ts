import { decompressBlock } from 'lz4js';

const MAGIC = 0x184d2204;
/** Maximum block sizes by the BD byte's block-size id (4 → 64 KiB … 7 → 4 MiB). */
const MAX_BLOCK = new Map([
  [4, 64 << 10],
  [5, 256 << 10],
  [6, 1 << 20],
  [7, 4 << 20],
]);

/**
 * Decompresses one LZ4 frame (lz4.org frame format 1.6.x, the framing Arrow IPC buffers use):
 * magic, FLG/BD descriptor with optional content size and dictionary id, then blocks (each a
 * 4-byte size whose high bit marks a stored block, and a 4-byte checksum after the data when
 * FLG says so) up to an end mark, and an optional content checksum. Linked blocks (FLG's
 * independence bit clear) are decoded into one output, so a match may reach into an earlier block.
 * The blocks themselves are decoded by lz4js; checksums are skipped, not verified.
 * lz4js' own frame reader is not used: it skips a block checksum before the block's data instead
 * of after it, which corrupts frames from lz4_flex (polars).
 */
export function decompressLz4Frame(source: Uint8Array): Uint8Array {
  const view = new DataView(source.buffer, source.byteOffset, source.byteLength);
  if (source.length < 7 || view.getUint32(0, true) !== MAGIC) throw new Error('not an LZ4 frame (bad magic number)');
  const flags = source[4]!;
  if (flags >> 6 !== 1) throw new Error(`unsupported LZ4 frame version ${flags >> 6}`);
  const blockChecksums = (flags & 0x10) !== 0;
  const hasContentSize = (flags & 0x08) !== 0;
  const hasDictionary = (flags & 0x01) !== 0;
  const maxBlock = MAX_BLOCK.get((source[5]! >> 4) & 0x7);
  if (maxBlock === undefined) throw new Error('invalid LZ4 frame block size');
  let position = 6 + (hasContentSize ? 8 : 0) + (hasDictionary ? 4 : 0) + 1; // + header checksum
  // First pass: where the blocks are, to size the output.
  const blocks: Array<{ start: number; size: number; stored: boolean }> = [];
  for (;;) {
    if (position + 4 > source.length) throw new Error('truncated LZ4 frame');
    const word = view.getUint32(position, true);
    position += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    if (position + size > source.length) throw new Error('truncated LZ4 frame');
    blocks.push({ start: position, size, stored: (word & 0x80000000) !== 0 });
    position += size + (blockChecksums ? 4 : 0);
  }
  const output = new Uint8Array(blocks.reduce((total, block) => total + (block.stored ? block.size : maxBlock), 0));
  let written = 0;
  for (const block of blocks) {
    if (block.stored) {
      output.set(source.subarray(block.start, block.start + block.size), written);
      written += block.size;
    } else {
      written = decompressBlock(source, output, block.start, block.size, written);
    }
  }
  return output.slice(0, written);
}
