import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { compareWithBaselines } from '../calibrate.js';
import type { Logger } from '../compare.js';
import { InputError, UsageError } from '../core/errors.js';
import { anyPath, resolveInputFile, resolveOutputFile } from '../io/paths.js';
import { loadReport } from '../report/load-report.js';
import { buildPartialReport, loadPartialReports, mergePartialReports } from '../shard/partial-report.js';
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderText } from '../render/text.js';
import { renderHtml } from '../render/html/html.js';
import type { Report } from '../report/report.js';
import { OUTPUT_FORMATS, parseSettings, SETTING_OPTIONS, type OutputFormat } from '../settings.js';
import { progressPrinter } from '../progress.js';
import { CALIBRATE_USAGE, runCalibrate } from './run-calibrate.js';
import { HISTORY_USAGE, runHistory } from './run-history.js';
import { MONITOR_CLI_OPTIONS, runMonitor } from './run-monitor.js';
import { TOOL_VERSION } from '../version.js';

/** The process pieces the CLI touches, injected so tests can run it in-process too. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** True when stderr is a terminal: progress is drawn as a bar instead of log lines. */
  readonly stderrIsTTY?: boolean;
}

/** merge combines the partial reports of compare --query-shard 1/n … n/n (run anywhere, e.g. in a
CI matrix) into the report one unsharded run gives.

Exit codes: 0 pass or warn, 1 the gate failed, 2 usage or input error. */
export const EXIT = { ok: 0, gateFailed: 1, badInput: 2 } as const;

const BOOLEAN_OPTIONS = new Set<string>();

/** Options of earlier versions, with what replaces them. */
const REMOVED_OPTIONS: Record<string, string> = {
  workspace: 'paths are read as given, relative ones from the current directory',
  'allow-outside-workspace': 'the CLI reads and writes any path it is given',
};

/** The usage text of `embedding-gate --help`. */
export function usage(): string {
  const width = Math.max(...Object.keys(SETTING_OPTIONS).map((name) => name.length)) + 4;
  const options = Object.entries(SETTING_OPTIONS)
    .map(([name, help]) => `  --${`${name}${BOOLEAN_OPTIONS.has(name) ? '' : ' X'}`.padEnd(width)} ${help}`)
    .join('\n');
  return `embedding-gate ${TOOL_VERSION}: is the new embedding space compatible with the old one, how far did it move, and what version does it deserve?

Usage:
  embedding-gate compare --reference REF --candidate CAND [options]
  embedding-gate merge PARTIAL.json... [--format text|json|markdown|html] [--output FILE]
  embedding-gate render REPORT.json [--format text|json|markdown|html] [--output FILE]
${HISTORY_USAGE}
${CALIBRATE_USAGE}
  embedding-gate monitor --reference RELEASE_SAMPLE --current CURRENT [options]   (see monitor --help)
  embedding-gate --help | --version

Options of compare:
${options}

Options of monitor:
${Object.entries(MONITOR_CLI_OPTIONS).map(([name, help]) => `  --${`${name} X`.padEnd(width)} ${help}`).join('\n')}

Paths: the CLI reads and writes the paths it is given, like any command-line tool; relative
paths are relative to the current directory.

Exit codes: 0 pass or warn, 1 the gate failed, 2 usage or input error.
The report goes to stdout (or --output); progress and warnings go to stderr.
`;
}

/** Runs the CLI with the given arguments (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout(usage());
      return command === undefined ? EXIT.badInput : EXIT.ok;
    }
    if (command === '--version' || command === '-v') {
      io.stdout(`${TOOL_VERSION}\n`);
      return EXIT.ok;
    }
    if (!['compare', 'merge', 'render', 'history', 'monitor', 'calibrate'].includes(command)) throw new UsageError(`unknown command ${JSON.stringify(command)}; the commands are compare, merge, render, history, monitor and calibrate (see --help).`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(usage());
      return EXIT.ok;
    }
    if (command === 'render') return runRender(rest, io);
    if (command === 'history') return runHistory(rest, io);
    if (command === 'monitor') return await runMonitor(rest, io);
    if (command === 'calibrate') return await runCalibrate(rest, io);
    return command === 'merge' ? await runMerge(rest, io) : await runCompare(rest, io);
  } catch (error) {
    return reportError(error, io);
  }
}

async function runCompare(args: readonly string[], io: CliIo): Promise<number> {
  const options = Object.fromEntries(
    Object.keys(SETTING_OPTIONS).map((name) => [name, BOOLEAN_OPTIONS.has(name) ? ({ type: 'boolean' } as const) : name === 'baseline' ? ({ type: 'string', multiple: true } as const) : ({ type: 'string' } as const)]),
  );
  let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  try {
    ({ values } = parseArgs({ args: [...args], options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw usageErrorOf(error, 'compare --help');
  }
  const settings = parseSettings(values, undefined, anyPath(io.cwd));
  const log: Logger = {
    info: (message) => io.stderr(`embedding-gate: ${message}\n`),
    warn: (message) => io.stderr(`embedding-gate: warning: ${message}\n`),
    progress: progressPrinter({ write: io.stderr, interactive: io.stderrIsTTY ?? false }),
  };
  const outputPath = settings.output === null ? null : resolveOutputFile(settings.output, '--output', settings.paths);
  if (settings.queryShard !== null && values.format !== undefined && settings.outputFormat !== 'json') {
    throw new UsageError('--query-shard writes a partial JSON report for embedding-gate merge; --format must be json (or left out).');
  }
  const result = await compareWithBaselines(settings, log);
  if (settings.queryShard !== null) {
    const partial = buildPartialReport(result);
    emit(`${JSON.stringify(partial)}\n`, outputPath, settings.output, io);
    io.stderr(`embedding-gate: shard ${partial.shard.index}/${partial.shard.count} done (${partial.items.shared.length} of ${partial.totalQueries} queries)${settings.output ? `; partial report written to ${settings.output}` : ''}\n`);
    if (settings.html !== null) io.stderr(`embedding-gate: --html: a query shard writes no page, but its partial report carries the maps; write the page with embedding-gate merge … --format html\n`);
    return EXIT.ok;
  }
  const report = result.report;
  emit(render(report, settings.outputFormat), outputPath, settings.output, io);
  if (settings.html !== null) {
    const htmlPath = resolveOutputFile(settings.html, '--html', settings.paths);
    writeOutput(renderHtml(report), htmlPath, settings.html, '--html');
    io.stderr(`embedding-gate: HTML report written to ${settings.html}\n`);
  }
  if (outputPath !== null) io.stderr(`embedding-gate: ${report.verdict.status.toUpperCase()}: ${report.bump.final} change; report written to ${settings.output}\n`);
  return report.verdict.status === 'fail' ? EXIT.gateFailed : EXIT.ok;
}

/** Writes a rendered report to stdout or to the output file. */
function emit(text: string, outputPath: string | null, given: string | null, io: CliIo): void {
  if (outputPath === null) io.stdout(text);
  else writeOutput(text, outputPath, given ?? outputPath, '--output');
}

