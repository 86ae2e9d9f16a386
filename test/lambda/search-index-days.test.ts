/**
 * The search index on Lambda (SEARCH_INDEX=days, forced by the Lambda host): a cold start reads no
 * timetable; the first search of some days reads the store and has those days read into an index
 * in the background, which later invocations of the sandbox search. On dynalite.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as apiHandler } from '../../src/lambda/api.js';
import { lambdaPlatform } from '../../src/lambda/lambda-platform.js';
import { startApiSandbox } from '../helpers/lambda-api-sandbox.js';
import { lambdaContext, restProxyEvent } from '../helpers/lambda-events.js';

const ADMIN_KEY = randomUUID().replace(/-/g, '').padEnd(48, 'A');
const startDate = new Date().toISOString().slice(0, 10);
const date = (days: number): string =>
  new Date(Date.parse(`${startDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

let sandbox: Awaited<ReturnType<typeof startApiSandbox>> | undefined;

const invoke = (request: Parameters<typeof restProxyEvent>[0]): Promise<APIGatewayProxyResult> =>
  apiHandler(restProxyEvent(request), lambdaContext('travel-platform-api'));

beforeAll(async () => {
  sandbox = await startApiSandbox({
    adminKey: ADMIN_KEY,
    startDate,
    env: {
      // What a deployment may leave set: the Lambda host still holds only the days asked for.
      SEARCH_INDEX: 'memory',
      SEARCH_INDEX_WINDOW_DAYS: '4',
      LAMBDA_FLUSH_INTERVAL_MS: '0',
    },
  });
}, 180_000);

afterAll(() => sandbox?.close());

describe('the search index in a Lambda sandbox', () => {
  it('reads nothing at cold start, then only the days searched again, and serves later searches from them', async () => {
    const platform = await lambdaPlatform();
    expect(platform.config.searchIndex).toBe('days');
    expect(platform.timetable).toBeUndefined();
    const days = platform.timetableDays;
    if (days === undefined) throw new Error('no days index');
    expect(days.held()).toEqual([]);

    const search = (destination: string) =>
      invoke({
        method: 'GET',
        path: '/v1/flights/search',
        query: { origin: 'LHR', destination, departureDate: date(1), adults: '1' },
        headers: { 'x-api-key': ADMIN_KEY },
      });
    const first = await search('JFK');
    expect(first.statusCode).toBe(200);
    await days.settled();
    // The cold start's first search read no timetable; the second search of those days starts it.
    expect(days.held()).toEqual([]);
    expect((await search('FRA')).statusCode).toBe(200);
    await days.settled();
    const held = days.held();
    expect(held).toHaveLength(1);
    // The UTC day before the date to the cap of 4 days: never the whole timetable.
    expect(new Date(held[0]?.from ?? 0).toISOString().slice(0, 10)).toBe(date(0));
    expect(((held[0]?.to ?? 0) - (held[0]?.from ?? 0)) / 86_400_000).toBe(4);

    // The same answer from the index as from the store (a search the cache has not seen).
    const fromIndex = await search('CDG');
    expect(fromIndex.statusCode).toBe(200);
    expect(
      days.current({ from: Date.parse(`${date(0)}T00:00:00Z`), to: Date.parse(`${date(4)}T00:00:00Z`) }),
    ).toBeDefined();
    // Other days are not held until a search asks for them.
    expect(
      days.current({ from: Date.parse(`${date(2)}T00:00:00Z`), to: Date.parse(`${date(6)}T00:00:00Z`) }),
    ).toBeUndefined();
    await days.settled();
    expect(days.held()).toHaveLength(1);
  });
});
