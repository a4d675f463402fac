import type { GateGitHub } from './github-client.js';

/** Where an annotation points. */
export interface Annotation {
  readonly title?: string;
  readonly file?: string;
  readonly startLine?: number;
}

/** The runner and GitHub as the adapter sees them; index.ts wires the real ones, tests inject fakes. */
export interface ActionRuntime {
  readonly getInput: (name: string) => string;
  readonly setOutput: (name: string, value: string) => void;
  readonly setSecret: (secret: string) => void;
  readonly setFailed: (message: string) => void;
  readonly info: (message: string) => void;
  readonly warning: (message: string, annotation?: Annotation) => void;
  readonly error: (message: string, annotation?: Annotation) => void;
  readonly writeSummary: (markdown: string) => Promise<void>;
  readonly createGitHub: (token: string) => GateGitHub;
  readonly env: {
    readonly workspace: string;
    readonly runnerTemp: string;
    readonly eventName: string;
    readonly serverUrl: string;
    readonly repository: string;
    readonly runId: string;
    /** GITHUB_SHA: the commit the workflow runs on (the merge commit on a push to the default branch). */
    readonly sha: string;
  };
  /** The parsed webhook payload of the triggering event. */
  readonly event: unknown;
  /**
   * Uploads files as one workflow artifact and returns its id; throws when the runner offers no
   * artifact service (no ACTIONS_RUNTIME_TOKEN, e.g. a local run).
   */
  readonly uploadArtifact: (name: string, files: readonly string[], rootDirectory: string) => Promise<number>;
}

