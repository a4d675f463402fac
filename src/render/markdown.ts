import type { Check } from '../policy/verdict.js';
import type { Report } from '../report/report.js';
import { cut, joinMarkdown, Markdown, markdown as md } from './escape-markdown.js';
import { formatChange, formatMetric, formatPercent } from './format-number.js';
import { adapterSentence, headline, indexCompatibility } from './interpret.js';
import { describeChange, MAX_CHANGES } from './describe-change.js';
import { noiseFloorSentences } from './noise-floor-lines.js';
import { overlapChart } from './mermaid-chart.js';

const STATUS_ICON = { pass: '✅', warn: '⚠️', fail: '❌', skipped: '➖' } as const;

/** The icon of a status; anything else (a forged report) gets none. */
const icon = (status: string): Markdown => md`${Object.hasOwn(STATUS_ICON, status) ? STATUS_ICON[status as keyof typeof STATUS_ICON] : '?'}`;

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
  /** Include the Mermaid chart of the overlap histogram (default true). */
  readonly chart?: boolean;
  /** A link to the HTML report (e.g. the workflow artifact), shown under the checks. */
  readonly htmlLink?: string | null;
}

/**
 * The markdown report (PR comment, job summary, or `--format markdown`). Every line is built with
 * the `markdown` tag, so every value taken from the report — data, manifest text, and the tool's
 * own enums and labels alike — is escaped where it is rendered.
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const level = new Markdown('#'.repeat(Math.min(6, Math.max(1, options.headingLevel ?? 2))));
  const { metrics, bump, verdict } = report;
  const out: Markdown[] = [];
  const blank = md``;
  const suffix = options.titleSuffix ? md` (${cut(options.titleSuffix, 64)})` : null;
  out.push(md`${level} ${icon(verdict.status)} embedding-gate${suffix}: ${headline(report)}`);
  out.push(blank);
  const compatibility = indexCompatibility(report);
  out.push(md`**${compatibility.verdict}**: ${cut(compatibility.detail, 400)}`);
  const adapter = adapterSentence(report);
  if (adapter) out.push(md`${adapter}`);
  out.push(blank);
  out.push(md`| bump | value |`);
  out.push(md`| --- | --- |`);
  out.push(md`| final | **${bump.final}**${bump.nextVersion ? md` → next version **${cut(bump.nextVersion, 40)}**` : null} |`);
  out.push(md`| required | ${bump.required} (manifests: ${bump.fromManifests ?? 'n/a'}, vectors: ${bump.requiredByVectors}) |`);
  out.push(md`| declared | ${bump.declared ?? 'nothing'}${bump.declaredSource ? md` (${bump.declaredSource})` : null}${bump.underDeclared ? md` ❌ under-declared` : null} |`);
  out.push(blank);
  for (const reason of bump.reasons) out.push(md`- ${cut(reason, 300)}`);
  for (const limitation of bump.limitations) out.push(md`- _${cut(limitation, 400)}_`);
  out.push(blank);
  if (bump.changes.length > 0) {
    out.push(md`<details><summary>Manifest changes (${bump.changes.length})</summary>`, blank);
    for (const change of bump.changes.slice(0, MAX_CHANGES)) out.push(md`- ${cut(describeChange(change), 300)}`);
    if (bump.changes.length > MAX_CHANGES) out.push(md`- … ${bump.changes.length - MAX_CHANGES} more in the JSON report`);
    out.push(blank, md`</details>`, blank);
  }
  out.push(md`| check (policy: ${verdict.policyLevel}) | value | warn | fail | |`);
  out.push(md`| --- | ---: | ---: | ---: | :---: |`);
  for (const check of verdict.checks) out.push(checkRow(check));
  const byName = new Set(verdict.checks.map((check) => check.metric));
  if (!byName.has('knnOverlapMean')) out.push(md`| kNN overlap@${metrics.knnOverlap.k} (mean) | ${formatMetric(metrics.knnOverlap.mean)} | | | |`);
  if (!byName.has('ckaLinear')) out.push(md`| linear CKA | ${formatMetric(metrics.cka.linear)} | | | |`);
  out.push(...driftBudgetRows(report));
  for (const breach of verdict.breaches.filter((b) => !byName.has(b.metric) && !b.metric.startsWith('driftBudget'))) {
    out.push(md`| ${cut(breach.metric, 40)} | ${cut(String(breach.value), 40)} | | | ${icon(breach.level)} |`);
  }
  out.push(blank);
  if (verdict.breaches.length > 0) {
    for (const breach of verdict.breaches) out.push(md`- ${icon(breach.level)} ${cut(breach.message, 400)}`);
    out.push(blank);
  }
  for (const skip of verdict.skipped) out.push(md`- ➖ not checked: ${cut(skip.metric, 40)} (${cut(skip.reason, 200)})`);
  if (verdict.skipped.length > 0) out.push(blank);
  out.push(...componentTable(report));
  const floor = noiseFloorSentences(report);
  if (floor.length > 0) out.push(...floor.map((sentence) => md`${cut(sentence, 600)}`), blank);
  if (options.htmlLink) out.push(md`📊 [HTML report with maps and charts](${new Markdown(encodeURI(options.htmlLink).replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29')))})`, blank);
  if (options.chart !== false && metrics.knnOverlap.histogram.length > 1) {
    out.push(new Markdown(overlapChart(metrics.knnOverlap.histogram, metrics.knnOverlap.evaluated)), blank);
  }

  if (options.allMetrics !== false) out.push(...allMetricsTable(report));
  if (options.clusters) out.push(...clusterTable(report));

  const knn = metrics.knnOverlap;
  const worst = knn.worst.slice(0, options.worstItems ?? knn.worst.length);
  if (worst.length > 0) {
    out.push(md`<details><summary>Items that lost the most neighbours (${worst.length})</summary>`);
    out.push(blank);
    out.push(md`| overlap | id | text | neighbours before | neighbours after |`);
    out.push(md`| ---: | --- | --- | --- | --- |`);
    for (const item of worst) {
      const list = (ids: readonly string[]) => md`${joinMarkdown(ids.slice(0, 5).map((id) => cut(id, 30)), ', ')}${ids.length > 5 ? md`, …` : null}`;
      out.push(md`| ${formatMetric(item.overlap, 2)} | ${cut(item.id, 40)} | ${item.text ? cut(item.text, 80) : null} | ${list(item.referenceNeighbours)} | ${list(item.candidateNeighbours)} |`);
    }
    out.push(blank);
    out.push(md`</details>`);
    out.push(blank);
  }
  return `${joinMarkdown(out, '\n').toString()}\n`;
}

/** The per-component table of a composite embedding: which part of the vector moved. */
function componentTable(report: Report): Markdown[] {
  const components = report.components;
  if (!components || components.length === 0) return [];
  const slice = (dims: readonly [number, number] | null) => (dims ? md`[${dims[0]}, ${dims[1]})` : md`—`);
  const rows = components.map((c) => {
    const m = c.metrics;
    return md`| ${cut(c.name, 60)} | ${slice(c.dims)} | ${c.status === 'kept' ? md`${c.bump}` : md`${c.bump} (${c.status})`} | ${formatMetric(m?.knnOverlap.mean)} | ${formatMetric(m?.cka.linear)} | ${formatMetric(m?.paired.cosineMean)} | ${formatPercent(m?.centroid.relativeShift)} |`;
  });
  return [md`| component | dims | bump | kNN overlap | CKA | paired cosine | centroid shift |`, md`| --- | --- | --- | ---: | ---: | ---: | ---: |`, ...rows, md``];
}

