import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputError } from '../core/errors.js';
import type { EmbeddingSet, ItemMetadata } from '../core/embedding-set.js';
import { RowBuilder, toId, toVector } from './row-builder.js';

/** Field names used to pick the id and the vector out of each record. */
export interface RecordFields {
  readonly idField: string;
  readonly vectorField: string;
  /** Provides the final vectors array; default: a plain Float32Array. */
  readonly allocate?: (length: number) => Float32Array;
}

/** One JSON text of a record and the 1-based line where it starts. */
interface RecordText {
  readonly text: string;
  readonly line: number;
}

/**
 * Reads JSON Lines (`.jsonl`, or `.json` starting with `{`): one object per line, streamed line by
 * line; or a `.json` top-level array of objects, streamed element by element. Each object gives
 * an id, a vector, and keeps its other fields as metadata.
 */
export async function readJsonRecords(path: string, file: string, fields: RecordFields): Promise<EmbeddingSet> {
  const builder = new RowBuilder(file, 'line', `field ${JSON.stringify(fields.idField)}`);
  const firstChar = await firstNonSpaceCharacter(path);
  const records = firstChar === '[' ? jsonArrayElements(path, file) : jsonLines(path);
  for await (const { text, line } of records) {
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${file}: line ${line} is not valid JSON (${(error as Error).message}).`);
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new InputError(`${file}: line ${line} is not a JSON object; expected {"${fields.idField}": ..., "${fields.vectorField}": [...]}.`);
    }
    const object = record as Record<string, unknown>;
    const id = toId(object[fields.idField], file, `line ${line}`, fields.idField, () => numberLiteralOf(text, fields.idField));
    const vector = toVector(object[fields.vectorField], file, `line ${line} (id ${JSON.stringify(id)})`, fields.vectorField);
    const meta: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(object)) {
      if (key !== fields.idField && key !== fields.vectorField) meta[key] = value;
    }
    builder.add(id, vector, meta as ItemMetadata, line);
  }
  return builder.build(fields.allocate);
}

/**
 * The literal text of the number a record holds under `key`, exactly as written (JSON.parse keeps
 * only the nearest float64), or null when the key occurs more than once in the record (a nested
 * object with the same key) and the top-level one cannot be told apart.
 */
export function numberLiteralOf(recordText: string, key: string): string | null {
  const quotedKey = JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`${quotedKey}\\s*:\\s*(-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)`, 'g');
  const keyOccurrences = recordText.split(JSON.stringify(key)).length - 1;
  const matches = [...recordText.matchAll(pattern)];
  return keyOccurrences === 1 && matches.length === 1 ? (matches[0]![1] as string) : null;
}

async function firstNonSpaceCharacter(path: string): Promise<string | undefined> {
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 4096 })) {
    const match = /[^\s\uFEFF]/.exec(chunk as string);
    if (match) return match[0];
  }
  return undefined;
}

async function* jsonLines(path: string): AsyncGenerator<RecordText> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line += 1;
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim().length === 0) continue;
    yield { text, line };
  }
}

/**
 * Streams the elements of a top-level JSON array without holding the whole text:
 * tracks nesting depth and string state across chunks and yields each element's text.
 */
async function* jsonArrayElements(path: string, file: string): AsyncGenerator<RecordText> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let element = '';
  let elementLine = 1;
  let closed = false;
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    const text = chunk as string;
    // An element cut by the previous chunk continues from this chunk's first character.
    let start = element.length > 0 ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\n') line += 1;
      if (closed) {
        if (!/\s/.test(ch ?? '')) throw new InputError(`${file}: line ${line}: unexpected text after the closing ] of the JSON array.`);
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') inString = false;
        continue;
      }
      if (depth === 0) {
        if (ch === '[') depth = 1;
        continue;
      }
      if (depth === 1 && (ch === ',' || ch === ']')) {
        if (start >= 0) element += text.slice(start, i);
        start = -1;
        if (element.trim().length > 0) yield { text: element, line: elementLine };
        else if (ch === ',') throw new InputError(`${file}: line ${line}: empty element in the JSON array.`);
        element = '';
        if (ch === ']') closed = true;
        continue;
      }
      if (start < 0 && depth === 1 && element.length === 0 && /\s/.test(ch ?? '')) continue;
      if (start < 0) {
        start = i;
        if (element.length === 0) elementLine = line;
      }
      if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth += 1;
      else if (ch === '}' || ch === ']') depth -= 1;
    }
    if (start >= 0) element += text.slice(start);
  }
  if (!closed) throw new InputError(`${file}: the JSON array is not closed (truncated file?).`);
}
