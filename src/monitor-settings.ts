import { UsageError } from './core/errors.js';
import type { PathPolicy } from './io/paths.js';
import { FORMAT_NAMES, formatNamed } from './io/read-embedding-set.js';
import { KERNELS, type KernelChoice } from './kernels/wasm-kernel.js';
import type { MonitorSettings } from './monitor.js';
import { DEFAULT_MONITOR_LIMITS } from './report/monitor-report.js';

/** The monitor's options (CLI flags and action inputs of the same names), with one-line help. */
export const MONITOR_OPTIONS = {
  reference: 'embeddings at the point of comparison, e.g. a sample at release (any input format)',
  current: "current embeddings in the same model space, e.g. this week's traffic (other items: nothing is paired)",
  'format-in': `input format when the extension is not enough (${FORMAT_NAMES.join('|')})`,
  'id-field': 'record field / column with the item id (default id)',
  'vector-field': 'record field / column with the vector (default embedding)',
  clusters: 'k-means clusters of the reference (default 8)',
  seed: 'seed for k-means, the test sample and the permutations (default 42)',
  permutations: 'permutations of the MMD² two-sample test (default 1000)',
  'mmd-sample': 'items of each side in the two-sample test, a seeded sample beyond it (default 1000)',
  alpha: "warn when the test's p-value is below this (default 0.05; 0 turns it off)",
  'max-psi': 'fail when the population stability index of the cluster shares exceeds this (default 0.25; warn at 0.1)',
  'max-inter-centroid-change': 'fail when the mean inter-centroid distance changes by more than this fraction (default 0.10; warn at 0.05)',
  kernel: `kNN kernel (${KERNELS.join('|')}, default auto)`,
  threads: 'worker threads for the WebAssembly kernel (default: all cores)',
} as const;

/**
 * Validates the monitor's raw option values (CLI or action inputs). Every bad value is a
 * UsageError naming the option through `nameOf` and saying what it accepts.
 */
export function parseMonitorSettings(raw: Readonly<Record<string, string | undefined>>, nameOf: (option: string) => string, paths: PathPolicy): MonitorSettings {
  const text = (name: string): string | null => (raw[name] !== undefined && raw[name]!.trim() !== '' ? raw[name]!.trim() : null);
  const required = (name: 'reference' | 'current'): string => {
    const value = text(name);
    if (value === null) throw new UsageError(`${nameOf(name)} is required in monitor mode: the path of the ${name} embeddings.`);
    return value;
  };
  const number = (name: string, fallback: number, valid: (v: number) => boolean, what: string): number => {
    const value = text(name);
    if (value === null) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || !valid(parsed)) throw new UsageError(`${nameOf(name)} must be ${what}, got ${JSON.stringify(value)}.`);
    return parsed;
  };
  const whole = (v: number) => Number.isInteger(v);
  const kernel = text('kernel') ?? 'auto';
  if (!(KERNELS as readonly string[]).includes(kernel)) throw new UsageError(`${nameOf('kernel')} must be one of ${KERNELS.join(', ')}, got ${JSON.stringify(kernel)}.`);
  const formatIn = text('format-in');
  const format = formatIn === null ? null : formatNamed(formatIn);
  if (formatIn !== null && format === null) throw new UsageError(`${nameOf('format-in')} must be one of ${FORMAT_NAMES.join(', ')}, got ${JSON.stringify(formatIn)}.`);
  const alpha = number('alpha', DEFAULT_MONITOR_LIMITS.alpha!, (v) => v >= 0 && v < 1, 'a number in [0, 1)');
  const maxPsi = number('max-psi', DEFAULT_MONITOR_LIMITS.psi.fail!, (v) => v > 0, 'a positive number');
  const maxChange = number('max-inter-centroid-change', DEFAULT_MONITOR_LIMITS.interCentroidChange.fail!, (v) => v > 0, 'a positive fraction');
  return {
    reference: required('reference'),
    current: required('current'),
    format,
    idField: text('id-field') ?? 'id',
    vectorField: text('vector-field') ?? 'embedding',
    clusters: number('clusters', 8, (v) => whole(v) && v >= 2, 'a whole number ≥ 2'),
    seed: number('seed', 42, (v) => whole(v) && v >= 0 && v <= 0xffffffff, 'a whole number from 0 to 4294967295'),
    permutations: number('permutations', 1000, (v) => whole(v) && v >= 19 && v <= 100_000, 'a whole number from 19 to 100000'),
    mmdSample: number('mmd-sample', 1000, (v) => whole(v) && v >= 10 && v <= 5000, 'a whole number from 10 to 5000'),
    kernel: kernel as KernelChoice,
    threads: text('threads') === null ? null : number('threads', 1, (v) => whole(v) && v >= 1 && v <= 256, 'a whole number from 1 to 256'),
    limits: {
      alpha: alpha === 0 ? null : alpha,
      psi: { warn: Math.min(DEFAULT_MONITOR_LIMITS.psi.warn!, maxPsi), fail: maxPsi },
      interCentroidChange: { warn: Math.min(DEFAULT_MONITOR_LIMITS.interCentroidChange.warn!, maxChange), fail: maxChange },
    },
    paths,
  };
}
