/** Cache answers by data type and outcome, read from a server's /metrics. */
export type CacheCounts = Record<string, Record<string, number>>;

/**
 * The `cache_requests_total` counters of the server at `baseUrl`. Right after a heavy run the
 * server may still be shedding load (503, /metrics included), so this retries until it answers;
 * the counters only grow, and nothing else is loading it meanwhile.
 */
export async function scrapeCacheCounts(baseUrl: string, timeoutMs = 30_000): Promise<CacheCounts> {
  const deadline = Date.now() + timeoutMs;
  let response = await fetch(`${baseUrl}/metrics`);
  while (!response.ok) {
    if (Date.now() > deadline) throw new Error(`${baseUrl}/metrics answered ${response.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    response = await fetch(`${baseUrl}/metrics`);
  }
  const text = await response.text();
  const counts: CacheCounts = {};
  for (const match of text.matchAll(/^cache_requests_total\{([^}]*)\}\s+(\S+)$/gm)) {
    const labels = Object.fromEntries(
      [...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]),
    );
    const byType = counts[labels.type ?? '?'] ?? {};
    byType[labels.outcome ?? '?'] = Number(match[2]);
    counts[labels.type ?? '?'] = byType;
  }
  return counts;
}

/** What happened between two scrapes. */
export function diffCounts(before: CacheCounts, after: CacheCounts): CacheCounts {
  const diff: CacheCounts = {};
  for (const [type, outcomes] of Object.entries(after)) {
    diff[type] = {};
    for (const [outcome, value] of Object.entries(outcomes)) {
      (diff[type] as Record<string, number>)[outcome] = value - (before[type]?.[outcome] ?? 0);
    }
  }
  return diff;
}

/** Fresh hits over all cached-search answers (stale ones are not hits); undefined when there were none. */
export function hitRatio(counts: CacheCounts): number | undefined {
  let hits = 0;
  let all = 0;
  for (const outcomes of Object.values(counts)) {
    for (const [outcome, value] of Object.entries(outcomes)) {
      all += value;
      if (outcome === 'hit') hits += value;
    }
  }
  return all === 0 ? undefined : hits / all;
}
