import { UsageError } from '../core/errors.js';
import type { PathPolicy } from '../io/paths.js';
import { parseSettings, type Settings } from '../settings.js';
import type { MonitorSettings } from '../monitor.js';
import { parseMonitorSettings } from '../monitor-settings.js';
import { COMPARE_INPUTS, INPUT, MONITOR_INPUTS } from './names.js';
import {
  flagInput,
  readDriftBudget,
  readHistorySettings,
  readReleaseSettings,
  readReleaseSource,
  type DriftBudget,
  type HistorySettings,
  type ReleaseSettings,
  type ReleaseSource,
} from './release-inputs.js';

/** When the sticky comment is written. */
export const COMMENT_MODES = ['always', 'on-change', 'on-failure', 'never'] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];

/** Which verdicts fail the step. */
export const FAIL_ON = ['fail', 'warn', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Settings shared by both modes of the action. */
interface CommonInputs {
  readonly token: string;
  readonly comment: CommentMode;
  /** Identifies this gate's comment among several in one pull request. */
  readonly commentId: string;
  readonly failOn: FailOn;
  /** Explicit pull request number (comment-from-report), else the event's. */
  readonly prNumber: number | null;
  /** Paths resolve against the workspace and must stay in it or in RUNNER_TEMP, unless allow-outside-workspace. */
  readonly paths: PathPolicy;
  /** Write the HTML report (with maps) and upload it with the JSON report as a workflow artifact. */
  readonly htmlReport: boolean;
}

/** The gate mode: compare, report, comment. */
export interface GateInputs extends CommonInputs {
  readonly mode: 'gate';
  readonly compare: Settings;
  /** Globs of files whose change triggers the gate; empty: always run. */
  readonly modelPaths: readonly string[];
  readonly referenceManifestFromBase: boolean;
  /** Where the JSON report goes, or `null` for $RUNNER_TEMP. */
  readonly reportPath: string | null;
  /** `reference: release`: where the released reference comes from. */
  readonly releaseSource: ReleaseSource;
  /** The drift history to read (for the comment) and maybe append to, or `null`. */
  readonly history: HistorySettings | null;
  readonly driftBudget: DriftBudget;
}

/** The release mode: compare the merged candidate with the latest release, then tag and release it. */
export interface ReleaseInputs extends Omit<GateInputs, 'mode'> {
  readonly mode: 'release';
  readonly release: ReleaseSettings;
}

/** The comment-from-report mode: post the comment for a report made by an earlier run. */
export interface CommentFromReportInputs extends CommonInputs {
  readonly mode: 'comment-from-report';
  readonly report: string;
}

/** The merge mode: combine the partial reports of query shards, then report like the gate. */
export interface MergeInputs extends CommonInputs {
  readonly mode: 'merge';
  /** Paths or globs of the partial reports, relative to the workspace. */
  readonly partials: readonly string[];
  readonly reportPath: string | null;
}

/** The monitor mode: unpaired reference and current items, for a scheduled run. */
export interface MonitorInputs extends CommonInputs {
  readonly mode: 'monitor';
  readonly monitor: MonitorSettings;
  /** Open (or update) one issue, found by its hidden marker, when the run fails. */
  readonly openIssue: boolean;
  readonly reportPath: string | null;
}

export type ActionInputs = GateInputs | ReleaseInputs | MonitorInputs | MergeInputs | CommentFromReportInputs;

/** Reads one input by name; the action passes `core.getInput`. */
export type InputReader = (name: string) => string;

/** Names an input in an error message the way a workflow author sees it. */
export const inputName = (name: string): string => `input '${name}'`;

/**
 * Reads every action input once into a typed, validated settings object. Enums are checked and
 * a bad value is an error naming the input; nothing falls back to a default silently.
 */
export function readActionInputs(read: InputReader, env: { readonly workspace: string; readonly runnerTemp: string }): ActionInputs {
  const get = (name: string): string => read(name).trim();
  const choice = <T extends string>(name: string, allowed: readonly T[]): T => {
    const value = get(name);
    if (!(allowed as readonly string[]).includes(value)) {
      throw new UsageError(`${inputName(name)} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}.`);
    }
    return value as T;
  };
  const prText = get(INPUT.prNumber);
  if (prText !== '' && !/^[1-9]\d*$/.test(prText)) {
    throw new UsageError(`${inputName(INPUT.prNumber)} must be a pull request number, got ${JSON.stringify(prText)}.`);
  }
  const commentId = get(INPUT.commentId);
  if (!/^[\w.-]{1,64}$/.test(commentId)) {
    throw new UsageError(`${inputName(INPUT.commentId)} must be 1–64 letters, digits, '.', '_' or '-', got ${JSON.stringify(commentId)}.`);
  }
  const allow = get(INPUT.allowOutsideWorkspace);
  if (allow !== 'true' && allow !== 'false' && allow !== '') {
    throw new UsageError(`${inputName(INPUT.allowOutsideWorkspace)} must be true or false, got ${JSON.stringify(allow)}.`);
  }
  const common: CommonInputs = {
    htmlReport: flagInput(get, INPUT.htmlReport, inputName),
    paths: {
      base: env.workspace,
      roots:
        allow === 'true'
          ? null
          : [
              { name: 'the workspace', path: env.workspace },
              { name: "the runner's temp folder", path: env.runnerTemp },
            ],
    },
    token: get(INPUT.githubToken),
    comment: choice(INPUT.comment, COMMENT_MODES),
    commentId,
    failOn: choice(INPUT.failOn, FAIL_ON),
    prNumber: prText === '' ? null : Number(prText),
  };
  const mode = choice(INPUT.mode, ['gate', 'release', 'monitor', 'merge', 'comment-from-report'] as const);
  const lines = (name: string) =>
    get(name)
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !line.startsWith('#'));
  const reportPath = get(INPUT.reportPath);
  if (mode === 'merge') {
    const partials = lines(INPUT.partials);
    if (partials.length === 0) throw new UsageError(`${inputName(INPUT.partials)} is required in merge mode: the partial reports, one path or glob per line.`);
    return { ...common, mode, partials, reportPath: reportPath === '' ? null : reportPath };
  }
  if (mode === 'monitor') {
    const raw: Record<string, string> = {};
    for (const name of MONITOR_INPUTS) raw[name] = get(name);
    const openIssue = flagInput(get, INPUT.openIssue, inputName);
    return { ...common, mode, monitor: parseMonitorSettings(raw, inputName, common.paths), openIssue, reportPath: reportPath === '' ? null : reportPath };
  }
  if (mode === 'comment-from-report') {
    const report = get(INPUT.report);
    if (report === '') throw new UsageError(`${inputName(INPUT.report)} is required in comment-from-report mode: the JSON report of the gate run.`);
    return { ...common, mode, report };
  }
  const raw: Record<string, string> = {};
  for (const name of COMPARE_INPUTS) raw[name] = get(name);
  const releaseSource = readReleaseSource(get, inputName, mode === 'release');
  // A released reference is downloaded before the comparison, which then reads it from RUNNER_TEMP.
  if (releaseSource.reference) raw[INPUT.reference] = 'release';
  if (releaseSource.manifest) raw[INPUT.referenceManifest] = '';
  const referenceManifestFrom = choice(INPUT.referenceManifestFrom, ['base', 'none'] as const);
  const gateInputs = {
    ...common,
    compare: { ...parseSettings(raw, inputName, common.paths), maps: common.htmlReport },
    modelPaths: lines(INPUT.modelPaths),
    referenceManifestFromBase: referenceManifestFrom === 'base' && mode === 'gate',
    reportPath: reportPath === '' ? null : reportPath,
    releaseSource,
    history: readHistorySettings(get, inputName, mode === 'release'),
    driftBudget: readDriftBudget(get, inputName),
  };
  if (mode === 'release') return { ...gateInputs, mode, release: readReleaseSettings(get, inputName) };
  return { ...gateInputs, mode };
}
