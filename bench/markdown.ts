import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Replaces (or appends) each `## name` section of the Markdown file, keeping every other section
 * (the hand-written readings) as it was.
 */
export function updateMarkdownFile(file: string, sections: Map<string, string>): void {
  const text = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nProduced by `npm run bench` (bench/run.ts); raw results in bench/results/.\n';
  const parts = text.split(/^(?=## )/m);
  const done = new Set<string>();
  const updated = parts.map((part) => {
    const name = /^## (.+)$/m.exec(part)?.[1]?.trim();
    if (!part.startsWith('## ') || name === undefined || !sections.has(name)) return part;
    done.add(name);
    return `## ${name}\n\n${sections.get(name)}\n\n`;
  });
  for (const [name, body] of sections) {
    if (!done.has(name))
      updated.push(`${updated.at(-1)?.endsWith('\n\n') ? '' : '\n'}## ${name}\n\n${body}\n\n`);
  }
  writeFileSync(file, `${updated.join('').trimEnd()}\n`);
}
