import { createHash } from 'node:crypto';
import type { Html } from './escape-html.js';

/** A CSP source for inline code: its SHA-256, base64, quoted. */
const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * A self-contained page: the style (and script, if any) inline and allowed by their hashes in a
 * Content-Security-Policy that allows nothing else (no network, no images, no forms). `title` and
 * `body` are Html, escaped where they were built; `tail` goes after the body (e.g. data and script).
 */
export function htmlPage(parts: { readonly title: Html; readonly style: string; readonly script?: string; readonly body: Html; readonly tail?: string }): string {
  const script = parts.script === undefined ? '' : `script-src ${sha256(parts.script)}; `;
  const policy = `default-src 'none'; ${script}style-src ${sha256(parts.style)}; img-src 'none'; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${parts.title.source}
<style>${parts.style}</style>
</head>
<body>
${parts.body.source}
${parts.tail ?? ''}</body>
</html>
`;
}
