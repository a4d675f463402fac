import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError } from '../core/errors.js';

/** A directory paths may point into, with the name an error message gives it. */
export interface AllowedRoot {
  /** e.g. "the workspace", "the runner's temp folder". */
  readonly name: string;
  readonly path: string;
}

/** How user-given paths are resolved, and where they may point. */
export interface PathPolicy {
  /** Relative paths resolve against this directory (the CLI's working directory; GITHUB_WORKSPACE in the action). */
  readonly base: string;
  /**
   * Directories every input and output must lie under once symlinks are resolved, or `null` for
   * any path. The CLI reads and writes what it is given, like any command-line tool; the action
   * confines paths to the workspace and the runner's temp folder unless allow-outside-workspace.
   */
  readonly roots: readonly AllowedRoot[] | null;
}

/** Any path, relative ones against `base`: the CLI's rule. */
export function anyPath(base: string): PathPolicy {
  return { base, roots: null };
}

/** True when `target` is `root` or lies below it. */
function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Resolves a user-given input file against the base directory and checks that it exists, is a
 * file, and (after following symlinks) lies under an allowed root. `what` names the option.
 */
export function resolveInputFile(path: string, what: string, policy: PathPolicy): string {
  const absolute = resolve(policy.base, path);
  if (!existsSync(absolute)) {
    throw new InputError(`${what}: file not found: ${path} (resolved to ${absolute}); check the path and that an earlier step created it.`);
  }
  if (!statSync(absolute).isFile()) throw new InputError(`${what}: ${path} is not a file.`);
  checkInside(realpathSync(absolute), path, what, policy);
  return absolute;
}

/** Like resolveInputFile, but a folder is accepted too (a model folder as a manifest). */
export function resolveInputFileOrFolder(path: string, what: string, policy: PathPolicy): string {
  const absolute = resolve(policy.base, path);
  if (!existsSync(absolute)) {
    throw new InputError(`${what}: not found: ${path} (resolved to ${absolute}); check the path and that an earlier step created it.`);
  }
  checkInside(realpathSync(absolute), path, what, policy);
  return absolute;
}

/**
 * Resolves a path the tool will write (e.g. `--output`, report-path). Where it will really land is
 * checked: the nearest existing ancestor's real path (so `out/report.json` with `out` a symlink
 * elsewhere is seen for what it is) plus the rest, and the file itself when it is a symlink.
 */
export function resolveOutputFile(path: string, what: string, policy: PathPolicy): string {
  const absolute = resolve(policy.base, path);
  if (!existsSync(absolute) && isDanglingSymlink(absolute)) {
    throw new InputError(`${what}: ${path} is a symlink to a file that does not exist; remove it or write elsewhere.`);
  }
  checkInside(realLocation(absolute), path, what, policy);
  return absolute;
}

/** The real path `absolute` would be written to: symlinks resolved as far as the path exists. */
function realLocation(absolute: string): string {
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  return parent === absolute ? absolute : join(realLocation(parent), basename(absolute));
}

function isDanglingSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function checkInside(real: string, given: string, what: string, policy: PathPolicy): void {
  if (policy.roots === null) return;
  const roots = policy.roots.map((root) => ({ ...root, real: realLocation(resolve(root.path)) }));
  if (roots.some((root) => isInside(root.real, real))) return;
  const places = roots.map((root) => `${root.name} (${root.path})`).join(' or ');
  throw new InputError(`${what}: ${given} resolves to ${real}, outside ${places}; move it there, or set allow-outside-workspace: true if you mean it.`);
}
