import type { Report } from '../report/report.js';
import { cut, Markdown, markdown as md } from './escape-markdown.js';
import { renderMarkdown } from './markdown.js';

/** GitHub's limit on a release body is 125,000 characters; the notes stay well inside it. */
const MAX_NOTES = 100_000;

/** What the release notes say about the release itself. */
export interface ReleaseNoteFacts {
  readonly tag: string;
  readonly version: string;
  readonly bump: string;
  /** The release compared with, or `null` for the first release. */
  readonly baseTag: string | null;
  /** The first release's candidate: its file and shape (no comparison exists). */
  readonly firstSet?: { readonly source: string; readonly count: number; readonly dim: number } | null;
}

/**
 * The body of an embedding release: which release it was compared with and the drift summary (the
 * markdown report without the per-cluster table), or, for the first release, what it contains.
 * Every value is escaped like the comment's.
 */
export function renderReleaseNotes(facts: ReleaseNoteFacts, report: Report | null): string {
  const lines = [md`Embedding release ${cut(facts.version, 64)} (${cut(facts.bump, 16)}).`];
  if (facts.baseTag === null || report === null) {
    const set = facts.firstSet;
    lines.push(md``, md`The first embedding release${set ? md`: ${set.count} items × ${set.dim} dimensions from ${cut(set.source, 200)}` : ''}. Its assets are the reference of the next release.`);
  } else {
    lines.push(md``, md`Compared with ${cut(facts.baseTag, 120)}; the assets (embeddings, manifest, JSON report) are the reference of the next release.`, md``);
    // renderMarkdown's output is built with the escaping tag throughout, so it passes as markdown.
    lines.push(new Markdown(renderMarkdown(report, { headingLevel: 3, clusters: false, chart: false })));
  }
  const text = `${lines.map(String).join('\n')}\n`;
  return text.length > MAX_NOTES ? `${text.slice(0, MAX_NOTES)}\n\n(cut at ${MAX_NOTES} characters; the JSON report asset has everything)\n` : text;
}
