// Digests a model folder (child of scripts/bench.mjs): reads the folder given as argv[2] as a
// manifest, prints the training digest, and reports this process's peak RSS on stderr.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const { readModelFolder } = await import(pathToFileURL(resolve('.bench/model-folder.mjs')).href);
const manifest = await readModelFolder(process.argv[2], 'bench');
process.stdout.write(`${JSON.stringify(manifest.sections.training)}\n`);
process.stderr.write(`bench:maxrss-kib=${process.resourceUsage().maxRSS}\n`);
