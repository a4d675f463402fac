/**
 * Makes text inert inside GitHub markdown, including table cells and list items:
 * - `&`, `<`, `>` become entities, so no HTML tag or comment survives;
 * - inline markup characters (`\ ` * _ ~ [ ] | !`) are backslash-escaped, so nothing turns into
 *   a link, image, emphasis or code span, and `|` cannot end a table cell;
 * - `://` and `www.` are broken with a backslash, so GitHub does not autolink a bare URL;
 * - a leading `#`, `-`, `+`, `=` or `1.` cannot start a heading or a list;
 * - `@name` and `#123` cannot ping anyone or link an issue (a zero-width joiner follows the sigil);
 * - newlines and tabs collapse to spaces; the result is cut to `maxLength` characters.
 */
export function escapeMarkdown(value: string, maxLength = 120): string {
  return escapeLineStart(escapeInline(value, maxLength));
}

/** Keeps escaped text from starting a heading, a list or a block quote when it begins a line. */
function escapeLineStart(escaped: string): string {
  return escaped.replace(/^(\s*)([#=+-])/, '$1\\$2').replace(/^(\s*\d+)\./, '$1\\.');
}

/** escapeMarkdown without the line-start rules, for text placed in the middle of a line. */
function escapeInline(value: string, maxLength: number): string {
  // eslint-disable-next-line no-control-regex
  const single = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
  const short = single.length > maxLength ? `${single.slice(0, maxLength - 1)}…` : single;
  return short
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_~[\]|!])/g, '\\$1')
    .replace(/:\/\//g, '\\://')
    .replace(/\b(www)\./gi, '$1\\.')
    .replace(/@(?=\w)/g, '@\u200d')
    .replace(/#(?=\d)/g, '#\u200d');
}

/**
 * Markdown that the renderer wrote itself: the only value `markdown` interpolates as it is.
 * `leadsWithData` marks a fragment that begins with escaped data; the line-start rules (no heading,
 * list or numbered item) are applied to it wherever it ends up starting a line.
 */
export class Markdown {
  constructor(
    readonly source: string,
    readonly leadsWithData = false,
  ) {}
  toString(): string {
    return this.leadsWithData ? escapeLineStart(this.source) : this.source;
  }
}

/** A value a markdown template may hold: trusted Markdown, or anything else, which is escaped. */
export type MarkdownValue = Markdown | string | number | boolean | null | undefined;

/** Default bound of an interpolated string that names none (see `cut`). */
const DEFAULT_MAX = 200;

/** Data text escaped and cut to `maxLength` characters, ready to interpolate. */
export function cut(value: string, maxLength: number): Markdown {
  return new Markdown(escapeInline(value, maxLength), true);
}

/**
 * Tagged template for markdown: the literal parts are the renderer's own markup, and every
 * interpolated value is escaped — whatever its source (data file, manifest, a report read back),
 * so a forged report cannot put markup into a comment. Data that starts a line also gets the
 * line-start rules. Only `Markdown` values (from this tag or `cut`) pass as they are;
 * `null`/`undefined` render as nothing.
 */
export function markdown(literals: TemplateStringsArray, ...values: MarkdownValue[]): Markdown {
  let out = literals[0] ?? '';
  let leadsWithData = false;
  values.forEach((value, index) => {
    if (value !== null && value !== undefined) {
      const fragment = value instanceof Markdown ? value : cut(String(value), DEFAULT_MAX);
      if (out.length === 0) {
        leadsWithData = fragment.leadsWithData;
        out += fragment.source;
      } else out += out.endsWith('\n') ? fragment.toString() : fragment.source;
    }
    out += literals[index + 1] ?? '';
  });
  return new Markdown(out, leadsWithData);
}

/** Joins fragments with a trusted separator; a separator with a newline puts each fragment at a line start. */
export function joinMarkdown(parts: readonly Markdown[], separator: string): Markdown {
  const newline = separator.includes('\n');
  const source = parts.map((part, index) => (index > 0 && newline ? part.toString() : part.source)).join(separator);
  return new Markdown(source, parts[0]?.leadsWithData ?? false);
}
