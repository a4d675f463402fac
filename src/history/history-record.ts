import type { ReleaseBump } from '../release/release-decision.js';
import type { Report } from '../report/report.js';

/** The cumulative drift against the release that opened the major line, as a history keeps it. */
export interface HistoryBudget {
  readonly anchor: string;
  readonly knnOverlap: number | null;
  readonly cka: number | null;
  readonly status: 'pass' | 'fail';
}

/** One line of a drift history (schema/history-record.schema.json). */
export interface HistoryRecord {
  readonly schemaVersion: 1;
  readonly kind: 'release' | 'gate';
  /** UTC, ISO 8601. */
  readonly date: string;
  readonly version: string | null;
  readonly tag: string | null;
  readonly commit: string | null;
  readonly commitUrl: string | null;
  readonly pullRequest: number | null;
  /** The release compared with, or `null` (the first release). */
  readonly base: string | null;
  readonly bump: ReleaseBump;
  readonly verdict: 'pass' | 'warn' | 'fail' | null;
  readonly items: number | null;
  readonly metrics: {
    readonly knnOverlap: number | null;
    readonly cka: number | null;
    readonly pairedCosine: number | null;
    readonly crossTop1: number | null;
    /** The candidate's mean distance between cluster centroids. */
    readonly meanInterCentroidDistance: number | null;
    /** Its relative change against the base. */
    readonly interCentroidChange: number | null;
  };
  readonly driftBudget: HistoryBudget | null;
}

/** Where and when a run happened, for its history record. */
export interface RunFacts {
  readonly kind: HistoryRecord['kind'];
  readonly date: Date;
  readonly version: string | null;
  readonly tag: string | null;
  readonly commit: string | null;
  /** `https://github.com/owner/repo`, to link the commit; `null` for none. */
  readonly repositoryUrl: string | null;
  readonly pullRequest: number | null;
  readonly base: string | null;
  readonly bump: ReleaseBump;
  /** The first release's size, when there is no report. */
  readonly items?: number | null;
}

/** The history record of a run: its facts and the key metrics of its report (all null without one). */
export function historyRecord(facts: RunFacts, report: Report | null, budget: HistoryBudget | null = null): HistoryRecord {
  const metrics = report?.metrics;
  return {
    schemaVersion: 1,
    kind: facts.kind,
    date: facts.date.toISOString(),
    version: facts.version,
    tag: facts.tag,
    commit: facts.commit,
    commitUrl: facts.commit !== null && facts.repositoryUrl !== null ? `${facts.repositoryUrl}/commit/${facts.commit}` : null,
    pullRequest: facts.pullRequest,
    base: facts.base,
    bump: facts.bump,
    verdict: report?.verdict.status ?? null,
    items: report?.alignment.matched ?? facts.items ?? null,
    metrics: {
      knnOverlap: metrics?.knnOverlap.mean ?? null,
      cka: metrics?.cka.linear ?? null,
      pairedCosine: metrics?.paired.cosineMean ?? null,
      crossTop1: metrics?.crossRetrieval.top1 ?? null,
      meanInterCentroidDistance: metrics?.centroid.meanInterCentroidDistance.candidate ?? null,
      interCentroidChange: metrics?.centroid.meanInterCentroidDistance.relativeChange ?? null,
    },
    driftBudget: budget,
  };
}

/** A report's drift budget as the history keeps it; none when no budget was set or it was reset. */
export function budgetOf(report: Report | null): HistoryBudget | null {
  const budget = report?.driftBudget;
  if (!budget || budget.status === 'reset') return null;
  return { anchor: budget.anchor, knnOverlap: budget.knnOverlap, cka: budget.cka, status: budget.status };
}
