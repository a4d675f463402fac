import type { Report } from '../../report/report.js';
import { formatChange, formatMetric, formatPercent } from '../format-number.js';
import { adapterSentence, headline, indexCompatibilitySentence } from '../interpret.js';
import { noiseFloorSentences } from '../noise-floor-lines.js';
import { html, Html, jsonForScript } from './escape-html.js';
import { htmlPage } from './page.js';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';
import { barChart, overlapHistogram, type LimitLine } from './svg-charts.js';
import { CLUSTER_COLOURS, jointSvg, mapSvg, type MapPoints } from './svg-maps.js';

/**
 * The self-contained HTML report: verdict and bump explanation, checks, the UMAP maps (reference,
 * candidate and joint), charts (overlap histogram with the limits, per-cluster shift and overlap),
 * all metrics and the worst-moved items. Styles, script and data are inline and the page loads
 * nothing; a Content-Security-Policy allows only its own script and style, by hash. Every string
 * from the report is escaped where it is written. Reads a report and nothing else.
 */
export function renderHtml(report: Report): string {
  const body = html`${header(report)}${bumpSection(report)}${checksSection(report)}${componentsSection(report)}${mapsSection(report)}${chartsSection(report)}${metricsSection(report)}${worstSection(report)}<p class="note">embedding-gate ${report.tool.version} · kernel ${report.settings.kernel} · seed ${report.settings.seed}</p><div id="tooltip" hidden></div>`;
  const data = pageData(report);
  return htmlPage({
    title: html`<title>embedding-gate: ${headline(report)}</title>`,
    style: PAGE_STYLE,
    script: PAGE_SCRIPT,
    body,
    tail: `<script type="application/json" id="report-data">${jsonForScript(data).source}</script>\n<script>${PAGE_SCRIPT}</script>\n`,
  });
}

/** What the page script reads: per map point its id, text and overlap, and the worst items' neighbour lists. */
function pageData(report: Report) {
  const maps = report.maps;
  return {
    ids: maps?.points.ids ?? [],
    text: maps?.points.text ?? [],
    overlap: maps?.points.overlap ?? [],
    worst: report.metrics.knnOverlap.worst.map((item) => ({ id: item.id, text: item.text, overlap: item.overlap, before: item.referenceNeighbours, after: item.candidateNeighbours })),
  };
}

function header(report: Report): Html {
  const status = ['pass', 'warn', 'fail'].includes(report.verdict.status) ? report.verdict.status : 'fail';
  const adapter = adapterSentence(report);
  return html`<header><h1><span class="badge ${status}">${report.verdict.status.toUpperCase()}</span>embedding-gate: ${headline(report)}</h1><p>${indexCompatibilitySentence(report)}</p>${adapter ? html`<p>${adapter}</p>` : null}<p class="muted">reference ${report.reference.source} (${report.reference.count} × ${report.reference.dim}) · candidate ${report.candidate.source} (${report.candidate.count} × ${report.candidate.dim}) · ${report.alignment.matched} items matched by id</p></header>`;
}

function bumpSection(report: Report): Html {
  const { bump } = report;
  return html`<section><h2>Version bump</h2><table><tbody>
<tr><th>final</th><td><strong>${bump.final}</strong>${bump.nextVersion ? html` → next version <strong>${bump.nextVersion}</strong>` : null}</td></tr>
<tr><th>required</th><td>${bump.required} (manifests: ${bump.fromManifests ?? 'n/a'}, vectors: ${bump.requiredByVectors})</td></tr>
<tr><th>declared</th><td>${bump.declared ?? 'nothing'}${bump.declaredSource ? ` (${bump.declaredSource})` : null}${bump.underDeclared ? html` <strong class="fail">under-declared</strong>` : null}</td></tr>
</tbody></table><ul>${bump.reasons.map((reason) => html`<li>${reason}</li>`)}${bump.limitations.map((limitation) => html`<li class="muted">${limitation}</li>`)}</ul></section>`;
}