/** The drift budget's rows of the checks table: each floor against the major line's first release. */
function driftBudgetRows(report: Report): Markdown[] {
  const budget = report.driftBudget;
  if (!budget) return [];
  if (budget.status === 'reset') return [md`| drift budget since ${cut(budget.anchor, 60)} | reset: a new major line | | | ➖ |`];
  const row = (label: string, value: number | null, floor: number | null) =>
    floor === null ? [] : [md`| drift budget since ${cut(budget.anchor, 60)}: ${label} | ${formatMetric(value)} | | ≥ ${formatMetric(floor)} | ${icon(value !== null && value < floor ? 'fail' : value === null ? 'skipped' : 'pass')} |`];
  return [...row('kNN overlap', budget.knnOverlap, budget.minKnnOverlap), ...row('linear CKA', budget.cka, budget.minCka)];
}

function allMetricsTable(report: Report): Markdown[] {
  const { metrics, alignment } = report;
  const knn = metrics.knnOverlap;
  const ci = knn.ci95 ? md`, 95% CI ${formatMetric(knn.ci95[0])}–${formatMetric(knn.ci95[1])}` : null;
  const centroid = metrics.centroid;
  const spread = centroid.meanInterCentroidDistance;
  const paired = metrics.paired;
  const cross = metrics.crossRetrieval;
  return [
    md`<details><summary>All metrics</summary>`,
    md``,
    md`| metric | value |`,
    md`| --- | --- |`,
    md`| kNN overlap@${knn.k} | mean ${formatMetric(knn.mean)}, p10 ${formatMetric(knn.p10)}, p50 ${formatMetric(knn.p50)}, min ${formatMetric(knn.min)} (${knn.method}, ${knn.evaluated} items${ci}) |`,
    md`| linear CKA | ${formatMetric(metrics.cka.linear)}${metrics.cka.reason ? md` (${cut(metrics.cka.reason, 160)})` : null} |`,
    centroid.cosineDistance === null && centroid.relativeShift === null
      ? md`| centroid shift | n/a (${cut(centroid.reason ?? '', 160)}) |`
      : md`| centroid shift | cosine distance ${formatMetric(centroid.cosineDistance)}, relative shift ${formatMetric(centroid.relativeShift)} |`,
    md`| mean inter-centroid distance | ${formatMetric(spread.reference)} → ${formatMetric(spread.candidate)} (${formatChange(spread.relativeChange)}), ${centroid.clustering.count} clusters from ${cut(centroid.clustering.description, 120)} |`,
    paired.cosineMean === null
      ? md`| paired cosine | n/a (dimensions differ) |`
      : md`| paired cosine | mean ${formatMetric(paired.cosineMean)}, p5 ${formatMetric(paired.cosineP5)}, min ${formatMetric(paired.cosineMin)} |`,
    cross.top1 === null
      ? md`| cross-model retrieval | n/a (dimensions differ) |`
      : md`| cross-model retrieval | top-1 ${formatPercent(cross.top1)}, recall@${cross.k} ${formatPercent(cross.recallAtK)} |`,
    md`| Procrustes-aligned cosine | ${formatMetric(metrics.procrustes.alignedCosineMean)} |`,
    md`| alignment | ${alignment.matched} matched (${formatPercent(alignment.coverage)}), ${alignment.referenceOnly.count} reference-only, ${alignment.candidateOnly.count} candidate-only |`,
    md`| reference | ${cut(report.reference.source, 80)}: ${report.reference.count} × ${report.reference.dim} |`,
    md`| candidate | ${cut(report.candidate.source, 80)}: ${report.candidate.count} × ${report.candidate.dim} |`,
    md``,
    md`</details>`,
    md``,
  ];
}

function clusterTable(report: Report): Markdown[] {
  const centroid = report.metrics.centroid;
  const out = [md`<details><summary>Clusters (${centroid.clusters.length}, ${cut(centroid.clustering.description, 120)})</summary>`, md``];
  out.push(md`| cluster | size | centroid cosine distance | centroid relative shift |`);
  out.push(md`| --- | ---: | ---: | ---: |`);
  for (const cluster of centroid.clusters) {
    out.push(md`| ${cut(cluster.cluster, 40)} | ${cluster.size} | ${formatMetric(cluster.cosineDistance)} | ${formatMetric(cluster.relativeShift)} |`);
  }
  out.push(md``, md`</details>`, md``);
  return out;
}

function checkRow(check: Check): Markdown {
  const value =
    check.value === null ? md`n/a` : md`${formatMetric(check.value)}${check.interval ? md` (95% CI ${formatMetric(check.interval[0])}–${formatMetric(check.interval[1])})` : null}`;
  const limit = (x: number | null) => (x === null ? md`—` : md`${check.direction === 'min' ? '≥' : '≤'} ${formatMetric(x)}`);
  return md`| ${check.label} | ${value} | ${limit(check.warn)} | ${limit(check.fail)} | ${icon(check.status)} |`;
}
