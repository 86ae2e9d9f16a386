import { type BookingAttempt, BookingLoad, tally } from '../../test/helpers/booking-load.js';
import { oneAdultBooking } from '../../test/helpers/bookings.js';
import { dropSchema, postgresUrl } from '../../test/helpers/postgres.js';
import { check, type Scenario } from '../scenario.js';
import {
  crashFree,
  directOffers,
  outboxDrained,
  retryTally,
  type StoreCluster,
  seatAccounting,
  setEconomySeats,
  settleBookings,
  sleep,
  startStoreCluster,
  unreadableBookings,
} from '../store-cluster.js';

const REQUESTS = 1000;
const CONCURRENCY = 200;
const FLIGHTS = 5;
/**
 * 950 seats for 1,000 bookings: the storm sells the flights out, yet the bookings lost in flight on the
 * killed instance (~100 of 200 in flight) still find seats when retried, so retries can succeed.
 */
const SEATS = 190;
/** The instance is killed once this many bookings were answered: mid-storm. */
const KILL_AFTER = 100;

/**
 * Two instances on PostgreSQL + Redis take 1,000 bookings at once (200 in flight) on 5 flights of 190
 * seats; one instance is SIGKILLed mid-storm and the balancer drops it. Its unanswered bookings are
 * retried on the survivor under the same idempotency key, as a client would.
 */
export const kill9Storm: Scenario = {
  name: 'kill9-storm',
  title: '1,000 concurrent bookings on 5 flights of 190 seats, one of 2 instances SIGKILLed mid-storm',
  async run({ log }) {
    let cluster: StoreCluster | undefined;
    try {
      cluster = await startStoreCluster({
        databaseUrl: postgresUrl,
        label: 'kill9',
        instances: 2,
        // The storm is the point: shedding would answer it 503 before it reached the store.
        env: { MAX_EVENT_LOOP_DELAY_MS: '0', REQUEST_TIMEOUT_MS: '30000', PG_STATEMENT_TIMEOUT_MS: '10000' },
      });
      const [survivor, victim] = cluster.instances as [
        StoreCluster['instances'][0],
        StoreCluster['instances'][0],
      ];
      const survivorPid = survivor.child.pid;
      const offers = (await directOffers(cluster, 3)).slice(0, FLIGHTS);
      const flightIds = offers.map((offer) => offer.itineraries[0]!.segments[0]!.id);
      await setEconomySeats(survivor, flightIds, SEATS);
      log(
        `2 instances up; ${flightIds.length} flights of ${SEATS} economy seats (${FLIGHTS * SEATS} in all)`,
      );

      const balanced = [...cluster.clients];
      const body = (i: number) => oneAdultBooking(offers[i % offers.length]!);
      const storm = new BookingLoad(balanced, {
        concurrency: CONCURRENCY,
        timeoutMs: 60_000,
        label: 'kill9',
        requests: REQUESTS,
        body,
      });
      while (storm.attempts.length < KILL_AFTER) await sleep(5);
      balanced.splice(1, 1);
      const killedAt = storm.now();
      const signal = await victim.kill();
      log(`SIGKILLed instance b (${signal}) after ${storm.attempts.length} answers`);
      const attempts = await storm.done();
      const unanswered = attempts.filter((a) => a.status === 0);
      const inFlightAtKill = unanswered.filter((a) => a.sentMs <= killedAt);
      const reasons = [...new Set(unanswered.map((a) => a.error))].join(' | ');
      log(`storm over: ${JSON.stringify(tally(attempts))}; unanswered because: ${reasons}`);
      log(`retrying ${unanswered.length} unanswered bookings on a under their idempotency keys`);

      const survivorClient = cluster.clients[0]!;
      const settled = await settleBookings(cluster, survivorClient, attempts, unanswered, body, flightIds);
      const { retries, acknowledged, stored: storedIds, neverAcknowledged, lost } = settled;
      const slowest = Math.max(0, ...retries.map((r) => r.ms));
      const inUse = retries.reduce((sum, r) => sum + r.inUse, 0);
      const seats = await seatAccounting(cluster, flightIds, SEATS);
      const taken = seats.reduce((sum, f) => sum + f.taken, 0);
      const booked = seats.reduce((sum, f) => sum + f.booked, 0);
      const live = await unreadableBookings(
        [survivorClient],
        [...acknowledged].map((bookingId) => ({ bookingId }) as BookingAttempt),
      );
      const outbox = await outboxDrained(cluster, 60_000);
      const unexpected = attempts.filter(
        (a) =>
          a.status !== 0 && a.status !== 201 && !(a.status === 409 && a.problemType?.endsWith('/sold-out')),
      );
      return [
        check(
          'no oversell: seats taken equal seats of stored bookings, never more than the seats there were',
          seats.every((f) => f.taken === f.booked && f.booked <= SEATS),
          `${taken} seats taken, ${booked} held by ${storedIds.size} stored bookings, of ${FLIGHTS * SEATS} seats (${seats.map((f) => `${f.booked}/${SEATS}`).join(', ')})`,
        ),
        check(
          'the survivor answers every booking 201 or 409 sold-out (no 500); only the killed instance leaves some unanswered',
          unexpected.length === 0,
          `${REQUESTS} bookings: ${JSON.stringify(tally(attempts))}; ${inFlightAtKill.length} were in flight on b when it was killed`,
        ),
        check(
          'retries (same idempotency key) of the unanswered bookings all end in 201 or 409 sold-out',
          retries.every(
            (r) => r.status === 201 || (r.status === 409 && r.problemType?.endsWith('/sold-out')),
          ),
          `${retries.length} retried: ${JSON.stringify(retryTally(retries))} (${settled.replayed} replayed a booking b had committed); slowest took ${(slowest / 1000).toFixed(1)} s, after ${inUse} "idempotency-key-in-use" answers in all (the dead instance's lease)`,
        ),
        check(
          'every stored booking was acknowledged to its client (after retries), and every acknowledged one is stored and readable',
          neverAcknowledged.length === 0 && lost.length === 0 && live.unreadable.length === 0,
          `${acknowledged.size} acknowledged, ${storedIds.size} stored; ${neverAcknowledged.length} stored but never acknowledged, ${lost.length} acknowledged but missing, ${live.unreadable.length} unreadable`,
        ),
        check(
          'the outbox publishes every event after the kill (nothing pending, no dead letter)',
          outbox.pending === 0 && outbox.deadLetters === 0,
          `${outbox.total - outbox.pending} of ${outbox.total} published, the last ${outbox.ms.toFixed(0)} ms after the retries; ${outbox.deadLetters} dead letters`,
        ),
        check(
          'the surviving instance stays up (same pid, no crash in its output)',
          crashFree(survivor, survivorPid),
          `instance a ${crashFree(survivor, survivorPid) ? 'alive' : 'gone or crashed'} (pid ${survivorPid})`,
        ),
      ];
    } finally {
      await cluster?.stop();
      if (cluster) await dropSchema(cluster.schema);
    }
  },
};
