// Generates the README's input and output tables from action.yml, between the
// <!-- action-inputs --> and <!-- action-outputs --> markers. `node scripts/action-tables.mjs`
// rewrites README.md; `--check` exits 1 when the README is out of date (run by the tests).
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').trim();

export function actionTables(actionYamlText) {
  const action = parse(actionYamlText);
  const inputs = [
    '| input | default | description |',
    '| --- | --- | --- |',
    ...Object.entries(action.inputs).map(([name, spec]) => `| \`${name}\` | ${spec.default ? `\`${cell(spec.default)}\`` : ''} | ${cell(spec.description)} |`),
  ].join('\n');
  const outputs = ['| output | description |', '| --- | --- |', ...Object.entries(action.outputs).map(([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`)].join('\n');
  return { inputs, outputs };
}

export function renderReadme(readme, actionYamlText) {
  const { inputs, outputs } = actionTables(actionYamlText);
  const replace = (text, marker, table) => {
    const pattern = new RegExp(`(<!-- ${marker}:start -->)[\\s\\S]*?(<!-- ${marker}:end -->)`);
    if (!pattern.test(text)) throw new Error(`README.md has no <!-- ${marker}:start --> … <!-- ${marker}:end --> block`);
    return text.replace(pattern, (_, start, end) => `${start}\n${table}\n${end}`);
  };
  return replace(replace(readme, 'action-inputs', inputs), 'action-outputs', outputs);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const readme = readFileSync('README.md', 'utf8');
  const updated = renderReadme(readme, readFileSync('action.yml', 'utf8'));
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      console.error('README.md action tables are out of date: run node scripts/action-tables.mjs');
      process.exit(1);
    }
  } else writeFileSync('README.md', updated);
}
