/**
 * An error in what the user gave us: a file, an option, a manifest or a config.
 * Entry points print `message` alone (no stack) and exit with code 2.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** A malformed command line: unknown option, missing value, bad number. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Quotes a user-supplied string (id, key, path) for an error message, shortened when long. */
export function quote(value: string, maxLength = 80): string {
  const short = value.length > maxLength ? `${value.slice(0, maxLength - 1)}…` : value;
  return JSON.stringify(short);
}
