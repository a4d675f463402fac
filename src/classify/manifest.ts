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
  if (MANIFEST_SECTIONS.every((section) => sections[section] === undefined) && version === undefined) {
    throw new InputError(`${file}: the manifest has none of version, architecture, extraction, training; nothing to compare.`);
  }
  return {
    file,
    name: typeof object.name === 'string' ? object.name : null,
    version: typeof version === 'string' ? version : null,
    sections,
  };
}
