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

/** A `.npy` header before any dtype check: what `.npz` members need to be told apart. */
export interface NpyDescriptor {
  readonly version: string;
  /** The NumPy dtype string, e.g. `<f4`, `<U12`, `|O`. */
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Byte offset of the first data byte. */
  readonly dataOffset: number;
}

/**
 * Parses the header of a `.npy` file from its first bytes, whatever its dtype.
 * Layout (numpy.lib.format): magic `\x93NUMPY`, major and minor version bytes, header length
 * (uint16 LE for 1.0, uint32 LE for 2.0/3.0), then a Python dict literal with
 * `descr`, `fortran_order` and `shape`.
 */
export function parseNpyDescriptor(bytes: Uint8Array, file: string): NpyDescriptor {
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
  return { version: `${major}.0`, descr, fortranOrder: fortran === 'True', shape, dataOffset };
}

/**
 * Parses the header of a `.npy` file of embeddings: parseNpyDescriptor, then the dtype must be
 * float16, float32 or float64 in either byte order.
 */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  const descriptor = parseNpyDescriptor(bytes, file);
  return { ...descriptor, ...floatLayout(descriptor.descr, file) };
}

/** Item size and byte order of a float dtype; any other dtype is an error naming it. */
export function floatLayout(descr: string, file: string): { readonly itemSize: 2 | 4 | 8; readonly littleEndian: boolean } {
  const dtype = /^([<>=|])f([248])$/.exec(descr);
  if (!dtype) {
    throw new InputError(
      `${file}: unsupported dtype ${JSON.stringify(descr)}; embeddings must be float16, float32 or float64 (e.g. numpy.save(path, vectors.astype("float32"))).`,
    );
  }
  const order = dtype[1];
  return { itemSize: Number(dtype[2]) as 2 | 4 | 8, littleEndian: order === '<' || ((order === '=' || order === '|') && HOST_LITTLE_ENDIAN) };
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
  const store = elementWriter(header, rows, cols, target);
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
    store(chunk, count, element);
    element += count;
  }
}

/**
 * Converts whole elements of `.npy` data (float16/32/64, either byte order) to float32 and stores
 * them row-major, transposing Fortran order: `store(bytes, count, first)` writes elements
 * first … first + count − 1 from the start of `bytes`.
 */
function elementWriter(header: Pick<NpyHeader, 'itemSize' | 'littleEndian' | 'fortranOrder'>, rows: number, cols: number, target: Float32Array) {
  const { itemSize, littleEndian, fortranOrder } = header;
  const half = itemSize === 2 ? float16Table() : null;
  return (bytes: Uint8Array, count: number, first: number): void => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) {
      const offset = i * itemSize;
      const value =
        itemSize === 4
          ? view.getFloat32(offset, littleEndian)
          : itemSize === 8
            ? view.getFloat64(offset, littleEndian)
            : (half as Float32Array)[view.getUint16(offset, littleEndian)]!;
      const e = first + i;
      if (fortranOrder) {
        const col = Math.floor(e / rows);
        target[(e - col * rows) * cols + col] = value;
      } else {
        target[e] = value;
      }
    }
  };
}

/**
 * Decodes a 2-D float `.npy` arriving in pieces (e.g. a `.npz` member inflated as a stream) into
 * a row-major Float32Array, never holding the array twice: `push` each piece in order, then
 * `finish`. The header comes first; elements split across pieces are carried over.
 */
export class NpyStreamDecoder {
  private head: Uint8Array = new Uint8Array(0);
  private header: NpyHeader | null = null;
  private carry: Uint8Array = new Uint8Array(0);
  private written = 0;
  private store: ((bytes: Uint8Array, count: number, first: number) => void) | null = null;
  private rows = 0;
  private cols = 0;
  private values: Float32Array | null = null;

  constructor(
    private readonly file: string,
    private readonly allocate: (length: number) => Float32Array,
  ) {}

  /** Takes the next piece of the file. */
  push(piece: Uint8Array): void {
    if (this.header === null) {
      this.head = concat(this.head, piece);
      const header = this.tryHeader();
      if (header === null) return;
      this.begin(header);
      piece = this.head.subarray(header.dataOffset);
      this.head = new Uint8Array(0);
    }
    const bytes = this.carry.length > 0 ? concat(this.carry, piece) : piece;
    const itemSize = this.header!.itemSize;
    const remaining = this.rows * this.cols - this.written;
    const count = Math.min(Math.floor(bytes.length / itemSize), remaining);
    this.store!(bytes, count, this.written);
    this.written += count;
    const rest = bytes.subarray(count * itemSize);
    if (this.written === this.rows * this.cols && rest.length > 0) {
      throw new InputError(`${this.file}: unexpected bytes after the data of shape (${this.rows}, ${this.cols}); the header does not match the data (corrupt file?).`);
    }
    this.carry = rest.slice();
  }

  /** The matrix, once every element arrived; a short array is an error. */
  finish(): NpyMatrix {
    if (this.header === null) {
      if (this.tryHeader() === null) throw truncatedHeader(this.file);
    }
    const header = this.header!;
    const expected = this.rows * this.cols;
    if (this.written < expected) {
      throw new InputError(
        `${this.file}: truncated .npy data: shape (${this.rows}, ${this.cols}) of ${header.descr} needs ${expected * header.itemSize} bytes, the file has ${this.written * header.itemSize + this.carry.length}; re-create it.`,
      );
    }
    return { header, rows: this.rows, cols: this.cols, values: this.values! };
  }

  private tryHeader(): NpyHeader | null {
    const bytes = this.head;
    if (bytes.length < 12) return null;
    const lengthBytes = bytes[6] === 1 ? 2 : 4;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const declared = 8 + lengthBytes + (lengthBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true));
    if (bytes.length < declared && MAGIC.every((byte, i) => bytes[i] === byte)) return null;
    return parseNpyHeader(bytes, this.file);
  }

  private begin(header: NpyHeader): void {
    if (header.shape.length !== 2) {
      throw new InputError(`${this.file}: expected a 2-D array (items × dimensions), found shape (${header.shape.join(', ')}).`);
    }
    this.header = header;
    [this.rows, this.cols] = header.shape as [number, number];
    this.values = this.allocate(this.rows * this.cols);
    this.store = elementWriter(header, this.rows, this.cols, this.values);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
