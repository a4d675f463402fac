import { BUMPS, isBump, type Bump } from './classify/bump.js';
import { anyPath, type PathPolicy } from './io/paths.js';
import { UsageError } from './core/errors.js';
import { FORMAT_NAMES, formatNamed, type InputFormat } from './io/read-embedding-set.js';
import { KERNELS, type KernelChoice } from './kernels/wasm-kernel.js';

/** Query items sampled when the probe set exceeds the exact limit and no sample size is given. */
export const DEFAULT_SAMPLE = 5_000;

/** Shard `index` (1-based) of `count`: a contiguous slice of the query items. */
export interface QueryShard {
  readonly index: number;
  readonly count: number;
}

/** Report formats the CLI can write. */
export const OUTPUT_FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Where one side's vectors, ids and manifest come from. */
export interface SideSettings {
  /** Vectors file, relative to the workspace or absolute. */
  readonly path: string;
  /** Forced input format, or `null` to use the extension. */
  readonly format: InputFormat | null;
  /** Ids file for `.npy` (one per line or a JSON array), or `null` for the sidecar / row index. */
  readonly ids: string | null;
  /** Model manifest (JSON or YAML), or `null`. */
  readonly manifest: string | null;
}

/** Every setting of a comparison, validated once; shared by the CLI and the action. */
export interface Settings {
  readonly reference: SideSettings;
  readonly candidate: SideSettings;
  /** Record field / column holding the id (JSONL, CSV, Parquet). */
  readonly idField: string;
  /** Record field / column holding the vector. */
  readonly vectorField: string;
  /** Metadata field whose values define clusters (else k-means). */
  readonly clusterField: string;
  /** Neighbours per item for kNN overlap and recall@k. */
  readonly k: number;
  /** Evaluate a seeded sample of this many query items, or `null` for all (exact). */
  readonly sample: number | null;
  /** Beyond this many matched items, evaluate a seeded sample of DEFAULT_SAMPLE queries unless `sample` is set. */
  readonly exactLimit: number;
  /** Compute only this slice of the queries and emit a partial report for `merge`, or `null`. */
  readonly queryShard: QueryShard | null;
  /** Seed for every random choice (query sample, bootstrap, k-means). */
  readonly seed: number;
  /** k-means clusters when no label field is present. */
  readonly clusters: number;
  /** Minimum fraction of reference ids that must be present in the candidate. */
  readonly minCoverage: number;
  /** Cross-model top-1 at or above which the old index stays usable. */
  readonly compatThreshold: number;
  /** ε: paired cosine ≥ 1 − ε counts as unchanged. */
  readonly equivalenceTolerance: number;
  /** The bump the author declares, overriding the manifest versions. */
  readonly declaredBump: Bump | null;
  /** Config file with the gate policy (YAML or JSON), or `null` for the defaults. */
  readonly config: string | null;
  readonly outputFormat: OutputFormat;
  /** Write the report here instead of stdout. */
  readonly output: string | null;
  /** Also write the self-contained HTML report (maps and charts) here, or `null`. */
  readonly html: string | null;
  /** Compute the UMAP maps (the HTML report shows them); on when `html` is set or the action writes its page. */
  readonly maps: boolean;
  /** How input and output paths resolve, and where they may point (any path in the CLI). */
  readonly paths: PathPolicy;
  /** The kNN kernel: auto (fastest available), relaxed-simd, simd (WebAssembly) or js. */
  readonly kernel: KernelChoice;
  /** Worker threads for the WebAssembly kernel, or `null` for all cores. */
  readonly threads: number | null;
  /** Limits set inline (option or action input) that override the config for every bump level. */
  readonly inlineLimits: InlineLimits;
  /** Harmless retrains of the reference model (other seeds, same probe items): the noise floor. */
  readonly baselines: readonly string[];
  /** config: the limits of the config; auto: the patch limits come from the noise floor (needs baselines). */
  readonly thresholds: 'config' | 'auto';
}

/** The thresholds common enough to set without a config file; `null` leaves the config's value. */
export interface InlineLimits {
  /** Fail when the mean kNN overlap is below this. */
  readonly minKnnOverlap: number | null;
  /** Fail when linear CKA is below this. */
  readonly minCka: number | null;
  /** Fail unless the old index can be searched with the new vectors; `null` leaves the config's value. */
  readonly requireIndexCompatible: boolean | null;
}

/** Raw option values by option name (kebab-case, as on the command line and in action.yml). */
export type RawInputs = Readonly<Record<string, string | boolean | ReadonlyArray<string | boolean> | undefined>>;

