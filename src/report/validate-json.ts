import { statSync, readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import type { SchemaError, Validator } from './generated/validators.js';

/** Largest report or partial report read back; a real one is a few MB at most. */
export const MAX_REPORT_BYTES = 64 * 1024 * 1024;

/** A JSON pointer (`/bump/final`, `/metrics/knnOverlap/worst/0/id`) as a field name: `bump.final`, `metrics.knnOverlap.worst[0].id`. */
export function fieldName(pointer: string): string {
  if (pointer === '') return 'the top level';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

/** A short, quoted, single-line view of a forged value for an error message (never the whole value). */
function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  // eslint-disable-next-line no-control-regex
  const single = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return single.length > 40 ? `${single.slice(0, 39)}…` : single;
}

/** The value at a JSON pointer, or undefined. */
function at(root: unknown, pointer: string): unknown {
  let value = root;
  for (const part of pointer.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

/** One sentence for the schema violation Ajv reports, naming the field and what it accepts. */
export function describeSchemaError(error: SchemaError, root: unknown): string {
  const field = fieldName(error.instancePath);
  const got = `got ${preview(at(root, error.instancePath))}`;
  const params = error.params;
  switch (error.keyword) {
    case 'required':
      return `${field} lacks the required field ${preview(params.missingProperty)}`;
    case 'additionalProperties':
      return `${field} has the unknown field ${preview(params.additionalProperty)}`;
    case 'enum':
      return `${field} must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}; ${got}`;
    case 'const':
      return `${field} must be ${JSON.stringify(params.allowedValue)}; ${got}`;
    case 'type':
      return `${field} must be of type ${String(params.type)}; ${got}`;
    case 'maxLength':
      return `${field} is longer than ${String(params.limit)} characters`;
    case 'pattern':
      return `${field} is not in the expected form; ${got}`;
    case 'maxItems':
    case 'maxProperties':
      return `${field} has more than ${String(params.limit)} entries`;
    default:
      return `${field} ${error.message ?? `fails the schema's ${error.keyword} rule`}; ${got}`;
  }
}

/**
 * Reads a JSON file that another run wrote (and a fork may have forged) and checks it against a
 * compiled schema before anything uses it. Anything else — not JSON, too large, a wrong type, an
 * unknown key, a string past its bound — is an InputError naming the file and the field.
 */
export function readValidatedJson<T>(path: string, file: string, validate: Validator, what: string): T {
  const size = statSync(path).size;
  if (size > MAX_REPORT_BYTES) throw new InputError(`${file}: ${size} bytes is too large for ${what} (at most ${MAX_REPORT_BYTES}).`);
  return parseValidatedJson<T>(readFileSync(path, 'utf8'), file, validate, what);
}

/** parse + validate a JSON text, as readValidatedJson does for a file. */
export function parseValidatedJson<T>(text: string, file: string, validate: Validator, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${(error as Error).message}); expected ${what}.`);
  }
  if (!validate(value)) {
    const errors: SchemaError[] = validate.errors ?? [];
    const deepest = errors.reduce<SchemaError | undefined>((best, error) => (best && best.instancePath.length >= error.instancePath.length ? best : error), undefined);
    const reason = deepest ? describeSchemaError(deepest, value) : 'it does not match the schema';
    throw new InputError(`${file}: not ${what}: ${reason}. Only files written by embedding-gate (schemaVersion 1) are accepted.`);
  }
  return value as T;
}
