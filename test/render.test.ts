import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare } from '../src/compare.js';
import { escapeMarkdown } from '../src/render/escape-markdown.js';
import { renderJson } from '../src/render/json.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { renderText } from '../src/render/text.js';
import { anyPath } from '../src/io/paths.js';
import { parseSettings } from '../src/settings.js';
import { tempDir } from './helpers.js';

describe('escapeMarkdown', () => {
  it.each([
    ['@octocat please look', '@\u200doctocat please look'],
    ['fixes #123', 'fixes #\u200d123'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['<!-- hidden -->', '&lt;\\!-- hidden --&gt;'],
    ['a | b', 'a \\| b'],
    ['`code` and **bold**', '\\`code\\` and \\*\\*bold\\*\\*'],
    ['[click](https://evil.example)', '\\[click\\](https\\://evil.example)'],
    ['![x](y)', '\\!\\[x\\](y)'],
    ['# heading', '\\# heading'],
    ['- item', '\\- item'],
    ['12. item', '12\\. item'],
    ['line\nbreak\ttab', 'line break tab'],
    ['plain text (with parentheses), 3.5 - ok', 'plain text (with parentheses), 3.5 - ok'],
  ])('%j → %j', (input, output) => {
    expect(escapeMarkdown(input)).toBe(output);
  });

  it('cuts long text', () => {
    expect(escapeMarkdown('x'.repeat(500), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('reports built from hostile data files', () => {
  const hostile = [
    { id: '@octocat', text: 'ping @admin <script>alert(1)</script>' },
    { id: 'a|b', text: '`rm -rf` | break the table' },
    { id: '[x](https://evil.example)', text: '<!-- hide the rest' },
    { id: 'plain', text: 'line one\nline two' },
    { id: 'five', text: '#42' },
    { id: 'six', text: '\u001b[31mred\u001b[0m' },
  ];

  async function report() {
    const dir = tempDir();
    const rows = (flip: boolean) =>
      hostile
        .map((item, i) => JSON.stringify({ ...item, embedding: [Math.cos(i + (flip ? 2.5 * (i % 2) : 0)), Math.sin(i * 1.7), 0.5 + i] }))
        .join('\n');
    writeFileSync(join(dir, 'ref.jsonl'), rows(false));
    writeFileSync(join(dir, 'cand.jsonl'), rows(true));
    const settings = parseSettings({ reference: 'ref.jsonl', candidate: 'cand.jsonl', k: '2', clusters: '2' }, undefined, anyPath(dir));
    return compare(settings, { info: () => undefined, warn: () => undefined });
  }

  it('markdown keeps every id and text inert', async () => {
    const markdown = renderMarkdown(await report());
    expect(markdown).not.toMatch(/<script|<!--|@octocat|@admin|(?<!\\)\](?=\(https:\/\/evil)/);
    expect(markdown).toMatch(/@\u200doctocat/);
    // Every table row still has the same number of unescaped cell separators as its header.
    const worstTable = markdown.split('\n').filter((line) => line.startsWith('| 0.') || line.startsWith('| 1.'));
    for (const line of worstTable) expect(line.replace(/\\\|/g, '').split('|').length).toBe(7);
  });

  it('text output carries no terminal control characters', async () => {
    const text = renderText(await report());
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  it('JSON keeps the data as it was (JSON escaping is enough there)', async () => {
    const parsed = JSON.parse(renderJson(await report()));
    const ids = parsed.metrics.knnOverlap.worst.map((item: { id: string }) => item.id);
    expect(ids.every((id: string) => hostile.some((item) => item.id === id))).toBe(true);
  });
});
