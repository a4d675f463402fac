import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';

/** The tokenizer files a folder may hold, in the order they are looked for. */
export const TOKENIZER_FILES = ['tokenizer.json', 'vocab.txt', 'vocab.json', 'merges.txt', 'tokenizer.model', 'sentencepiece.bpe.model', 'spiece.model'] as const;

/**
 * SHA-256 of what a tokenizer maps text to: from tokenizer.json, the model type, its vocabulary
 * (sorted by id), its merges (each as "a b", whichever of the two forms the file uses) and the
 * added tokens; from the other files, their bytes. Formatting, key order and the tokenizers
 * library version do not enter it.
 */
export function tokenizerDigest(files: ReadonlyMap<string, string>, display: string): { digest: string; files: string[] } | null {
  const hash = createHash('sha256');
  const used: string[] = [];
  for (const name of TOKENIZER_FILES) {
    const path = files.get(name);
    if (path === undefined) continue;
    used.push(name);
    hash.update(`${name}\n`);
    if (name !== 'tokenizer.json') {
      hash.update(readFileSync(path));
      continue;
    }
    let data: { model?: { type?: string; vocab?: unknown; merges?: unknown }; added_tokens?: Array<{ id?: number; content?: string; special?: boolean }> };
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      throw new InputError(`${display}/tokenizer.json: not valid JSON.`);
    }
    const vocab = data.model?.vocab;
    const entries = Array.isArray(vocab) ? vocab.map((entry, id) => [String(Array.isArray(entry) ? entry[0] : entry), id]) : Object.entries((vocab ?? {}) as Record<string, number>);
    entries.sort((a, b) => Number(a[1]) - Number(b[1]) || String(a[0]).localeCompare(String(b[0])));
    const merges = Array.isArray(data.model?.merges) ? (data.model.merges as unknown[]).map((merge) => (Array.isArray(merge) ? merge.join(' ') : String(merge))) : [];
    const added = (data.added_tokens ?? []).map((token) => [token.id, token.content, token.special === true]);
    hash.update(JSON.stringify({ type: data.model?.type ?? null, vocab: entries, merges, added }));
  }
  return used.length === 0 ? null : { digest: hash.digest('hex'), files: used };
}
