import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFingerprint } from '../../src/core/bookings/request-fingerprint.js';
import { parseApiKeyId } from '../../src/core/gateway/api-key-format.js';
import { BookingClient, directLhrJfk, firstFlightOffer, oneAdultBooking } from '../helpers/bookings.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * A booking whose server died mid-request leaves its Idempotency-Key leased. Retries are told the
 * truth: at first (the holder may still be answering) to retry in a second; once the holder has
 * outlived the request timeout, how long until the lease ends, in retry-after and in the detail;
 * after that the retry books.
 */

const LEASE_SECONDS = 30;
const PROBLEMS = 'https://travel-platform.dev/problems/';

let tp: TestPlatform;
let clock: ManualClock;
let client: BookingClient;

beforeAll(async () => {
  clock = new ManualClock(Date.now());
  tp = await startTestPlatform({
    airports: 30,
    days: 4,
    clock,
    env: { IDEMPOTENCY_LEASE_SECONDS: String(LEASE_SECONDS), REQUEST_TIMEOUT_MS: '10000' },
  });
  client = new BookingClient(tp.baseUrl, tp.apiKey, await tp.platform.gateway.options.issuer!.mint('dana'));
});
afterAll(() => tp?.close());

describe('a retry of a booking whose server died mid-request', () => {
  it('is told to retry in 1 s at first, then when the lease ends (retry-after and detail), then books', async () => {
    const offer = await firstFlightOffer(tp.baseUrl, tp.apiKey, directLhrJfk(tp.date(2)));
    const body = oneAdultBooking(offer);
    const key = `died-mid-booking-${Date.now()}`;
    // What the dead server left behind: the key claimed, as BookingService claims it, never completed.
    const claim = await tp.platform.bookings.claimKey(
      parseApiKeyId(tp.apiKey)!,
      key,
      requestFingerprint({ sub: 'dana', request: body }),
      { now: clock.now(), leaseMs: LEASE_SECONDS * 1000, retentionMs: 86_400_000 },
    );
    expect(claim.state).toBe('acquired');

    const early = await client.book(body, key);
    expect(early.status).toBe(409);
    expect(early.headers.get('retry-after')).toBe('1');

    clock.advance(12_000);
    const late = await client.book(body, key);
    expect(late.status).toBe(409);
    expect(late.headers.get('retry-after')).toBe('18');
    const problem = (await late.json()) as { type: string; detail: string; keyFreedAt: string };
    expect(problem.type).toBe(`${PROBLEMS}idempotency-key-in-use`);
    expect(problem.detail).toContain('retry after 18 s');
    expect(Date.parse(problem.keyFreedAt)).toBe(clock.now() + 18_000);

    clock.advance(18_000);
    const booked = await client.book(body, key);
    expect(booked.status).toBe(201);
    expect(booked.headers.get('idempotent-replayed')).toBeNull();
  });
});
