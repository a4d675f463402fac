import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { InputError } from '../core/errors.js';
import { NpyStreamDecoder, parseNpyDescriptor, type NpyDescriptor, type NpyMatrix } from './npy.js';

/** One array of a `.npz` archive: its name (the `savez` keyword, without `.npy`) and its header. */
interface Member {
  readonly name: string;
  readonly entry: Entry;
  readonly descriptor: NpyDescriptor;
}

/** What readNpz found: the vectors, and the ids array if the archive holds one. */
export interface NpzContent {
  readonly matrix: NpyMatrix;
  /** The vectors' array name, for messages. */
  readonly vectorName: string;
  /** Ids from the archive's id array, or `null` (then the `.npy` rules apply: ids file, sidecar, row index). */
  readonly ids: { readonly values: string[]; readonly name: string } | null;
}

/** Array names tried for the vectors after `--vector-field`, and for the ids after `--id-field`. */
const VECTOR_NAMES = ['embeddings', 'vectors'];
const ID_NAMES = ['ids'];

/**
 * Reads a NumPy `.npz` archive (`numpy.savez`, stored, or `numpy.savez_compressed`, deflated; zip64
 * too) through yauzl, streaming the vectors member into the engine's memory as the `.npy` reader
 * does. Vectors: the array named by `--vector-field`, else `embeddings` or `vectors`, else the only
 * 2-D float array. Ids: the 1-D array named by `--id-field`, else `ids`, of strings or integers.
 * An object array is refused: NumPy stores it with pickle, and the gate never unpickles.
 */
export async function readNpz(
  path: string,
  file: string,
  fields: { readonly idField: string; readonly vectorField: string },
  allocate: (length: number) => Float32Array,
): Promise<NpzContent> {
  const zip = await openZip(path, file);
  try {
    const members = await listMembers(zip, file);
    const vectors = pickVectors(members, file, fields.vectorField);
    const idMember = [fields.idField, ...ID_NAMES].map((name) => members.find((member) => member.name === name)).find((member) => member !== undefined) ?? null;
    const decoder = new NpyStreamDecoder(`${file} (array ${JSON.stringify(vectors.name)})`, allocate);
    await forEachPiece(zip, vectors.entry, file, (piece) => decoder.push(piece));
    const matrix = decoder.finish();
    const ids = idMember === null ? null : { values: await readIds(zip, idMember, file, matrix.rows), name: idMember.name };
    return { matrix, vectorName: vectors.name, ids };
  } finally {
    zip.close();
  }
}

function openZip(path: string, file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true }, (error, zip) => {
      if (error || !zip) reject(new InputError(`${file}: not a readable .npz (zip) archive (${error?.message ?? 'unknown error'}); write it with numpy.savez or numpy.savez_compressed.`));
      else resolve(zip);
    });
  });
}

/** Every `.npy` member with its parsed header (only the first bytes of each are inflated). */
async function listMembers(zip: ZipFile, file: string): Promise<Member[]> {
  const entries = await new Promise<Entry[]>((resolve, reject) => {
    const found: Entry[] = [];
    zip.on('entry', (entry: Entry) => {
      found.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(found));
    zip.on('error', (error: Error) => reject(new InputError(`${file}: corrupt .npz archive (${error.message}).`)));
    zip.readEntry();
  });
  const members: Member[] = [];
  for (const entry of entries) {
    if (!entry.fileName.endsWith('.npy')) continue;
    const name = entry.fileName.slice(0, -'.npy'.length);
    members.push({ name, entry, descriptor: await readDescriptor(zip, entry, `${file} (array ${JSON.stringify(name)})`) });
  }
  if (members.length === 0) throw new InputError(`${file}: the archive holds no .npy arrays; write it with numpy.savez(path, embeddings=vectors, ids=ids).`);
  return members;
}

/** Inflates a member until its `.npy` header is complete, then stops. */
async function readDescriptor(zip: ZipFile, entry: Entry, where: string): Promise<NpyDescriptor> {
  let head = new Uint8Array(0);
  const stream = await openStream(zip, entry, where);
  try {
    for await (const chunk of stream) {
      const next = new Uint8Array(head.length + (chunk as Buffer).length);
      next.set(head);
      next.set(chunk as Buffer, head.length);
      head = next;
      if (head.length >= 12) {
        const view = new DataView(head.buffer);
        const declared = head[6] === 1 ? 10 + view.getUint16(8, true) : 12 + view.getUint32(8, true);
        if (head.length >= declared) break;
      }
    }
  } catch (error) {
    throw new InputError(`${where}: corrupt compressed data (${(error as Error).message}).`);
  } finally {
    stream.destroy();
  }
  return parseNpyDescriptor(head, where);
}

function openStream(zip: ZipFile, entry: Entry, where: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) reject(new InputError(`${where}: cannot read the archive member (${error?.message ?? 'unknown error'}).`));
      else resolve(stream);
    });
  });
}

