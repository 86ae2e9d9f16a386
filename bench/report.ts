import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { LoadResult } from './load.js';
import type { BenchOptions } from './options.js';
import type { RequestMixShape } from './request-mix.js';
import type { CacheCounts } from './scrape.js';

/** The servers one run compares. */
export type TargetName =
  | 'bare'
  | 'none'
  | 'memory'
  | 'redis'
  | 'memory+gateway'
  | 'memory/hot'
  | 'memory+gateway/hot';

export const TARGET_LABELS: Record<TargetName, string> = {
  bare: 'bare Fastify, constant JSON (ceiling)',
  none: 'API, CACHE=none',
  memory: 'API, CACHE=memory',
  redis: 'API, CACHE=redis (L1 + Redis L2)',
  'memory+gateway': 'API, CACHE=memory + gateway (API key, rate limit, metering)',
  'memory/hot': 'API, CACHE=memory, hot set',
  'memory+gateway/hot': 'API, CACHE=memory + gateway, hot set',
};

/** One target at one connection count. */
export interface RowResult {
  target: TargetName;
  connections: number;
  load: LoadResult;
  /** Cache answers during the measured window (not the warm-up), from the server's /metrics. */
  cache: CacheCounts | undefined;
  hitRatio: number | undefined;
  /** 2xx/s over the bare server's at the same connection count. */
  ratioToBare: number | undefined;
}

export interface MachineInfo {
  node: string;
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  platform: string;
}

export interface BenchRun {
  startedAt: string;
  command: string;
  machine: MachineInfo;
  options: BenchOptions;
  seedSeconds: number;
  mix: RequestMixShape;
  rows: RowResult[];
  /** Targets that could not run, with why. */
  skipped: { target: TargetName; reason: string }[];
  /** The freshness scenario's rows (bench/freshness.ts). */
  freshness?: unknown[];
}

/** A target verdict line: what was asked, what was measured, met or not. */
export interface Verdict {
  target: string;
  measured: string;
  met: boolean;
}

const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(0));
const percent = (value: number | undefined): string =>
  value === undefined ? '–' : `${(value * 100).toFixed(1)}%`;

function rowFor(run: BenchRun, target: TargetName, connections: number): RowResult | undefined {
  return run.rows.find((row) => row.target === target && row.connections === connections);
}

/** The issue's targets checked against the run, one line each. */
export function verdicts(run: BenchRun): Verdict[] {
  const out: Verdict[] = [];
  for (const connections of run.options.connections) {
    for (const target of ['memory', 'redis', 'memory/hot'] as const) {
      const row = rowFor(run, target, connections);
      if (row?.ratioToBare === undefined) continue;
      out.push({
        target: `${target} cache ≥ 0.5× bare 2xx throughput (${connections} conns)`,
        measured: `${row.ratioToBare.toFixed(2)}×`,
        met: row.ratioToBare >= 0.5,
      });
    }
    const memory = rowFor(run, 'memory', connections);
    if (memory?.hitRatio !== undefined) {
      out.push({
        target: `hit ratio ≥ 95% after warm-up (memory, Zipf mix, ${connections} conns)`,
        measured: percent(memory.hitRatio),
        met: memory.hitRatio >= 0.95,
      });
    }
    for (const [plain, gatedName] of [
      ['memory/hot', 'memory+gateway/hot'],
      ['memory', 'memory+gateway'],
    ] as const) {
      const base = rowFor(run, plain, connections);
      const gated = rowFor(run, gatedName, connections);
      if (!base || !gated) continue;
      const cost = 1 - gated.load.okPerSecond / base.load.okPerSecond;
      out.push({
        target: `gateway costs ≤ 15% of 2xx throughput (${plain === 'memory' ? 'Zipf mix' : 'hot set'}, ${connections} conns)`,
        measured: `${(cost * 100).toFixed(1)}%`,
        met: cost <= 0.15,
      });
    }
  }
  const most = Math.max(...run.options.connections);
  for (const target of ['memory', 'redis', 'memory/hot'] as const) {
    const row = rowFor(run, target, most);
    if (!row) continue;
    out.push({
      target: `p99 < 50 ms at ${most} connections (${target})`,
      measured: `${ms(row.load.p99)} ms`,
      met: row.load.p99 < 50 && row.load.errors === 0,
    });
  }
  return out;
}

const HEADER =
  '| target | conns | 2xx/s | all req/s | p50 ms | p95 ms | p99 ms | non-2xx | errors | hit ratio | × bare |\n' +
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';

