import type { Report } from '../report/report.js';
import { formatMetric, formatPercent } from './format-number.js';

/** Procrustes-aligned cosine at or above which a rotation adapter is worth trying instead of a re-index. */
export const ADAPTER_HINT_THRESHOLD = 0.9;

/** Whether the old index can still be searched with the new vectors: the verdict and the figures behind it. */
export interface IndexCompatibility {
  readonly verdict: 'Index compatible' | 'Re-index required';
  readonly detail: string;
}

/**
 * Index compatibility in words. The rule is cross-model top-1 ≥ threshold, so the sentence compares
 * top-1 with the threshold and gives recall@k beside it, e.g. "(cross-model top-1 74.9% < 95.0%;
 * recall@10 100.0%)".
 */
export function indexCompatibility(report: Report): IndexCompatibility {
  const cross = report.metrics.crossRetrieval;
  if (cross.top1 === null) return { verdict: 'Re-index required', detail: `${cross.reason ?? 'not measurable'}.` };
  const top1 = `cross-model top-1 ${formatPercent(cross.top1)}`;
  const recall = `recall@${cross.k} ${formatPercent(cross.recallAtK)}`;
  return cross.indexCompatible
    ? { verdict: 'Index compatible', detail: `new vectors can be searched against the old index (${top1} ≥ ${formatPercent(cross.threshold)}; ${recall}).` }
    : { verdict: 'Re-index required', detail: `new vectors cannot be searched against the old index (${top1} < ${formatPercent(cross.threshold)}; ${recall}).` };
}

/** One sentence on whether the old index can still be searched with the new vectors. */
export function indexCompatibilitySentence(report: Report): string {
  const { verdict, detail } = indexCompatibility(report);
  return `${verdict}: ${detail}`;
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
