import { describe, expect, it } from 'vitest';
import { newBookingReference } from '../../src/core/bookings/booking-reference.js';
import { ageOn, missingFieldErrors, passengerErrors } from '../../src/core/bookings/passenger-rules.js';
import { canonicalJson, requestFingerprint } from '../../src/core/bookings/request-fingerprint.js';
import { tagsForEvent } from '../../src/core/cache/event-tags.js';
import { createEvent } from '../../src/core/events/create-event.js';

const adult = { type: 'adult' as const, givenName: 'Ada', familyName: 'Lovelace', dateOfBirth: '1980-05-01' };

describe('passenger rules', () => {
  const travel = { first: '2026-06-10', last: '2026-06-20' };

  it('counts age in whole years at the date of travel', () => {
    expect(ageOn('2014-06-10', '2026-06-10')).toBe(12);
    expect(ageOn('2014-06-11', '2026-06-10')).toBe(11);
    expect(ageOn('2024-02-29', '2026-02-28')).toBe(1);
  });

  it('accepts passengers matching the counts and their types', () => {
    const passengers = [
      adult,
      { ...adult, type: 'child' as const, dateOfBirth: '2016-01-01' },
      { ...adult, type: 'infant' as const, dateOfBirth: '2025-12-01' },
    ];
    expect(passengerErrors(passengers, { adults: 1, children: 1, infants: 1 }, travel)).toEqual([]);
  });

  it('names the list when the counts differ from the offer', () => {
    expect(passengerErrors([adult, adult], { adults: 1, children: 0, infants: 0 }, travel)[0]?.field).toBe(
      'body.passengers',
    );
  });

  it('names the date of birth of a passenger whose age does not fit the type', () => {
    const errors = passengerErrors(
      [
        { ...adult, dateOfBirth: '2015-01-01' },
        { ...adult, type: 'child', dateOfBirth: '2025-01-01' },
        { ...adult, type: 'infant', dateOfBirth: '2024-06-15' },
        { ...adult, type: 'adult', dateOfBirth: '2030-01-01' },
      ],
      { adults: 2, children: 1, infants: 1 },
      travel,
    );
    expect(errors.map((e) => e.field)).toEqual([
      'body.passengers.0.dateOfBirth',
      'body.passengers.1.dateOfBirth',
      'body.passengers.2.dateOfBirth',
      'body.passengers.3.dateOfBirth',
    ]);
    expect(errors[2]?.message).toMatch(/turns 2/);
  });
});

describe('passenger fields a supplier requires', () => {
  it('names each missing one per passenger, and nothing when none is required', () => {
    const passengers = [
      { ...adult, title: 'dr' as const },
      { ...adult, gender: 'f' as const },
    ];
    expect(missingFieldErrors(passengers, ['title', 'gender'])).toEqual([
      { field: 'body.passengers.0.gender', message: "is required by this offer's supplier" },
      { field: 'body.passengers.1.title', message: "is required by this offer's supplier" },
    ]);
    expect(missingFieldErrors([adult], [])).toEqual([]);
  });
});

describe('request fingerprint', () => {
  it('ignores key order and formatting, not values', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(requestFingerprint({ a: 1, b: 2 })).toBe(requestFingerprint({ b: 2, a: 1 }));
    expect(requestFingerprint({ a: 1 })).not.toBe(requestFingerprint({ a: '1' }));
  });
});

describe('booking reference', () => {
  it('is 6 unambiguous characters', () => {
    for (let i = 0; i < 200; i++) expect(newBookingReference()).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
  });
});

describe('tags of an event', () => {
  it('names the route and UTC departure date of each flight, and the city of each night', () => {
    const event = createEvent(
      'availability.changed',
      {
        reason: 'booking',
        flights: [
          { flightId: 'f', cabin: 'economy', origin: 'lhr', destination: 'JFK', departureDate: '2026-06-10' },
        ],
        hotelNights: [{ hotelId: 'h', roomType: 'std', cityCode: 'PAR', date: '2026-06-11' }],
      },
      { source: '/test' },
    );
    expect(tagsForEvent(event)).toEqual([
      'fares:LHR-JFK',
      'flight:LHR-JFK:2026-06-10',
      'hotel-city:PAR:2026-06-11',
    ]);
    expect(tagsForEvent(createEvent('booking.created', { bookingId: 'b' }, { source: '/test' }))).toEqual([]);
  });
});
