import type { HistoryRecord } from '../history/history-record.js';
import { formatChange, formatMetric } from './format-number.js';
import { singleLine } from './single-line.js';

/**
 * The drift history as a plain-text table for a terminal, oldest first: kind, version, date,
 * bump, verdict, kNN overlap, CKA and mean inter-centroid distance (with its change against the
 * release compared with). Every value from the file is made single-line and cut.
 */
export function renderHistoryText(records: readonly HistoryRecord[]): string {
  const header = ['kind', 'version', 'date (UTC)', 'bump', 'verdict', 'kNN overlap', 'CKA', 'inter-centroid distance', 'drift budget'];
  const rows = records.map((record) => [
    record.kind,
    singleLine(record.version ?? record.tag ?? '—', 32),
    record.date.slice(0, 16).replace('T', ' '),
    record.bump,
    record.verdict ?? '—',
    formatMetric(record.metrics.knnOverlap),
    formatMetric(record.metrics.cka),
    `${formatMetric(record.metrics.meanInterCentroidDistance)} (${formatChange(record.metrics.interCentroidChange)})`,
    record.driftBudget ? `${record.driftBudget.status} vs ${singleLine(record.driftBudget.anchor, 40)}` : '—',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: readonly string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  const releases = records.filter((record) => record.kind === 'release').length;
  return `${[`embedding-gate drift history: ${releases} release(s), ${records.length - releases} gate run(s)`, '', format(header), ...rows.map(format)].join('\n')}\n`;
}
