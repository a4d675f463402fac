import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { float16Table } from './float16.js';

/** The parsed header of a `.npy` file (NumPy format versions 1.0, 2.0 and 3.0). */
export interface NpyHeader {
  readonly version: string;
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Byte offset of the first data byte. */
  readonly dataOffset: number;
  readonly itemSize: 2 | 4 | 8;
  readonly littleEndian: boolean;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const CHUNK_BYTES = 8 * 1024 * 1024;
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Parses the header of a `.npy` file from its first bytes.
 * Layout (numpy.lib.format): magic `\x93NUMPY`, major and minor version bytes, header length
 * (uint16 LE for 1.0, uint32 LE for 2.0/3.0), then a Python dict literal with
 * `descr`, `fortran_order` and `shape`.
 */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    throw new InputError(`${file}: not a .npy file (the magic string \\x93NUMPY is missing); save it with numpy.save().`);
  }
  const major = bytes[6] ?? 0;
  const minor = bytes[7] ?? 0;
  if (![1, 2, 3].includes(major) || minor !== 0) {
    throw new InputError(`${file}: unsupported .npy format version ${major}.${minor}; versions 1.0, 2.0 and 3.0 are read.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw truncatedHeader(file);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  const dataOffset = headerStart + headerLength;
  if (bytes.length < dataOffset) throw truncatedHeader(file);
  const encoding = major === 3 ? 'utf-8' : 'latin1';
  const header = new TextDecoder(encoding).decode(bytes.subarray(headerStart, dataOffset));

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new InputError(`${file}: corrupt .npy header (expected 'descr', 'fortran_order' and 'shape'): ${JSON.stringify(header.trim().slice(0, 120))}`);
  }
  const shape = shapeText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const value = Number(part.replace(/L$/, ''));
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new InputError(`${file}: corrupt .npy header: shape (${shapeText}) is not a tuple of non-negative integers.`);
      }
      return value;
    });

  const dtype = /^([<>=|])f([248])$/.exec(descr);
  if (!dtype) {
    throw new InputError(
      `${file}: unsupported dtype ${JSON.stringify(descr)}; embeddings must be float16, float32 or float64 (e.g. numpy.save(path, vectors.astype("float32"))).`,
    );
  }
  const itemSize = Number(dtype[2]) as 2 | 4 | 8;
  const order = dtype[1];
  const littleEndian = order === '<' || ((order === '=' || order === '|') && HOST_LITTLE_ENDIAN);
  return { version: `${major}.0`, descr, fortranOrder: fortran === 'True', shape, dataOffset, itemSize, littleEndian };
}

function truncatedHeader(file: string): InputError {
  return new InputError(`${file}: truncated .npy header; the file is incomplete (re-create it with numpy.save()).`);
}

/** The matrix stored in a `.npy` file, converted to row-major float32. */
export interface NpyMatrix {
  readonly header: NpyHeader;
  readonly rows: number;
  readonly cols: number;
  readonly values: Float32Array;
}

/**
 * Reads a 2-D floating-point `.npy` file into a row-major Float32Array, chunk by chunk
 * (never holding the file twice). float16 and float64 are converted; big-endian and
 * Fortran-order files are handled.
 */
export function readNpyMatrix(path: string, file: string, allocate: (length: number) => Float32Array = (length) => new Float32Array(length)): NpyMatrix {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, 65536 + 12));
    readSync(fd, head, 0, head.length, 0);
    const header = parseNpyHeaderGrowing(fd, head, size, file);
    if (header.shape.length !== 2) {
      throw new InputError(
        `${file}: expected a 2-D array (items × dimensions), found shape (${header.shape.join(', ')}); reshape it to (n, d) before saving.`,
      );
    }
    const [rows, cols] = header.shape as [number, number];
    const elements = rows * cols;
    const expectedBytes = elements * header.itemSize;
    const available = size - header.dataOffset;
    if (available < expectedBytes) {
      throw new InputError(
        `${file}: truncated .npy data: shape (${rows}, ${cols}) of ${header.descr} needs ${expectedBytes} bytes, the file has ${available}; re-create it with numpy.save().`,
      );
    }
    if (available > expectedBytes) {
      throw new InputError(
        `${file}: ${available - expectedBytes} unexpected bytes after the data of shape (${rows}, ${cols}); the header does not match the data (corrupt file?).`,
      );
    }
    const values = allocate(elements);
    readData(fd, header, rows, cols, values);
    return { header, rows, cols, values };
  } finally {
    closeSync(fd);
  }
}

function parseNpyHeaderGrowing(fd: number, head: Uint8Array, size: number, file: string): NpyHeader {
  try {
    return parseNpyHeader(head, file);
  } catch (error) {
    // A header longer than the first read (possible in format 2.0/3.0): read exactly what it declares.
    if (head.length >= 12 && (head[6] === 2 || head[6] === 3)) {
      const declared = new DataView(head.buffer).getUint32(8, true) + 12;
      if (declared > head.length && declared <= size) {
        const full = new Uint8Array(declared);
        readSync(fd, full, 0, declared, 0);
        return parseNpyHeader(full, file);
      }
    }
    throw error;
  }
}

function readData(fd: number, header: NpyHeader, rows: number, cols: number, target: Float32Array): void {
  const { itemSize, littleEndian, fortranOrder, dataOffset } = header;
  const elements = rows * cols;
  // Fast path: native float32, C order: read the bytes straight into the result.
  if (itemSize === 4 && littleEndian === HOST_LITTLE_ENDIAN && !fortranOrder) {
    const bytes = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(fd, bytes, done, Math.min(CHUNK_BYTES, bytes.length - done), dataOffset + done);
      if (n <= 0) break;
      done += n;
    }
    return;
  }
  const chunkElements = Math.max(1, Math.floor(CHUNK_BYTES / itemSize));
  const chunk = new Uint8Array(chunkElements * itemSize);
  const view = new DataView(chunk.buffer);
  const half = itemSize === 2 ? float16Table() : null;
  let element = 0;
  while (element < elements) {
    const count = Math.min(chunkElements, elements - element);
    const byteCount = count * itemSize;
    let done = 0;
    while (done < byteCount) {
      const n = readSync(fd, chunk, done, byteCount - done, dataOffset + element * itemSize + done);
      if (n <= 0) break;
      done += n;
    }
    for (let i = 0; i < count; i++) {
      const offset = i * itemSize;
      const value =
        itemSize === 4
          ? view.getFloat32(offset, littleEndian)
          : itemSize === 8
            ? view.getFloat64(offset, littleEndian)
            : (half as Float32Array)[view.getUint16(offset, littleEndian)]!;
      const e = element + i;
      if (fortranOrder) {
        const col = Math.floor(e / rows);
        const row = e - col * rows;
        target[row * cols + col] = value;
      } else {
        target[e] = value;
      }
    }
    element += count;
  }
}
