import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { contactErrors, isE164, isEmail } from '../../src/core/bookings/contact-rules.js';
import { DomainError } from '../../src/core/errors.js';
import { MAX_USAGE_DAYS, usageRange } from '../../src/core/gateway/usage-range.js';
import { type ComponentHealth, readinessCheck } from '../../src/core/health/readiness.js';
import { flightSearchQuery, toFlightSearchRequest } from '../../src/core/search/request-rules.js';
import { ContactSchema } from '../../src/http/schemas/bookings.js';
import { FlightSearchQuery } from '../../src/http/schemas/flights.js';

/** The field errors a rule throws, or [] when it passes. */
function thrownFields(rule: () => unknown): { field: string; message: string }[] {
  try {
    rule();
    return [];
  } catch (error) {
    if (error instanceof DomainError) return error.details.errors ?? [];
    throw error;
  }
}

describe('rules that live once, in core', () => {
  it('the contact rules agree with the v1 schema that states them', () => {
    const samples = [
      { email: 'ada@example.com', phone: '+442071234567' },
      { email: 'ada@example', phone: '+442071234567' },
      { email: 'ada @example.com', phone: '+44207' },
      { email: `${'a'.repeat(250)}@x.io`, phone: '+0442071234567' },
      { email: 'a@b.c', phone: '442071234567' },
    ];
    for (const contact of samples) {
      const byCore = isEmail(contact.email) && isE164(contact.phone);
      expect(byCore, JSON.stringify(contact)).toBe(Value.Check(ContactSchema, contact));
      expect(contactErrors(contact).length === 0).toBe(byCore);
    }
    expect(contactErrors({ email: 'nope', phone: '+1' }).map((e) => e.field)).toEqual([
      'body.contact.email',
      'body.contact.phone',
    ]);
  });

  it('a flight search without an adult is refused as query.adults, before anything else', () => {
    const query = {
      ...flightSearchQuery({ origin: 'LHR', destination: 'JFK', departureDate: '2026-02-30' }),
    };
    expect(thrownFields(() => toFlightSearchRequest({ ...query, adults: 0, children: 1 }))).toEqual([
      { field: 'query.adults', message: 'at least one adult traveller is required' },
    ]);
    expect(thrownFields(() => toFlightSearchRequest(query))[0]?.field).toBe('query.departureDate');
  });

  it('a route-date searched by the platform gets the defaults a bare v1 request gets (one cache key)', () => {
    const route = { origin: 'LHR', destination: 'JFK', departureDate: '2026-03-01' };
    const { limit: _limit, ...byTheSchema } = Value.Default(FlightSearchQuery, { ...route }) as Record<
      string,
      unknown
    >;
    expect(flightSearchQuery(route)).toEqual(byTheSchema);
  });

  it('usage ranges: defaults from today, fields named query.from / query.to', () => {
    expect(usageRange({}, '2026-03-01')).toEqual({ from: '2026-03-01', to: '2026-03-01', errors: [] });
    expect(usageRange({ from: '2026-02-01' }, '2026-03-01')).toMatchObject({ to: '2026-02-01', errors: [] });
    expect(usageRange({ from: '2026-02-30' }, '2026-03-01').errors).toEqual([
      { field: 'query.from', message: 'must be a calendar day YYYY-MM-DD' },
    ]);
    expect(usageRange({ from: '2026-03-02', to: '2026-03-01' }, '2026-03-01').errors).toEqual([
      { field: 'query.to', message: 'must not be before from' },
    ]);
    expect(usageRange({ from: '2024-01-01', to: '2025-01-01' }, '2026-03-01').errors).toEqual([
      { field: 'query.to', message: `the range may span at most ${MAX_USAGE_DAYS} days` },
    ]);
  });

  it('readiness: only a store that does not answer in time is down; the rest degrades', async () => {
    const check = (store: Promise<unknown>, circuit: 'closed' | 'open') =>
      readinessCheck({
        pingStore: () => store,
        cache: { health: async () => 'ok' },
        bus: { health: async () => ({ ok: false }) },
        circuits: () => ({ duffel: circuit }),
        storeDeadlineMs: 50,
      })();
    const healthy: Record<string, ComponentHealth> = await check(Promise.resolve(), 'closed');
    expect(healthy).toEqual({ store: 'ok', cache: 'ok', bus: 'degraded', 'supplier:duffel': 'ok' });
    const hung = await check(new Promise(() => {}), 'open');
    expect(hung).toEqual({ store: 'down', cache: 'ok', bus: 'degraded', 'supplier:duffel': 'degraded' });
  });
});
