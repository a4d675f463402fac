import picomatch from 'picomatch';
import { compareWithBaselines } from '../calibrate.js';
import { buildPartialReport } from '../shard/partial-report.js';
import { budgetOf, historyRecord } from '../history/history-record.js';
import { hasDriftBudget } from '../release/drift-budget.js';
import type { ReleaseTag } from '../release/release-tags.js';
import { withDriftBudget } from './drift-budget-run.js';
import { actionLogger } from './action-logger.js';
import { baseManifest } from './base-manifest.js';
import { recentReleases, recordRun, repositoryUrl } from './history-run.js';
import { skippedSummary } from './comment.js';
import { withGitHub, type GateGitHub } from './github-client.js';
import { downloadReleasedReference, latestRelease, listEmbeddingTags } from './released-reference.js';
import { inputName, type GateInputs } from './inputs.js';
import { publish, setNoVerdictOutputs, writeReport } from './publish.js';
import type { PullRequestInfo } from './pull-request.js';
import type { ActionRuntime } from './runtime.js';

/**
 * gate mode: skip when no model path changed, read the base manifest when asked, compare, then
 * publish the report (or write one query shard's partial report).
 */
export async function gate(inputs: GateInputs, runtime: ActionRuntime, github: GateGitHub, pr: PullRequestInfo | null): Promise<void> {
  if (inputs.modelPaths.length > 0) {
    if (!pr) {
      runtime.info(`model-paths is set, but ${runtime.env.eventName} is not a pull request event: comparing anyway.`);
    } else {
      const files = await github.listPullRequestFiles(pr.number);
      const matches = picomatch([...inputs.modelPaths], { dot: true });
      const touched = files.filter((file) => matches(file));
      if (touched.length === 0) {
        runtime.info(`Pull request #${pr.number} changes ${files.length} files, none matching model-paths: the embeddings were not compared.`);
        setNoVerdictOutputs(runtime, 'skipped', '');
        await runtime.writeSummary(skippedSummary(inputs.modelPaths));
        return;
      }
      runtime.info(`${touched.length} changed file(s) match model-paths, e.g. ${touched.slice(0, 3).join(', ')}`);
    }
  }

  let settings = inputs.compare;
  let latest: ReleaseTag | null = null;
  let releases: readonly ReleaseTag[] = [];
  if (inputs.releaseSource.reference || hasDriftBudget(inputs.driftBudget)) {
    const source = inputs.releaseSource;
    const tags = await withGitHub('list the embedding releases', () => listEmbeddingTags(github, source.tagPrefix));
    releases = tags.releases;
    latest = latestRelease(tags, source.tagPrefix, source.reference ? undefined : 'a drift budget is set');
    runtime.info(`${source.reference ? 'Reference' : 'Latest release'}: ${latest.name} (${latest.sha.slice(0, 7)}).`);
    if (source.reference) {
      const from = latest;
      settings = await withGitHub('download the released reference', () => downloadReleasedReference(settings, source, from, github, runtime));
    }
  }
  const referenceManifest = await baseManifest({ ...inputs, compare: settings }, runtime, github, pr);
  const result = await compareWithBaselines(settings, actionLogger(runtime), { referenceManifest, nameOf: inputName });
  if (inputs.compare.queryShard !== null) {
    const partial = buildPartialReport(result);
    const path = writeReport(`${JSON.stringify(partial)}\n`, `embedding-gate-${inputs.commentId}-shard-${partial.shard.index}-of-${partial.shard.count}.json`, inputs, runtime);
    setNoVerdictOutputs(runtime, 'partial', path);
    await runtime.writeSummary(`embedding-gate: query shard ${partial.shard.index}/${partial.shard.count} computed ${partial.items.shared.length} of ${partial.totalQueries} queries; partial report \`${path}\` (merge it with mode: merge).\n`);
    return;
  }
  const report = latest === null ? result.report : await withDriftBudget(result.report, inputs, settings, releases, latest, runtime, github);
  await publish(report, inputs, runtime, github, pr, await recentReleases(inputs, runtime, github));
  const facts = { kind: 'gate' as const, date: new Date(), version: report.bump.nextVersion, tag: null, base: latest?.name ?? null, bump: report.bump.final };
  await recordRun(inputs, runtime, github, historyRecord({ ...facts, commit: pr?.headSha ?? (runtime.env.sha || null), repositoryUrl: repositoryUrl(runtime), pullRequest: pr?.number ?? null }, report, budgetOf(report)));
}