/** A composite embedding's components: each one's bump and its slice's metrics. */
function componentsSection(report: Report): Html {
  const components = report.components;
  if (!components || components.length === 0) return html``;
  const rows = components.map((c) => {
    const m = c.metrics;
    return html`<tr><td>${c.name}</td><td>${c.dims ? `[${c.dims[0]}, ${c.dims[1]})` : '—'}</td><td>${c.bump}${c.status === 'kept' ? '' : ` (${c.status})`}</td><td class="num">${formatMetric(m?.knnOverlap.mean)}</td><td class="num">${formatMetric(m?.cka.linear)}</td><td class="num">${formatMetric(m?.paired.cosineMean)}</td><td class="num">${formatPercent(m?.centroid.relativeShift)}</td></tr>`;
  });
  return html`<section><h2>Components (each slice L2-normalised on its own)</h2><table data-table="components"><thead><tr><th>component</th><th>dims</th><th>bump</th><th>kNN overlap</th><th>CKA</th><th>paired cosine</th><th>centroid shift</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** The drift budget's rows of the checks table, or none. */
function budgetRows(report: Report): Html[] {
  const budget = report.driftBudget;
  if (!budget) return [];
  if (budget.status === 'reset') return [html`<tr data-check="drift-budget"><td>drift budget since ${budget.anchor}</td><td colspan="3">${budget.reason ?? 'reset'}</td><td>reset</td></tr>`];
  const row = (label: string, value: number | null, floor: number | null) =>
    floor === null ? [] : [html`<tr data-check="drift-budget"><td>drift budget since ${budget.anchor}: ${label}</td><td class="num">${formatMetric(value)}</td><td class="num">—</td><td class="num">≥ ${formatMetric(floor)}</td><td>${value === null ? 'skipped' : value < floor ? 'fail' : 'pass'}</td></tr>`];
  return [...row('kNN overlap', budget.knnOverlap, budget.minKnnOverlap), ...row('linear CKA', budget.cka, budget.minCka)];
}

function checksSection(report: Report): Html {
  const { verdict } = report;
  const limit = (direction: string, value: number | null) => (value === null ? '—' : `${direction === 'min' ? '≥' : '≤'} ${formatMetric(value)}`);
  const rows = verdict.checks.map(
    (check) =>
      html`<tr><td>${check.label}</td><td class="num">${formatMetric(check.value)}${check.interval ? ` (95% CI ${formatMetric(check.interval[0])}–${formatMetric(check.interval[1])})` : null}</td><td class="num">${limit(check.direction, check.warn)}</td><td class="num">${limit(check.direction, check.fail)}</td><td>${check.status}</td></tr>`,
  );
  const floor = noiseFloorSentences(report).map((sentence) => html`<p class="muted" data-noise-floor>${sentence}</p>`);
  return html`<section><h2>Checks (policy for a ${verdict.policyLevel} change): ${verdict.status}</h2>${floor}<table><thead><tr><th>check</th><th>value</th><th>warn</th><th>fail</th><th>status</th></tr></thead><tbody>${rows}${budgetRows(report)}</tbody></table><ul>${verdict.breaches.map((breach) => html`<li class="${breach.level}">${breach.level}: ${breach.message}</li>`)}${verdict.skipped.map((skip) => html`<li class="muted">not checked: ${skip.metric} (${skip.reason})</li>`)}</ul></section>`;
}

/** Points ringed in the maps: the report's lowest-overlap items (the maps always include them, but for a query shard's). */
function highlightedPoints(report: Report): Set<number> {
  const worstIds = new Set(report.metrics.knnOverlap.worst.map((item) => item.id));
  const marked = new Set<number>();
  report.maps!.points.ids.forEach((id, i) => {
    if (worstIds.has(id)) marked.add(i);
  });
  return marked;
}

function mapsSection(report: Report): Html {
  const maps = report.maps;
  if (!maps) return html`<section><h2>Maps</h2><p class="note">No maps in this report: run compare with --html (or the action with html-report: true) to compute them.</p></section>`;
  const index = maps.points.ids.map((_, i) => i);
  const highlighted = highlightedPoints(report);
  const points = (coordinates: readonly number[]): MapPoints => ({ coordinates, index, cluster: maps.points.cluster, highlighted });
  const legend = maps.clusters.map((name, i) => html`<span class="swatch c${i % CLUSTER_COLOURS.length}"></span>${name}`);
  const joint = maps.joint;
  const jointView = joint
    ? jointSvg(
        `Both spaces in one layout (${joint.points.length} items twice: hollow = reference, filled = candidate); lines join the old and new position of the ${joint.moved.length} items that moved most`,
        { coordinates: joint.reference, index: joint.points, cluster: joint.points.map((point) => maps.points.cluster[point] ?? 0), highlighted: new Set() },
        joint.candidate,
        joint.moved,
      )
    : null;
  const sample = maps.sampled ? `a seeded sample of ${maps.points.ids.length} of the ${maps.total} items` : `all ${maps.total} items`;
  return html`<section><h2>Maps</h2><p class="note">${maps.method}; ${sample}. Each colour is a cluster (${report.metrics.centroid.clustering.description}); the same item has the same colour in both maps, so a group that stayed together stays one colour. Ringed: the lowest kNN overlap. Hover a point for its id; click a ringed one for its neighbours.</p><p class="legend">${legend}</p><div class="maps">${mapSvg('reference', 'Reference space (old model)', points(maps.reference))}${mapSvg('candidate', 'Candidate space (new model)', points(maps.candidate))}${jointView}</div><div id="neighbours"><p class="muted">Click a ringed point to see its old and new neighbours.</p></div></section>`;
}

function chartsSection(report: Report): Html {
  const { metrics, verdict } = report;
  const knnCheck = verdict.checks.find((check) => check.metric === 'knnOverlapMean');
  const limits: LimitLine[] = [];
  if (knnCheck?.warn !== null && knnCheck?.warn !== undefined) limits.push({ label: `warn ${knnCheck.warn}`, value: knnCheck.warn, level: 'warn' });
  if (knnCheck?.fail !== null && knnCheck?.fail !== undefined) limits.push({ label: `fail ${knnCheck.fail}`, value: knnCheck.fail, level: 'fail' });
  const charts: Html[] = [
    html`<figure><figcaption>Per-item kNN overlap (k = ${metrics.knnOverlap.k}, ${metrics.knnOverlap.evaluated} items; dashed: the policy's limits on the mean)</figcaption>${overlapHistogram(metrics.knnOverlap.histogram, metrics.knnOverlap.mean, limits)}</figure>`,
  ];
  const clusters = metrics.centroid.clusters;
  const shifts = clusters.filter((cluster) => cluster.cosineDistance !== null);
  if (shifts.length > 0) {
    const bars = shifts.map((cluster) => ({ label: cluster.cluster, value: cluster.cosineDistance!, text: formatMetric(cluster.cosineDistance) }));
    charts.push(html`<figure><figcaption>Centroid shift per cluster (cosine distance between the cluster's old and new centroid)</figcaption>${barChart('cluster-shift', 'centroid cosine distance', bars, Math.max(...bars.map((bar) => bar.value), 1e-9))}</figure>`);
  }
  const maps = report.maps;
  if (maps) {
    const sums = maps.clusters.map(() => ({ sum: 0, count: 0 }));
    maps.points.overlap.forEach((overlap, i) => {
      // A forged report may name a cluster the list lacks: such a point counts nowhere.
      const entry = sums[maps.points.cluster[i] ?? -1];
      if (overlap === null || entry === undefined) return;
      entry.sum += overlap;
      entry.count += 1;
    });
    const bars = maps.clusters.flatMap((name, i) => (sums[i]!.count > 0 ? [{ label: name, value: sums[i]!.sum / sums[i]!.count, text: `${formatMetric(sums[i]!.sum / sums[i]!.count, 3)} (${sums[i]!.count})` }] : []));
    if (bars.length > 0) charts.push(html`<figure><figcaption>Mean kNN overlap per cluster, over the mapped items</figcaption>${barChart('cluster-overlap', 'mean kNN overlap', bars, 1)}</figure>`);
  }
  return html`<section><h2>Charts</h2><div class="charts">${charts}</div></section>`;
}

