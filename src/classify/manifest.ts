import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import semver from 'semver';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../core/errors.js';

/** The sections of a model manifest whose changes decide the bump. */
export const MANIFEST_SECTIONS = ['architecture', 'extraction', 'training'] as const;
export type ManifestSection = (typeof MANIFEST_SECTIONS)[number];

/** A model manifest: `{name, version, architecture, extraction, training}`, free-form inside each section. */
export interface Manifest {
  readonly file: string;
  readonly name: string | null;
  readonly version: string | null;
  readonly sections: Readonly<Record<ManifestSection, unknown>>;
  /** For a manifest derived from a model folder: the file each setting came from, by `section.key`. */
  readonly origins?: Readonly<Record<string, string>>;
  /** A composite embedding's parts, each with its own sections (or a model folder), or `null`. */
  readonly components?: readonly ManifestComponent[] | null;
  /** How the components' vectors are combined: `method` and its parameters, or `null`. */
  readonly combination?: Readonly<Record<string, unknown>> | null;
}

/** One part of a composite embedding. */
export interface ManifestComponent {
  readonly name: string;
  /** Its slice [start, end) of the final vector, or `null` when not given. */
  readonly dims: readonly [number, number] | null;
  readonly sections: Readonly<Record<ManifestSection, unknown>>;
  /** A model folder to derive the sections from (relative to the manifest), resolved when the manifest is loaded. */
  readonly model: string | null;
  readonly origins?: Readonly<Record<string, string>>;
}

/** Loads a manifest file; see parseManifest. */
export function loadManifest(path: string, file: string): Manifest {
  return parseManifest(readFileSync(path, 'utf8'), file);
}

/**
 * Parses a manifest from JSON (a `file` name ending in `.json`) or YAML (`.yaml`, `.yml`, anything
 * else), checking that it is an object, that `version` (if any) is a valid semantic version, and
 * that each section is an object when present.
 */
export function parseManifest(text: string, file: string): Manifest {
  let data: unknown;
  const isJson = extname(file).toLowerCase() === '.json';
  try {
    data = isJson ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    throw new InputError(`${file}: not valid ${isJson ? 'JSON' : 'YAML'}: ${message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(`${file}: a manifest must be an object with name, version, architecture, extraction and training.`);
  }
  const object = data as Record<string, unknown>;
  const version = object.version;
  if (version !== undefined && (typeof version !== 'string' || semver.valid(version) === null)) {
    throw new InputError(`${file}: version ${JSON.stringify(version)} is not a semantic version such as "1.4.2".`);
  }
  const sections = {} as Record<ManifestSection, unknown>;
  for (const section of MANIFEST_SECTIONS) {
    const value = object[section];
    if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw new InputError(`${file}: ${section} must be an object of settings, found ${JSON.stringify(value)}.`);
    }
    sections[section] = value;
  }
  const components = parseComponents(object.components, file);
  const combination = object.combination;
  if (combination !== undefined && (combination === null || typeof combination !== 'object' || Array.isArray(combination) || typeof (combination as { method?: unknown }).method !== 'string')) {
    throw new InputError(`${file}: combination must be an object with a method (e.g. concat, weighted-concat, sum, projection) and its parameters.`);
  }
  if (MANIFEST_SECTIONS.every((section) => sections[section] === undefined) && version === undefined && components === null) {
    throw new InputError(`${file}: the manifest has none of version, architecture, extraction, training, components; nothing to compare.`);
  }
  return {
    file,
    name: typeof object.name === 'string' ? object.name : null,
    version: typeof version === 'string' ? version : null,
    sections,
    components,
    combination: (combination as Record<string, unknown> | undefined) ?? null,
  };
}

/** Parses `components`: a list of named parts, each with `dims: [start, end)` and its sections or `model: <folder>`. */
function parseComponents(value: unknown, file: string): ManifestComponent[] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value) || value.length === 0) throw new InputError(`${file}: components must be a non-empty list of {name, dims, architecture/extraction/training or model}.`);
  const names = new Set<string>();
  return value.map((entry, index) => {
    const component = (entry ?? {}) as Record<string, unknown>;
    const name = component.name;
    if (typeof name !== 'string' || name === '' || names.has(name)) throw new InputError(`${file}: component ${index + 1} needs a unique name, found ${JSON.stringify(name)}.`);
    names.add(name);
    const dims = component.dims;
    if (dims !== undefined && !(Array.isArray(dims) && dims.length === 2 && dims.every((d) => Number.isInteger(d) && d >= 0) && dims[0] < dims[1])) {
      throw new InputError(`${file}: component ${name}: dims must be [start, end) with whole numbers 0 ≤ start < end, found ${JSON.stringify(dims)}.`);
    }
    const model = component.model;
    if (model !== undefined && typeof model !== 'string') throw new InputError(`${file}: component ${name}: model must be the path of a model folder.`);
    const sections = {} as Record<ManifestSection, unknown>;
    for (const section of MANIFEST_SECTIONS) {
      const part = component[section];
      if (part !== undefined && (part === null || typeof part !== 'object' || Array.isArray(part))) throw new InputError(`${file}: component ${name}: ${section} must be an object of settings.`);
      sections[section] = part;
    }
    return { name, dims: dims === undefined ? null : [dims[0], dims[1]] as const, sections, model: model ?? null };
  });
}
