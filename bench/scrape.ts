/** Cache answers by data type and outcome, read from a server's /metrics. */
export type CacheCounts = Record<string, Record<string, number>>;

/** The `cache_requests_total` counters of the server at `baseUrl`. */
export async function scrapeCacheCounts(baseUrl: string): Promise<CacheCounts> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
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
