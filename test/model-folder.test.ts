import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyBump } from '../src/classify/classify-bump.js';
import { readModelFolder } from '../src/classify/model-folder.js';
import { digestTensors, readSafetensorsHeader } from '../src/io/safetensors.js';
import { EXAMPLES, FIXTURES, runCliProcess, tempDir } from './helpers.js';

// Model folders written by transformers, tokenizers and safetensors (test/fixtures/make_model_folders.py),
// with sentence-transformers module files in its legacy and 6.x layouts.
const MODELS = join(FIXTURES, 'models');
const folder = (name: string) => readModelFolder(join(MODELS, name), name);

async function bumpBetween(reference: string, candidate: string) {
  return classifyBump({
    referenceManifest: await folder(reference),
    candidateManifest: await folder(candidate),
    declaredFlag: null,
    vectors: { referenceDim: 4, candidateDim: 4, minPairedCosine: 0.5, equivalenceTolerance: 1e-4 },
  });
}

describe('a model folder as the manifest', () => {
  it.each([
    ['st-retrain', 'patch', 'training.weights.transformer', 'st-retrain/model.safetensors'],
    ['st-cls', 'minor', 'extraction.pooling.mode', 'st-cls/1_Pooling/config.json'],
    ['st-no-normalize', 'minor', 'extraction.normalize', 'st-no-normalize/modules.json'],
    ['st-prompt', 'minor', 'extraction.default_prompt_name', 'st-prompt/config_sentence_transformers.json'],
    ['st-max-seq-length', 'minor', 'extraction.max_seq_length', 'st-max-seq-length/sentence_bert_config.json'],
    ['st-more-layers', 'major', 'architecture.transformer.num_hidden_layers', 'st-more-layers/config.json'],
    ['st-wider', 'major', 'architecture.transformer.hidden_size', 'st-wider/config.json'],
    ['st-other-vocab', 'major', 'architecture.tokenizer', 'st-other-vocab/tokenizer.json'],
    ['st-dense', 'major', 'architecture.modules[0]', 'st-dense/modules.json'],
  ])('%s against st-legacy: %s, naming %s in its file', async (candidate, bump, path, file) => {
    const result = await bumpBetween('st-legacy', candidate);
    expect(result.fromManifests).toBe(bump);
    expect(result.changes).toContainEqual(expect.objectContaining({ path, file }));
    expect(result.reasons[0]).toContain(` in ${file}`);
  });

  it('the same model resaved by sentence-transformers 6 (new module paths, pooling_mode, embedding_dimension), sharded, by a newer transformers: none', async () => {
    const result = await bumpBetween('st-legacy', 'st-6x-resaved');
    expect(result.changes).toEqual([]);
    expect(result.fromManifests).toBe('none');
    const [legacy, resaved] = [await folder('st-legacy'), await folder('st-6x-resaved')];
    expect((resaved.sections.extraction as any).pooling).toEqual({ mode: 'mean', include_prompt: true });
    expect((resaved.sections.training as any).weights).toEqual((legacy.sections.training as any).weights);
    // What the resave did change, none of it counting: the serialization-only fields, the shards and their metadata.
    const config = JSON.parse(readFileSync(join(MODELS, 'st-6x-resaved', 'config.json'), 'utf8'));
    expect(config._name_or_path).toBe('/home/ci/checkpoints/enc');
    expect(readFileSync(join(MODELS, 'st-6x-resaved', 'model.safetensors.index.json'), 'utf8')).toContain('model-00002-of-00002.safetensors');
  });

  it('a plain transformers folder: architecture and weights; a retrain is a patch; pytorch_model.bin is digested by its bytes, never loaded', async () => {
    const plain = await folder('hf-plain');
    expect(Object.keys(plain.sections.architecture as object).sort()).toEqual(['tokenizer', 'transformer']);
    expect(plain.sections.extraction).toEqual({});
    expect((await bumpBetween('hf-plain', 'hf-plain-retrain')).fromManifests).toBe('patch');
    expect((await bumpBetween('hf-plain', 'hf-plain')).fromManifests).toBe('none');
    const bin = await folder('hf-bin');
    expect((bin.sections.training as any).weights.transformer).toMatch(/^bytes:[0-9a-f]{64}$/);
    expect(bin.origins!['training.weights.transformer']).toBe('hf-bin/pytorch_model.bin (file bytes; a pickle is never loaded)');
  });

  it('the version comes from embedding-gate.yaml in the folder', async () => {
    expect((await folder('st-legacy')).version).toBe('1.0.0');
    const result = await bumpBetween('st-legacy', 'st-retrain');
    expect(result).toMatchObject({ declared: 'patch', declaredSource: 'manifest versions', underDeclared: false });
  });

  it('the weights digest is the tensors’ contents: it equals a digest of the bytes NumPy would save, whatever the file layout', async () => {
    const single = await readSafetensorsHeader(join(MODELS, 'st-legacy', 'model.safetensors'), 'single');
    const shards = [
      ...(await readSafetensorsHeader(join(MODELS, 'st-6x-resaved', 'model-00001-of-00002.safetensors'), 'a')),
      ...(await readSafetensorsHeader(join(MODELS, 'st-6x-resaved', 'model-00002-of-00002.safetensors'), 'b')),
    ];
    expect(single.map((t) => t.name).sort()).toEqual(shards.map((t) => t.name).sort());
    const [a, b] = [await digestTensors(single), await digestTensors(shards)];
    expect(a.digest).toBe(b.digest);
    // Worker threads (large weights) and this thread give the same digest.
    expect((await digestTensors(shards, { threads: 2, workerThreshold: 0 })).digest).toBe(a.digest);
    expect((await digestTensors(single, { threads: 1 })).digest).toBe(a.digest);
    expect(a.bytes).toBe(single.reduce((sum, t) => sum + (t.end - t.start), 0));
    // One changed byte in one tensor changes it.
    const dir = tempDir();
    const copy = join(dir, 'model.safetensors');
    copyFileSync(join(MODELS, 'st-legacy', 'model.safetensors'), copy);
    const bytes = readFileSync(copy);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    writeFileSync(copy, bytes);
    expect((await digestTensors(await readSafetensorsHeader(copy, 'x'))).digest).not.toBe(a.digest);
  });

  it('bad folders get an error naming the file: not a model, a truncated safetensors file, a symlink out of the folder', async () => {
    const dir = tempDir();
    await expect(readModelFolder(dir, 'empty')).rejects.toThrow(/^empty: not a model folder: it has neither modules\.json \(sentence-transformers\) nor config\.json/);
    const broken = join(dir, 'broken');
    cpSync(join(MODELS, 'hf-plain'), broken, { recursive: true });
    writeFileSync(join(broken, 'model.safetensors'), readFileSync(join(broken, 'model.safetensors')).subarray(0, 200));
    await expect(readModelFolder(broken, 'broken')).rejects.toThrow(/^broken\/model\.safetensors: not a safetensors file \(header length \d+ does not fit the file's 200 bytes\)/);
    const escaping = join(dir, 'escaping');
    cpSync(join(MODELS, 'hf-plain'), escaping, { recursive: true });
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(dir, 'outside', 'secret.json'), '{"token": "ghs_secret"}');
    rmSync(join(escaping, 'config.json'));
    symlinkSync(join(dir, 'outside', 'secret.json'), join(escaping, 'config.json'));
    await expect(readModelFolder(escaping, 'escaping')).rejects.toThrow(/^escaping\/config\.json: points outside the model folder \(a symlink\); copy the file into the folder\.$/);
    // A file that is not JSON is named, and its contents never reach the message.
    writeFileSync(join(broken, 'config.json'), 'ghs_secret_in_a_broken_file');
    await expect(readModelFolder(broken, 'broken')).rejects.toThrow(/^broken\/config\.json: not valid JSON\.$/);
  });

  it('the CLI takes folders for --reference-manifest / --candidate-manifest and lists the changes with their files', () => {
    const run = runCliProcess(['compare', '--reference', join(EXAMPLES, 'reference.npy'), '--candidate', join(EXAMPLES, 'candidate-noise.npy'), '--reference-manifest', join(MODELS, 'st-legacy'), '--candidate-manifest', join(MODELS, 'st-cls')], tempDir());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/manifests: extraction changed \(extraction\.pooling\.mode: "mean" → "cls" in .*st-cls\/1_Pooling\/config\.json\) → minor/);
    expect(run.stdout).toMatch(/Changes \(1\):\n {4}extraction: pooling\.mode "mean" → "cls" \(.*st-cls\/1_Pooling\/config\.json\)/);
    const markdown = runCliProcess(['compare', '--reference', join(EXAMPLES, 'reference.npy'), '--candidate', join(EXAMPLES, 'candidate-noise.npy'), '--reference-manifest', join(MODELS, 'st-legacy'), '--candidate-manifest', join(MODELS, 'st-cls'), '--format', 'markdown'], tempDir());
    expect(markdown.stdout).toMatch(/<summary>Manifest changes \(1\)<\/summary>\n\n- extraction: pooling\.mode "mean" → "cls" \(/);
  });
});

describe('sharded pickles', () => {
  it('pytorch_model.bin shards listed by pytorch_model.bin.index.json are digested by their bytes, in name order', async () => {
    const dir = tempDir();
    const a = join(dir, 'a');
    cpSync(join(MODELS, 'hf-bin'), a, { recursive: true });
    rmSync(join(a, 'pytorch_model.bin'));
    writeFileSync(join(a, 'pytorch_model-00001-of-00002.bin'), 'first shard bytes');
    writeFileSync(join(a, 'pytorch_model-00002-of-00002.bin'), 'second shard bytes');
    writeFileSync(join(a, 'pytorch_model.bin.index.json'), JSON.stringify({ weight_map: { 'x.weight': 'pytorch_model-00002-of-00002.bin', 'a.weight': 'pytorch_model-00001-of-00002.bin' } }));
    const first = await readModelFolder(a, 'a');
    expect(first.origins!['training.weights.transformer']).toBe('a/pytorch_model-00001-of-00002.bin, pytorch_model-00002-of-00002.bin (file bytes; a pickle is never loaded)');
    writeFileSync(join(a, 'pytorch_model-00002-of-00002.bin'), 'second shard bytes, retrained');
    expect((await readModelFolder(a, 'a')).sections.training).not.toEqual(first.sections.training);
    rmSync(join(a, 'pytorch_model-00002-of-00002.bin'));
    await expect(readModelFolder(a, 'a')).rejects.toThrow(/^a\/pytorch_model-00002-of-00002\.bin: listed in the weights index, but missing\.$/);
  });
});