function metricsSection(report: Report): Html {
  const { metrics, alignment } = report;
  const knn = metrics.knnOverlap;
  const spread = metrics.centroid.meanInterCentroidDistance;
  const cross = metrics.crossRetrieval;
  const rows: Array<[string, string]> = [
    [`kNN overlap@${knn.k}`, `mean ${formatMetric(knn.mean)}, p10 ${formatMetric(knn.p10)}, p50 ${formatMetric(knn.p50)}, min ${formatMetric(knn.min)} (${knn.method}, ${knn.evaluated} items${knn.ci95 ? `, 95% CI ${formatMetric(knn.ci95[0])}–${formatMetric(knn.ci95[1])}` : ''})`],
    ['linear CKA', `${formatMetric(metrics.cka.linear)}${metrics.cka.reason ? ` (${metrics.cka.reason})` : ''}`],
    ['centroid shift', metrics.centroid.cosineDistance === null ? `n/a (${metrics.centroid.reason ?? ''})` : `cosine distance ${formatMetric(metrics.centroid.cosineDistance)}, relative shift ${formatMetric(metrics.centroid.relativeShift)}`],
    ['mean inter-centroid distance', `${formatMetric(spread.reference)} → ${formatMetric(spread.candidate)} (${formatChange(spread.relativeChange)}), ${metrics.centroid.clustering.count} clusters from ${metrics.centroid.clustering.description}`],
    ['paired cosine', metrics.paired.cosineMean === null ? `n/a (${metrics.paired.reason ?? ''})` : `mean ${formatMetric(metrics.paired.cosineMean)}, p5 ${formatMetric(metrics.paired.cosineP5)}, min ${formatMetric(metrics.paired.cosineMin)}${metrics.paired.lowest ? ` (lowest: ${metrics.paired.lowest.id})` : ''}`],
    ['cross-model retrieval', cross.top1 === null ? `n/a (${cross.reason ?? ''})` : `top-1 ${formatPercent(cross.top1)}, recall@${cross.k} ${formatPercent(cross.recallAtK)}`],
    ['Procrustes-aligned cosine', formatMetric(metrics.procrustes.alignedCosineMean)],
    ['alignment', `${alignment.matched} matched (${formatPercent(alignment.coverage)}), ${alignment.referenceOnly.count} reference-only, ${alignment.candidateOnly.count} candidate-only`],
  ];
  return html`<section><h2>All metrics</h2><table><tbody>${rows.map(([name, value]) => html`<tr><th>${name}</th><td>${value}</td></tr>`)}</tbody></table></section>`;
}

function worstSection(report: Report): Html {
  const worst = report.metrics.knnOverlap.worst;
  if (worst.length === 0) return html``;
  const rows = worst.map(
    (item) =>
      html`<tr><td class="num">${formatMetric(item.overlap, 2)}</td><td>${item.id}</td><td>${item.text ?? ''}</td><td>${item.referenceNeighbours.join(', ')}</td><td>${item.candidateNeighbours.join(', ')}</td></tr>`,
  );
  return html`<section><h2>Items that lost the most neighbours</h2><table><thead><tr><th>overlap</th><th>id</th><th>text</th><th>neighbours before</th><th>neighbours after</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
