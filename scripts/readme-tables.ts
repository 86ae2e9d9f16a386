/**
 * The README's configuration and problem tables, generated from the code that defines them so
 * they cannot drift: `npm run docs` rewrites them, and a test fails when they are stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { options } from '../src/config.js';
import { PROBLEM_BASE, PROBLEMS } from '../src/http/problems.js';

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|');

export function configurationTable(): string {
  const rows = Object.values(options).map(
    (option) =>
      `| \`${option.env}\` | ${option.default === '' ? '_(empty)_' : `\`${option.default}\``} | ${escapeCell(option.doc)} |`,
  );
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

export function problemTable(): string {
  const rows = Object.entries(PROBLEMS)
    .sort(([, a], [, b]) => a.status - b.status)
    .map(([code, { status, title }]) => `| ${status} | \`${PROBLEM_BASE}${code}\` | ${escapeCell(title)} |`);
  return ['| status | type | title |', '|---|---|---|', ...rows].join('\n');
}

/** README text with the generated sections replaced. */
export function withGeneratedTables(readme: string): string {
  return replaceSection(
    replaceSection(readme, 'configuration', configurationTable()),
    'problems',
    problemTable(),
  );
}

function replaceSection(text: string, name: string, body: string): string {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README lacks the ${start} … ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

if (process.argv[1]?.endsWith('readme-tables.ts')) {
  const readme = readFileSync('README.md', 'utf8');
  writeFileSync('README.md', withGeneratedTables(readme));
}
