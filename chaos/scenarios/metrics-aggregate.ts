import { join } from 'node:path';
import { ChildProcesses } from '../../bench/child-processes.js';
import { parsePrometheusText } from '../../test/helpers/prometheus-text.js';
import { send, Tally } from '../http-load.js';
import { type Check, check, type Scenario } from '../scenario.js';
import { searchPaths, seedStore, startTwoWorkerServe } from '../seeded-store.js';

const CLIENTS = 12;
const LOAD_MS = 20_000;
const SCRAPE_EVERY_MS = 250;
const ROUTE = '/v1/flights/search';

/** Sums of the counters a scrape shows: searches answered, and cache outcomes. */
interface Scrape {
  searches: number;
  cacheAnswers: number;
  ms: number;
}

async function scrape(base: string): Promise<Scrape | undefined> {
  const answer = await send(base, 'GET', '/metrics');
  if (answer.status !== 200) return undefined;
  let searches = 0;
  let cacheAnswers = 0;
  for (const sample of parsePrometheusText(answer.body)) {
    if (sample.name === 'http_request_duration_seconds_count' && sample.labels.route === ROUTE)
      searches += sample.value;
    if (sample.name === 'cache_requests_total') cacheAnswers += sample.value;
  }
  return { searches, cacheAnswers, ms: answer.endedAt - answer.startedAt };
}

/**
 * Prometheus scraping a two-worker `serve` under search load, each scrape on a new connection (so
 * the primary hands successive ones to alternate workers): the counters must only grow, and once the
 * load stops, equal what the clients were answered. Before the fix a scrape reported one worker.
 */
export const metricsAggregate: Scenario = {
  name: 'metrics-aggregate',
  title: `/metrics scraped every ${SCRAPE_EVERY_MS} ms on serve (WORKERS=2) under ${CLIENTS} search clients`,
  async run({ workDir, log }): Promise<Check[]> {
    const children = new ChildProcesses();
    try {
      const store = await seedStore(children, { SQLITE_FILE: join(workDir, 'store.db') }, workDir);
      const { base } = await startTwoWorkerServe(children, store.env, workDir);
      const paths = searchPaths(store, 400);
      const answers = new Tally();
      let stop = false;
      let sequence = 0;
      const client = async (): Promise<void> => {
        while (!stop) {
          const path = paths[sequence++ % paths.length] as string;
          answers.add(await send(base, 'GET', path, { 'x-api-key': store.apiKey }));
        }
      };
      const scrapes: Scrape[] = [];
      let failedScrapes = 0;
      const scraper = async (): Promise<void> => {
        while (!stop) {
          const result = await scrape(base);
          if (result) scrapes.push(result);
          else failedScrapes++;
          await new Promise((resolve) => setTimeout(resolve, SCRAPE_EVERY_MS));
        }
      };
      const load = Promise.all([...Array.from({ length: CLIENTS }, client), scraper()]);
      await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
      stop = true;
      await load;
      const final = await scrape(base);
      const answered = answers.count((key) => /^\d+$/.test(key));
      const decreases = (pick: (s: Scrape) => number) =>
        scrapes.filter((s, i) => i > 0 && pick(s) < pick(scrapes[i - 1] as Scrape)).length;
      const searchDecreases = decreases((s) => s.searches);
      const cacheDecreases = decreases((s) => s.cacheAnswers);
      const times = scrapes.map((s) => s.ms).sort((a, b) => a - b);
      const p = (q: number) =>
        (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(1);
      log(
        `searches answered: ${answers}; ${scrapes.length} scrapes (${failedScrapes} failed), p50 ${p(0.5)} ms, max ${p(1)} ms`,
      );
      log(
        `search counter over the scrapes: ${scrapes
          .map((s) => s.searches)
          .filter((_, i) => i % 8 === 0)
          .join(' → ')} … ${final?.searches}`,
      );
      return [
        check(
          'successive scrapes never go backwards (counters summed over both workers)',
          scrapes.length > 10 && searchDecreases === 0 && cacheDecreases === 0,
          `${scrapes.length} scrapes under load: the search count went backwards ${searchDecreases} times, the cache answers ${cacheDecreases} times`,
        ),
        check(
          'after the load, the search count equals the searches the clients were answered',
          final?.searches === answered,
          `/metrics ${final?.searches} searches; clients answered ${answered} (${answers})`,
        ),
        check(
          'every scrape is answered',
          failedScrapes === 0,
          `${failedScrapes} of ${scrapes.length + failedScrapes} scrapes failed; scrape time p50 ${p(0.5)} ms, max ${p(1)} ms`,
        ),
      ];
    } finally {
      await children.stopAll();
    }
  },
};
