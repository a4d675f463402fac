import type { HistoryRecord } from '../../history/history-record.js';
import { formatChange, formatMetric } from '../format-number.js';
import { COMMIT_URL } from '../history-table.js';
import { html, type Html } from './escape-html.js';
import { htmlPage } from './page.js';
import { PAGE_STYLE } from './page-style.js';
import { trendChart, type TrendPoint } from './svg-charts.js';

const HISTORY_STYLE = `${PAGE_STYLE}
.trend .trend-line { fill: none; stroke: #4e79a7; stroke-width: 2; } .trend .point { fill: #4e79a7; } .trend a:hover .point { fill: #e15759; }
`;

/** Optional limits drawn on the trends: a drift budget's floors. */
export interface HistoryPageOptions {
  readonly budget?: { readonly minKnnOverlap: number | null; readonly minCka: number | null };
}

/**
 * The self-contained history page: the trend of kNN overlap, linear CKA and mean inter-centroid
 * distance per release (each point links to its commit), and a table of every record, releases
 * and gate runs. No script; styles inline and allowed by hash. Reads history records and nothing else;
 * every value is escaped, and only URLs of a commit page's exact shape become links.
 */
export function renderHistoryHtml(records: readonly HistoryRecord[], options: HistoryPageOptions = {}): string {
  const releases = records.filter((record) => record.kind === 'release');
  const point = (record: HistoryRecord, value: number | null): TrendPoint => ({ label: record.version ?? record.tag ?? '?', value, href: linkOf(record) });
  const charts = html`<div class="charts">${[
    trendChart('knn-overlap', 'kNN overlap with the previous release', releases.map((r) => point(r, r.metrics.knnOverlap)), options.budget?.minKnnOverlap ?? null),
    trendChart('cka', 'linear CKA with the previous release', releases.map((r) => point(r, r.metrics.cka)), options.budget?.minCka ?? null),
    trendChart('inter-centroid', 'mean inter-centroid distance', releases.map((r) => point(r, r.metrics.meanInterCentroidDistance))),
  ]}</div>`;
  const budgetTrend = releases.some((r) => r.driftBudget !== null)
    ? html`<div class="charts">${trendChart('budget-knn-overlap', 'kNN overlap with the major line’s first release (drift budget)', releases.map((r) => point(r, r.driftBudget?.knnOverlap ?? null)), options.budget?.minKnnOverlap ?? null)}</div>`
    : html``;
  const rows = [...records].reverse().map(
    (record) =>
      html`<tr><td>${record.kind}</td><td>${linked(record, record.version ?? record.tag ?? '—')}</td><td>${record.date.slice(0, 19).replace('T', ' ')}</td><td>${record.pullRequest === null ? '' : `#${record.pullRequest}`}</td><td>${record.base ?? '—'}</td><td>${record.bump}</td><td>${record.verdict ?? '—'}</td><td class="num">${formatMetric(record.metrics.knnOverlap)}</td><td class="num">${formatMetric(record.metrics.cka)}</td><td class="num">${formatMetric(record.metrics.crossTop1)}</td><td class="num">${formatMetric(record.metrics.meanInterCentroidDistance)} (${formatChange(record.metrics.interCentroidChange)})</td><td>${record.driftBudget ? `${record.driftBudget.status} vs ${record.driftBudget.anchor}` : '—'}</td></tr>`,
  );
  const latest = releases[releases.length - 1];
  const body = html`<header><h1>embedding-gate: drift history</h1><p>${releases.length} release${releases.length === 1 ? '' : 's'}${latest ? html`, latest ${latest.version ?? latest.tag ?? '?'} (${latest.date.slice(0, 10)})` : null}; ${records.length - releases.length} gate run${records.length - releases.length === 1 ? '' : 's'}. Each release is measured against the one before it; a point links to its commit.</p></header>
<section><h2>Trends per release</h2>${releases.length === 0 ? html`<p class="muted">No release in this history yet.</p>` : html`${charts}${budgetTrend}`}</section>
<section><h2>Every run, newest first</h2><table data-table="history"><thead><tr><th>kind</th><th>version</th><th>date (UTC)</th><th>PR</th><th>compared with</th><th>bump</th><th>verdict</th><th>kNN overlap</th><th>CKA</th><th>cross top-1</th><th>inter-centroid distance</th><th>drift budget</th></tr></thead><tbody>${rows}</tbody></table></section>`;
  return htmlPage({ title: html`<title>embedding-gate: drift history</title>`, style: HISTORY_STYLE, body });
}

function linkOf(record: HistoryRecord): string | null {
  return record.commitUrl !== null && COMMIT_URL.test(record.commitUrl) ? record.commitUrl : null;
}

function linked(record: HistoryRecord, text: string): Html {
  const href = linkOf(record);
  return href === null ? html`${text}` : html`<a href="${href}">${text}</a>`;
}
