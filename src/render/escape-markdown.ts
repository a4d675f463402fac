/**
 * Makes text from data files (ids, item text, manifest values) inert inside GitHub markdown,
 * including table cells and list items:
 * - `&`, `<`, `>` become entities, so no HTML tag or comment survives;
 * - inline markup characters (`\ ` * _ ~ [ ] | !`) are backslash-escaped, so nothing turns into
 *   a link, image, emphasis or code span, and `|` cannot end a table cell;
 * - a leading `#`, `-`, `+`, `=` or `1.` cannot start a heading or a list;
 * - `@name` and `#123` cannot ping anyone or link an issue (a zero-width joiner follows the sigil);
 * - newlines and tabs collapse to spaces; the result is cut to `maxLength` characters.
 */
export function escapeMarkdown(value: string, maxLength = 120): string {
  // eslint-disable-next-line no-control-regex
  const single = value.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  const short = single.length > maxLength ? `${single.slice(0, maxLength - 1)}…` : single;
  return short
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_~[\]|!])/g, '\\$1')
    .replace(/^(\s*)([#=+-])/, '$1\\$2')
    .replace(/^(\s*\d+)\./, '$1\\.')
    .replace(/@(?=\w)/g, '@\u200d')
    .replace(/#(?=\d)/g, '#\u200d');
}
