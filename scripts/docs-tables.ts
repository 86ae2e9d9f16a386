/**
 * The reference tables of docs/ (configuration, problems, prices, the cost example), generated from
 * the code that defines them so they cannot drift: `npm run docs` rewrites them, and
 * test/unit/docs-tables.test.ts fails when they are stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describeEstimate } from '../src/cli/commands/cost.js';
import { options } from '../src/config.js';
import {
  DEFAULT_ASSUMPTIONS,
  estimateMonthlyCost,
  trafficFromSearches,
} from '../src/core/cost/cost-model.js';
import { PRICES } from '../src/core/cost/price-table.js';
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

/** The cost model's public prices, each with its source and date. */
export function priceTable(): string {
  const rows = Object.values(PRICES).map(
    (line) =>
      `| ${escapeCell(line.item)} | $${line.usd < 0.000005 ? `${+(line.usd * 1e6).toFixed(4)} per million` : line.usd} | ${line.unit} | [${line.source.replace(/^https:\/\//, '')}](${line.source}) | ${line.asOf} |`,
  );
  return ['| item | price (USD) | unit | source | as of |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** What `travel-platform cost --searches-per-day 100000 --hit-ratio 0.9` prints. */
export function costExample(): string {
  const traffic = trafficFromSearches({
    searchesPerDay: 100_000,
    hitRatio: 0.9,
    lookToBook: 100,
    pricingsPerSearch: 0.05,
    hitDurationMs: 5,
    missDurationMs: 60,
  });
  const lines = describeEstimate(estimateMonthlyCost(traffic, DEFAULT_ASSUMPTIONS, PRICES), 100_000);
  return [
    '```',
    '$ npx travel-platform cost --searches-per-day 100000 --hit-ratio 0.9',
    ...lines,
    '```',
  ].join('\n');
}

export type GeneratedSection = 'configuration' | 'problems' | 'prices' | 'cost-example';

/** Which page holds each generated section, relative to the repository root. */
export const GENERATED_FILES: Readonly<Record<string, readonly GeneratedSection[]>> = {
  'docs/configuration.md': ['configuration'],
  'docs/problems.md': ['problems'],
  'docs/analytics.md': ['prices', 'cost-example'],
};

const GENERATORS: Record<GeneratedSection, () => string> = {
  configuration: configurationTable,
  problems: problemTable,
  prices: priceTable,
  'cost-example': costExample,
};

/** A page's text with the named generated sections replaced. */
export function withGeneratedTables(text: string, sections: readonly GeneratedSection[]): string {
  return sections.reduce((page, name) => replaceSection(page, name, GENERATORS[name]()), text);
}

function replaceSection(text: string, name: string, body: string): string {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`the page lacks the ${start} … ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

if (process.argv[1]?.endsWith('docs-tables.ts')) {
  for (const [file, sections] of Object.entries(GENERATED_FILES)) {
    writeFileSync(file, withGeneratedTables(readFileSync(file, 'utf8'), sections));
  }
}
