// Bundles each entry point into one self-contained ESM file under dist/.
// The output must be byte-identical for identical sources: CI rebuilds and diffs it.
import { build } from 'esbuild';

const entries = [
  { in: 'src/cli.ts', out: 'cli' },
  { in: 'src/action/index.ts', out: 'index' },
];

await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __embeddingGateCreateRequire } from 'node:module';",
      'const require = __embeddingGateCreateRequire(import.meta.url);',
    ].join('\n'),
  },
});