/** Writes a file the user asked for, creating its folder; a failure is an input error naming the option. */
function writeOutput(text: string, path: string, given: string, option: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (error) {
    throw new InputError(`${option}: cannot write ${given}: ${(error as Error).message}`);
  }
}

/** The options of merge and render: files as positionals, then where the report goes and in which format. */
const REPORT_FILE_OPTIONS = {
  format: { type: 'string' },
  output: { type: 'string' },
} as const;

/** Parses the arguments of a command that reads report files: the files, the output format and path. */
function reportFileArgs(args: readonly string[], io: CliIo): { files: string[]; format: OutputFormat; output: string | null; outputPath: string | null } {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options: REPORT_FILE_OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw usageErrorOf(error, '--help');
  }
  const { values, positionals } = parsed;
  const format = (values.format ?? 'text') as string;
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, got ${JSON.stringify(format)}.`);
  const output = (values.output as string | undefined) ?? null;
  return { files: positionals, format: format as OutputFormat, output, outputPath: output === null ? null : resolveOutputFile(output, '--output', anyPath(io.cwd)) };
}

async function runMerge(args: readonly string[], io: CliIo): Promise<number> {
  const { files, format, output, outputPath } = reportFileArgs(args, io);
  if (files.length === 0) throw new UsageError('merge needs the partial reports: embedding-gate merge partial-1.json partial-2.json …');
  const partials = loadPartialReports(files, 'merge', anyPath(io.cwd));
  const report = mergePartialReports(partials);
  emit(render(report, format), outputPath, output, io);
  io.stderr(`embedding-gate: merged ${partials.length} shards: ${report.verdict.status.toUpperCase()}, ${report.bump.final} change\n`);
  return report.verdict.status === 'fail' ? EXIT.gateFailed : EXIT.ok;
}

/** parseArgs' error as a usage error; an option of earlier versions says what replaced it. */
function usageErrorOf(error: unknown, help: string): UsageError {
  const message = (error as Error).message;
  const removed = Object.keys(REMOVED_OPTIONS).find((name) => message.includes(`'--${name}'`));
  if (removed) return new UsageError(`--${removed} is gone: ${REMOVED_OPTIONS[removed]}. Drop it from the command.`);
  return new UsageError(`${message.replace(/\. To specify.*$/s, '')} (see embedding-gate ${help}).`);
}

/** render: a JSON report (validated against its schema, since it may come from elsewhere) in another format. */
function runRender(args: readonly string[], io: CliIo): number {
  const { files, format, output, outputPath } = reportFileArgs(args, io);
  if (files.length !== 1) throw new UsageError('render needs one JSON report: embedding-gate render report.json --format html --output report.html');
  const file = files[0]!;
  const report = loadReport(resolveInputFile(file, 'render', anyPath(io.cwd)), file);
  emit(render(report, format), outputPath, output, io);
  return EXIT.ok;
}

/** Renders a report in the requested format. */
export function render(report: Report, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'text':
      return renderText(report);
    case 'html':
      return renderHtml(report);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof UsageError || error instanceof InputError) {
    io.stderr(`embedding-gate: error: ${error.message}\n`);
    return EXIT.badInput;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`embedding-gate: internal error: ${message}\nThis is a bug in embedding-gate; please report it with the command you ran.\n`);
  if (process.env.EMBEDDING_GATE_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return EXIT.badInput;
}
