import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import semver from 'semver';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../core/errors.js';
import { digestTensors, readSafetensorsHeader, type TensorEntry } from '../io/safetensors.js';
import type { Manifest } from './manifest.js';
import { TOKENIZER_FILES, tokenizerDigest } from './tokenizer-digest.js';

/** config.json fields that describe how a model was saved, not the network: never a change. */
const SERIALIZATION_ONLY = new Set([
  'transformers_version', 'torch_dtype', 'dtype', '_name_or_path', 'use_cache', '_attn_implementation', 'attn_implementation', '_commit_hash',
  'output_attentions', 'output_hidden_states', 'return_dict', 'torchscript', 'gradient_checkpointing',
]);

/** Pooling modes by their legacy boolean keys (sentence-transformers before 6.0). */
const LEGACY_POOLING: Record<string, string> = {
  pooling_mode_cls_token: 'cls',
  pooling_mode_max_tokens: 'max',
  pooling_mode_mean_tokens: 'mean',
  pooling_mode_mean_sqrt_len_tokens: 'mean_sqrt_len_tokens',
  pooling_mode_weightedmean_tokens: 'weightedmean',
  pooling_mode_lasttoken: 'lasttoken',
};

/** The first line of a Git LFS pointer file (the weights are not in the checkout). */
const LFS_POINTER = 'version https://git-lfs.github.com/spec/v1';

/** A module of modules.json: its position, folder and class name. */
interface FolderModule {
  readonly kind: string;
  readonly path: string;
}

/** True when `path` is a folder (a model folder given as a manifest). */
export function isFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * Derives a manifest from a model folder as the Hugging Face libraries save it.
 * - sentence-transformers (modules.json): architecture = the transformer's config.json (fields that
 *   only describe the save left out), the tokenizer's digest, and the modules that carry weights;
 *   extraction = pooling mode and include_prompt, Normalize, prompts and the default prompt,
 *   max_seq_length, truncate_dim and the order of the modules; training = the weights' digest.
 * - transformers (config.json only): architecture and training the same way; no extraction settings.
 * The version comes from embedding-gate.yaml or manifest.yaml in the folder, when there is one.
 * Every derived setting remembers the file it came from, for the reasons.
 */
