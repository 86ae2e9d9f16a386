import { describe, expect, it } from 'vitest';
import { tagsForEvent } from '../../src/core/cache/event-tags.js';
import { createEvent } from '../../src/core/events/create-event.js';
import type { ScheduleChangedData } from '../../src/core/events/inventory-events.js';

describe('schedule.changed and the caches', () => {
  it('drops the flight searches of every route-date the event names, on every instance', () => {
    const event = createEvent<ScheduleChangedData>(
      'schedule.changed',
      {
        reason: 'import',
        importId: 'i',
        flights: [
          {
            flightId: '2027-01-04-BA11-1',
            cabin: 'economy',
            origin: 'LHR',
            destination: 'BAH',
            departureDate: '2027-01-04',
          },
          {
            flightId: '2027-01-04-BA11-2',
            cabin: 'economy',
            origin: 'BAH',
            destination: 'SIN',
            departureDate: '2027-01-04',
          },
        ],
        hotelNights: [],
        affectedBookings: [],
      },
      { source: '/test' },
    );
    // With each route's cheapest-fare aggregates (the discovery APIs).
    expect(tagsForEvent(event)).toEqual([
      'fares:BAH-SIN',
      'fares:LHR-BAH',
      'flight:BAH-SIN:2027-01-04',
      'flight:LHR-BAH:2027-01-04',
    ]);
  });

  it('drops the route-dates a period names: the dates it flies, every other week when fortnightly', () => {
    const event = createEvent<ScheduleChangedData>(
      'schedule.changed',
      {
        reason: 'import',
        importId: 'i',
        flights: [],
        // Mondays and Wednesdays (bits 0 and 2), every other week from Monday 4 January 2027.
        periods: [
          {
            origin: 'LHR',
            destination: 'JFK',
            firstDate: '2027-01-04',
            lastDate: '2027-01-24',
            days: 0b101,
            weeks: 2,
            anchorDate: '2027-01-04',
          },
        ],
        hotelNights: [],
        affectedBookings: [],
      },
      { source: '/test' },
    );
    expect(tagsForEvent(event)).toEqual([
      'fares:LHR-JFK',
      'flight:LHR-JFK:2027-01-04',
      'flight:LHR-JFK:2027-01-06',
      'flight:LHR-JFK:2027-01-18',
      'flight:LHR-JFK:2027-01-20',
    ]);
  });
});
