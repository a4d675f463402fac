import { writeFileSync, readFileSync } from 'node:fs';
import { loadOptionalManifest, compareDetailed } from '../compare.js';
import { InputError, UsageError } from '../core/errors.js';
import { resolveInputFile } from '../io/paths.js';
import { detectFormat, readEmbeddingSet } from '../io/read-embedding-set.js';
import { renderJson } from '../render/json.js';
import { cut, markdown as md } from '../render/escape-markdown.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderReleaseNotes } from '../render/release-notes.js';
import { singleLine } from '../render/single-line.js';
import { decideRelease, type ReleaseDecision } from '../release/release-decision.js';
import { manifestsForRelease } from '../release/release-manifests.js';
import { embeddingTags, type ReleaseTag } from '../release/release-tags.js';
import { withManifestVersion } from '../release/manifest-version.js';
import type { Report } from '../report/report.js';
import { budgetOf, historyRecord } from '../history/history-record.js';
import type { Settings } from '../settings.js';
import { actionLogger } from './action-logger.js';
import { withDriftBudget } from './drift-budget-run.js';
import { recordRun, repositoryUrl } from './history-run.js';
import { withGitHub, type GateGitHub } from './github-client.js';
import { inputName, type ReleaseInputs } from './inputs.js';
import { INPUT, OUTPUT } from './names.js';
import { publishHtmlReport, setReportOutputs, stepFails, writeReport } from './publish.js';
import { carryOutRelease, releaseFiles, type ReleaseOutcome } from './release-publication.js';
import { downloadReleasedReference } from './released-reference.js';
import type { ActionRuntime } from './runtime.js';

/**
 * release mode, on the default branch after a merge: find the latest embedding release tag, compare
 * the merged candidate with that release's assets, decide the next version, and tag and release it
 * (or say what it would do). A rerun on the same commit finds its own tag.
 */
export async function release(inputs: ReleaseInputs, runtime: ActionRuntime, github: GateGitHub): Promise<void> {
  const event = runtime.env.eventName;
  if (event.startsWith('pull_request')) {
    throw new UsageError(`release mode tags the merged commit: run it on push to the default branch or on workflow_dispatch, not on ${singleLine(event, 40)} (the PR gate is mode: gate).`);
  }
  const sha = runtime.env.sha;
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new InputError(`release mode tags GITHUB_SHA, the commit of the run, but it is ${JSON.stringify(singleLine(sha, 60))}; run it in a GitHub workflow (on: push or workflow_dispatch).`);
  const prefix = inputs.releaseSource.tagPrefix;
  const allTags = await withGitHub('list the tags', () => github.listTags());
  const tags = embeddingTags(allTags, prefix);
  runtime.info(
    `Tags: ${tags.releases.length} embedding release(s) with prefix ${prefix}${tags.releases[0] ? ` (latest ${tags.releases[0].name})` : ''}` +
      `${tags.prereleases.length > 0 ? `; ${tags.prereleases.length} pre-release(s) not used as a base (e.g. ${tags.prereleases[0]!.name})` : ''}` +
      `${tags.ignored.length > 0 ? `; ignored, not a version: ${tags.ignored.slice(0, 5).join(', ')}` : ''}.`,
  );
  const tagsAtCommit = tags.releases.filter((tag) => tag.sha === sha);
  const base = tags.releases.find((tag) => tag.sha !== sha) ?? null;
  const compared = base === null ? null : await compareWithRelease(inputs, base, runtime, github);
  const report = compared === null || base === null ? null : await withDriftBudget(compared.report, inputs, compared.settings, tags.releases.filter((tag) => tag.sha !== sha), base, runtime, github);
  const decision = decideRelease({ report, base, tagsAtCommit, allTags, prefix, initialVersion: inputs.release.initialVersion, sha });
  runtime.info(`Release: ${decision.reason}.`);

  const reportPath = report === null ? null : writeReport(renderJson(report), `embedding-gate-${inputs.commentId}-release.json`, inputs, runtime);
  // Every output gets a value; the ones of other modes stay empty.
  for (const name of Object.values(OUTPUT)) runtime.setOutput(name, '');
  if (report !== null && reportPath !== null) {
    setReportOutputs(runtime, report, reportPath, stepFails(report, inputs.failOn));
    await publishHtmlReport(report, reportPath, inputs, runtime);
  } else {
    runtime.setOutput(OUTPUT.status, 'pass');
    runtime.setOutput(OUTPUT.passed, 'true');
    runtime.setOutput(OUTPUT.skipped, 'false');
  }
  runtime.setOutput(OUTPUT.bump, decision.bump ?? '');
  runtime.setOutput(OUTPUT.nextVersion, decision.kind === 'refused' && decision.bump !== 'none' ? '' : (decision.version ?? ''));
  runtime.setOutput(OUTPUT.tag, decision.kind === 'refused' ? '' : decision.tag);

  let outcome: ReleaseOutcome = { released: false, releaseUrl: null };
  runtime.setOutput(OUTPUT.released, 'false');
  runtime.setOutput(OUTPUT.releaseUrl, '');
  if (decision.kind !== 'refused') {
    const firstSet = report === null ? await describeFirstSet(inputs) : null;
    const notes = renderReleaseNotes({ tag: decision.tag, version: decision.version, bump: decision.bump, baseTag: base?.name ?? null, firstSet }, report);
    const files = releaseFiles(inputs.compare, reportPath);
    outcome = await withGitHub(`release ${decision.tag}`, () => carryOutRelease(decision, inputs.release, files, notes, runtime, github));
    if (inputs.release.writeVersion) writeCandidateVersion(inputs, decision.version, runtime);
    if (outcome.released) {
      const facts = { kind: 'release' as const, date: new Date(), version: decision.version, tag: decision.tag, commit: sha, repositoryUrl: repositoryUrl(runtime), pullRequest: null, base: base?.name ?? null, bump: decision.bump, items: firstSet?.count ?? null };
      await recordRun(inputs, runtime, github, historyRecord(facts, report, budgetOf(report)));
    }
  }
  runtime.setOutput(OUTPUT.released, String(outcome.released));
  runtime.setOutput(OUTPUT.releaseUrl, outcome.releaseUrl ?? '');
  await runtime.writeSummary(releaseSummary(decision, outcome, base, report));
  // A failing gate fails the step as fail-on says; a tag that cannot be taken always does.
  const gateFailed = report !== null && report.verdict.status === 'fail';
  if (decision.kind === 'refused' && decision.failure && (!gateFailed || stepFails(report, inputs.failOn))) {
    runtime.setOutput(OUTPUT.passed, 'false');
    runtime.setFailed(singleLine(`embedding-gate: no release: ${decision.reason}`, 2000));
  }
}

