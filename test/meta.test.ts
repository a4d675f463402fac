import { spawnSync } from 'node:child_process';
import nodeModule from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_OPTIONS } from '../src/settings.js';
import { TOOL_VERSION } from '../src/version.js';
import { BUNDLE_DIR, CLI, EXAMPLES, ROOT, readJson, tempDir } from './helpers.js';

describe('project', () => {
  it('reports the version of package.json', () => {
    expect(TOOL_VERSION).toBe(readJson(join(ROOT, 'package.json')).version);
  });

  it('the CLI is executable with nothing installed: a shebang entry that loads the bundle beside it, both importing only Node\'s own modules', () => {
    const entry = readFileSync(join(ROOT, 'dist', 'cli.js'), 'utf8');
    expect(entry.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect([...entry.matchAll(/import\(["']([^"']+)["']\)/g)].map((match) => match[1])).toEqual(['./cli-main.js']);
    for (const source of [entry, readFileSync(join(ROOT, 'dist', 'cli-main.js'), 'utf8')]) {
      const imports = [...source.matchAll(/^import .* from ["']([^"']+)["'];?$/gm)].map((match) => match[1]);
      expect(imports.length).toBeGreaterThan(0);
      expect(imports.every((name) => name!.startsWith('node:') || ['fs', 'path', 'os', 'url', 'util', 'stream', 'events', 'readline', 'buffer'].includes(name!))).toBe(true);
    }
  });

  it("the CLI keeps V8's compiled code of its bundle between runs where Node has a compile cache (22.1 and later), and runs as well where it has none", () => {
    // The default cache folder is node-compile-cache in the OS temp folder, which TMPDIR moves (NODE_COMPILE_CACHE would turn the cache on by itself).
    const temp = tempDir();
    const { NODE_COMPILE_CACHE: _unset, ...env } = process.env;
    const run = spawnSync(process.execPath, [CLI, '--version'], { cwd: BUNDLE_DIR, encoding: 'utf8', env: { ...env, TMPDIR: temp } });
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(TOOL_VERSION);
    const entries = readdirSync(temp, { recursive: true });
    if (typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function') expect(entries.length).toBeGreaterThan(0);
    else expect(entries).toEqual([]);
  });

  it('the process tests run the bundles alone, in an empty folder where no node_modules resolves', () => {
    expect(readdirSync(BUNDLE_DIR).sort()).toEqual(['cli-main.js', 'cli.js', 'index.js']);
    expect(relative(ROOT, BUNDLE_DIR).startsWith('..')).toBe(true);
    for (let dir = BUNDLE_DIR; dir !== dirname(dir); dir = dirname(dir)) expect(existsSync(join(dir, 'node_modules')), dir).toBe(false);
    for (const name of ['cli.js', 'cli-main.js']) expect(readFileSync(join(BUNDLE_DIR, name), 'utf8')).toBe(readFileSync(join(ROOT, 'dist', name), 'utf8'));
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
