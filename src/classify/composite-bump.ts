import { highestBump, type Bump } from './bump.js';
import type { SectionChange } from './classify-bump.js';
import { deepDiff } from './deep-diff.js';
import { MANIFEST_SECTIONS, type Manifest, type ManifestComponent } from './manifest.js';

/** One component's bump, as the report lists it. */
export interface ComponentBump {
  readonly name: string;
  /** Its slice in the candidate (the reference's for a removed component), or `null`. */
  readonly dims: readonly [number, number] | null;
  readonly status: 'kept' | 'added' | 'removed';
  /** From its own sections: architecture → major, extraction → minor, training → patch; added or removed → major. */
  readonly bump: Bump;
  readonly changes: readonly SectionChange[];
}

/** The bump of a composite embedding from its manifests, with the reasons and changes behind it. */
export interface CompositeBump {
  readonly bump: Bump;
  readonly components: readonly ComponentBump[];
  readonly changes: readonly SectionChange[];
  readonly reasons: readonly string[];
}

/**
 * Classifies a composite change: each component by its own sections; adding or removing a
 * component, changing the combination method or the slices' layout → major; changing the
 * combination's parameters (e.g. weights) → minor. The composite's bump is the highest of all.
 * `null` when neither manifest has components.
 */
export function compositeBump(reference: Manifest, candidate: Manifest, bound: (value: unknown) => unknown = (value) => value): CompositeBump | null {
  const refParts = reference.components ?? null;
  const candParts = candidate.components ?? null;
  if (refParts === null && candParts === null) return null;
  const reasons: string[] = [];
  const changes: SectionChange[] = [];
  const bumps: Bump[] = [];
  if (refParts === null || candParts === null) {
    reasons.push(`components: the ${refParts === null ? 'candidate' : 'reference'} is a composite embedding and the other is not → major`);
    changes.push({ section: 'architecture', path: 'components', reference: bound(refParts?.map((c) => c.name)), candidate: bound(candParts?.map((c) => c.name)) });
    return { bump: 'major', components: [], changes, reasons };
  }
  const components: ComponentBump[] = [];
  const byName = new Map(refParts.map((component) => [component.name, component]));
  for (const part of candParts) {
    const before = byName.get(part.name);
    if (!before) {
      components.push({ name: part.name, dims: part.dims, status: 'added', bump: 'major', changes: [] });
      reasons.push(`components: ${part.name} added → major`);
      changes.push({ section: 'architecture', path: `components.${part.name}`, reference: undefined, candidate: bound(part.dims) });
      bumps.push('major');
      continue;
    }
    const own = componentChanges(before, part, bound);
    const bump = bumpOfSections(own);
    let layout: Bump = 'none';
    if (JSON.stringify(before.dims) !== JSON.stringify(part.dims)) {
      layout = 'major';
      own.push({ section: 'architecture', path: `components.${part.name}.dims`, reference: bound(before.dims), candidate: bound(part.dims) });
      reasons.push(`components: ${part.name}'s slice moved ${JSON.stringify(before.dims)} → ${JSON.stringify(part.dims)} → major`);
    }
    const total = highestBump(bump, layout);
    components.push({ name: part.name, dims: part.dims, status: 'kept', bump: total, changes: own });
    if (bump !== 'none') reasons.push(`components: ${part.name} → ${bump} (${own.slice(0, 2).map((change) => change.path).join(', ')})`);
    changes.push(...own);
    bumps.push(total);
  }
  const kept = new Set(candParts.map((component) => component.name));
  for (const part of refParts.filter((component) => !kept.has(component.name))) {
    components.push({ name: part.name, dims: part.dims, status: 'removed', bump: 'major', changes: [] });
    reasons.push(`components: ${part.name} removed → major`);
    changes.push({ section: 'architecture', path: `components.${part.name}`, reference: bound(part.dims), candidate: undefined });
    bumps.push('major');
  }
  const refCombination = reference.combination ?? {};
  const candCombination = candidate.combination ?? {};
  if (refCombination.method !== candCombination.method) {
    reasons.push(`combination: method ${JSON.stringify(refCombination.method)} → ${JSON.stringify(candCombination.method)} → major`);
    changes.push({ section: 'architecture', path: 'combination.method', reference: bound(refCombination.method), candidate: bound(candCombination.method) });
    bumps.push('major');
  }
  const { method: _a, ...refParams } = refCombination;
  const { method: _b, ...candParams } = candCombination;
  const paramChanges = deepDiff(refParams, candParams);
  if (paramChanges.length > 0) {
    reasons.push(`combination: ${paramChanges.slice(0, 2).map((change) => `${change.path} ${JSON.stringify(change.reference) ?? '(absent)'} → ${JSON.stringify(change.candidate) ?? '(absent)'}`).join('; ')} → minor`);
    changes.push(...paramChanges.map((change): SectionChange => ({ section: 'extraction', path: `combination.${change.path}`, reference: bound(change.reference), candidate: bound(change.candidate) })));
    bumps.push('minor');
  }
  return { bump: highestBump(...bumps), components, changes, reasons };
}

function componentChanges(reference: ManifestComponent, candidate: ManifestComponent, bound: (value: unknown) => unknown): SectionChange[] {
  const changes: SectionChange[] = [];
  for (const section of MANIFEST_SECTIONS) {
    for (const change of deepDiff(reference.sections[section], candidate.sections[section])) {
      const key = change.path ? `${section}.${change.path}` : section;
      const file = originOf(candidate.origins, key) ?? originOf(reference.origins, key);
      changes.push({ section, path: `components.${candidate.name}.${key}`, ...(file ? { file } : {}), reference: bound(change.reference), candidate: bound(change.candidate) });
    }
  }
  return changes;
}

function bumpOfSections(changes: readonly SectionChange[]): Bump {
  const sections = new Set(changes.map((change) => change.section));
  return sections.has('architecture') ? 'major' : sections.has('extraction') ? 'minor' : sections.has('training') ? 'patch' : 'none';
}

/** The file a setting came from: the origin of the longest `section.key…` prefix of its path. */
export function originOf(origins: Readonly<Record<string, string>> | undefined, path: string): string | null {
  if (!origins) return null;
  let best: string | null = null;
  for (const key of Object.keys(origins)) {
    if ((path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`)) && (best === null || key.length > best.length)) best = key;
  }
  return best === null ? null : (origins[best] ?? null);
}
