import type { Report } from '../report/report.js';
import { formatMetric, formatPercent } from './format-number.js';

/** Procrustes-aligned cosine at or above which a rotation adapter is worth trying instead of a re-index. */
export const ADAPTER_HINT_THRESHOLD = 0.9;

/** One sentence on whether the old index can still be searched with the new vectors. */
export function indexCompatibilitySentence(report: Report): string {
  const cross = report.metrics.crossRetrieval;
  if (cross.top1 === null) return `Re-index required: ${cross.reason ?? 'not measurable'}.`;
  const measured = `cross-model top-1 ${formatPercent(cross.top1)}, recall@${cross.k} ${formatPercent(cross.recallAtK)}`;
  if (cross.indexCompatible) return `Index compatible: new vectors can be searched against the old index (${measured} ≥ ${formatPercent(cross.threshold)}).`;
  return `Re-index required: new vectors cannot be searched against the old index (${measured} < ${formatPercent(cross.threshold)}).`;
}

/** One sentence on whether a linear adapter could replace a re-index (equal dimensions only). */
export function adapterSentence(report: Report): string | null {
  const { procrustes, crossRetrieval } = report.metrics;
  if (procrustes.alignedCosineMean === null || crossRetrieval.indexCompatible) return null;
  return procrustes.alignedCosineMean >= ADAPTER_HINT_THRESHOLD
    ? `An orthogonal map brings the new vectors to mean cosine ${formatMetric(procrustes.alignedCosineMean)} with the old ones: a linear adapter may avoid the re-index.`
    : `Even the best rotation leaves mean cosine at ${formatMetric(procrustes.alignedCosineMean)}: a linear adapter is unlikely to restore compatibility.`;
}

/** The headline: status and bump, e.g. "FAIL — major change (declared patch: under-declared)". */
export function headline(report: Report): string {
  const { bump, verdict } = report;
  const declared =
    bump.declared === null ? 'nothing declared' : bump.underDeclared ? `declared ${bump.declared}: under-declared` : `declared ${bump.declared}`;
  return `${verdict.status.toUpperCase()} — ${bump.final === 'none' ? 'no' : bump.final} change (${declared})`;
}
