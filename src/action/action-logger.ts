import type { Logger } from '../logger.js';
import { progressPrinter } from '../progress.js';
import type { ActionRuntime } from './runtime.js';

/** The comparison's logger in the action: lines to the log, warnings as annotations, progress as plain lines. */
export function actionLogger(runtime: ActionRuntime): Logger {
  return {
    info: runtime.info,
    warn: (message: string) => runtime.warning(message),
    progress: progressPrinter({ write: (text: string) => runtime.info(text.trimEnd()), interactive: false }),
  };
}
