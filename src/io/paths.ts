import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { InputError } from '../core/errors.js';

/** Where user-given paths are allowed to point. */
export interface PathPolicy {
  /** The workspace root (the CLI's working directory or `--workspace`; `GITHUB_WORKSPACE` in the action). */
  readonly workspace: string;
  /** True when the user explicitly allowed paths outside the workspace. */
  readonly allowOutsideWorkspace: boolean;
}

/** True when `target` is `root` or lies below it. */
function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Resolves a user-given input file against the workspace and checks that it exists, is a file, and
 * (after following symlinks) does not escape the workspace unless allowed. `what` names the option.
 */
export function resolveInputFile(path: string, what: string, policy: PathPolicy): string {
  const absolute = resolve(policy.workspace, path);
  if (!existsSync(absolute)) {
    throw new InputError(`${what}: file not found: ${path} (resolved to ${absolute}); check the path and that an earlier step created it.`);
  }
  if (!statSync(absolute).isFile()) throw new InputError(`${what}: ${path} is not a file.`);
  checkInside(realpathSync(absolute), path, what, policy);
  return absolute;
}

/** Resolves a path the tool will write (e.g. `--output`), applying the same workspace rule. */
export function resolveOutputFile(path: string, what: string, policy: PathPolicy): string {
  const absolute = resolve(policy.workspace, path);
  checkInside(absolute, path, what, policy);
  return absolute;
}

function checkInside(absolute: string, given: string, what: string, policy: PathPolicy): void {
  if (policy.allowOutsideWorkspace) return;
  const root = existsSync(policy.workspace) ? realpathSync(policy.workspace) : resolve(policy.workspace);
  if (!isInside(root, absolute)) {
    throw new InputError(
      `${what}: ${given} is outside the workspace ${root}; move it inside, or set allow-outside-workspace if you mean it.`,
    );
  }
}
