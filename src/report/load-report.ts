import { validateReport } from './generated/validators.js';
import type { Report } from './report.js';
import { readValidatedJson } from './validate-json.js';

/**
 * Loads a JSON report written by an earlier run (comment-from-report). The file may come from a
 * fork's workflow, so it is validated strictly against schema/report.schema.json: enums for bumps,
 * statuses, levels and metric names; numbers where numbers belong; no unknown keys; bounded strings.
 */
export function loadReport(path: string, file: string): Report {
  return readValidatedJson<Report>(path, file, validateReport, 'an embedding-gate JSON report');
}
