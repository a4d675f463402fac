// Runs the bundled CLI in this process with the given arguments, then reports this process's
// peak resident set size on stderr (read by scripts/bench.mjs).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

process.argv = [process.argv[0], 'embedding-gate', ...process.argv.slice(2)];
process.on('exit', () => {
  process.stderr.write(`bench:maxrss-kib=${process.resourceUsage().maxRSS}\n`);
});
await import(pathToFileURL(resolve('dist/cli.js')).href);
