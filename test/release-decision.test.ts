import { describe, expect, it } from 'vitest';
import { applyDriftBudget } from '../src/release/drift-budget.js';
import { decideRelease, type ReleaseFacts } from '../src/release/release-decision.js';
import { manifestsForRelease } from '../src/release/release-manifests.js';
import { withManifestVersion } from '../src/release/manifest-version.js';
import { embeddingTags, majorAnchor } from '../src/release/release-tags.js';
import type { Manifest } from '../src/classify/manifest.js';
import type { Report } from '../src/report/report.js';

const SHA = 'a'.repeat(40);
const tag = (name: string, sha = 'b'.repeat(40)) => ({ name, sha });

/** Just the parts of a report a release decision reads. */
function reportWith(final: Report['bump']['final'], status: 'pass' | 'warn' | 'fail' = 'pass'): Report {
  return {
    bump: { final },
    verdict: { status, breaches: status === 'fail' ? [{ level: 'fail', message: 'linear CKA 0.75 is below the floor 0.85' }] : [] },
  } as unknown as Report;
}

function facts(overrides: Partial<ReleaseFacts>): ReleaseFacts {
  const base = { ...tag('embeddings-v1.4.2'), version: '1.4.2' };
  return { report: reportWith('minor'), base, tagsAtCommit: [], allTags: [base], prefix: 'embeddings-v', initialVersion: '1.0.0', sha: SHA, ...overrides };
}

describe('embedding release tags', () => {
  it('sorts by semver precedence, keeps pre-releases apart and lists prefixed names that are not versions', () => {
    const tags = embeddingTags(
      [tag('embeddings-v1.0.9'), tag('embeddings-v1.0.10'), tag('embeddings-v2.0.0-rc.1'), tag('embeddings-v1.2'), tag('embeddings-vv1.0.0'), tag('v5.0.0'), tag('embeddings-v1.0.10+build.7')],
      'embeddings-v',
    );
    expect(tags.releases.map((t) => t.name)).toEqual(['embeddings-v1.0.10', 'embeddings-v1.0.10+build.7', 'embeddings-v1.0.9']);
    expect(tags.prereleases.map((t) => t.version)).toEqual(['2.0.0-rc.1']);
    expect(tags.ignored).toEqual(['embeddings-v1.2', 'embeddings-vv1.0.0']);
  });

  it('the major anchor is the oldest release of the latest major line', () => {
    const { releases } = embeddingTags([tag('e1.9.0'), tag('e2.0.0'), tag('e2.1.0'), tag('e2.1.1')], 'e');
    expect(majorAnchor(releases, releases[0]!).name).toBe('e2.0.0');
    const { releases: noZero } = embeddingTags([tag('e1.9.0'), tag('e2.1.0'), tag('e2.3.0')], 'e');
    expect(majorAnchor(noZero, noZero[0]!).name).toBe('e2.1.0');
  });
});

describe('the release decision', () => {
  it('bumps the base version by the final bump', () => {
    expect(decideRelease(facts({}))).toMatchObject({ kind: 'release', version: '1.5.0', tag: 'embeddings-v1.5.0', bump: 'minor' });
    expect(decideRelease(facts({ report: reportWith('major') }))).toMatchObject({ version: '2.0.0' });
    expect(decideRelease(facts({ report: reportWith('patch') }))).toMatchObject({ version: '1.4.3' });
  });

  it('the first release takes the initial version', () => {
    expect(decideRelease(facts({ report: null, base: null, allTags: [], initialVersion: '0.1.0' }))).toMatchObject({ kind: 'release', version: '0.1.0', bump: 'initial' });
  });

  it('refuses a failing verdict and a bump of none; finds its own tag; never takes a tag at another commit', () => {
    expect(decideRelease(facts({ report: reportWith('minor', 'fail') }))).toMatchObject({ kind: 'refused', failure: true, reason: expect.stringContaining('linear CKA 0.75') });
    expect(decideRelease(facts({ report: reportWith('minor', 'warn') }))).toMatchObject({ kind: 'release' });
    expect(decideRelease(facts({ report: reportWith('none') }))).toMatchObject({ kind: 'refused', failure: false });
    const own = { ...tag('embeddings-v1.5.0', SHA), version: '1.5.0' };
    expect(decideRelease(facts({ tagsAtCommit: [own] }))).toMatchObject({ kind: 'already-released', tag: 'embeddings-v1.5.0' });
    const otherAtCommit = { ...tag('embeddings-v1.4.3', SHA), version: '1.4.3' };
    expect(decideRelease(facts({ tagsAtCommit: [otherAtCommit] }))).toMatchObject({ kind: 'refused', failure: true, reason: expect.stringContaining('already released as embeddings-v1.4.3') });
    expect(decideRelease(facts({ allTags: [tag('embeddings-v1.5.0', 'c'.repeat(40))] }))).toMatchObject({ kind: 'refused', reason: expect.stringContaining('already exists at another commit (ccccccc)') });
  });
});

