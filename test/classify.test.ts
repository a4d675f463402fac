import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyBump, type VectorEvidence } from '../src/classify/classify-bump.js';
import { deepDiff } from '../src/classify/deep-diff.js';
import { loadManifest, type Manifest } from '../src/classify/manifest.js';
import { InputError } from '../src/core/errors.js';
import { tempDir } from './helpers.js';

const base = {
  name: 'enc',
  version: '1.4.2',
  architecture: { type: 'bert', layers: 12, hidden: 768 },
  extraction: { layer: -1, pooling: 'mean', normalize: true },
  training: { seed: 1, data: ['a', 'b'] },
};

function manifest(overrides: Record<string, unknown>, extension = 'json'): Manifest {
  const path = join(tempDir(), `m.${extension}`);
  writeFileSync(path, JSON.stringify({ ...base, ...overrides }));
  return loadManifest(path, `m.${extension}`);
}

const changed: VectorEvidence = { referenceDim: 768, candidateDim: 768, minPairedCosine: 0.2, equivalenceTolerance: 1e-4 };
const same: VectorEvidence = { ...changed, minPairedCosine: 0.99995 };
const newDim: VectorEvidence = { ...changed, candidateDim: 1024, minPairedCosine: null };

describe('deepDiff', () => {
  it('ignores key order, compares arrays by position, lists absent keys', () => {
    expect(deepDiff({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
    expect(deepDiff({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3], d: true } })).toEqual([
      { path: 'b.c[1]', reference: 2, candidate: 3 },
      { path: 'b.d', reference: undefined, candidate: true },
    ]);
  });
});

describe('classifyBump from manifests', () => {
  it.each([
    ['architecture', { architecture: { ...base.architecture, hidden: 1024 } }, 'major'],
    ['extraction', { extraction: { ...base.extraction, pooling: 'cls' } }, 'minor'],
    ['training', { training: { ...base.training, seed: 2 } }, 'patch'],
    ['nothing', {}, 'none'],
  ])('%s changed → %s', (_, overrides, bump) => {
    const result = classifyBump({ referenceManifest: manifest({}), candidateManifest: manifest(overrides), declaredFlag: null, vectors: changed });
    expect(result.fromManifests).toBe(bump);
  });

  it('architecture wins over extraction and training, and the reason names the changed setting', () => {
    const result = classifyBump({
      referenceManifest: manifest({}),
      candidateManifest: manifest({ version: '2.0.0', architecture: { ...base.architecture, layers: 24 }, training: { seed: 9 } }),
      declaredFlag: null,
      vectors: changed,
    });
    expect(result).toMatchObject({ fromManifests: 'major', declared: 'major', final: 'major', underDeclared: false, nextVersion: '2.0.0' });
    expect(result.reasons[0]).toBe('manifests: architecture changed (architecture.layers: 12 → 24) → major');
  });

  it('flags 1.4.2 → 1.4.3 with a changed architecture as under-declared, and proposes 2.0.0', () => {
    const result = classifyBump({
      referenceManifest: manifest({}),
      candidateManifest: manifest({ version: '1.4.3', architecture: { ...base.architecture, hidden: 1024 } }),
      declaredFlag: null,
      vectors: newDim,
    });
    expect(result).toMatchObject({ declared: 'patch', declaredSource: 'manifest versions', required: 'major', final: 'major', underDeclared: true, nextVersion: '2.0.0' });
    expect(result.reasons).toContain('under-declared: declared patch, but the change requires major');
  });

  it('--declared-bump overrides the manifest versions', () => {
    const result = classifyBump({ referenceManifest: manifest({}), candidateManifest: manifest({ version: '2.0.0' }), declaredFlag: 'patch', vectors: changed });
    expect(result).toMatchObject({ declared: 'patch', declaredSource: 'flag', underDeclared: false, final: 'patch', nextVersion: '1.4.3' });
  });

  it('maps pre-release versions to their level and rejects a lower candidate version', () => {
    const pre = classifyBump({ referenceManifest: manifest({}), candidateManifest: manifest({ version: '2.0.0-rc.1' }), declaredFlag: null, vectors: same });
    expect(pre.declared).toBe('major');
    expect(() =>
      classifyBump({ referenceManifest: manifest({}), candidateManifest: manifest({ version: '1.4.1' }), declaredFlag: null, vectors: same }),
    ).toThrow(/version 1\.4\.1 is lower than the reference version 1\.4\.2/);
  });
});

describe('classifyBump from vectors', () => {
  it('equivalent vectors (cosine ≥ 1 − ε) need no bump; changed ones need a patch; a new dimension a minor', () => {
    const none = classifyBump({ referenceManifest: null, candidateManifest: null, declaredFlag: null, vectors: same });
    expect(none).toMatchObject({ requiredByVectors: 'none', final: 'none', fromManifests: null, declared: null, nextVersion: null });
    expect(none.nextVersionReason).toBe('the reference manifest has no version');
    expect(classifyBump({ referenceManifest: null, candidateManifest: null, declaredFlag: null, vectors: changed }).requiredByVectors).toBe('patch');
    expect(classifyBump({ referenceManifest: null, candidateManifest: null, declaredFlag: null, vectors: newDim }).requiredByVectors).toBe('minor');
  });

  it('says plainly what the vectors cannot tell without manifests', () => {
    const result = classifyBump({ referenceManifest: null, candidateManifest: null, declaredFlag: 'patch', vectors: newDim });
    expect(result.limitations.join(' ')).toMatch(/cannot tell an architecture change \(major\) from an extraction change \(minor\)/);
    expect(result).toMatchObject({ underDeclared: true, required: 'minor', final: 'minor' });
  });

  it('a new dimension under identical manifests still requires at least minor', () => {
    const result = classifyBump({ referenceManifest: manifest({}), candidateManifest: manifest({ version: '1.4.3' }), declaredFlag: null, vectors: newDim });
    expect(result).toMatchObject({ fromManifests: 'none', requiredByVectors: 'minor', required: 'minor', underDeclared: true, nextVersion: '1.5.0' });
  });
});

describe('loadManifest', () => {
  const write = (name: string, text: string) => {
    const path = join(tempDir(), name);
    writeFileSync(path, text);
    return path;
  };

  it('reads YAML', () => {
    const path = write('m.yaml', 'name: enc\nversion: 1.0.0\narchitecture:\n  layers: 6\nextraction: {pooling: mean}\n');
    expect(loadManifest(path, 'm.yaml')).toMatchObject({ version: '1.0.0', sections: { architecture: { layers: 6 }, extraction: { pooling: 'mean' } } });
  });

  it.each([
    ['bad.json', '{"version": "1.0.0",', /bad\.json: not valid JSON/],
    ['bad.yaml', 'architecture: [unclosed\n', /bad\.yaml: not valid YAML/],
    ['list.yaml', '- a\n- b\n', /must be an object/],
    ['version.json', '{"version": "v-one"}', /version "v-one" is not a semantic version/],
    ['section.json', '{"version": "1.0.0", "training": 5}', /training must be an object of settings/],
    ['empty.json', '{"name": "x"}', /nothing to compare/],
  ])('rejects %s with a clear message', (name, text, pattern) => {
    expect(() => loadManifest(write(name, text), name)).toThrow(InputError);
    expect(() => loadManifest(write(name, text), name)).toThrow(pattern);
  });
});

describe('classifyBump: the rules each case could otherwise hide', () => {
  it('final takes the declared bump when it is higher than required (over-declaring is allowed, never lowered)', () => {
    const result = classifyBump({ referenceManifest: manifest({}), candidateManifest: manifest({ training: { ...base.training, seed: 2 } }), declaredFlag: 'major', vectors: changed });
    expect(result).toMatchObject({ fromManifests: 'patch', requiredByVectors: 'patch', required: 'patch', declared: 'major', final: 'major', underDeclared: false, nextVersion: '2.0.0' });
  });

  it('extraction outranks training when both change: minor, and the reason names the extraction setting', () => {
    const result = classifyBump({
      referenceManifest: manifest({}),
      candidateManifest: manifest({ extraction: { ...base.extraction, pooling: 'cls' }, training: { ...base.training, seed: 2 } }),
      declaredFlag: null,
      vectors: changed,
    });
    expect(result.fromManifests).toBe('minor');
    expect(result.reasons[0]).toBe('manifests: extraction changed (extraction.pooling: "mean" → "cls") → minor');
    expect(result.changes.map((change) => change.section)).toEqual(['extraction', 'training']);
  });

  it('a lowest paired cosine exactly at 1 − ε counts as unchanged (≥), just below it as changed', () => {
    // 0.75 = 1 − 0.25 exactly in binary floating point.
    const at = classifyBump({ referenceManifest: null, candidateManifest: null, declaredFlag: null, vectors: { ...changed, minPairedCosine: 0.75, equivalenceTolerance: 0.25 } });
    expect(at.requiredByVectors).toBe('none');
    const below = classifyBump({ referenceManifest: null, candidateManifest: null, declaredFlag: null, vectors: { ...changed, minPairedCosine: 0.75 - 2 ** -40, equivalenceTolerance: 0.25 } });
    expect(below.requiredByVectors).toBe('patch');
  });
});
