import type { HistoryRecord } from '../history/history-record.js';
import type { Report } from '../report/report.js';
import { cut, joinMarkdown, Markdown, markdown as md } from './escape-markdown.js';
import { formatChange, formatMetric } from './format-number.js';

/** A commit page URL of the one shape a history may hold; anything else is not linked. */
export const COMMIT_URL = /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._-]+){2,3}\/commit\/[0-9a-f]{40}$/;

/** Releases the comment shows next to the pull request. */
export const RECENT_RELEASES = 5;

/**
 * The comment's "recent releases" table: the last releases of the history (version, date, bump,
 * kNN overlap, CKA and mean inter-centroid distance against each one's previous release) and this
 * pull request's figures against the latest release. Every history value is escaped; a version
 * links to its commit only when the URL has the exact shape of a commit page (whose characters
 * cannot leave a link target), checked here whatever validated the record before.
 */
export function historyTable(releases: readonly HistoryRecord[], report: Report | null): Markdown {
  const rows = releases.map((record) => {
    const version = record.version ?? record.tag ?? '?';
    const label = record.commitUrl !== null && COMMIT_URL.test(record.commitUrl) ? md`[${cut(version, 40)}](${new Markdown(record.commitUrl)})` : md`${cut(version, 40)}`;
    return md`| ${label} | ${cut(record.date.slice(0, 10), 10)} | ${cut(record.bump, 10)} | ${formatMetric(record.metrics.knnOverlap, 3)} | ${formatMetric(record.metrics.cka, 3)} | ${formatMetric(record.metrics.meanInterCentroidDistance, 3)} (${formatChange(record.metrics.interCentroidChange)}) |`;
  });
  if (report) {
    const spread = report.metrics.centroid.meanInterCentroidDistance;
    rows.push(md`| **this pull request** | | ${report.bump.final} | ${formatMetric(report.metrics.knnOverlap.mean, 3)} | ${formatMetric(report.metrics.cka.linear, 3)} | ${formatMetric(spread.candidate, 3)} (${formatChange(spread.relativeChange)}) |`);
  }
  const head = md`| release | date | bump | kNN overlap | CKA | mean inter-centroid distance (change) |\n| --- | --- | --- | ---: | ---: | ---: |`;
  return md`<details><summary>Recent releases (each against the one before; this pull request against the latest)</summary>\n\n${joinMarkdown([head, ...rows], '\n')}\n\n</details>`;
}
