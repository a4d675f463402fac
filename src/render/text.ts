import type { Report } from '../report/report.js';
import { formatChange, formatMetric, formatPercent } from './format-number.js';
import { adapterSentence, headline, indexCompatibilitySentence } from './interpret.js';

/** A single-line, control-free form of data text for a terminal. */
function clean(value: string, max = 80): string {
  // eslint-disable-next-line no-control-regex
  const single = value.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
  return single.length > max ? `${single.slice(0, max - 1)}…` : single;
}

/** The plain-text report for a terminal or a CI log. */
export function renderText(report: Report): string {
  const { metrics, bump, verdict, alignment } = report;
  const lines: string[] = [];
  const push = (line = ''): void => void lines.push(line);
  push(`embedding-gate: ${headline(report)}`);
  push();
  for (const [name, side] of [
    ['reference', report.reference],
    ['candidate', report.candidate],
  ] as const) {
    push(`${name.padEnd(10)} ${clean(side.source)}  ${side.count} × ${side.dim}  (${side.format}, ids from ${clean(side.idSource)})`);
  }
  push(
    `aligned    ${alignment.matched} items (${formatPercent(alignment.coverage)} of reference; ${alignment.referenceOnly.count} reference-only, ${alignment.candidateOnly.count} candidate-only)`,
  );
  push();
  push('Bump');
  push(`  final      ${bump.final}${bump.nextVersion ? `  → next version ${bump.nextVersion}` : ''}`);
  push(`  required   ${bump.required} (manifests: ${bump.fromManifests ?? 'n/a'}, vectors: ${bump.requiredByVectors})`);
  push(`  declared   ${bump.declared ?? 'nothing'}${bump.declaredSource ? ` (${bump.declaredSource})` : ''}${bump.underDeclared ? '  ✗ UNDER-DECLARED' : ''}`);
  for (const reason of bump.reasons) push(`  - ${clean(reason, 200)}`);
  for (const limitation of bump.limitations) push(`  note: ${limitation}`);
  push();
  push('Metrics');
  const knn = metrics.knnOverlap;
  const ci = knn.ci95 ? `, 95% CI ${formatMetric(knn.ci95[0])}–${formatMetric(knn.ci95[1])}` : '';
  push(
    `  kNN overlap@${knn.k}       mean ${formatMetric(knn.mean)}  p10 ${formatMetric(knn.p10)}  p50 ${formatMetric(knn.p50)}  min ${formatMetric(knn.min)}  (${knn.method}, ${knn.evaluated} items${ci})`,
  );
  push(`  linear CKA           ${formatMetric(metrics.cka.linear)}${metrics.cka.reason ? `  (${metrics.cka.reason})` : ''}`);
  const centroid = metrics.centroid;
  push(
    centroid.cosineDistance === null && centroid.relativeShift === null
      ? `  centroid shift       n/a (${centroid.reason})`
      : `  centroid shift       cosine distance ${formatMetric(centroid.cosineDistance)}  relative shift ${formatMetric(centroid.relativeShift)}`,
  );
  const spread = centroid.meanInterCentroidDistance;
  push(
    `  clusters             ${centroid.clustering.count} (${clean(centroid.clustering.description)}); mean inter-centroid distance ${formatMetric(spread.reference)} → ${formatMetric(spread.candidate)} (${formatChange(spread.relativeChange)})`,
  );
  const paired = metrics.paired;
  push(
    paired.cosineMean === null
      ? `  paired cosine        n/a (${paired.reason})`
      : `  paired cosine        mean ${formatMetric(paired.cosineMean)}  p5 ${formatMetric(paired.cosineP5)}  min ${formatMetric(paired.cosineMin)}`,
  );
  const cross = metrics.crossRetrieval;
  push(
    cross.top1 === null
      ? '  cross retrieval      n/a (dimensions differ)'
      : `  cross retrieval      top-1 ${formatPercent(cross.top1)}  recall@${cross.k} ${formatPercent(cross.recallAtK)}`,
  );
  push(`  Procrustes           ${metrics.procrustes.alignedCosineMean === null ? 'n/a' : `aligned cosine mean ${formatMetric(metrics.procrustes.alignedCosineMean)}`}`);
  push();
  push(indexCompatibilitySentence(report));
  const adapter = adapterSentence(report);
  if (adapter) push(adapter);
  push();
  push(`Verdict: ${verdict.status.toUpperCase()} (policy for a ${verdict.policyLevel} change)`);
  if (verdict.breaches.length === 0) push('  all limits met');
  for (const breach of verdict.breaches) push(`  ${breach.level === 'fail' ? '✗ fail' : '! warn'}  ${clean(breach.message, 240)}`);
  for (const skip of verdict.skipped) push(`  - not checked: ${skip.metric} (${clean(skip.reason, 160)})`);
  if (knn.worst.length > 0) {
    push();
    push(`Items that lost the most neighbours (lowest kNN overlap, worst ${knn.worst.length})`);
    for (const item of knn.worst) {
      push(`  ${formatMetric(item.overlap, 2)}  ${clean(item.id, 40)}${item.text ? `  "${clean(item.text, 60)}"` : ''}`);
      push(`        before: ${item.referenceNeighbours.slice(0, 5).map((id) => clean(id, 24)).join(', ')}${item.referenceNeighbours.length > 5 ? ', …' : ''}`);
      push(`        after:  ${item.candidateNeighbours.slice(0, 5).map((id) => clean(id, 24)).join(', ')}${item.candidateNeighbours.length > 5 ? ', …' : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
