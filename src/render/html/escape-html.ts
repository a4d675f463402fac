/**
 * Text made inert in HTML element content and double-quoted attribute values: `&`, `<`, `>`, `"`
 * and `'` become character references, and control characters (other than tab and newline) are
 * dropped. Every string from a report passes through this (or through `html`) before it is written.
 */
export function escapeHtml(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
  );
}

/** HTML the renderer wrote itself: the only value the `html` tag interpolates as it is. */
export class Html {
  constructor(readonly source: string) {}
  toString(): string {
    return this.source;
  }
}

/** A value an `html` template may hold. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly Html[];

/**
 * Tagged template for HTML: literal parts are the renderer's markup; every interpolated value is
 * escaped whatever its source, except Html fragments (and arrays of them, joined). `null` and
 * `undefined` render as nothing.
 */
export function html(literals: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = literals[0] ?? '';
  values.forEach((value, index) => {
    if (value instanceof Html) out += value.source;
    else if (Array.isArray(value)) out += (value as readonly Html[]).map((part) => part.source).join('');
    else if (value !== null && value !== undefined) out += escapeHtml(String(value));
    out += literals[index + 1] ?? '';
  });
  return new Html(out);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the line separators are
 * written as \u escapes, so no data can close the element or open a comment.
 */
export function jsonForScript(value: unknown): Html {
  return new Html(
    JSON.stringify(value)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029'),
  );
}