describe('manifests in a release', () => {
  const manifest = (version: string | null): Manifest => ({ file: 'm.json', name: 'x', version, sections: { architecture: {}, extraction: {}, training: {} } });
  it('the reference takes the tag version; the candidate declares only a higher version', () => {
    expect(manifestsForRelease(manifest('0.9.0'), manifest('1.0.0'), '1.4.2')).toMatchObject({ reference: { version: '1.4.2' }, candidate: { version: null } });
    expect(manifestsForRelease(manifest('1.4.2'), manifest('1.4.2'), '1.4.2').candidate?.version).toBeNull();
    expect(manifestsForRelease(manifest('1.4.2'), manifest('2.0.0'), '1.4.2').candidate?.version).toBe('2.0.0');
  });
});

describe('writing the version into a manifest', () => {
  it('YAML keeps its comments; a missing version is added', () => {
    const yaml = '# the model\nname: enc   # its name\nversion: 1.0.0 # bumped by the release\narchitecture:\n  type: bert\n';
    expect(withManifestVersion(yaml, 'model.yaml', '1.1.0')).toBe('# the model\nname: enc # its name\nversion: 1.1.0 # bumped by the release\narchitecture:\n  type: bert\n');
    expect(withManifestVersion('name: enc\n', 'm.yml', '2.0.0')).toBe('name: enc\nversion: 2.0.0\n');
  });

  it('JSON keeps key order and indentation; version goes after name; "__proto__" stays data', () => {
    expect(withManifestVersion('{\n    "name": "e",\n    "training": {"seed": 1}\n}\n', 'm.json', '1.0.1')).toBe('{\n    "name": "e",\n    "version": "1.0.1",\n    "training": {\n        "seed": 1\n    }\n}\n');
    const out = withManifestVersion('{"__proto__": {"polluted": true}, "version": "1.0.0"}', 'm.json', '1.0.1');
    expect(JSON.parse(out)).toEqual(JSON.parse('{"__proto__": {"polluted": true}, "version": "1.0.1"}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => withManifestVersion('[1]', 'm.json', '1.0.0')).toThrow(/m\.json: a manifest must be a JSON object/);
  });
});

describe('the drift budget', () => {
  const anchor = { name: 'embeddings-v2.0.0', sha: 'c'.repeat(40), version: '2.0.0' };
  const metrics = (knn: number | null, cka: number | null) => ({ knnOverlap: { mean: knn }, cka: { linear: cka } }) as unknown as Report['metrics'];
  const passing = () => ({ ...reportWith('patch'), verdict: { status: 'pass', policyLevel: 'patch', breaches: [], checks: [], skipped: [] } }) as unknown as Report;

  it('a floor reached exactly passes; one below fails the verdict with a breach that says what to do', () => {
    const atFloor = applyDriftBudget(passing(), anchor, metrics(0.6, 0.9), { minKnnOverlap: 0.6, minCka: null });
    expect(atFloor.driftBudget).toMatchObject({ status: 'pass', knnOverlap: 0.6, cka: 0.9 });
    expect(atFloor.verdict.status).toBe('pass');
    const below = applyDriftBudget(passing(), anchor, metrics(0.6 - 1e-12, 0.7), { minKnnOverlap: 0.6, minCka: 0.8 });
    expect(below.driftBudget?.status).toBe('fail');
    expect(below.verdict.status).toBe('fail');
    expect(below.verdict.breaches.map((b) => b.metric)).toEqual(['driftBudgetKnnOverlap', 'driftBudgetCka']);
    expect(below.verdict.breaches[1]!.message).toMatch(/^drift budget: linear CKA 0\.7000 against embeddings-v2\.0\.0, where the 2\.x line began, is below 0\.8: .*Declare a major version/);
  });

  it('a value that could not be measured is not checked; a major change resets', () => {
    expect(applyDriftBudget(passing(), anchor, metrics(0.9, null), { minKnnOverlap: null, minCka: 0.8 }).driftBudget?.status).toBe('pass');
    const reset = applyDriftBudget(passing(), anchor, null, { minKnnOverlap: 0.5, minCka: null });
    expect(reset.driftBudget).toMatchObject({ status: 'reset', knnOverlap: null });
    expect(reset.verdict.status).toBe('pass');
  });
});
