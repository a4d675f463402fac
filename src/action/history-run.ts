import { releaseRecords } from '../history/history-file.js';
import type { HistoryRecord } from '../history/history-record.js';
import { singleLine } from '../render/single-line.js';
import { RECENT_RELEASES } from '../render/history-table.js';
import type { GateGitHub } from './github-client.js';
import { historyStore } from './history-store.js';
import type { GateInputs } from './inputs.js';
import type { ActionRuntime } from './runtime.js';

type HistoryInputs = Pick<GateInputs, 'history' | 'paths'>;

/**
 * The last releases of the drift history for the comment, or none. A history that cannot be read
 * (damaged, or the API failing) costs only this table: a warning says why, and the verdict stands.
 */
export async function recentReleases(inputs: HistoryInputs, runtime: ActionRuntime, github: GateGitHub): Promise<HistoryRecord[]> {
  if (inputs.history === null) return [];
  try {
    return releaseRecords(await historyStore(inputs.history, inputs.paths, github, runtime).read(), RECENT_RELEASES);
  } catch (error) {
    runtime.warning(singleLine(`The drift history was not read, so the comment shows no recent releases: ${(error as Error).message}`, 1000));
    return [];
  }
}

/** Appends this run's record when history-append asks for it; says whether it was added or already there (a rerun). */
export async function recordRun(inputs: HistoryInputs, runtime: ActionRuntime, github: GateGitHub, record: HistoryRecord): Promise<void> {
  if (inputs.history === null || !inputs.history.append) return;
  const result = await historyStore(inputs.history, inputs.paths, github, runtime).append(record);
  const where = inputs.history.branch === null ? inputs.history.path : `${inputs.history.path} on ${inputs.history.branch}`;
  runtime.info(result === 'appended' ? `Appended a ${record.kind} record to the history ${where}.` : `The history ${where} already holds this run; nothing appended.`);
}

/** The repository's page (`https://github.com/owner/repo`) for commit links, or `null` outside GitHub. */
export function repositoryUrl(runtime: ActionRuntime): string | null {
  const { serverUrl, repository } = runtime.env;
  return serverUrl && /^[\w.-]+\/[\w.-]+$/.test(repository) ? `${serverUrl}/${repository}` : null;
}