/** The option names parseSettings reads, with one-line help; the CLI and the action list these. */
export const SETTING_OPTIONS = {
  reference: 'reference embeddings (.npy, .npz, .jsonl, .json, .csv, .tsv, .parquet, .arrow/.feather/.ipc)',
  candidate: 'candidate embeddings, same probe items under the same ids',
  'reference-ids': 'ids for a reference .npy: one per line or a JSON array (default: <stem>.ids.txt, else row index)',
  'candidate-ids': 'ids for a candidate .npy',
  'reference-manifest': 'reference model manifest (JSON or YAML)',
  'candidate-manifest': 'candidate model manifest (JSON or YAML)',
  'format-in': `input format for both files when the extension is not enough (${FORMAT_NAMES.join('|')})`,
  'reference-format-in': 'input format of the reference file only',
  'candidate-format-in': 'input format of the candidate file only',
  'id-field': 'record field / column with the item id (default id)',
  'vector-field': 'record field / column with the vector (default embedding)',
  'cluster-field': 'metadata field whose values are clusters (default label; else k-means)',
  k: 'neighbours per item (default 10)',
  sample: 'evaluate a seeded sample of N query items and report a 95% bootstrap interval (default: all)',
  'exact-limit': `evaluate every item exactly up to this many items; beyond it, a seeded sample of ${DEFAULT_SAMPLE} queries with a 95% interval (default 25000)`,
  'query-shard': 'compute shard i of n of the queries (e.g. 2/4) and write a partial report for `embedding-gate merge`',
  seed: 'seed for sampling, bootstrap and k-means (default 42)',
  clusters: 'k-means clusters when no label field is present (default 8)',
  'min-coverage': 'minimum fraction of reference ids found in the candidate (default 0.95)',
  'compat-threshold': 'cross-model top-1 needed to call the old index compatible (default 0.95)',
  'equivalence-tolerance': 'paired cosine ≥ 1 − ε counts as unchanged (default 1e-4)',
  'declared-bump': `the bump you declare (${BUMPS.join('|')}); overrides manifest versions`,
  config: 'gate policy file (YAML or JSON)',
  format: `report format (${OUTPUT_FORMATS.join('|')}, default text)`,
  output: 'write the report to this file instead of stdout',
  html: 'also write a self-contained HTML report (UMAP maps, charts, tables) to this file',
  kernel: `kNN kernel (${KERNELS.join('|')}, default auto: WebAssembly relaxed SIMD, else SIMD, else JavaScript)`,
  threads: 'worker threads for the WebAssembly kernel (default: all cores)',
  'min-knn-overlap': 'fail when the mean kNN overlap is below this, whatever the bump (overrides --config)',
  'min-cka': 'fail when linear CKA is below this, whatever the bump (overrides --config)',
  'require-index-compatible': 'fail unless new vectors can be searched against the old index (true|false)',
  baseline: 'the reference model retrained with another seed, embedding the same probe items (repeatable): the noise floor each metric is shown against',
  thresholds: 'config (default) or auto: the patch limits for kNN overlap and CKA come from the noise floor of the --baseline files',
} as const;

/**
 * Validates raw option values into Settings. Every bad value is a UsageError that names the
 * option (through `nameOf`, so the action can say "input 'k'") and what it accepts; nothing falls
 * back to a default silently.
 */