function tableLine(row: RowResult): string {
  const { load } = row;
  return `| ${TARGET_LABELS[row.target]} | ${row.connections} | ${Math.round(load.okPerSecond)} | ${Math.round(load.requestsPerSecond)} | ${ms(load.p50)} | ${ms(load.p95)} | ${ms(load.p99)} | ${load.non2xx} | ${load.errors} | ${percent(row.hitRatio)} | ${row.ratioToBare === undefined ? '–' : `${row.ratioToBare.toFixed(2)}×`} |`;
}

/** The Markdown table of the given targets. */
export function markdownTable(run: BenchRun, targets: readonly TargetName[]): string {
  const rows = run.rows.filter((row) => targets.includes(row.target));
  return [HEADER, ...rows.map(tableLine)].join('\n');
}

function verdictList(list: Verdict[]): string {
  return list
    .map((v) => `- ${v.met ? '✅ met' : '❌ missed'}: ${v.target} — measured ${v.measured}`)
    .join('\n');
}

function runDescription(run: BenchRun): string {
  const { options, machine, mix } = run;
  return [
    `Run ${run.startedAt} with \`${run.command}\` on Node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB RAM (${machine.platform}).`,
    `Each row: ${options.warmupSeconds} s warm-up (not measured), then ${options.durationSeconds} s measured, autocannon in the bench process, same client settings for every row.`,
    `Inventory: ${options.airports} airports × ${options.days} days (seed ${options.seed}, seeded in ${run.seedSeconds} s), one SQLite file shared by every API process.`,
    `Mix: 75% flight searches Zipf(s=${options.skew}) over ${mix.flightKeys} (route, date) keys, 15% hotel searches over ${mix.hotelKeys} (city, dates) keys, 10% location lookups over ${mix.locationKeys} prefixes. The hot-set rows use the same mix cut to its ${options.hotKeys} hottest flight keys (and a quarter as many hotel and location keys), a key space the warm-up can cache whole when the cache holds it: they measure cached answers, as far as the cache's bounds allow (see "Reading the figures"). Hit ratio is counted from each server's \`/metrics\` over the measured window only. Throughput ratios and latency percentiles are of 2xx answers; non-2xx are almost all load-shedding 503s (\`MAX_EVENT_LOOP_DELAY_MS\`, default 1 s), errors are client timeouts (10 s) and connection errors.`,
    '',
    `**This machine has ${machine.cpus} cores and the load generator runs on the same machine, competing with the server for them**: absolute figures are low and the ratios are the meaningful part. The rows with the API run without the gateway (\`GATEWAY=off\`) unless they say otherwise, so they compare caches alone.`,
  ].join('\n');
}

/** The "Search cache" and "Gateway overhead" sections of BENCHMARKS.md. */
export function markdownSections(run: BenchRun): Map<string, string> {
  const all = verdicts(run);
  const skipped = run.skipped.map((s) => `- ${TARGET_LABELS[s.target]} not run: ${s.reason}`).join('\n');
  const cache = [
    runDescription(run),
    '',
    markdownTable(run, ['bare', 'none', 'memory', 'redis', 'memory/hot']),
    '',
    ...(skipped === '' ? [] : [skipped, '']),
    'Targets (issue 4):',
    '',
    verdictList(all.filter((v) => !v.target.startsWith('gateway'))),
  ].join('\n');
  const gateway = [
    `Same run as above. The hot-set pair is the cost on a cached search (every answer a hit); the Zipf pair shows it under the default mix. The gateway rows are \`CACHE=memory\` with \`GATEWAY=on\`: every request authenticates its \`x-api-key\` (hash + lookup), takes a token from the key's bucket (in-process limiter) and is metered; the key's plan is large enough never to throttle.`,
    '',
    markdownTable(run, ['memory/hot', 'memory+gateway/hot', 'memory', 'memory+gateway']),
    '',
    'Target (issue 5):',
    '',
    verdictList(all.filter((v) => v.target.startsWith('gateway'))),
  ].join('\n');
  return new Map([
    ['Search cache', cache],
    ['Gateway overhead', gateway],
  ]);
}

/**
 * Replaces (or appends) each `## name` section of the Markdown file, keeping every other section
 * as it was.
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

/** The console table. */
export function consoleTable(run: BenchRun): string {
  const lines = [
    markdownTable(run, [
      'bare',
      'none',
      'memory',
      'redis',
      'memory+gateway',
      'memory/hot',
      'memory+gateway/hot',
    ]),
    '',
  ];
  for (const v of verdicts(run)) lines.push(`${v.met ? 'met   ' : 'MISSED'}  ${v.target}: ${v.measured}`);
  for (const s of run.skipped) lines.push(`skipped ${s.target}: ${s.reason}`);
  return lines.join('\n');
}

/** Writes the raw results as JSON. */
export function writeResults(file: string, run: BenchRun): void {
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
}
