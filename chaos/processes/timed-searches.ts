/**
 * A search load in its own process: `connections` keep-alive connections each send the next search
 * of a paths file as soon as the last one answered, for `seconds`; then prints one JSON line with
 * what was served (answers below 400) per second and the latency percentiles of every answer.
 *
 *   node --import tsx chaos/processes/timed-searches.ts URL API_KEY PATHS_FILE SECONDS CONNECTIONS
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

/** What one run measured; the scenario parses this line. */
export interface SearchLoadResult {
  requests: number;
  served: number;
  servedPerSecond: number;
  /** Answers of 400 or more, by status. */
  refused: Record<string, number>;
  /** Connection errors and answers slower than the timeout. */
  errors: number;
  p50: number;
  p99: number;
  max: number;
}

/** A search slower than this counts as an error, not a latency. */
const TIMEOUT_MS = 15_000;

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function get(agent: Agent, url: URL, apiKey: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { agent, headers: { 'x-api-key': apiKey }, timeout: TIMEOUT_MS },
      (answer) => {
        answer.resume();
        answer.on('end', () => resolve(answer.statusCode ?? 0));
        answer.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function main(): Promise<void> {
  const [base, apiKey, pathsFile, seconds, connections] = process.argv.slice(2);
  if (!base || !apiKey || !pathsFile || !seconds || !connections)
    throw new Error('usage: timed-searches.ts URL API_KEY PATHS_FILE SECONDS CONNECTIONS');
  const paths = readFileSync(pathsFile, 'utf8').split('\n').filter(Boolean);
  const agent = new Agent({ keepAlive: true, maxSockets: Number(connections) });
  const latencies: number[] = [];
  const refused: Record<string, number> = {};
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const until = started + Number(seconds) * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < until) {
      const path = paths[next++ % paths.length] as string;
      const sent = performance.now();
      try {
        const status = await get(agent, new URL(path, base), apiKey);
        latencies.push(performance.now() - sent);
        if (status >= 400) refused[status] = (refused[status] ?? 0) + 1;
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Number(connections) }, loop));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const rejected = Object.values(refused).reduce((sum, n) => sum + n, 0);
  const served = latencies.length - rejected;
  const result: SearchLoadResult = {
    requests: latencies.length + errors,
    served,
    servedPerSecond: served / elapsed,
    refused,
    errors,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? 0,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
