import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_OPTIONS } from '../src/settings.js';
import { TOOL_VERSION } from '../src/version.js';
import { ROOT, readJson } from './helpers.js';

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