export async function readModelFolder(dir: string, display: string): Promise<Manifest> {
  const folder = new FolderFiles(dir, display);
  const origins: Record<string, string> = {};
  const architecture: Record<string, unknown> = {};
  const extraction: Record<string, unknown> = {};
  const training: Record<string, unknown> = {};
  const set = (section: Record<string, unknown>, sectionName: string, key: string, value: unknown, origin: string) => {
    section[key] = value;
    origins[`${sectionName}.${key}`] = `${display}/${origin}`;
  };

  const modules = folder.has('modules.json') ? parseModules(folder.json('modules.json'), display) : null;
  if (modules === null && !folder.has('config.json')) {
    throw new InputError(`${display}: not a model folder: it has neither modules.json (sentence-transformers) nor config.json (transformers). Give a manifest file, or the folder the model was saved to.`);
  }
  const transformerPath = modules?.find((module) => module.kind === 'Transformer')?.path ?? '';
  const at = (name: string) => (transformerPath === '' ? name : `${transformerPath}/${name}`);

  if (folder.has(at('config.json'))) {
    const config = folder.json(at('config.json')) as Record<string, unknown>;
    set(architecture, 'architecture', 'transformer', Object.fromEntries(Object.entries(config).filter(([key]) => !SERIALIZATION_ONLY.has(key))), at('config.json'));
  }
  const tokenizerFiles = new Map(TOKENIZER_FILES.filter((name) => folder.has(at(name))).map((name) => [name, folder.path(at(name))]));
  const tokenizer = tokenizerDigest(tokenizerFiles, display);
  if (tokenizer) set(architecture, 'architecture', 'tokenizer', tokenizer.digest, tokenizer.files.map(at).join(', '));
  const weights: Record<string, { digest: string; files: string }> = {};
  const transformerWeights = await weightsDigest(folder, transformerPath);
  if (transformerWeights) weights[transformerPath === '' ? 'transformer' : transformerPath] = transformerWeights;

  if (modules) {
    const weighted: unknown[] = [];
    for (const module of modules) {
      if (module.kind === 'Dense') {
        const config = folder.has(`${module.path}/config.json`) ? (folder.json(`${module.path}/config.json`) as Record<string, unknown>) : {};
        weighted.push({ type: 'Dense', in_features: config.in_features ?? null, out_features: config.out_features ?? null, bias: config.bias ?? null, activation_function: config.activation_function ?? null });
        const digest = await weightsDigest(folder, module.path);
        if (digest) weights[module.path] = digest;
      } else if (!['Transformer', 'Pooling', 'Normalize'].includes(module.kind)) {
        weighted.push({ type: module.kind });
        const digest = await weightsDigest(folder, module.path);
        if (digest) weights[module.path] = digest;
      }
    }
    set(architecture, 'architecture', 'modules', weighted, 'modules.json');
    set(extraction, 'extraction', 'module_order', modules.map((module) => module.kind), 'modules.json');
    set(extraction, 'extraction', 'normalize', modules.some((module) => module.kind === 'Normalize'), 'modules.json');
    const pooling = modules.find((module) => module.kind === 'Pooling');
    if (pooling && folder.has(`${pooling.path}/config.json`)) {
      const config = folder.json(`${pooling.path}/config.json`) as Record<string, unknown>;
      set(extraction, 'extraction', 'pooling', { mode: poolingMode(config), include_prompt: config.include_prompt ?? true }, `${pooling.path}/config.json`);
    }
    if (folder.has('config_sentence_transformers.json')) {
      const config = folder.json('config_sentence_transformers.json') as Record<string, unknown>;
      set(extraction, 'extraction', 'prompts', config.prompts ?? {}, 'config_sentence_transformers.json');
      set(extraction, 'extraction', 'default_prompt_name', config.default_prompt_name ?? null, 'config_sentence_transformers.json');
      set(extraction, 'extraction', 'truncate_dim', config.truncate_dim ?? null, 'config_sentence_transformers.json');
    }
    if (folder.has(at('sentence_bert_config.json'))) {
      const config = folder.json(at('sentence_bert_config.json')) as Record<string, unknown>;
      set(extraction, 'extraction', 'max_seq_length', config.max_seq_length ?? null, at('sentence_bert_config.json'));
    }
  }
  if (Object.keys(weights).length > 0) {
    training.weights = Object.fromEntries(Object.entries(weights).map(([key, entry]) => [key, entry.digest]));
    for (const [key, entry] of Object.entries(weights)) origins[`training.weights.${key}`] = `${display}/${entry.files}`;
  }

  const { name, version } = folderVersion(folder, display);
  return { file: display, name, version, sections: { architecture, extraction, training }, origins };
}

/** The pooling mode from either form: 6.x `pooling_mode` (a name or a list), or the legacy booleans. */
function poolingMode(config: Record<string, unknown>): unknown {
  if (config.pooling_mode !== undefined) return Array.isArray(config.pooling_mode) && config.pooling_mode.length === 1 ? config.pooling_mode[0] : config.pooling_mode;
  const active = Object.entries(LEGACY_POOLING).filter(([key]) => config[key] === true).map(([, mode]) => mode);
  return active.length === 1 ? active[0] : active;
}

function parseModules(value: unknown, display: string): FolderModule[] {
  if (!Array.isArray(value)) throw new InputError(`${display}/modules.json: expected a list of modules.`);
  return value.map((entry, index) => {
    const type = (entry as { type?: unknown })?.type;
    const path = (entry as { path?: unknown })?.path;
    if (typeof type !== 'string' || typeof path !== 'string' || path.includes('..')) throw new InputError(`${display}/modules.json: module ${index} needs a "type" and a "path" inside the folder.`);
    // The class name: sentence_transformers.models.Pooling and …sentence_transformer.modules.pooling.Pooling are both Pooling.
    return { kind: type.split('.').pop() ?? type, path: path.replace(/\/+$/, '') };
  });
}

/** The version (and name) from embedding-gate.yaml or manifest.yaml in the folder, if either exists. */
function folderVersion(folder: FolderFiles, display: string): { name: string | null; version: string | null } {
  const file = ['embedding-gate.yaml', 'embedding-gate.yml', 'manifest.yaml', 'manifest.yml'].find((name) => folder.has(name));
  if (!file) return { name: null, version: null };
  let data: unknown;
  try {
    data = parseYaml(readFileSync(folder.path(file), 'utf8'));
  } catch {
    throw new InputError(`${display}/${file}: not valid YAML.`);
  }
  const object = (data ?? {}) as Record<string, unknown>;
  const version = object.version;
  if (version !== undefined && (typeof version !== 'string' || semver.valid(version) !== version)) {
    throw new InputError(`${display}/${file}: version ${JSON.stringify(version)} is not a semantic version such as "1.4.2".`);
  }
  return { name: typeof object.name === 'string' ? object.name : null, version: typeof version === 'string' ? version : null };
}

