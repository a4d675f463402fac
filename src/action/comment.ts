import type { HistoryRecord } from '../history/history-record.js';
import { historyTable } from '../render/history-table.js';
import { renderMarkdown } from '../render/markdown.js';
import type { Report } from '../report/report.js';

/** GitHub rejects issue comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** The hidden marker that finds this gate's comment again; one per comment-id. */
export function commentMarker(commentId: string): string {
  return `<!-- embedding-gate:comment-id=${commentId} -->`;
}

/** Where the comment links to and what it was computed for. */
export interface CommentContext {
  readonly commentId: string;
  readonly runUrl: string | null;
  readonly headSha: string | null;
  readonly toolVersion: string;
  /** The workflow artifact holding the HTML report, or null. */
  readonly htmlLink?: string | null;
  /** The last releases of the drift history, shown next to this pull request's figures. */
  readonly recentReleases?: readonly HistoryRecord[];
}

/**
 * The sticky comment: the marker, the report's markdown (verdict, bump, checks with limits,
 * index compatibility, worst-moved items collapsed) and a footer linking the run. Sections are
 * dropped, largest first, until the body fits GitHub's limit, so an oversize comment cannot happen.
 */
export function commentBody(report: Report, context: CommentContext, limit = GITHUB_COMMENT_LIMIT): string {
  const titleSuffix = context.commentId === 'default' ? undefined : context.commentId;
  const footerParts = [
    context.runUrl ? `[workflow run](${context.runUrl})` : null,
    context.headSha ? `head ${context.headSha.slice(0, 7)}` : null,
    `embedding-gate ${context.toolVersion}`,
  ].filter(Boolean);
  const releases = context.recentReleases ?? [];
  const footer = `${releases.length > 0 ? `\n${historyTable(releases, report).toString()}\n` : ''}<sub>${footerParts.join(' · ')}</sub>\n`;
  const attempts = [
    { worstItems: 10, allMetrics: true },
    { worstItems: 10, allMetrics: false },
    { worstItems: 3, allMetrics: false },
    { worstItems: 0, allMetrics: false },
  ];
  for (const options of attempts) {
    const body = `${commentMarker(context.commentId)}\n${renderMarkdown(report, { ...options, titleSuffix, htmlLink: context.htmlLink ?? null })}\n${footer}`;
    if (body.length <= limit) return body;
  }
  const note = '\n\n_(cut to fit GitHub’s comment limit; the job summary and the JSON report have everything)_\n';
  const base = `${commentMarker(context.commentId)}\n${renderMarkdown(report, { worstItems: 0, allMetrics: false, titleSuffix, htmlLink: context.htmlLink ?? null })}`;
  return `${base.slice(0, limit - note.length - footer.length)}${note}${footer}`;
}

/** A comment for a run that skipped the comparison (no model path changed). */
export function skippedSummary(modelPaths: readonly string[]): string {
  return `## ➖ embedding-gate: skipped\n\nThis pull request changes no file matching \`model-paths\` (${modelPaths.length} pattern${modelPaths.length === 1 ? '' : 's'}), so the embeddings were not compared.\n`;
}
