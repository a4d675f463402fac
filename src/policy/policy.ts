import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BUMPS, type Bump } from '../classify/bump.js';
import { InputError } from '../core/errors.js';
import type { InlineLimits } from '../settings.js';
import { GATED_METRICS, GATED_METRIC_NAMES, type GatedMetricName } from './gated-metrics.js';

/** A warn and a fail limit for one metric; `null` turns that level off. */
export interface Limits {
  readonly warn: number | null;
  readonly fail: number | null;
}

/** The limits that apply when the final bump is one level. */
export interface LevelPolicy {
  readonly limits: Readonly<Partial<Record<GatedMetricName, Limits>>>;
  /** Fail unless new vectors can be searched against the old index (cross-model top-1 ≥ threshold). */
  readonly requireIndexCompatible: boolean;
}

/** What an under-declared bump does to the verdict. */
export type UnderDeclaredLevel = 'fail' | 'warn' | 'off';

/** The whole gate policy: one LevelPolicy per bump level. */
export interface Policy {
  readonly underDeclared: UnderDeclaredLevel;
  readonly levels: Readonly<Record<Bump, LevelPolicy>>;
}

/**
 * The default policy. Limits are floors for similarity metrics and ceilings for shift metrics;
 * the README explains each from measurements on the bundled example sets.
 */
export const DEFAULT_POLICY: Policy = {
  underDeclared: 'fail',
  levels: {
    none: {
      requireIndexCompatible: false,
      limits: {
        knnOverlapMean: { warn: 0.98, fail: 0.9 },
        ckaLinear: { warn: 0.999, fail: 0.99 },
      },
    },
    patch: {
      requireIndexCompatible: false,
      limits: {
        knnOverlapMean: { warn: 0.4, fail: 0.25 },
        ckaLinear: { warn: 0.9, fail: 0.8 },
        interCentroidDistanceChange: { warn: 0.1, fail: 0.25 },
      },
    },
    minor: {
      requireIndexCompatible: false,
      limits: {
        knnOverlapMean: { warn: 0.3, fail: 0.15 },
        ckaLinear: { warn: 0.6, fail: 0.4 },
      },
    },
    major: {
      requireIndexCompatible: false,
      limits: {
        knnOverlapMean: { warn: 0.1, fail: null },
        ckaLinear: { warn: 0.3, fail: null },
      },
    },
  },
};

const TOP_KEYS = ['underDeclared', 'policy'];

/**
 * Loads a config file (YAML or JSON) and merges it over DEFAULT_POLICY. Any unknown key, level or
 * metric is an error naming it (a typo must never switch a check off silently); `null` disables a
 * default limit.
 */