/**
 * The digest of a module's weights: safetensors (one file, or shards listed by
 * model.safetensors.index.json) by tensor contents; pytorch_model.bin by its bytes (a pickle is
 * never loaded); a Git LFS pointer by the object id it names. `null` when the module has none.
 */
async function weightsDigest(folder: FolderFiles, modulePath: string): Promise<{ digest: string; files: string } | null> {
  const at = (name: string) => (modulePath === '' ? name : `${modulePath}/${name}`);
  let files: string[];
  if (folder.has(at('model.safetensors.index.json'))) {
    const index = folder.json(at('model.safetensors.index.json')) as { weight_map?: Record<string, string> };
    files = [...new Set(Object.values(index.weight_map ?? {}))].sort().map(at);
  } else if (folder.has(at('model.safetensors'))) files = [at('model.safetensors')];
  else if (folder.has(at('pytorch_model.bin.index.json'))) {
    const index = folder.json(at('pytorch_model.bin.index.json')) as { weight_map?: Record<string, string> };
    files = [...new Set(Object.values(index.weight_map ?? {}))].sort().map(at);
  } else if (folder.has(at('pytorch_model.bin'))) files = [at('pytorch_model.bin')];
  else return null;
  const missing = files.find((file) => !folder.has(file));
  if (missing) throw new InputError(`${folder.display}/${missing}: listed in the weights index, but missing.`);
  const pointers = files.map((file) => lfsPointer(folder.path(file)));
  if (pointers.every((oid) => oid !== null)) {
    return { digest: `git-lfs:${createHash('sha256').update(pointers.join('\n')).digest('hex')}`, files: `${files.join(', ')} (Git LFS pointers)` };
  }
  if (files[0]!.endsWith('.bin')) {
    const hash = createHash('sha256');
    for (const file of files) {
      hash.update(`${file}\n`);
      for await (const chunk of createReadStream(folder.path(file), { highWaterMark: 8 * 1024 * 1024 })) hash.update(chunk as Buffer);
    }
    return { digest: `bytes:${hash.digest('hex')}`, files: `${files.join(', ')} (file bytes; a pickle is never loaded)` };
  }
  const tensors: TensorEntry[] = [];
  for (const file of files) {
    tensors.push(...(await readSafetensorsHeader(folder.path(file), `${folder.display}/${file}`)));
  }
  const { digest } = await digestTensors(tensors);
  return { digest: `tensors:${digest}`, files: files.join(', ') };
}

/** The sha256 object id of a Git LFS pointer file, or `null` when the file is not one. */
function lfsPointer(path: string): string | null {
  if (statSync(path).size > 1024) return null;
  const text = readFileSync(path, 'utf8');
  if (!text.startsWith(LFS_POINTER)) return null;
  return /^oid sha256:([0-9a-f]{64})$/m.exec(text)?.[1] ?? null;
}

/** The files of a model folder; every file read must lie inside it (no symlink out). */
class FolderFiles {
  private readonly real: string;
  constructor(
    private readonly dir: string,
    readonly display: string,
  ) {
    this.real = realpathSync(dir);
    if (!statSync(dir).isDirectory()) throw new InputError(`${display}: not a folder.`);
  }
  has(name: string): boolean {
    return existsSync(join(this.dir, name)) && statSync(join(this.dir, name)).isFile();
  }
  path(name: string): string {
    const path = join(this.dir, name);
    const rel = relative(this.real, realpathSync(path));
    if (rel.startsWith('..') || rel.startsWith(sep)) throw new InputError(`${this.display}/${name}: points outside the model folder (a symlink); copy the file into the folder.`);
    return path;
  }
  json(name: string): unknown {
    try {
      return JSON.parse(readFileSync(this.path(name), 'utf8'));
    } catch (error) {
      if (error instanceof InputError) throw error;
      // The parser's message quotes the text; a file's contents never reach the log.
      throw new InputError(`${this.display}/${name}: not valid JSON.`);
    }
  }
}
