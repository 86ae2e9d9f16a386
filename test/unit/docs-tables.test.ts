import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILES, withGeneratedTables } from '../../scripts/docs-tables.js';
import { options } from '../../src/config.js';
import { PRICES } from '../../src/core/cost/price-table.js';
import { PROBLEMS } from '../../src/http/problems.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** The pages a user reads: the README and every page of docs/ (the ADRs included). */
function userPages(): string[] {
  const pages = ['README.md'];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) pages.push(path);
    }
  };
  walk('docs');
  return pages;
}

/** Markdown outside fenced code blocks, so a `# comment` in a shell example is no heading. */
function prose(text: string): string {
  let fenced = false;
  return text
    .split('\n')
    .filter((line) => {
      if (line.trimStart().startsWith('```')) {
        fenced = !fenced;
        return false;
      }
      return !fenced;
    })
    .join('\n');
}

/** The anchors GitHub gives a page's headings (github-slugger: lower case, punctuation dropped, spaces to hyphens). */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading = ''] of prose(text).matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const base = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

describe('the generated reference tables (npm run docs)', () => {
  it('are current in every page that holds one', () => {
    for (const [file, sections] of Object.entries(GENERATED_FILES)) {
      const text = read(file);
      expect(text, file).toBe(withGeneratedTables(text, sections));
    }
  });

  it('document every configuration option and every problem type as the code defines them', () => {
    const configuration = read('docs/configuration.md');
    for (const option of Object.values(options)) expect(configuration).toContain(`| \`${option.env}\` |`);
    const problems = read('docs/problems.md');
    for (const code of Object.keys(PROBLEMS)) expect(problems).toContain(`/problems/${code}\``);
  });

  it('list every price of the cost model with its source and date, and the cost command with its output', () => {
    const analytics = read('docs/analytics.md');
    for (const line of Object.values(PRICES))
      expect(analytics).toContain(`(${line.source}) | ${line.asOf} |`);
    expect(analytics).toContain('$ npx travel-platform cost --searches-per-day 100000 --hit-ratio 0.9');
    expect(analytics).toContain('cost per request: $0.0000');
    expect(analytics).toContain('![The live dashboard');
  });
});

describe('the README', () => {
  const readme = read('README.md');

  it('is a newcomer path under 250 lines', () => {
    expect(readme.split('\n').length).toBeLessThan(250);
    for (const heading of ['## Set up', '## The API by example', '## Where to go next']) {
      expect(readme).toContain(`\n${heading}\n`);
    }
  });

  it('gives exactly the two set-up commands', () => {
    const setUp = readme.slice(readme.indexOf('## Set up'));
    const block = /```sh\n([\s\S]*?)```/.exec(setUp)?.[1] ?? '';
    const commands = block
      .split('\n')
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(['npm install && npm start', 'npm test']);
  });
});

describe('the pages a user reads', () => {
  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const page of userPages()) {
      const text = prose(read(page));
      for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue;
        const [path = '', anchor] = target.split('#');
        const file = path === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), path);
        if (!existsSync(file)) {
          broken.push(`${page}: ${target} (no such file)`);
          continue;
        }
        if (anchor && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(anchor)) {
          broken.push(`${page}: ${target} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('never point outside the repository at the design notes', () => {
    for (const page of userPages()) expect(read(page), page).not.toMatch(/\.\.\/shared|\/work\/shared/);
  });
});
