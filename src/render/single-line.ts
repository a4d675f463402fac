/**
 * Text made safe for a terminal, a log line or an annotation: every control character (ANSI escape
 * sequences, newlines, carriage returns, the C1 range, line and paragraph separators) becomes a
 * space, so nothing can move the cursor, recolour the log or start a new workflow command; then
 * the text is cut to `max` characters with an ellipsis.
 */
export function singleLine(value: string, max = 80): string {
  // eslint-disable-next-line no-control-regex
  const single = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
  return single.length > max ? `${single.slice(0, max - 1)}…` : single;
}
