import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withGeneratedTables } from '../../scripts/readme-tables.js';
import { options } from '../../src/config.js';
import { PRICES } from '../../src/core/cost/price-table.js';
import { PROBLEMS } from '../../src/http/problems.js';

describe('README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it('documents every configuration option and every problem type as the code defines them (npm run docs)', () => {
    expect(readme).toBe(withGeneratedTables(readme));
    for (const option of Object.values(options)) expect(readme).toContain(`\`${option.env}\``);
    for (const code of Object.keys(PROBLEMS)) expect(readme).toContain(`/problems/${code}\``);
  });

  it('lists every price of the cost model with its source and date, and the cost command with its output', () => {
    for (const line of Object.values(PRICES)) expect(readme).toContain(`(${line.source}) | ${line.asOf} |`);
    expect(readme).toContain('$ npx travel-platform cost --searches-per-day 100000 --hit-ratio 0.9');
    expect(readme).toContain('cost per request: $0.0000');
    expect(readme).toContain('![The live dashboard');
  });

  it('gives exactly the two set-up commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
