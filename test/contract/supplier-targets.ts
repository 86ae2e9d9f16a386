/**
 * What the supplier contract suite runs on: each remote adapter against a real local HTTP listener
 * speaking that supplier's documented shapes (test/helpers/supplier-servers.ts), bare or behind the
 * circuit breaker the composition root puts it behind.
 */
import { type BreakerOptions, withCircuitBreaker } from '../../src/adapters/suppliers/circuit-breaker.js';
import type { RemoteSupplier, SupplierFlightQuery } from '../../src/ports/supplier.js';
import type { FixtureFlight, FixtureSupplier } from '../helpers/supplier-servers.js';
import type { OpenSupplier, SupplierContractTarget, SupplierService } from './supplier-port.contract.js';

const LHR = { iata: 'LHR', city: 'LON', timeZone: 'Europe/London', lat: 51.47, lon: -0.4543 };
const JFK = { iata: 'JFK', city: 'NYC', timeZone: 'America/New_York', lat: 40.6398, lon: -73.7789 };

/** Two nonstops London–New York, as a remote supplier sells them. */
export const fixtureFlights = (): FixtureFlight[] => [
  {
    carrier: 'BA',
    carrierName: 'British Airways',
    number: '117',
    origin: LHR,
    destination: JFK,
    departs: '10:00:00',
    arrives: '13:05:00',
    total: '412.30',
    currency: 'EUR',
  },
  {
    carrier: 'VS',
    carrierName: 'Virgin Atlantic',
    number: '3',
    origin: LHR,
    destination: JFK,
    departs: '18:20:00',
    arrives: '21:40:00',
    total: '388.00',
    currency: 'EUR',
  },
];

/** A one-way economy search, a week out, for one adult. */
export function contractQuery(origin: string, destination: string, daysAhead = 7): SupplierFlightQuery {
  return {
    origin,
    destination,
    departureDate: new Date(Date.now() + daysAhead * 86_400_000).toISOString().slice(0, 10),
    cabin: 'economy',
    adults: 1,
    children: 0,
    infants: 0,
    currency: 'EUR',
    maxStops: 1,
    sort: 'price',
  };
}

/** The fixture server's knobs, as the suite names them. */
export function serviceOf(fixture: FixtureSupplier): SupplierService {
  return {
    reprice: (total) => {
      fixture.repriceTo = total;
    },
    refuseCancellations: () => {
      fixture.refuseCancellation = true;
    },
    loseNextCancellationAnswer: () => {
      fixture.dropNextCancellationAnswer = true;
    },
    failEverything: (status) => {
      fixture.failWith = status;
    },
    cancellationsMade: () => fixture.cancellations,
  };
}

/** A remote adapter on a fresh fixture server. */
export function remoteTarget(
  startFixture: (flights: FixtureFlight[]) => Promise<FixtureSupplier>,
  adapter: (url: string) => RemoteSupplier,
): OpenSupplier {
  return async (): Promise<SupplierContractTarget> => {
    const fixture = await startFixture(fixtureFlights());
    return {
      supplier: adapter(fixture.url),
      query: contractQuery('LHR', 'JFK'),
      service: serviceOf(fixture),
      close: () => fixture.close(),
    };
  };
}

/** Breaker settings as configured by default, with short retry delays. */
const BREAKER: BreakerOptions = {
  timeoutMs: 5_000,
  errorThresholdPercent: 50,
  volumeThreshold: 5,
  openMs: 30_000,
  retries: 1,
  retryBaseMs: 20,
};

/** The same target with its supplier behind the circuit breaker. */
export function behindBreaker(open: OpenSupplier): OpenSupplier {
  return async () => {
    const target = await open();
    if (!('service' in target)) throw new Error('only a remote supplier sits behind a breaker');
    const guarded = withCircuitBreaker(target.supplier, BREAKER);
    return {
      ...target,
      supplier: guarded,
      close: async () => {
        guarded.shutdown();
        await target.close();
      },
    };
  };
}