export function parseSettings(raw: RawInputs, nameOf: (option: string) => string = (option) => `--${option}`, paths: PathPolicy = anyPath(process.cwd())): Settings {
  const text = (option: string): string | null => {
    const value = raw[option];
    if (value === undefined || value === '') return null;
    if (typeof value !== 'string') throw new UsageError(`${nameOf(option)} needs a value.`);
    return value.trim() === '' ? null : value.trim();
  };
  const required = (option: string): string => {
    const value = text(option);
    if (value === null) throw new UsageError(`${nameOf(option)} is required: the path of the ${option} embeddings.`);
    return value;
  };
  const number = (option: string, fallback: number, check: (value: number) => boolean, accepts: string, integer = false): number => {
    const value = text(option);
    if (value === null) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed)) || !check(parsed)) {
      throw new UsageError(`${nameOf(option)} must be ${accepts}, got ${JSON.stringify(value)}.`);
    }
    return parsed;
  };
  const choice = <T extends string>(option: string, allowed: readonly T[]): T | null => {
    const value = text(option);
    if (value === null) return null;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new UsageError(`${nameOf(option)} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}.`);
    }
    return value as T;
  };
  const optionalFlag = (option: string): boolean | null => {
    const value = raw[option];
    if (value === undefined || value === '') return null;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new UsageError(`${nameOf(option)} must be true or false, got ${JSON.stringify(value)}.`);
  };
  const fraction = (option: string): number | null =>
    text(option) === null ? null : number(option, 0, (v) => v >= 0 && v <= 1, 'a number in [0, 1]');

  const format = (option: string): InputFormat | null => {
    const name = choice(option, FORMAT_NAMES);
    return name === null ? null : formatNamed(name);
  };
  const sharedFormat = format('format-in');
  const sampleText = text('sample');
  const declared = text('declared-bump');
  if (declared !== null && !isBump(declared)) {
    throw new UsageError(`${nameOf('declared-bump')} must be one of ${BUMPS.join(', ')}, got ${JSON.stringify(declared)}.`);
  }
  return {
    reference: {
      path: required('reference'),
      format: format('reference-format-in') ?? sharedFormat,
      ids: text('reference-ids'),
      manifest: text('reference-manifest'),
    },
    candidate: {
      path: required('candidate'),
      format: format('candidate-format-in') ?? sharedFormat,
      ids: text('candidate-ids'),
      manifest: text('candidate-manifest'),
    },
    idField: text('id-field') ?? 'id',
    vectorField: text('vector-field') ?? 'embedding',
    clusterField: text('cluster-field') ?? 'label',
    k: number('k', 10, (v) => v >= 1, 'a whole number ≥ 1', true),
    sample: sampleText === null ? null : number('sample', 0, (v) => v >= 1, 'a whole number ≥ 1', true),
    queryShard: parseShard(text('query-shard'), nameOf('query-shard')),
    exactLimit: number('exact-limit', 25_000, (v) => v >= 1, 'a whole number ≥ 1', true),
    seed: number('seed', 42, (v) => v >= 0 && v <= 0xffffffff, 'a whole number from 0 to 4294967295', true),
    clusters: number('clusters', 8, (v) => v >= 1, 'a whole number ≥ 1', true),
    minCoverage: number('min-coverage', 0.95, (v) => v > 0 && v <= 1, 'a fraction in (0, 1]'),
    compatThreshold: number('compat-threshold', 0.95, (v) => v >= 0 && v <= 1, 'a fraction in [0, 1]'),
    equivalenceTolerance: number('equivalence-tolerance', 1e-4, (v) => v >= 0 && v < 1, 'a number in [0, 1)'),
    declaredBump: declared as Bump | null,
    config: text('config'),
    outputFormat: choice('format', OUTPUT_FORMATS) ?? 'text',
    output: text('output'),
    html: text('html'),
    maps: text('html') !== null || raw.format === 'html',
    paths,
    kernel: choice('kernel', KERNELS) ?? 'auto',
    threads: text('threads') === null ? null : number('threads', 1, (v) => v >= 1 && v <= 256, 'a whole number from 1 to 256', true),
    baselines: baselineList(raw.baseline),
    thresholds: thresholdsChoice(choice('thresholds', ['config', 'auto'] as const), raw.baseline, nameOf),
    inlineLimits: {
      minKnnOverlap: fraction('min-knn-overlap'),
      minCka: fraction('min-cka'),
      requireIndexCompatible: optionalFlag('require-index-compatible'),
    },
  };
}

/** Baseline paths: repeated options (a list), or one per line (an action input). */
function baselineList(value: unknown): string[] {
  const values = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/\r?\n/) : [];
  return values.map((entry) => String(entry).trim()).filter((entry) => entry !== '' && !entry.startsWith('#'));
}

/** thresholds: auto needs at least one baseline to derive from. */
function thresholdsChoice(value: 'config' | 'auto' | null, baselines: unknown, nameOf: (option: string) => string): 'config' | 'auto' {
  if (value === 'auto' && baselineList(baselines).length === 0) {
    throw new UsageError(`${nameOf('thresholds')} auto derives the limits from the noise floor: give ${nameOf('baseline')}, a harmless retrain of the reference model (another seed) embedding the same probe items.`);
  }
  return value ?? 'config';
}

/** Parses `i/n` (1 ≤ i ≤ n ≤ 10,000) into a QueryShard; `null` for no shard. */
function parseShard(value: string | null, name: string): QueryShard | null {
  if (value === null) return null;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || index < 1 || count < 1 || index > count || count > 10_000) {
    throw new UsageError(`${name} must be i/n with 1 ≤ i ≤ n (e.g. 2/4), got ${JSON.stringify(value)}.`);
  }
  return { index, count };
}
