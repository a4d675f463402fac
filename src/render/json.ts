import type { Report } from '../report/report.js';

/** The JSON report: the Report object with 2-space indentation and a final newline (byte-stable). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
