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
    return parsed.map((value: unknown, index) => {
      if (typeof value === 'string' && value.length > 0) return value;
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
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