/** Streams a member's inflated bytes to `take`, piece by piece. */
async function forEachPiece(zip: ZipFile, entry: Entry, file: string, take: (piece: Uint8Array) => void): Promise<void> {
  const stream = await openStream(zip, entry, file);
  try {
    for await (const chunk of stream) take(chunk as Buffer);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${file}: corrupt or truncated archive member ${entry.fileName} (${(error as Error).message}).`);
  }
}

const isPickled = (descr: string): boolean => /^[|<>=]?O/.test(descr);
const isFloatMatrix = (member: Member): boolean => member.descriptor.shape.length === 2 && /^[<>=|]f[248]$/.test(member.descriptor.descr);
const describeMember = (member: Member): string => `${member.name} (${member.descriptor.shape.length}-D ${member.descriptor.descr})`;

function refusePickled(member: Member, file: string): void {
  if (isPickled(member.descriptor.descr)) {
    throw new InputError(
      `${file}: array ${JSON.stringify(member.name)} is an object array, which NumPy stores with pickle; embedding-gate never unpickles. Save it with a plain dtype, e.g. np.array(ids, dtype=str) or vectors.astype("float32").`,
    );
  }
}

function pickVectors(members: readonly Member[], file: string, vectorField: string): Member {
  const named = [vectorField, ...VECTOR_NAMES].map((name) => members.find((member) => member.name === name)).find((member) => member !== undefined);
  if (named) {
    refusePickled(named, file);
    if (!isFloatMatrix(named)) {
      throw new InputError(`${file}: array ${JSON.stringify(named.name)} is ${describeMember(named)}, not a 2-D float array (items × dimensions).`);
    }
    return named;
  }
  const matrices = members.filter(isFloatMatrix);
  if (matrices.length === 1) return matrices[0]!;
  const listing = members.map(describeMember).join(', ');
  if (matrices.length === 0) {
    throw new InputError(`${file}: no 2-D float array (items × dimensions) in the archive (arrays: ${listing}); save the vectors with numpy.savez(path, embeddings=vectors).`);
  }
  throw new InputError(`${file}: ${matrices.length} 2-D float arrays (${matrices.map((member) => member.name).join(', ')}); name the vectors with the vector-field option.`);
}

/** Decodes the ids array: 1-D, one per row, of unicode (`<U`), bytes (`|S`) or integer dtype. */
async function readIds(zip: ZipFile, member: Member, file: string, rows: number): Promise<string[]> {
  refusePickled(member, file);
  const { descriptor } = member;
  const where = `${file}: ids array ${JSON.stringify(member.name)}`;
  if (descriptor.shape.length !== 1 || descriptor.shape[0] !== rows) {
    throw new InputError(`${where} has shape (${descriptor.shape.join(', ')}), but there are ${rows} vectors; it needs exactly one id per row.`);
  }
  const pieces: Uint8Array[] = [];
  await forEachPiece(zip, member.entry, file, (piece) => pieces.push(piece));
  const bytes = Buffer.concat(pieces);
  const data = bytes.subarray(descriptor.dataOffset);
  const dtype = /^([<>=|])([USiu])(\d+)$/.exec(descriptor.descr);
  if (!dtype) throw new InputError(`${where} has dtype ${JSON.stringify(descriptor.descr)}; ids must be strings or integers.`);
  const [, order, kind, sizeText] = dtype as unknown as [string, string, string, string];
  const size = Number(sizeText);
  const width = kind === 'U' ? size * 4 : size;
  if (data.length !== width * rows) throw new InputError(`${where} is truncated or corrupt: ${data.length} bytes for ${rows} ids of ${descriptor.descr}.`);
  const littleEndian = order !== '>';
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const ids: string[] = [];
  for (let i = 0; i < rows; i++) {
    const offset = i * width;
    let id: string;
    if (kind === 'U') {
      let text = '';
      for (let c = 0; c < size; c++) {
        const code = view.getUint32(offset + 4 * c, littleEndian);
        if (code === 0) break;
        text += String.fromCodePoint(code);
      }
      id = text;
    } else if (kind === 'S') {
      const raw = data.subarray(offset, offset + size);
      const end = raw.indexOf(0);
      id = new TextDecoder().decode(end >= 0 ? raw.subarray(0, end) : raw);
    } else {
      id = integerAt(view, offset, size, kind === 'i', littleEndian, where);
    }
    if (id.length === 0) throw new InputError(`${where}: id ${i} is empty; every item needs a non-empty id.`);
    ids.push(id);
  }
  return ids;
}

function integerAt(view: DataView, offset: number, size: number, signed: boolean, littleEndian: boolean, where: string): string {
  switch (size) {
    case 1:
      return String(signed ? view.getInt8(offset) : view.getUint8(offset));
    case 2:
      return String(signed ? view.getInt16(offset, littleEndian) : view.getUint16(offset, littleEndian));
    case 4:
      return String(signed ? view.getInt32(offset, littleEndian) : view.getUint32(offset, littleEndian));
    case 8:
      return (signed ? view.getBigInt64(offset, littleEndian) : view.getBigUint64(offset, littleEndian)).toString();
    default:
      throw new InputError(`${where} has integers of ${size} bytes; use int32 or int64.`);
  }
}
