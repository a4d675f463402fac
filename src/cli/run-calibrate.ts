import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { deriveThresholds, measureNoiseFloor } from '../calibrate.js';
import { UsageError } from '../core/errors.js';
import { anyPath, resolveOutputFile } from '../io/paths.js';
import { progressPrinter } from '../progress.js';
import { singleLine } from '../render/single-line.js';
import { parseSettings } from '../settings.js';
import type { CliIo } from './run-cli.js';

/** Options of `embedding-gate calibrate` (a subset of compare's, read the same way). */
const CALIBRATE_OPTIONS = ['k', 'seed', 'clusters', 'sample', 'exact-limit', 'format-in', 'id-field', 'vector-field', 'cluster-field', 'kernel', 'threads', 'output'] as const;

/** The usage of `embedding-gate calibrate`. */
export const CALIBRATE_USAGE = '  embedding-gate calibrate REFERENCE BASELINE... [--k N] [--seed N] [--output FILE]   (a config snippet from the noise floor)';

/**
 * calibrate: measures the reference against each baseline (a harmless retrain of its model) and
 * prints a config snippet with the patch limits derived from that noise floor, to commit and pass
 * as --config.
 */
export async function runCalibrate(args: readonly string[], io: CliIo): Promise<number> {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options: Object.fromEntries(CALIBRATE_OPTIONS.map((name) => [name, { type: 'string' } as const])), strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify.*$/s, '')} (see embedding-gate --help).`);
  }
  const [reference, ...baselines] = parsed.positionals;
  if (reference === undefined || baselines.length === 0) throw new UsageError('calibrate needs the reference and at least one baseline: embedding-gate calibrate reference.npy retrain-seed1.npy retrain-seed2.npy');
  const { output, ...rest } = parsed.values;
  const settings = parseSettings({ ...rest, reference, candidate: baselines[0], baseline: baselines }, undefined, anyPath(io.cwd));
  const floor = await measureNoiseFloor(settings, {
    info: (message) => io.stderr(`embedding-gate: ${message}\n`),
    warn: (message) => io.stderr(`embedding-gate: warning: ${message}\n`),
    progress: progressPrinter({ write: io.stderr, interactive: io.stderrIsTTY ?? false }),
  });
  const derived = deriveThresholds(floor)!;
  const f = (value: number) => value.toFixed(4);
  const lines = [
    `# Patch limits derived by embedding-gate calibrate from ${floor.length} harmless retrain${floor.length === 1 ? '' : 's'} of the reference model`,
    `# (${singleLine(reference, 200)} against ${floor.map((b) => singleLine(b.source, 200)).join(', ')}; k ${settings.k}, seed ${settings.seed}).`,
    ...floor.map((b) => `#   ${singleLine(b.source, 200)}: kNN overlap ${f(b.knnOverlap)} (SE ${f(b.knnOverlapSe)}), linear CKA ${b.cka === null ? 'n/a' : f(b.cka)}`),
    `# Warn at the lowest retrain (kNN overlap less 1.96 standard errors), fail ${derived.margin} below it.`,
    'policy:',
    '  patch:',
    ...(derived.knnOverlapMean ? [`    knnOverlapMean: { warn: ${f(derived.knnOverlapMean.warn)}, fail: ${f(derived.knnOverlapMean.fail)} }`] : []),
    ...(derived.ckaLinear ? [`    ckaLinear: { warn: ${f(derived.ckaLinear.warn)}, fail: ${f(derived.ckaLinear.fail)} }`] : []),
  ];
  const text = `${lines.join('\n')}\n`;
  if (typeof output === 'string') {
    const path = resolveOutputFile(output, '--output', anyPath(io.cwd));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    io.stderr(`embedding-gate: thresholds written to ${output}; use them with --config ${output}\n`);
  } else io.stdout(text);
  return 0;
}
