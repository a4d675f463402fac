import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import semver from 'semver';
import { InputError, UsageError } from '../core/errors.js';
import { appendHistory, parseHistory } from '../history/history-file.js';
import { historyRecord, type HistoryRecord } from '../history/history-record.js';
import { anyPath, resolveInputFile, resolveOutputFile } from '../io/paths.js';
import { renderHistoryHtml } from '../render/html/history-html.js';
import { renderHistoryText } from '../render/history-text.js';
import { loadReport } from '../report/load-report.js';
import type { Report } from '../report/report.js';
import type { CliIo } from './run-cli.js';

const HISTORY_OPTIONS = {
  html: { type: 'string' },
  format: { type: 'string' },
  output: { type: 'string' },
  append: { type: 'string' },
  kind: { type: 'string' },
  version: { type: 'string' },
  tag: { type: 'string' },
  commit: { type: 'string' },
  'repository-url': { type: 'string' },
  'pull-request': { type: 'string' },
  base: { type: 'string' },
  date: { type: 'string' },
} as const;

/** The usage of `embedding-gate history`. */
export const HISTORY_USAGE = `  embedding-gate history HISTORY.jsonl [--html FILE] [--format text|json] [--output FILE]
  embedding-gate history HISTORY.jsonl --append REPORT.json [--kind release|gate] [--version V]
        [--tag T] [--commit SHA] [--repository-url https://github.com/OWNER/REPO] [--base TAG]
        [--pull-request N] [--date ISO-8601]`;

/**
 * history: prints a drift history (text or JSON) and writes its HTML page with the trends, or
 * appends one record made from a JSON report (validated, like every history line read).
 */
export function runHistory(args: readonly string[], io: CliIo): number {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options: HISTORY_OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify.*$/s, '')} (see embedding-gate --help).`);
  }
  const { values, positionals } = parsed;
  const text = (name: keyof typeof HISTORY_OPTIONS): string | null => (typeof values[name] === 'string' ? (values[name] as string) : null);
  if (positionals.length !== 1) throw new UsageError('history needs one history file: embedding-gate history history.jsonl --html history.html');
  const file = positionals[0]!;
  const paths = anyPath(io.cwd);
  const append = text('append');
  if (append !== null) {
    const path = resolveOutputFile(file, 'history', paths);
    const record = recordFromOptions(loadReport(resolveInputFile(append, '--append', paths), append), text);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const after = appendHistory(before, file, record);
    if (after === null) {
      io.stderr(`embedding-gate: ${file} already holds this run (${record.tag ?? record.commit ?? 'same record'}); nothing appended\n`);
      return 0;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, after);
    io.stderr(`embedding-gate: appended a ${record.kind} record (${record.version ?? 'no version'}) to ${file}\n`);
    return 0;
  }
  const records = parseHistory(readFileSync(resolveInputFile(file, 'history', paths), 'utf8'), file);
  const format = text('format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json for history, got ${JSON.stringify(format)}.`);
  const output = format === 'json' ? `${JSON.stringify(records, null, 2)}\n` : renderHistoryText(records);
  const outputFile = text('output');
  if (outputFile === null) io.stdout(output);
  else write(resolveOutputFile(outputFile, '--output', paths), output);
  const html = text('html');
  if (html !== null) {
    write(resolveOutputFile(html, '--html', paths), renderHistoryHtml(records));
    io.stderr(`embedding-gate: history page written to ${html}\n`);
  }
  return 0;
}

function write(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** The record --append adds: the report's figures and the run's facts from the options, each checked. */
function recordFromOptions(report: Report, text: (name: keyof typeof HISTORY_OPTIONS) => string | null): HistoryRecord {
  const kind = text('kind') ?? 'release';
  if (kind !== 'release' && kind !== 'gate') throw new UsageError(`--kind must be release or gate, got ${JSON.stringify(kind)}.`);
  const version = text('version') ?? report.bump.nextVersion;
  if (version !== null && semver.valid(version) !== version) throw new UsageError(`--version must be a semantic version such as 1.4.2, got ${JSON.stringify(version)}.`);
  const commit = text('commit');
  if (commit !== null && !/^[0-9a-f]{40}$/.test(commit)) throw new UsageError(`--commit must be a full 40-character commit sha, got ${JSON.stringify(commit)}.`);
  const repositoryUrl = text('repository-url');
  if (repositoryUrl !== null && !/^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._-]+){2,3}$/.test(repositoryUrl)) {
    throw new UsageError(`--repository-url must look like https://github.com/OWNER/REPO, got ${JSON.stringify(repositoryUrl)}.`);
  }
  const pullText = text('pull-request');
  if (pullText !== null && !/^[1-9]\d*$/.test(pullText)) throw new UsageError(`--pull-request must be a pull request number, got ${JSON.stringify(pullText)}.`);
  const dateText = text('date');
  const date = dateText === null ? new Date() : new Date(dateText);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--date must be an ISO 8601 date such as 2026-11-29T10:00:00Z, got ${JSON.stringify(dateText)}.`);
  for (const name of ['tag', 'base'] as const) {
    const value = text(name);
    if (value !== null && !/^[\w./+-]{1,255}$/.test(value)) throw new InputError(`--${name} must be a tag name, got ${JSON.stringify(value)}.`);
  }
  return historyRecord(
    { kind, date, version, tag: text('tag'), commit, repositoryUrl, pullRequest: pullText === null ? null : Number(pullText), base: text('base'), bump: report.bump.final },
    report,
  );
}
