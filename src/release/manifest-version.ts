import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { InputError } from '../core/errors.js';

/**
 * The manifest text with its top-level `version` set to `version`. YAML keeps its comments and
 * layout (only the value changes, or a `version:` line is added); JSON keeps its key order and
 * indentation, and a new `version` goes after `name`.
 */
export function withManifestVersion(text: string, file: string, version: string): string {
  if (extname(file).toLowerCase() === '.json') return withJsonVersion(text, file, version);
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new InputError(`${file}: not valid YAML: ${document.errors[0]!.message.split('\n')[0]}`);
  document.set('version', version);
  return document.toString();
}

function withJsonVersion(text: string, file: string, version: string): string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new InputError(`${file}: a manifest must be a JSON object.`);
  const object = data as Record<string, unknown>;
  // Built from entries (never by assignment), so a key such as "__proto__" stays plain data.
  const entries = Object.entries(object);
  const at = entries.findIndex(([key]) => key === 'version');
  if (at >= 0) entries[at] = ['version', version];
  else entries.splice(entries.findIndex(([key]) => key === 'name') + 1, 0, ['version', version]);
  const updated = Object.fromEntries(entries);
  const indent = /^[ \t]+/m.exec(text.slice(text.indexOf('\n') + 1))?.[0] ?? '  ';
  return `${JSON.stringify(updated, null, indent)}${text.endsWith('\n') ? '\n' : ''}`;
}
