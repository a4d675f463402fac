import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import picomatch from 'picomatch';
import { InputError } from '../core/errors.js';
import type { Report } from '../report/report.js';
import { loadPartialReports, mergePartialReports } from '../shard/partial-report.js';
import { inputName, type MergeInputs } from './inputs.js';
import { INPUT } from './names.js';
import type { ActionRuntime } from './runtime.js';

/** merge mode: expands the partial-report patterns and merges the shards into one report. */
export function mergeShards(inputs: MergeInputs, runtime: ActionRuntime): Report {
  const files = expandPatterns(inputs.partials, inputs.paths.base);
  if (files.length === 0) throw new InputError(`${inputName(INPUT.partials)}: no file matches ${inputs.partials.join(', ')}.`);
  runtime.info(`Merging ${files.length} partial reports: ${files.join(', ')}`);
  return mergePartialReports(loadPartialReports(files, inputName(INPUT.partials), inputs.paths));
}

/** Paths (sorted) matching each line: a literal path, or a glob walked from its fixed prefix; relative ones from the workspace. */
function expandPatterns(patterns: readonly string[], workspace: string): string[] {
  const found = new Set<string>();
  for (const pattern of patterns) {
    if (!/[*?[\]{}]/.test(pattern)) {
      found.add(pattern);
      continue;
    }
    const fixed = pattern.split('/').findIndex((part) => /[*?[\]{}]/.test(part));
    const root = pattern.split('/').slice(0, fixed).join('/');
    const matches = picomatch(pattern, { dot: true });
    const walk = (dir: string): void => {
      const absolute = resolve(workspace, dir || '.');
      if (!existsSync(absolute)) return;
      for (const entry of readdirSync(absolute, { withFileTypes: true })) {
        const relative = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(relative);
        else if (matches(relative)) found.add(relative);
      }
    };
    walk(root);
  }
  return [...found].sort();
}

