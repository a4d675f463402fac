/** How progress is shown: a redrawn bar on a terminal, or a log line every so often in CI logs. */
export interface ProgressOptions {
  readonly write: (text: string) => void;
  readonly interactive: boolean;
  /** Milliseconds between log lines in non-interactive mode. */
  readonly logEveryMs?: number;
  readonly now?: () => number;
}

const BAR_WIDTH = 30;

/**
 * Returns a progress reporter `(label, done, total)`. On a terminal it redraws one line
 * (`[#####-----]  50% label`) at most every 100 ms and ends it at 100%. In CI it writes
 * `label: 50% (n / total)` when at least `logEveryMs` (default 15 s) have passed, and once at
 * the end of each step that took that long, so long runs show they are alive without flooding logs.
 */
export function progressPrinter(options: ProgressOptions): (label: string, done: number, total: number) => void {
  const now = options.now ?? Date.now;
  const every = options.logEveryMs ?? 15_000;
  let current = '';
  let started = 0;
  let lastDraw = 0;
  let lastLog = 0;
  return (label, done, total) => {
    const time = now();
    if (label !== current) {
      current = label;
      started = time;
      lastDraw = -Infinity;
      lastLog = time;
    }
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const percent = Math.floor(fraction * 100);
    if (options.interactive) {
      if (fraction < 1 && time - lastDraw < 100) return;
      lastDraw = time;
      const filled = Math.round(fraction * BAR_WIDTH);
      options.write(`\r[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${label}${fraction >= 1 ? '\n' : ''}`);
      return;
    }
    const finished = fraction >= 1 && time - started >= every;
    if ((fraction < 1 && time - lastLog >= every) || finished) {
      lastLog = time;
      options.write(`${label}: ${percent}% (${Math.round(done)} / ${Math.round(total)}, ${Math.round((time - started) / 1000)} s)\n`);
    }
  };
}
