import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../core/errors.js';
import { appendHistory, parseHistory } from '../history/history-file.js';
import type { HistoryRecord } from '../history/history-record.js';
import { resolveOutputFile, type PathPolicy } from '../io/paths.js';
import { describeGitHubError, type GateGitHub } from './github-client.js';
import { inputName } from './inputs.js';
import { INPUT } from './names.js';
import type { HistorySettings } from './release-inputs.js';
import type { ActionRuntime } from './runtime.js';

/** Attempts at appending to a history on a branch when concurrent runs keep changing it. */
export const HISTORY_WRITE_ATTEMPTS = 6;

/** The drift history the action reads and appends to: a workspace file, or a file on a branch. */
export interface HistoryStore {
  /** Every record, validated; an empty list when the file does not exist yet. */
  read(): Promise<HistoryRecord[]>;
  /** Appends the record unless the history already holds it (a rerun): `appended` or `present`. */
  append(record: HistoryRecord): Promise<'appended' | 'present'>;
}

/** The store of `history` (and `history-branch`). */
export function historyStore(settings: HistorySettings, paths: PathPolicy, github: GateGitHub, runtime: ActionRuntime): HistoryStore {
  return settings.branch === null ? workspaceHistory(settings.path, paths) : branchHistory(settings.path, settings.branch, github, runtime);
}

function workspaceHistory(file: string, paths: PathPolicy): HistoryStore {
  const path = () => resolveOutputFile(file, inputName(INPUT.history), paths);
  const text = () => (existsSync(path()) ? readFileSync(path(), 'utf8') : '');
  return {
    async read() {
      return parseHistory(text(), file);
    },
    async append(record) {
      const updated = appendHistory(text(), file, record);
      if (updated === null) return 'present';
      mkdirSync(dirname(path()), { recursive: true });
      writeFileSync(path(), updated);
      return 'appended';
    },
  };
}

/**
 * A history file on a branch, through the contents API. An append reads the file and its blob
 * sha, appends, and writes with that sha; when another run wrote in between (409, or 422 for a
 * file created meanwhile) it reads again and retries, so concurrent runs never lose a record.
 */
function branchHistory(file: string, branch: string, github: GateGitHub, runtime: ActionRuntime): HistoryStore {
  const display = `${file} on the branch ${branch}`;
  const read = async () => {
    try {
      return await github.readVersionedFile(file, branch);
    } catch (error) {
      throw new InputError(`could not read the history ${display}: ${describeGitHubError(error)}.`);
    }
  };
  return {
    async read() {
      return parseHistory((await read())?.text ?? '', display);
    },
    async append(record) {
      for (let attempt = 1; attempt <= HISTORY_WRITE_ATTEMPTS; attempt++) {
        const current = await read();
        const updated = appendHistory(current?.text ?? '', display, record);
        if (updated === null) return 'present';
        const message = `embedding-gate: ${record.kind} ${record.version ?? record.commit?.slice(0, 7) ?? ''}`.trim();
        let result: 'written' | 'conflict';
        try {
          result = await github.writeVersionedFile(file, branch, updated, current?.sha ?? null, message);
        } catch (error) {
          if ((error as { status?: number }).status === 404) {
            throw new InputError(
              `the history branch ${branch} does not exist. Create it once, e.g. git switch --orphan ${branch} && git commit --allow-empty -m "embedding history" && git push origin ${branch}, then rerun.`,
            );
          }
          throw new InputError(`could not write the history ${display}: ${describeGitHubError(error)}. The token needs contents: write.`);
        }
        if (result === 'written') return 'appended';
        runtime.info(`The history ${display} changed meanwhile (a concurrent run); reading it again (attempt ${attempt + 1} of ${HISTORY_WRITE_ATTEMPTS}).`);
      }
      throw new InputError(`the history ${display} kept changing under ${HISTORY_WRITE_ATTEMPTS} attempts to append; rerun the job.`);
    },
  };
}
