import { InputError } from '../core/errors.js';
import { validateHistoryRecord } from '../report/generated/validators.js';
import { parseValidatedJson } from '../report/validate-json.js';
import type { HistoryRecord } from './history-record.js';

/** Largest history read; a record is under 1 KB, so this is tens of thousands of runs. */
export const MAX_HISTORY_BYTES = 32 * 1024 * 1024;

/**
 * Parses a drift history: JSON Lines, one record per line, blank lines skipped. Every record is
 * checked against schema/history-record.schema.json; a bad line is an InputError naming the file
 * and the line, since a history may have been edited by anyone who can push to its branch.
 */
export function parseHistory(text: string, file: string): HistoryRecord[] {
  if (Buffer.byteLength(text) > MAX_HISTORY_BYTES) throw new InputError(`${file}: larger than ${MAX_HISTORY_BYTES} bytes; start a new history file.`);
  const records: HistoryRecord[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    records.push(parseValidatedJson<HistoryRecord>(line, `${file} line ${index + 1}`, validateHistoryRecord, 'an embedding-gate history record'));
  });
  return records;
}

/** True when the history already holds this run: the same release tag, or the same gate run (pull request and commit). */
export function holdsRecord(records: readonly HistoryRecord[], record: HistoryRecord): boolean {
  return records.some((existing) =>
    record.kind === 'release'
      ? existing.kind === 'release' && existing.tag === record.tag && existing.commit === record.commit
      : existing.kind === 'gate' && existing.pullRequest === record.pullRequest && existing.commit === record.commit,
  );
}

/**
 * The history text with `record` appended as one line; earlier lines stay byte for byte. The text
 * is validated first, so a damaged history is never extended. A run already recorded (a rerun) is
 * not added twice: `null` then.
 */
export function appendHistory(text: string, file: string, record: HistoryRecord): string | null {
  const records = parseHistory(text, file);
  if (holdsRecord(records, record)) return null;
  const prefix = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  return `${prefix}${JSON.stringify(record)}\n`;
}

/** The release records, oldest first (as appended); the last `count` when given. */
export function releaseRecords(records: readonly HistoryRecord[], count?: number): HistoryRecord[] {
  const releases = records.filter((record) => record.kind === 'release');
  return count === undefined ? releases : releases.slice(Math.max(0, releases.length - count));
}
