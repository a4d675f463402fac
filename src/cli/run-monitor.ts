import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../core/errors.js';
import { anyPath, resolveOutputFile } from '../io/paths.js';
import { FORMAT_NAMES, formatNamed } from '../io/read-embedding-set.js';
import { KERNELS, type KernelChoice } from '../kernels/wasm-kernel.js';
import { monitor } from '../monitor.js';
import { progressPrinter } from '../progress.js';
import { renderMonitorText } from '../render/monitor-text.js';
import { DEFAULT_MONITOR_LIMITS } from '../report/monitor-report.js';
import type { CliIo } from './run-cli.js';

/** The options of `embedding-gate monitor`, with one-line help. */
export const MONITOR_OPTIONS = {
  reference: 'embeddings at the point of comparison, e.g. a sample at release (any input format)',
  current: 'current embeddings in the same model space, e.g. this week\'s traffic (other items: nothing is paired)',
  'format-in': `input format when the extension is not enough (${FORMAT_NAMES.join('|')})`,
  'id-field': 'record field / column with the item id (default id)',
  'vector-field': 'record field / column with the vector (default embedding)',
  clusters: 'k-means clusters of the reference (default 8)',
  seed: 'seed for k-means, the test sample and the permutations (default 42)',
  permutations: 'permutations of the MMD² two-sample test (default 1000)',
  'mmd-sample': 'items of each side in the two-sample test, a seeded sample beyond it (default 1000)',
  alpha: 'warn when the test\'s p-value is below this (default 0.05; 0 turns it off)',
  'max-psi': 'fail when the population stability index of the cluster shares exceeds this (default 0.25; warn at 0.1)',
  'max-inter-centroid-change': 'fail when the mean inter-centroid distance changes by more than this fraction (default 0.10; warn at 0.05)',
  kernel: `kNN kernel (${KERNELS.join('|')}, default auto)`,
  threads: 'worker threads for the WebAssembly kernel (default: all cores)',
  format: 'report format (text|json, default text)',
  output: 'write the report to this file instead of stdout',
} as const;

/** Runs `embedding-gate monitor`; exit 1 when a fail limit is reached. */
export async function runMonitor(args: readonly string[], io: CliIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...args], options: Object.fromEntries(Object.keys(MONITOR_OPTIONS).map((name) => [name, { type: 'string' } as const])), strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify.*$/s, '')} (see embedding-gate --help).`);
  }
  const text = (name: keyof typeof MONITOR_OPTIONS) => (typeof values[name] === 'string' && values[name] !== '' ? (values[name] as string) : null);
  const required = (name: 'reference' | 'current') => text(name) ?? (() => { throw new UsageError(`monitor needs --${name}.`); })();
  const number = (name: keyof typeof MONITOR_OPTIONS, fallback: number, valid: (v: number) => boolean, what: string) => {
    const value = text(name);
    if (value === null) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || !valid(parsed)) throw new UsageError(`--${name} must be ${what}, got ${JSON.stringify(value)}.`);
    return parsed;
  };
  const whole = (v: number) => Number.isInteger(v);
  const format = text('format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json for monitor, got ${JSON.stringify(format)}.`);
  const kernel = text('kernel') ?? 'auto';
  if (!(KERNELS as readonly string[]).includes(kernel)) throw new UsageError(`--kernel must be one of ${KERNELS.join(', ')}, got ${JSON.stringify(kernel)}.`);
  const formatIn = text('format-in');
  const alpha = number('alpha', DEFAULT_MONITOR_LIMITS.alpha!, (v) => v >= 0 && v < 1, 'a number in [0, 1)');
  const maxPsi = number('max-psi', DEFAULT_MONITOR_LIMITS.psi.fail!, (v) => v > 0, 'a positive number');
  const maxChange = number('max-inter-centroid-change', DEFAULT_MONITOR_LIMITS.interCentroidChange.fail!, (v) => v > 0, 'a positive fraction');
  const report = await monitor(
    {
      reference: required('reference'),
      current: required('current'),
      format: formatIn === null ? null : (formatNamed(formatIn) ?? (() => { throw new UsageError(`--format-in must be one of ${FORMAT_NAMES.join(', ')}, got ${JSON.stringify(formatIn)}.`); })()),
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
      paths: anyPath(io.cwd),
    },
    {
      info: (message) => io.stderr(`embedding-gate: ${message}\n`),
      warn: (message) => io.stderr(`embedding-gate: warning: ${message}\n`),
      progress: progressPrinter({ write: io.stderr, interactive: io.stderrIsTTY ?? false }),
    },
  );
  const rendered = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderMonitorText(report);
  const output = text('output');
  if (output === null) io.stdout(rendered);
  else {
    const path = resolveOutputFile(output, '--output', anyPath(io.cwd));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, rendered);
  }
  return report.verdict.status === 'fail' ? 1 : 0;
}
