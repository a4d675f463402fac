import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';

/**
 * Reads item ids from a file: a JSON array of strings/numbers, or one id per line
 * (a trailing newline is allowed, CRLF is accepted, an empty line in between is an error).
 */
export function readIdsFile(path: string, file: string): string[] {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  if (text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${file}: not a valid JSON array of ids (${(error as Error).message}).`);
    }
    if (!Array.isArray(parsed)) throw new InputError(`${file}: expected a JSON array of ids.`);
    let literals: string[] | null = null;
    return parsed.map((value: unknown, index) => {
      if (typeof value === 'string' && value.length > 0) return value;
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      if (typeof value === 'number' && Number.isFinite(value)) {
        // Beyond 2^53 (or fractional) the parsed float64 is not the id: take its text as written.
        literals ??= scalarLiterals(text);
        const literal = literals?.[index];
        if (literal !== undefined) return literal;
        throw new InputError(`${file}: element ${index} is the number ${String(value)}, which a float64 cannot hold exactly; write the ids as strings.`);
      }
      throw new InputError(`${file}: element ${index} is ${JSON.stringify(value)}; ids must be non-empty strings or numbers.`);
    });
  }
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, index) => {
    if (line.length === 0) throw new InputError(`${file}: line ${index + 1} is empty; the ids file needs one id per line.`);
  });
  return lines;
}

/**
 * The elements of a JSON array of scalars as written (strings with their quotes, numbers as their
 * literal), or null when the array holds anything else.
 */
function scalarLiterals(text: string): string[] | null {
  const element = /\s*("(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)\s*([,\]])/y;
  const start = text.indexOf('[');
  element.lastIndex = start + 1;
  const literals: string[] = [];
  for (;;) {
    const match = element.exec(text);
    if (!match) return /^\s*\]\s*$/.test(text.slice(start + 1)) ? [] : null;
    literals.push(match[1] as string);
    if (match[2] === ']') return literals;
  }
}
