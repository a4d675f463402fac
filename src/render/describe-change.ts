import type { SectionChange } from '../classify/classify-bump.js';

/** Changes a report lists before pointing at the JSON report for the rest. */
export const MAX_CHANGES = 20;

/** A value of a change for people: JSON, cut to 60 characters; `(absent)` for a missing key. */
function shown(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/**
 * One manifest change as a sentence, e.g. `extraction: pooling.mode "mean" → "cls" (st/1_Pooling/config.json)`:
 * the section, the setting's path within it, both values, and the file for a model folder.
 * Plain text; the renderers escape it.
 */
export function describeChange(change: SectionChange): string {
  const path = change.path.startsWith(`${change.section}.`) ? change.path.slice(change.section.length + 1) : change.path;
  return `${change.section}: ${path} ${shown(change.reference)} → ${shown(change.candidate)}${change.file ? ` (${change.file})` : ''}`;
}
