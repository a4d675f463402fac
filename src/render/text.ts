import type { Report } from '../report/report.js';
import { formatChange, formatMetric, formatPercent } from './format-number.js';
import { adapterSentence, headline, indexCompatibilitySentence } from './interpret.js';
import { describeChange, MAX_CHANGES } from './describe-change.js';
import { noiseFloorSentences } from './noise-floor-lines.js';
import { singleLine as clean } from './single-line.js';

/** A value already cleaned to its own bound by `clean`, interpolated by `line` as it is. */
class Clean {
  constructor(readonly text: string) {}
}
const bounded = (value: string, max = 80): Clean => new Clean(clean(value, max));

/**
 * Tagged template for one line of the text report: every interpolated value, whatever its source,
 * is made single-line and control-free (strings cut to 240 characters unless `bounded` set another).
 */
function line(literals: TemplateStringsArray, ...values: Array<Clean | string | number | boolean | null | undefined>): string {
  let out = literals[0] ?? '';
  values.forEach((value, index) => {
    if (value instanceof Clean) out += value.text;
    else if (value !== null && value !== undefined) out += clean(String(value), 240);
    out += literals[index + 1] ?? '';
  });
  return out;
}

/** The plain-text report for a terminal or a CI log. */
export function renderText(report: Report): string {
  const { metrics, bump, verdict, alignment } = report;
  const lines: string[] = [];
  const push = (line = ''): void => void lines.push(line);
  push(line`embedding-gate: ${headline(report)}`);
  push();
  for (const [name, side] of [
    ['reference', report.reference],
    ['candidate', report.candidate],
  ] as const) {
    push(line`${name.padEnd(10)} ${bounded(side.source)}  ${side.count} × ${side.dim}  (${side.format}, ids from ${bounded(side.idSource)})`);
  }
  push(
    line`aligned    ${alignment.matched} items (${formatPercent(alignment.coverage)} of reference; ${alignment.referenceOnly.count} reference-only, ${alignment.candidateOnly.count} candidate-only)`,
  );
  push();
  push('Bump');
  push(line`  final      ${bump.final}${bump.nextVersion ? line`  → next version ${bump.nextVersion}` : ''}`);
  push(line`  required   ${bump.required} (manifests: ${bump.fromManifests ?? 'n/a'}, vectors: ${bump.requiredByVectors})`);
  push(line`  declared   ${bump.declared ?? 'nothing'}${bump.declaredSource ? line` (${bump.declaredSource})` : ''}${bump.underDeclared ? '  ✗ UNDER-DECLARED' : ''}`);
  for (const reason of bump.reasons) push(line`  - ${bounded(reason, 200)}`);
  for (const limitation of bump.limitations) push(line`  note: ${bounded(limitation, 400)}`);
  if (bump.changes.length > 0) {
    push(line`  Changes (${bump.changes.length}):`);
    for (const change of bump.changes.slice(0, MAX_CHANGES)) push(line`    ${bounded(describeChange(change), 240)}`);
    if (bump.changes.length > MAX_CHANGES) push(line`    … ${bump.changes.length - MAX_CHANGES} more in the JSON report`);
  }
  push();
  push('Metrics');
  const knn = metrics.knnOverlap;
  const ci = knn.ci95 ? line`, 95% CI ${formatMetric(knn.ci95[0])}–${formatMetric(knn.ci95[1])}` : '';
  push(
    line`  kNN overlap@${knn.k}       mean ${formatMetric(knn.mean)}  p10 ${formatMetric(knn.p10)}  p50 ${formatMetric(knn.p50)}  min ${formatMetric(knn.min)}  (${knn.method}, ${knn.evaluated} items${ci})`,
  );
  push(line`  linear CKA           ${formatMetric(metrics.cka.linear)}${metrics.cka.reason ? line`  (${metrics.cka.reason})` : ''}`);
  const centroid = metrics.centroid;
  push(
    centroid.cosineDistance === null && centroid.relativeShift === null
      ? line`  centroid shift       n/a (${centroid.reason})`
      : line`  centroid shift       cosine distance ${formatMetric(centroid.cosineDistance)}  relative shift ${formatMetric(centroid.relativeShift)}`,
  );
  const spread = centroid.meanInterCentroidDistance;
  push(
    line`  clusters             ${centroid.clustering.count} (${bounded(centroid.clustering.description)}); mean inter-centroid distance ${formatMetric(spread.reference)} → ${formatMetric(spread.candidate)} (${formatChange(spread.relativeChange)})`,
  );
  const paired = metrics.paired;
  push(
    paired.cosineMean === null
      ? line`  paired cosine        n/a (${paired.reason})`
      : line`  paired cosine        mean ${formatMetric(paired.cosineMean)}  p5 ${formatMetric(paired.cosineP5)}  min ${formatMetric(paired.cosineMin)}`,
  );
  const cross = metrics.crossRetrieval;
  push(
    cross.top1 === null
      ? '  cross retrieval      n/a (dimensions differ)'
      : line`  cross retrieval      top-1 ${formatPercent(cross.top1)}  recall@${cross.k} ${formatPercent(cross.recallAtK)}`,
  );
  push(line`  Procrustes           ${metrics.procrustes.alignedCosineMean === null ? 'n/a' : line`aligned cosine mean ${formatMetric(metrics.procrustes.alignedCosineMean)}`}`);
  push();
  for (const sentence of noiseFloorSentences(report)) push(line`${bounded(sentence, 600)}`);
  if (report.noiseFloor) push();
  const components = report.components ?? [];
  if (components.length > 0) {
    push(line`Components (each slice L2-normalised on its own):`);
    for (const c of components) {
      const m = c.metrics;
      const dims = c.dims ? `[${c.dims[0]}, ${c.dims[1]})` : '—';
      push(
        line`  ${bounded(c.name, 24)}  ${dims}  ${c.bump}${c.status === 'kept' ? '' : ` (${c.status})`}${m ? line`  kNN overlap ${formatMetric(m.knnOverlap.mean)}  CKA ${formatMetric(m.cka.linear)}  paired cosine ${formatMetric(m.paired.cosineMean)}  centroid shift ${formatPercent(m.centroid.relativeShift)}` : '  (no slices to measure)'}`,
      );
    }
    push();
  }
  push(line`${indexCompatibilitySentence(report)}`);
  const adapter = adapterSentence(report);
  if (adapter) push(line`${adapter}`);
  push();
  push(line`Verdict: ${verdict.status.toUpperCase()} (policy for a ${verdict.policyLevel} change)`);
  if (verdict.breaches.length === 0) push('  all limits met');
  for (const breach of verdict.breaches) push(line`  ${breach.level === 'fail' ? '✗ fail' : '! warn'}  ${bounded(breach.message, 240)}`);
  for (const skip of verdict.skipped) push(line`  - not checked: ${skip.metric} (${bounded(skip.reason, 160)})`);
  const budget = report.driftBudget;
  if (budget) {
    push(
      budget.status === 'reset'
        ? line`  Drift budget since ${bounded(budget.anchor, 60)}: reset (${bounded(budget.reason ?? 'a new major line', 160)})`
        : line`  Drift budget since ${bounded(budget.anchor, 60)}: ${budget.status}, kNN overlap ${formatMetric(budget.knnOverlap)}${budget.minKnnOverlap === null ? '' : line` (floor ${formatMetric(budget.minKnnOverlap)})`}, linear CKA ${formatMetric(budget.cka)}${budget.minCka === null ? '' : line` (floor ${formatMetric(budget.minCka)})`}`,
    );
  }
  if (knn.worst.length > 0) {
    push();
    push(line`Items that lost the most neighbours (lowest kNN overlap, worst ${knn.worst.length})`);
    for (const item of knn.worst) {
      push(line`  ${formatMetric(item.overlap, 2)}  ${bounded(item.id, 40)}${item.text ? line`  "${bounded(item.text, 60)}"` : ''}`);
      push(line`        before: ${bounded(item.referenceNeighbours.slice(0, 5).map((id) => clean(id, 24)).join(', '), 200)}${item.referenceNeighbours.length > 5 ? ', …' : ''}`);
      push(line`        after:  ${bounded(item.candidateNeighbours.slice(0, 5).map((id) => clean(id, 24)).join(', '), 200)}${item.candidateNeighbours.length > 5 ? ', …' : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
