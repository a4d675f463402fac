import type { Bump } from '../classify/bump.js';
import type { BumpClassification } from '../classify/classify-bump.js';
import type { ReportMetrics } from '../report/report-metrics.js';
import { GATED_METRICS, GATED_METRIC_NAMES } from './gated-metrics.js';
import type { Policy } from './policy.js';

/** pass: no limit reached; warn: a warn limit reached; fail: a fail limit reached. */
export type VerdictStatus = 'pass' | 'warn' | 'fail';

/** One limit the comparison reached. */
export interface Breach {
  readonly metric: string;
  readonly value: number | string | boolean;
  readonly limit: number | string | boolean;
  readonly level: 'warn' | 'fail';
  readonly message: string;
}

/** A configured limit that could not be checked, and why. */
export interface SkippedCheck {
  readonly metric: string;
  readonly reason: string;
}

/** One configured limit and how the comparison met it. */
export interface Check {
  readonly metric: string;
  readonly label: string;
  readonly direction: 'min' | 'max';
  readonly value: number | null;
  readonly interval: readonly [number, number] | null;
  readonly warn: number | null;
  readonly fail: number | null;
  readonly status: 'pass' | 'warn' | 'fail' | 'skipped';
}

/** The verdict: data, not an exit code (the entry points decide what to do with it). */
export interface Verdict {
  readonly status: VerdictStatus;
  /** The bump level whose policy was applied (the final bump). */
  readonly policyLevel: Bump;
  readonly breaches: readonly Breach[];
  /** Every limit of the applied policy, met or not, in a stable order. */
  readonly checks: readonly Check[];
  readonly skipped: readonly SkippedCheck[];
}

/**
 * Applies the policy of the final bump level to the metrics. A floor is breached when the value is
 * below it, a ceiling when above. When the value is estimated from a sample (it has a 95% interval),
 * a limit is breached only when the whole interval is past it, so sampling noise alone never fails
 * the gate. An under-declared bump adds a breach at the configured level.
 */
export function decideVerdict(metrics: ReportMetrics, bump: BumpClassification, policy: Policy): Verdict {
  const level = policy.levels[bump.final];
  const breaches: Breach[] = [];
  const skipped: SkippedCheck[] = [];
  const checks: Check[] = [];
  for (const name of GATED_METRIC_NAMES) {
    const limits = level.limits[name];
    if (!limits) continue;
    const metric = GATED_METRICS[name];
    const reading = metric.read(metrics);
    const check = { metric: name, label: metric.label, direction: metric.direction, value: reading.value, interval: reading.interval, ...limits };
    if (reading.value === null) {
      skipped.push({ metric: name, reason: reading.reason ?? 'not measured' });
      checks.push({ ...check, status: 'skipped' });
      continue;
    }
    let status: Check['status'] = 'pass';
    for (const severity of ['fail', 'warn'] as const) {
      const limit = limits[severity];
      if (limit === null) continue;
      const [low, high] = reading.interval ?? [reading.value, reading.value];
      const past = metric.direction === 'min' ? high < limit : low > limit;
      if (!past) continue;
      const relation = metric.direction === 'min' ? 'below the floor' : 'above the ceiling';
      const estimate = reading.interval ? ` (95% CI ${format(low)}–${format(high)}, entirely ${relation})` : '';
      breaches.push({
        metric: name,
        value: reading.value,
        limit,
        level: severity,
        message: `${metric.label} ${format(reading.value)}${estimate} is ${relation} ${format(limit)} (${severity} limit for a ${bump.final} change)`,
      });
      status = severity;
      break;
    }
    checks.push({ ...check, status });
  }
  if (level.requireIndexCompatible && !metrics.crossRetrieval.indexCompatible) {
    breaches.push({
      metric: 'indexCompatible',
      value: false,
      limit: true,
      level: 'fail',
      message: `new vectors cannot be searched against the old index (${metrics.crossRetrieval.reason ?? `cross-model top-1 ${format(metrics.crossRetrieval.top1 ?? 0)} < ${metrics.crossRetrieval.threshold}`}), and the ${bump.final} policy requires index compatibility: re-index, or ship a linear adapter`,
    });
  }
  if (bump.underDeclared && policy.underDeclared !== 'off') {
    breaches.push({
      metric: 'bump',
      value: bump.declared ?? 'none',
      limit: bump.required,
      level: policy.underDeclared,
      message: `under-declared: the version says ${bump.declared}, but the change requires ${bump.required}${bump.nextVersion ? ` (next version ${bump.nextVersion})` : ''}`,
    });
  }
  const status: VerdictStatus = breaches.some((b) => b.level === 'fail') ? 'fail' : breaches.length > 0 ? 'warn' : 'pass';
  return { status, policyLevel: bump.final, breaches, checks, skipped };
}

function format(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}
