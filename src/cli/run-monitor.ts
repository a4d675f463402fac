import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../core/errors.js';
import { anyPath, resolveOutputFile } from '../io/paths.js';
import { monitor } from '../monitor.js';
import { MONITOR_OPTIONS, parseMonitorSettings } from '../monitor-settings.js';
import { progressPrinter } from '../progress.js';
import { renderMonitorText } from '../render/monitor-text.js';
import type { CliIo } from './run-cli.js';

/** The CLI's own options of `embedding-gate monitor`, besides the monitor settings. */
export const MONITOR_CLI_OPTIONS = {
  ...MONITOR_OPTIONS,
  format: 'report format (text|json, default text)',
  output: 'write the report to this file instead of stdout',
} as const;

/** Runs `embedding-gate monitor`; exit 1 when a fail limit is reached. */
export async function runMonitor(args: readonly string[], io: CliIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...args], options: Object.fromEntries(Object.keys(MONITOR_CLI_OPTIONS).map((name) => [name, { type: 'string' } as const])), strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify.*$/s, '')} (see embedding-gate --help).`);
  }
  const format = (values.format as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json for monitor, got ${JSON.stringify(format)}.`);
  const settings = parseMonitorSettings(values as Record<string, string | undefined>, (option) => `--${option}`, anyPath(io.cwd));
  const report = await monitor(settings, {
    info: (message) => io.stderr(`embedding-gate: ${message}\n`),
    warn: (message) => io.stderr(`embedding-gate: warning: ${message}\n`),
    progress: progressPrinter({ write: io.stderr, interactive: io.stderrIsTTY ?? false }),
  });
  const rendered = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderMonitorText(report);
  const output = (values.output as string | undefined) ?? null;
  if (output === null) io.stdout(rendered);
  else {
    const path = resolveOutputFile(output, '--output', anyPath(io.cwd));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, rendered);
  }
  return report.verdict.status === 'fail' ? 1 : 0;
}