export function loadPolicy(path: string | null, file: string | null): Policy {
  if (path === null) return DEFAULT_POLICY;
  const name = file ?? path;
  const text = readFileSync(path, 'utf8');
  let data: unknown;
  const isJson = extname(path).toLowerCase() === '.json';
  try {
    data = isJson ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new InputError(`${name}: not valid ${isJson ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (data === null || data === undefined) return DEFAULT_POLICY;
  return mergePolicy(DEFAULT_POLICY, data, name);
}

/** Merges a parsed config object over a base policy, validating every key and value. */
export function mergePolicy(base: Policy, data: unknown, file: string): Policy {
  const root = expectObject(data, file, 'the config');
  unknownKeys(root, TOP_KEYS, file, 'top-level key');
  let underDeclared = base.underDeclared;
  if (root.underDeclared !== undefined) {
    if (root.underDeclared !== 'fail' && root.underDeclared !== 'warn' && root.underDeclared !== 'off') {
      throw new InputError(`${file}: underDeclared must be fail, warn or off, found ${JSON.stringify(root.underDeclared)}.`);
    }
    underDeclared = root.underDeclared;
  }
  const levels = { ...base.levels } as Record<Bump, LevelPolicy>;
  if (root.policy !== undefined) {
    const policy = expectObject(root.policy, file, 'policy');
    unknownKeys(policy, BUMPS, file, 'bump level under policy');
    for (const level of BUMPS) {
      if (policy[level] === undefined) continue;
      levels[level] = mergeLevel(levels[level], expectObject(policy[level], file, `policy.${level}`), file, `policy.${level}`);
    }
  }
  return { underDeclared, levels };
}

function mergeLevel(base: LevelPolicy, data: Record<string, unknown>, file: string, where: string): LevelPolicy {
  unknownKeys(data, [...GATED_METRIC_NAMES, 'requireIndexCompatible'], file, `key under ${where}`);
  let requireIndexCompatible = base.requireIndexCompatible;
  if (data.requireIndexCompatible !== undefined) {
    if (typeof data.requireIndexCompatible !== 'boolean') {
      throw new InputError(`${file}: ${where}.requireIndexCompatible must be true or false.`);
    }
    requireIndexCompatible = data.requireIndexCompatible;
  }
  const limits: Partial<Record<GatedMetricName, Limits>> = { ...base.limits };
  for (const metric of GATED_METRIC_NAMES) {
    if (!(metric in data)) continue;
    const value = data[metric];
    const path = `${where}.${metric}`;
    if (value === null) {
      delete limits[metric];
      continue;
    }
    const object = expectObject(value, file, path);
    unknownKeys(object, ['warn', 'fail'], file, `key under ${path}`);
    const merged: Limits = {
      warn: object.warn === undefined ? (limits[metric]?.warn ?? null) : limitValue(object.warn, file, `${path}.warn`),
      fail: object.fail === undefined ? (limits[metric]?.fail ?? null) : limitValue(object.fail, file, `${path}.fail`),
    };
    const direction = GATED_METRICS[metric].direction;
    if (merged.warn !== null && merged.fail !== null && (direction === 'min' ? merged.warn < merged.fail : merged.warn > merged.fail)) {
      throw new InputError(
        `${file}: ${path}: the warn limit ${merged.warn} is ${direction === 'min' ? 'below' : 'above'} the fail limit ${merged.fail}; for a ${direction === 'min' ? 'floor' : 'ceiling'} the warn limit must be reached first.`,
      );
    }
    limits[metric] = merged;
  }
  return { requireIndexCompatible, limits };
}

function limitValue(value: unknown, file: string, path: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InputError(`${file}: ${path} must be a number or null, found ${JSON.stringify(value)}.`);
  }
  return value;
}

function expectObject(value: unknown, file: string, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${file}: ${what} must be a mapping of keys to values.`);
  }
  return value as Record<string, unknown>;
}

function unknownKeys(object: Record<string, unknown>, allowed: readonly string[], file: string, what: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      throw new InputError(`${file}: unknown ${what} ${JSON.stringify(key)}; expected one of ${allowed.join(', ')}.`);
    }
  }
}

/**
 * Applies the inline limits (CLI options / action inputs) to every bump level: a fail floor for the
 * mean kNN overlap and for CKA (a warn limit stricter than it is kept, a looser one is raised to it),
 * and the index-compatibility requirement.
 */
export function applyInlineLimits(policy: Policy, inline: InlineLimits): Policy {
  const floor = (limits: Limits | undefined, fail: number | null): Limits | undefined => {
    if (fail === null) return limits;
    const warn = limits?.warn ?? null;
    return { warn: warn === null ? null : Math.max(warn, fail), fail };
  };
  const levels = {} as Record<Bump, LevelPolicy>;
  for (const level of BUMPS) {
    const current = policy.levels[level];
    const limits: Partial<Record<GatedMetricName, Limits>> = { ...current.limits };
    const overlap = floor(current.limits.knnOverlapMean, inline.minKnnOverlap);
    const cka = floor(current.limits.ckaLinear, inline.minCka);
    if (overlap) limits.knnOverlapMean = overlap;
    if (cka) limits.ckaLinear = cka;
    levels[level] = { limits, requireIndexCompatible: inline.requireIndexCompatible ?? current.requireIndexCompatible };
  }
  return { underDeclared: policy.underDeclared, levels };
}
