import { dirname, join } from 'node:path';
import { boundValue, classifyBump } from './classify/classify-bump.js';
import { compositeBump } from './classify/composite-bump.js';
import { loadManifest, type Manifest } from './classify/manifest.js';
import { isFolder, readModelFolder } from './classify/model-folder.js';
import { alignById } from './core/align.js';
import type { EmbeddingSet } from './core/embedding-set.js';
import { InputError } from './core/errors.js';
import { resolveInputFile, resolveInputFileOrFolder, type PathPolicy } from './io/paths.js';
import { detectFormat, readEmbeddingSet } from './io/read-embedding-set.js';
import { createKnnEngine } from './kernels/knn-engine.js';
import type { Logger } from './logger.js';
import { mapsStep } from './maps/maps-step.js';
import { checkSlices, measureComponents } from './measure/components.js';
import { measure, type ShardItems } from './measure/measure.js';
import { MEASURE_STEPS } from './measure/steps.js';
import { applyInlineLimits, loadPolicy, type Policy } from './policy/policy.js';
import { decideVerdict } from './policy/verdict.js';
import { REPORT_SCHEMA_VERSION, type Report, type SetSummary } from './report/report.js';
import type { Settings, SideSettings } from './settings.js';
import { TOOL_VERSION } from './version.js';

export type { Logger } from './logger.js';

/** The report of a comparison, and the shard's per-item results when it ran one query shard. */
export interface CompareResult {
  readonly report: Report;
  readonly shardItems: ShardItems | null;
  /** The policy the verdict applied (a partial report carries it to `merge`). */
  readonly policy: Policy;
}

/** What the calling adapter adds: inputs it holds in memory, and how it names options. */
export interface CompareContext {
  /** A reference manifest already in memory (read from the PR's base commit, or with the release's version); used instead of reading `settings.reference.manifest`. */
  readonly referenceManifest?: Manifest | null;
  /** A candidate manifest already in memory; used instead of reading `settings.candidate.manifest`. */
  readonly candidateManifest?: Manifest | null;
  /** How messages name an option: `--k` on the command line, `input 'k'` in the action. */
  readonly nameOf?: (option: string) => string;
  /** Adjusts the loaded policy before the verdict (e.g. limits derived from the noise floor). */
  readonly adjustPolicy?: (policy: Policy) => Policy;
}

const cliName = (option: string): string => `--${option}`;

/**
 * Runs the whole comparison: read both sets, join by id, measure, classify the bump, apply the
 * policy, and return the report. Throws InputError for anything wrong with the inputs.
 */
export async function compare(settings: Settings, log: Logger, context: CompareContext = {}): Promise<Report> {
  return (await compareDetailed(settings, log, context)).report;
}

