import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GateGitHub, IssueComment } from '../src/action/github-client.js';
import type { ActionRuntime, Annotation } from '../src/action/run-action.js';
import { actionYaml, exampleWorkspace, pullRequestEvent } from './action-harness.js';
import { tempDir } from './helpers.js';

/** A hand-written fake of the GitHub client: comments in memory, optional failure on writes. */
export class FakeClient implements GateGitHub {
  comments: IssueComment[] = [];
  files: string[] = [];
  writeError: Error | null = null;
  writes: string[] = [];
  private next = 1;
  async listPullRequestFiles() {
    return this.files;
  }
  async listComments() {
    return this.comments;
  }
  async createComment(_pr: number, body: string) {
    if (this.writeError) throw this.writeError;
    this.writes.push('create');
    this.comments.push({ id: this.next, body, author: 'github-actions[bot]' });
    return this.next++;
  }
  async updateComment(id: number, body: string) {
    if (this.writeError) throw this.writeError;
    this.writes.push(`update ${id}`);
    this.comments = this.comments.map((c) => (c.id === id ? { ...c, body } : c));
  }
  async readFileAt() {
    return null;
  }
  async commenterLogin() {
    return 'github-actions[bot]';
  }
  // Releases, tags and branch files are exercised end to end against the API fake (test/github-api-fake.ts).
  listOpenIssues = notServed;
  createIssue = notServed;
  updateIssue = notServed;
  listTags = notServed;
  tagCommit = notServed;
  createTag = notServed;
  releaseByTag = notServed;
  createRelease = notServed;
  uploadReleaseAsset = notServed;
  downloadReleaseAsset = notServed;
  readVersionedFile = notServed;
  listFolderAt = notServed;
  downloadFileAt = notServed;
  writeVersionedFile = notServed;
}

async function notServed(): Promise<never> {
  throw new Error('the in-process fake serves comments only; releases and branch files are tested against test/github-api-fake.ts');
}

export interface Recorded {
  uploads: Array<{ name: string; files: string[]; rootDirectory: string }>;
  inputsRead: Set<string>;
  outputs: Map<string, string>;
  failed: string[];
  warnings: Array<[string, Annotation | undefined]>;
  errors: Array<[string, Annotation | undefined]>;
  summaries: string[];
  secrets: string[];
}

export function fakeRuntime(inputs: Record<string, string>, client: FakeClient, workspace = exampleWorkspace(), options: { artifactUnavailable?: boolean } = {}): { runtime: ActionRuntime; recorded: Recorded } {
  const defaults = Object.fromEntries(Object.entries(actionYaml().inputs).map(([name, spec]) => [name, spec.default ?? '']));
  // The maps take seconds; tests that want the HTML report ask for it.
  const values: Record<string, string> = { ...defaults, 'github-token': 'secret-token', 'html-report': 'false', ...inputs };
  const recorded: Recorded = { uploads: [], inputsRead: new Set(), outputs: new Map(), failed: [], warnings: [], errors: [], summaries: [], secrets: [] };
  const temp = join(tempDir(), 'temp');
  mkdirSync(temp);
  const runtime: ActionRuntime = {
    getInput: (name) => {
      recorded.inputsRead.add(name);
      return values[name] ?? '';
    },
    setOutput: (name, value) => void recorded.outputs.set(name, value),
    setSecret: (secret) => void recorded.secrets.push(secret),
    setFailed: (message) => void recorded.failed.push(message),
    info: () => undefined,
    warning: (message, annotation) => void recorded.warnings.push([message, annotation]),
    error: (message, annotation) => void recorded.errors.push([message, annotation]),
    writeSummary: async (markdown) => void recorded.summaries.push(markdown),
    createGitHub: () => client,
    env: { workspace, runnerTemp: temp, eventName: 'pull_request', serverUrl: 'https://github.com', repository: 'o/r', runId: '1', sha: 'a'.repeat(40) },
    event: pullRequestEvent(),
    uploadArtifact: async (name, files, rootDirectory) => {
      if (options.artifactUnavailable) throw new Error('Unable to get the ACTIONS_RUNTIME_TOKEN env variable');
      recorded.uploads.push({ name, files: [...files], rootDirectory });
      return 77;
    },
  };
  return { runtime, recorded };
}

