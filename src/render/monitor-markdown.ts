import type { MonitorReport } from '../report/monitor-report.js';
import { cut, joinMarkdown, Markdown, markdown as md } from './escape-markdown.js';
import { formatChange, formatMetric, formatPercent } from './format-number.js';

const ICON: Record<string, string> = { pass: '✅', warn: '⚠️', fail: '❌' };

/** The monitor report as markdown (job summary, issue body): verdict, figures, breaches, cluster shares. Every value escaped. */
export function renderMonitorMarkdown(report: MonitorReport, options: { readonly runUrl?: string | null } = {}): string {
  const { centroid, interCentroid, population, mmd, verdict } = report;
  const status = Object.hasOwn(ICON, verdict.status) ? verdict.status : 'fail';
  const lines = [
    md`## ${ICON[status]!} embedding-gate monitor: ${status.toUpperCase()}`,
    md``,
    md`Reference ${cut(report.reference.source, 200)} (${report.reference.count} × ${report.reference.dim}) against current ${cut(report.current.source, 200)} (${report.current.count} × ${report.current.dim}); nothing is paired.`,
    md``,
    md`| figure | value |`,
    md`| --- | ---: |`,
    md`| mean distance between cluster centroids | ${formatMetric(interCentroid.reference)} → ${formatMetric(interCentroid.current)} (${formatChange(interCentroid.relativeChange)}) |`,
    md`| global centroid (euclidean / cosine distance) | ${formatMetric(centroid.euclidean)} / ${formatMetric(centroid.cosineDistance)} |`,
    md`| population stability index (cluster shares) | ${formatMetric(population.psi)} |`,
    md`| χ² of the cluster shares (${population.degreesOfFreedom} degrees of freedom) | ${formatMetric(population.chiSquare, 2)} |`,
    md`| MMD² permutation test p-value (${mmd.permutations} permutations) | ${formatMetric(mmd.pValue)} |`,
    md``,
    ...verdict.breaches.map((breach) => md`- ${breach.level === 'fail' ? '❌' : '⚠️'} ${cut(breach.message, 400)}`),
    ...(verdict.breaches.length > 0 ? [md``] : []),
    md`<details><summary>Clusters (k-means on the reference, k=${report.settings.clusters})</summary>`,
    md``,
    md`| cluster | reference share | current share | centroid moved |`,
    md`| ---: | ---: | ---: | ---: |`,
    ...report.clusters.map((c) => md`| ${c.cluster} | ${formatPercent(c.referenceShare)} | ${formatPercent(c.currentShare)} | ${formatMetric(c.centroidDistance)} |`),
    md``,
    md`</details>`,
  ];
  // The run's URL is the runner's own (GITHUB_SERVER_URL, repository, run id), not data.
  const footer = options.runUrl ? [md``, md`<sub>[workflow run](${new Markdown(encodeURI(options.runUrl))})</sub>`] : [];
  return `${joinMarkdown([...lines, ...footer], '\n').toString()}\n`;
}