/** Like compare, but also returns the per-item results of a query shard (`settings.queryShard`). */
export async function compareDetailed(settings: Settings, log: Logger, context: CompareContext = {}): Promise<CompareResult> {
  const nameOf = context.nameOf ?? cliName;
  const paths = settings.paths;
  const referenceManifest = context.referenceManifest ?? (await loadOptionalManifest(settings.reference.manifest, nameOf('reference-manifest'), paths));
  const candidateManifest = context.candidateManifest ?? (await loadOptionalManifest(settings.candidate.manifest, nameOf('candidate-manifest'), paths));
  const configPath = settings.config === null ? null : resolveInputFile(settings.config, nameOf('config'), paths);
  const loaded = applyInlineLimits(loadPolicy(configPath, settings.config), settings.inlineLimits);
  const policy = context.adjustPolicy ? context.adjustPolicy(loaded) : loaded;
  const engine = createKnnEngine({ kernel: settings.kernel, threads: settings.threads, progress: log.progress?.bind(log) });
  if (engine === null) {
    throw new InputError(
      `${nameOf('kernel')} ${settings.kernel} is not supported by this runtime (Node ${process.versions.node})${settings.kernel === 'relaxed-simd' ? ': relaxed SIMD needs Node 22 or later, or node --experimental-wasm-relaxed-simd' : ''}; use auto.`,
    );
  }
  try {
    // Worker threads boot and compile the kernel while the files are read (and the background one, for Procrustes).
    engine.warmUp({ background: true });
    // Vectors are read straight into the engine's memory, where its kernel reads them.
    const allocate = (length: number) => engine.allocate(length);
    const reference = await readSide(settings.reference, 'reference', settings, paths, log, nameOf, allocate);
    const candidate = await readSide(settings.candidate, 'candidate', settings, paths, log, nameOf, allocate);
    log.info(`kNN kernel: ${engine.kernel}${engine.kernel === 'js' ? '' : ` on ${engine.threads} thread${engine.threads === 1 ? '' : 's'}`}`);
    // Rows already in reference order are normalised in place (no copy).
    const pair = alignById(reference.set, candidate.set, settings.minCoverage, allocate, true, engine);
    log.info(`aligned ${pair.count} items by id (${pair.summary.referenceOnly.count} reference-only, ${pair.summary.candidateOnly.count} candidate-only)`);
    // A composite's slices must tile each side's vector before anything is measured.
    const composite = referenceManifest && candidateManifest ? compositeBump(referenceManifest, candidateManifest, boundValue) : null;
    if (composite) {
      checkSlices(referenceManifest!, pair.referenceDim, 'reference');
      checkSlices(candidateManifest!, pair.candidateDim, 'candidate');
    }
    if (settings.k >= pair.count) {
      throw new InputError(
        `${nameOf('k')} ${settings.k} needs at least ${settings.k + 1} matched items (each item's neighbours exclude itself); there are ${pair.count}. Lower it or embed more probe items.`,
      );
    }
    const { metrics, maps, shardItems } = await measure(engine, pair, settings, log, settings.maps ? [...MEASURE_STEPS, mapsStep] : MEASURE_STEPS);
    const bump = classifyBump({
      referenceManifest,
      candidateManifest,
      declaredFlag: settings.declaredBump,
      vectors: {
        referenceDim: pair.referenceDim,
        candidateDim: pair.candidateDim,
        minPairedCosine: metrics.paired.cosineMin,
        equivalenceTolerance: settings.equivalenceTolerance,
      },
    });
    const verdict = decideVerdict(metrics, bump, policy);
    let components = null;
    if (composite && settings.queryShard !== null) log.info('components: a query shard measures the whole vector only; run unsharded for per-component metrics');
    else if (composite) components = await measureComponents(engine, pair, composite.components, referenceManifest!, candidateManifest!, settings, log);
    const report: Report = {
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: { name: 'embedding-gate', version: TOOL_VERSION },
      settings: {
        k: settings.k,
        sample: settings.sample,
        exactLimit: settings.exactLimit,
        seed: settings.seed,
        clusters: settings.clusters,
        minCoverage: settings.minCoverage,
        compatThreshold: settings.compatThreshold,
        equivalenceTolerance: settings.equivalenceTolerance,
        config: settings.config,
        kernel: engine.kernel,
      },
      reference: reference.summary,
      candidate: candidate.summary,
      alignment: pair.summary,
      metrics,
      maps,
      bump,
      ...(components ? { components } : {}),
      verdict,
    };
    return { report, shardItems, policy };
  } finally {
    await engine.close();
  }
}

async function readSide(
  side: SideSettings,
  name: 'reference' | 'candidate',
  settings: Settings,
  paths: PathPolicy,
  log: Logger,
  nameOf: (option: string) => string,
  allocate: (length: number) => Float32Array,
): Promise<{ set: EmbeddingSet; summary: SetSummary }> {
  const path = resolveInputFile(side.path, nameOf(name), paths);
  const idsPath = side.ids === null ? null : resolveInputFile(side.ids, nameOf(`${name}-ids`), paths);
  const format = side.format ?? detectFormat(side.path);
  const started = Date.now();
  const set = await readEmbeddingSet({
    path,
    display: side.path,
    format,
    idField: settings.idField,
    vectorField: settings.vectorField,
    idsFile: idsPath,
    idsDisplay: side.ids,
    allocate,
  });
  log.info(`read ${name} ${side.path}: ${set.count} × ${set.dim} (${format}, ids from ${set.idSource}) in ${Date.now() - started} ms`);
  return {
    set,
    summary: { source: side.path, format, count: set.count, dim: set.dim, idSource: set.idSource, manifest: side.manifest },
  };
}

/** Reads a manifest when a path is given: a manifest file (JSON or YAML), or a model folder it is derived from. */
export async function loadOptionalManifest(path: string | null, option: string, paths: PathPolicy): Promise<Manifest | null> {
  if (path === null) return null;
  const absolute = resolveInputFileOrFolder(path, option, paths);
  if (isFolder(absolute)) return readModelFolder(absolute, path);
  return resolveComponentModels(loadManifest(absolute, path), dirname(absolute), dirname(path), option, paths);
}

/** Components given as `model: <folder>` get the sections derived from that folder (relative to the manifest). */
async function resolveComponentModels(manifest: Manifest, dir: string, displayDir: string, option: string, paths: PathPolicy): Promise<Manifest> {
  if (!manifest.components?.some((component) => component.model !== null)) return manifest;
  const components = [];
  for (const component of manifest.components) {
    if (component.model === null) {
      components.push(component);
      continue;
    }
    const folder = resolveInputFileOrFolder(component.model, `${option} (component ${component.name})`, { ...paths, base: dir });
    const derived = await readModelFolder(folder, join(displayDir, component.model));
    components.push({ ...component, sections: derived.sections, origins: derived.origins });
  }
  return { ...manifest, components };
}
