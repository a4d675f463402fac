import type { GateGitHub } from './github-client.js';
import { readActionInputs } from './inputs.js';
import { commentFromReport } from './mode-comment-from-report.js';
import { gate } from './mode-gate.js';
import { mergeShards } from './mode-merge.js';
import { monitorMode } from './mode-monitor.js';
import { release } from './mode-release.js';
import { INPUT } from './names.js';
import { publish } from './publish.js';
import { pullRequestFromEvent } from './pull-request.js';
import type { ActionRuntime } from './runtime.js';

export type { ActionRuntime, Annotation } from './runtime.js';

/**
 * The GitHub Action: mask the token, read the inputs once, and dispatch to the mode's own file:
 * gate (compare and publish), release (tag and release the merged candidate), monitor (unpaired
 * drift on a schedule), merge (combine query shards, then publish) or comment-from-report.
 */
export async function runAction(runtime: ActionRuntime): Promise<void> {
  const token = runtime.getInput(INPUT.githubToken);
  if (token) runtime.setSecret(token);
  const inputs = readActionInputs(runtime.getInput, runtime.env);
  const pr = pullRequestFromEvent(runtime.env.eventName, runtime.event);
  const github: GateGitHub = runtime.createGitHub(inputs.token);
  if (inputs.mode === 'comment-from-report') await commentFromReport(inputs, runtime, github, pr);
  else if (inputs.mode === 'merge') await publish(mergeShards(inputs, runtime), inputs, runtime, github, pr);
  else if (inputs.mode === 'release') await release(inputs, runtime, github);
  else if (inputs.mode === 'monitor') await monitorMode(inputs, runtime, github);
  else await gate(inputs, runtime, github, pr);
}
