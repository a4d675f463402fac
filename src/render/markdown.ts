import type { Check } from '../policy/verdict.js';
import type { Report } from '../report/report.js';
import { escapeMarkdown as md } from './escape-markdown.js';
import { formatChange, formatMetric, formatPercent } from './format-number.js';
import { adapterSentence, headline, indexCompatibilitySentence } from './interpret.js';

const STATUS_ICON = { pass: '✅', warn: '⚠️', fail: '❌', skipped: '➖' } as const;

/** Options of the markdown report. */
export interface MarkdownOptions {
  /** Heading level of the title (2 → `##`). */
  readonly headingLevel?: number;
  /** Rows in the lowest-overlap table (0 leaves the table out). */
  readonly worstItems?: number;
  /** Include the collapsed table of all metrics (default true). */
  readonly allMetrics?: boolean;
  /** Include the per-cluster table (default false: the job summary wants it, a comment does not). */
  readonly clusters?: boolean;
  /** Text after the title, e.g. the gate's name when several run in one pull request. */
  readonly titleSuffix?: string;
}

/**
 * The markdown report (PR comment, job summary, or `--format markdown`). Every string that
 * came from a data file passes through escapeMarkdown.
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const level = '#'.repeat(options.headingLevel ?? 2);
  const { metrics, bump, verdict } = report;
  const out: string[] = [];
  const icon = STATUS_ICON[verdict.status];
  out.push(`${level} ${icon} embedding-gate${options.titleSuffix ? ` (${md(options.titleSuffix, 64)})` : ''}: ${md(headline(report), 200)}`);
  out.push('');
  out.push(`**${indexCompatibilitySentence(report).replace(/^([^:]+):/, '$1**:')}`);
  const adapter = adapterSentence(report);
  if (adapter) out.push(`${adapter}`);
  out.push('');
  out.push('| bump | value |');
  out.push('| --- | --- |');
  out.push(`| final | **${bump.final}**${bump.nextVersion ? ` → next version **${md(bump.nextVersion, 40)}**` : ''} |`);
  out.push(`| required | ${bump.required} (manifests: ${bump.fromManifests ?? 'n/a'}, vectors: ${bump.requiredByVectors}) |`);
  out.push(`| declared | ${bump.declared ?? 'nothing'}${bump.declaredSource ? ` (${bump.declaredSource})` : ''}${bump.underDeclared ? ' ❌ under-declared' : ''} |`);
  out.push('');
  for (const reason of bump.reasons) out.push(`- ${md(reason, 300)}`);
  for (const limitation of bump.limitations) out.push(`- _${md(limitation, 400)}_`);
  out.push('');
  out.push(`| check (policy: ${verdict.policyLevel}) | value | warn | fail | |`);
  out.push('| --- | ---: | ---: | ---: | :---: |');
  for (const check of verdict.checks) out.push(checkRow(check));
  const byName = new Set(verdict.checks.map((check) => check.metric));
  const extra: Array<[string, string]> = [];
  if (!byName.has('knnOverlapMean')) extra.push([`kNN overlap@${metrics.knnOverlap.k} (mean)`, formatMetric(metrics.knnOverlap.mean)]);
  if (!byName.has('ckaLinear')) extra.push(['linear CKA', formatMetric(metrics.cka.linear)]);
  for (const [label, value] of extra) out.push(`| ${label} | ${value} | | | |`);
  for (const breach of verdict.breaches.filter((b) => !byName.has(b.metric))) {
    out.push(`| ${md(breach.metric)} | ${md(String(breach.value))} | | | ${STATUS_ICON[breach.level]} |`);
  }
  out.push('');
  if (verdict.breaches.length > 0) {
    for (const breach of verdict.breaches) out.push(`- ${STATUS_ICON[breach.level]} ${md(breach.message, 400)}`);
    out.push('');
  }
  for (const skip of verdict.skipped) out.push(`- ➖ not checked: ${skip.metric} (${md(skip.reason, 200)})`);
  if (verdict.skipped.length > 0) out.push('');

  if (options.allMetrics !== false) out.push(...allMetricsTable(report));
  if (options.clusters) out.push(...clusterTable(report));

  const knn = metrics.knnOverlap;
  const worst = knn.worst.slice(0, options.worstItems ?? knn.worst.length);
  if (worst.length > 0) {
    out.push(`<details><summary>Items that lost the most neighbours (${worst.length})</summary>`);
    out.push('');
    out.push('| overlap | id | text | neighbours before | neighbours after |');
    out.push('| ---: | --- | --- | --- | --- |');
    for (const item of worst) {
      const list = (ids: readonly string[]) => ids.slice(0, 5).map((id) => md(id, 30)).join(', ') + (ids.length > 5 ? ', …' : '');
      out.push(`| ${formatMetric(item.overlap, 2)} | ${md(item.id, 40)} | ${item.text ? md(item.text, 80) : ''} | ${list(item.referenceNeighbours)} | ${list(item.candidateNeighbours)} |`);
    }
    out.push('');
    out.push('</details>');
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

function allMetricsTable(report: Report): string[] {
  const { metrics, alignment } = report;
  const out: string[] = [];
  out.push('<details><summary>All metrics</summary>');
  out.push('');
  out.push('| metric | value |');
  out.push('| --- | --- |');
  const knn = metrics.knnOverlap;
  out.push(
    `| kNN overlap@${knn.k} | mean ${formatMetric(knn.mean)}, p10 ${formatMetric(knn.p10)}, p50 ${formatMetric(knn.p50)}, min ${formatMetric(knn.min)} (${knn.method}, ${knn.evaluated} items${knn.ci95 ? `, 95% CI ${formatMetric(knn.ci95[0])}–${formatMetric(knn.ci95[1])}` : ''}) |`,
  );
  out.push(`| linear CKA | ${formatMetric(metrics.cka.linear)}${metrics.cka.reason ? ` (${md(metrics.cka.reason)})` : ''} |`);
  out.push(
    `| centroid shift | ${metrics.centroid.cosineDistance === null && metrics.centroid.relativeShift === null ? `n/a (${md(metrics.centroid.reason ?? '', 160)})` : `cosine distance ${formatMetric(metrics.centroid.cosineDistance)}, relative shift ${formatMetric(metrics.centroid.relativeShift)}`} |`,
  );
  const spread = metrics.centroid.meanInterCentroidDistance;
  out.push(
    `| mean inter-centroid distance | ${formatMetric(spread.reference)} → ${formatMetric(spread.candidate)} (${formatChange(spread.relativeChange)}), ${metrics.centroid.clustering.count} clusters from ${md(metrics.centroid.clustering.description)} |`,
  );
  const paired = metrics.paired;
  out.push(
    `| paired cosine | ${paired.cosineMean === null ? 'n/a (dimensions differ)' : `mean ${formatMetric(paired.cosineMean)}, p5 ${formatMetric(paired.cosineP5)}, min ${formatMetric(paired.cosineMin)}`} |`,
  );
  const cross = metrics.crossRetrieval;
  out.push(`| cross-model retrieval | ${cross.top1 === null ? 'n/a (dimensions differ)' : `top-1 ${formatPercent(cross.top1)}, recall@${cross.k} ${formatPercent(cross.recallAtK)}`} |`);
  out.push(`| Procrustes-aligned cosine | ${formatMetric(metrics.procrustes.alignedCosineMean)} |`);
  out.push(
    `| alignment | ${alignment.matched} matched (${formatPercent(alignment.coverage)}), ${alignment.referenceOnly.count} reference-only, ${alignment.candidateOnly.count} candidate-only |`,
  );
  out.push(`| reference | ${md(report.reference.source, 80)}: ${report.reference.count} × ${report.reference.dim} |`);
  out.push(`| candidate | ${md(report.candidate.source, 80)}: ${report.candidate.count} × ${report.candidate.dim} |`);
  out.push('');
  out.push('</details>');
  out.push('');
  return out;
}

function clusterTable(report: Report): string[] {
  const centroid = report.metrics.centroid;
  const out = [`<details><summary>Clusters (${centroid.clusters.length}, ${md(centroid.clustering.description)})</summary>`, ''];
  out.push('| cluster | size | centroid cosine distance | centroid relative shift |');
  out.push('| --- | ---: | ---: | ---: |');
  for (const cluster of centroid.clusters) {
    out.push(`| ${md(cluster.cluster, 40)} | ${cluster.size} | ${formatMetric(cluster.cosineDistance)} | ${formatMetric(cluster.relativeShift)} |`);
  }
  out.push('', '</details>', '');
  return out;
}

function checkRow(check: Check): string {
  const value =
    check.value === null ? 'n/a' : `${formatMetric(check.value)}${check.interval ? ` (95% CI ${formatMetric(check.interval[0])}–${formatMetric(check.interval[1])})` : ''}`;
  const limit = (x: number | null) => (x === null ? '—' : `${check.direction === 'min' ? '≥' : '≤'} ${formatMetric(x)}`);
  return `| ${check.label} | ${value} | ${limit(check.warn)} | ${limit(check.fail)} | ${STATUS_ICON[check.status]} |`;
}