/** Compares the merged candidate with the base release (its assets, or the reference path given), versions taken from the tags. */
async function compareWithRelease(inputs: ReleaseInputs, base: ReleaseTag, runtime: ActionRuntime, github: GateGitHub): Promise<{ report: Report; settings: Settings }> {
  let settings = inputs.compare;
  if (inputs.releaseSource.reference) {
    settings = await withGitHub(`download the reference from ${base.name}`, () => downloadReleasedReference(settings, inputs.releaseSource, base, github, runtime));
  } else runtime.info(`Comparing with the reference ${settings.reference.path} as given; the version comes from ${base.name}.`);
  const manifests = manifestsForRelease(
    await loadOptionalManifest(settings.reference.manifest, inputName(INPUT.referenceManifest), settings.paths),
    await loadOptionalManifest(settings.candidate.manifest, inputName(INPUT.candidateManifest), settings.paths),
    base.version,
  );
  const result = await compareDetailed(settings, actionLogger(runtime), { referenceManifest: manifests.reference, candidateManifest: manifests.candidate, nameOf: inputName });
  return { report: result.report, settings };
}

/** Reads the first release's candidate, so a release never carries a file the gate cannot read. */
async function describeFirstSet(inputs: ReleaseInputs): Promise<{ source: string; count: number; dim: number }> {
  const side = inputs.compare.candidate;
  const set = await readEmbeddingSet({
    path: resolveInputFile(side.path, inputName(INPUT.candidate), inputs.paths),
    display: side.path,
    format: side.format ?? detectFormat(side.path),
    idField: inputs.compare.idField,
    vectorField: inputs.compare.vectorField,
    idsFile: side.ids === null ? null : resolveInputFile(side.ids, inputName(INPUT.candidateIds), inputs.paths),
    idsDisplay: side.ids,
    allocate: (length) => new Float32Array(length),
  });
  return { source: side.path, count: set.count, dim: set.dim };
}

/** write-version: the candidate manifest in the workspace gets the released version. */
function writeCandidateVersion(inputs: ReleaseInputs, version: string, runtime: ActionRuntime): void {
  const manifest = inputs.compare.candidate.manifest;
  if (manifest === null) {
    runtime.warning('write-version is true, but there is no candidate-manifest to write the version into.');
    return;
  }
  const path = resolveInputFile(manifest, inputName(INPUT.candidateManifest), inputs.paths);
  writeFileSync(path, withManifestVersion(readFileSync(path, 'utf8'), manifest, version));
  runtime.info(`Wrote version ${version} into ${manifest}.`);
}

/** The job summary of a release run: the decision, what was created, and the drift report. */
function releaseSummary(decision: ReleaseDecision, outcome: ReleaseOutcome, base: ReleaseTag | null, report: Report | null): string {
  const title = decision.kind === 'refused' ? md`no release` : md`${cut(decision.tag, 200)}`;
  const lines = [md`## embedding-gate release: ${title}`, md``, md`${cut(decision.reason, 2000)}`];
  if (decision.kind !== 'refused') {
    const url = outcome.releaseUrl === null ? md`` : md`; release: ${cut(outcome.releaseUrl, 300)}`;
    lines.push(md``, outcome.released ? md`The commit carries the tag${url}.` : md`Dry run: nothing was created (create-tag and create-release are false).`);
  }
  if (base) lines.push(md``, md`Compared with ${cut(base.name, 200)}.`);
  const body = report === null ? '' : `\n${renderMarkdown(report, { clusters: true, chart: false })}`;
  return `${lines.map(String).join('\n')}\n${body}`;
}
