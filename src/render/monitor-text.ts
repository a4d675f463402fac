import { formatChange, formatMetric, formatPercent } from './format-number.js';
import { singleLine } from './single-line.js';
import type { MonitorReport } from '../report/monitor-report.js';

/** The monitor report as plain text: the verdict, the drift figures, the test and the per-cluster shares. */
export function renderMonitorText(report: MonitorReport): string {
  const { centroid, interCentroid, population, mmd, verdict } = report;
  const lines = [
    `embedding-gate monitor: ${verdict.status.toUpperCase()}`,
    `reference  ${singleLine(report.reference.source, 200)}: ${report.reference.count} × ${report.reference.dim}`,
    `current    ${singleLine(report.current.source, 200)}: ${report.current.count} × ${report.current.dim}`,
    '',
    `global centroid        euclidean ${formatMetric(centroid.euclidean)}  cosine distance ${formatMetric(centroid.cosineDistance)}`,
    `inter-centroid         mean distance ${formatMetric(interCentroid.reference)} → ${formatMetric(interCentroid.current)} (${formatChange(interCentroid.relativeChange)})`,
    `population             PSI ${formatMetric(population.psi)}  χ² ${formatMetric(population.chiSquare, 2)} (${population.degreesOfFreedom} degrees of freedom)`,
    `two-sample test        MMD² ${mmd.mmd2.toExponential(3)}  p = ${formatMetric(mmd.pValue)} (${mmd.permutations} permutations; ${mmd.referenceSample} + ${mmd.currentSample} items; RBF σ ${formatMetric(mmd.bandwidth)})`,
    '',
    `clusters (k-means on the reference, k=${report.settings.clusters}, seed ${report.settings.seed})`,
    ...report.clusters.map((c) => `  ${String(c.cluster).padStart(3)}  reference ${formatPercent(c.referenceShare).padStart(6)}  current ${formatPercent(c.currentShare).padStart(6)}  centroid moved ${formatMetric(c.centroidDistance)}`),
    '',
    verdict.breaches.length === 0 ? 'all limits met' : '',
    ...verdict.breaches.map((b) => `  ${b.level === 'fail' ? '✗ fail' : '! warn'}  ${singleLine(b.message, 300)}`),
  ];
  return `${lines.filter((line, i) => line !== '' || lines[i - 1] !== '').join('\n').trimEnd()}\n`;
}
