import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_OPTIONS } from '../src/settings.js';
import { TOOL_VERSION } from '../src/version.js';
import { BUNDLE_DIR, CLI, EXAMPLES, ROOT, readJson } from './helpers.js';

describe('project', () => {
  it('reports the version of package.json', () => {
    expect(TOOL_VERSION).toBe(readJson(join(ROOT, 'package.json')).version);
  });

  it('the bundle is executable with nothing installed (shebang, self-contained imports only)', () => {
    const bundle = readFileSync(join(ROOT, 'dist', 'cli.js'), 'utf8');
    expect(bundle.startsWith('#!/usr/bin/env node\n')).toBe(true);
    const imports = [...bundle.matchAll(/^import .* from ["']([^"']+)["'];?$/gm)].map((match) => match[1]);
    expect(imports.every((name) => name!.startsWith('node:') || ['fs', 'path', 'os', 'url', 'util', 'stream', 'events', 'readline', 'buffer'].includes(name!))).toBe(true);
  });

  it('the process tests run the bundles alone, in an empty folder where no node_modules resolves', () => {
    expect(readdirSync(BUNDLE_DIR).sort()).toEqual(['cli.js', 'index.js']);
    expect(relative(ROOT, BUNDLE_DIR).startsWith('..')).toBe(true);
    for (let dir = BUNDLE_DIR; dir !== dirname(dir); dir = dirname(dir)) expect(existsSync(join(dir, 'node_modules')), dir).toBe(false);
    expect(readFileSync(CLI, 'utf8')).toBe(readFileSync(join(ROOT, 'dist', 'cli.js'), 'utf8'));
    // The isolated CLI really runs: the README's command on the bundled examples.
    const run = spawnSync(process.execPath, [CLI, 'compare', '--reference', join(EXAMPLES, 'reference.npy'), '--candidate', join(EXAMPLES, 'candidate-patch.jsonl'), '--format', 'json'], { cwd: BUNDLE_DIR, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).verdict.status).toBe('pass');
  });

  it('the README starts with the two commands, and both are real', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const head = readme.split('\n').slice(0, 25).join('\n');
    expect(head).toMatch(/node dist\/cli\.js compare --reference examples\/digits\/reference\.npy/);
    expect(head).toMatch(/npm ci && npm test/);
  });

  it('the README documents every option', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const missing = Object.keys(SETTING_OPTIONS).filter((name) => !readme.includes(`\`--${name}\``));
    expect(missing).toEqual([]);
  });
});
