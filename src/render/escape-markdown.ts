/**
 * Makes text from data files (ids, item text, manifest values) inert inside GitHub markdown,
 * including table cells: HTML is entity-escaped, markdown punctuation is backslash-escaped,
 * `|` cannot end a cell, newlines collapse to spaces, and `@name` / `#123` cannot ping anyone or
 * link an issue (a zero-width joiner follows the sigil). Long text is cut to `maxLength`.
 */
export function escapeMarkdown(value: string, maxLength = 120): string {
  const single = value.replace(/[\r\n\t]+/g, ' ');
  const short = single.length > maxLength ? `${single.slice(0, maxLength - 1)}…` : single;
  return short
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/([\\`*_{}[\]()#+\-.!|~])/g, '\\$1')
    .replace(/([@#])/g, '$1\u200d');
}
