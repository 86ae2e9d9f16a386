import { BookingLoad, recoveryMs, tally, unexpectedAnswers } from '../../test/helpers/booking-load.js';
import { oneAdultBooking } from '../../test/helpers/bookings.js';
import { dropSchema, postgresBehindProxy } from '../../test/helpers/postgres.js';
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
  startStoreCluster,
  unreadableBookings,
} from '../store-cluster.js';

/** Economy seats of every flight booked: the load sells some flights out, so oversell would show. */
const SEATS = 30;
const CONCURRENCY = 16;
/** What a fault may cost after it ends, at most: pool reconnects, the key check cache, backoffs. */
const RECOVERY_BOUND_MS = 10_000;
const PARTITION_MS = 5000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two instances on PostgreSQL + Redis, PostgreSQL reached through a TCP proxy; under booking load the
 * proxy resets every connection twice (a failover, a pgbouncer restart), then partitions for 5 s
 * (black-holes) and heals. Before the fix of issue 18 the first reset killed the instances
 * ("Emitted 'error' event on BoundedConnectClient").
 */
export const pgReset: Scenario = {
  name: 'pg-reset',
  title: 'PostgreSQL connection resets and a 5 s partition through a proxy, 2 instances under booking load',
  async run({ log }) {
    const { proxy, url: viaProxy } = await postgresBehindProxy();
    let cluster: StoreCluster | undefined;
    try {
      cluster = await startStoreCluster({ databaseUrl: viaProxy, label: 'pgreset', instances: 2 });
      const pids = cluster.instances.map((instance) => instance.child.pid);
      const offers = await directOffers(cluster, 3);
      const flightIds = [...new Set(offers.map((offer) => offer.itineraries[0]!.segments[0]!.id))];
      await setEconomySeats(cluster.instances[0]!, flightIds, SEATS);
      log(
        `2 instances up; ${offers.length} offers on ${flightIds.length} flights, ${SEATS} economy seats each`,
      );

      const body = (i: number) => oneAdultBooking(offers[i % offers.length]!);
      const load = new BookingLoad(cluster.clients, {
        concurrency: CONCURRENCY,
        timeoutMs: 15_000,
        label: 'pg-reset',
        body,
      });
      await sleep(3000);
      const faultFrom = load.now();
      const resets: { at: number; sockets: number }[] = [];
      for (let i = 0; i < 2; i++) {
        resets.push({ at: load.now(), sockets: proxy.reset() });
        log(`reset ${resets.at(-1)!.sockets} connections`);
        await sleep(3000);
      }
      const cutAt = load.now();
      proxy.cut();
      log(`partition (black hole) for ${PARTITION_MS / 1000} s`);
      await sleep(PARTITION_MS);
      const healedAt = load.now();
      proxy.restore();
      log('healed');
      const deadline = healedAt + 30_000;
      while (recoveryMs(load.attempts, healedAt) === undefined && load.now() < deadline) await sleep(100);
      await sleep(3000);
      const attempts = await load.stop();
      const recoveredAfterResets = resets.map((reset) => recoveryMs(attempts, reset.at));
      const recoveredAfterHeal = recoveryMs(attempts, healedAt);
      const faultEnd = healedAt + (recoveredAfterHeal ?? 0);
      const before = attempts.filter((a) => a.endedMs < faultFrom);
      const after = attempts.filter((a) => a.sentMs > faultEnd);
      const duringCut = attempts.filter((a) => a.sentMs >= cutAt + 500 && a.endedMs <= healedAt);
      const unexpected = unexpectedAnswers(attempts);
      const live = await unreadableBookings(cluster.clients, attempts);
      const unsettled = attempts.filter((a) => a.status === 503);
      const settled = await settleBookings(
        cluster,
        cluster.clients[0]!,
        attempts,
        unsettled,
        body,
        flightIds,
      );
      const seats = await seatAccounting(cluster, flightIds, SEATS);
      const oversold = seats.filter((flight) => flight.taken !== flight.booked || flight.booked > SEATS);
      const outbox = await outboxDrained(cluster, 30_000);
      log(`answers: ${JSON.stringify(tally(attempts))}`);

      const count503 = (list: typeof attempts) => list.filter((a) => a.status === 503).length;
      return [
        check(
          'both instances stay up (same pids, no crash in their output)',
          cluster.instances.every((instance, i) => crashFree(instance, pids[i])),
          cluster.instances
            .map(
              (instance, i) =>
                `${instance.child.pid === pids[i] && instance.child.exitCode === null ? 'alive' : 'gone'} (pid ${pids[i]})`,
            )
            .join(', '),
        ),
        check(
          'every booking is answered 201, 409 sold-out or 503 problem+json: never a 500, never a hang',
          unexpected.length === 0,
          `${attempts.length} bookings: ${JSON.stringify(tally(attempts))}`,
        ),
        check(
          '503s only during the faults: none before the first reset nor after the service recovered from the partition',
          count503(before) === 0 && count503(after) === 0,
          `${count503(before)} of ${before.length} before, ${count503(attempts)} in all, ${count503(after)} of ${after.length} after recovery`,
        ),
        check(
          'while partitioned, bookings are answered 503 (within the timeouts)',
          duringCut.length > 0 && duringCut.every((a) => a.status === 503),
          `${duringCut.length} answered during the partition: ${JSON.stringify(tally(duringCut))}, slowest ${Math.max(0, ...duringCut.map((a) => a.endedMs - a.sentMs)).toFixed(0)} ms`,
        ),
        check(
          `bookings are served again within ${RECOVERY_BOUND_MS / 1000} s of each reset and of the heal`,
          [...recoveredAfterResets, recoveredAfterHeal].every(
            (ms) => ms !== undefined && ms < RECOVERY_BOUND_MS,
          ),
          `first 201 after the resets: ${recoveredAfterResets.map((ms) => `${ms?.toFixed(0)} ms`).join(', ')}; after the heal: ${recoveredAfterHeal?.toFixed(0)} ms`,
        ),
        check(
          'every acknowledged (201) booking is readable afterwards',
          live.unreadable.length === 0,
          `${live.acknowledged - live.unreadable.length} of ${live.acknowledged} readable`,
        ),
        check(
          'retried under their idempotency keys, the 503s settle: every stored booking acknowledged to its client, none booked twice',
          settled.neverAcknowledged.length === 0 && settled.lost.length === 0,
          `${settled.retries.length} retried: ${JSON.stringify(retryTally(settled.retries))}, ${settled.replayed} of them replayed a booking that had committed though its answer was 503; slowest settled after ${(Math.max(0, ...settled.retries.map((r) => r.ms)) / 1000).toFixed(1)} s and ${settled.retries.reduce((sum, r) => sum + r.inUse, 0)} "idempotency-key-in-use" answers in all; ${settled.acknowledged.size} acknowledged, ${settled.stored.size} stored, ${settled.neverAcknowledged.length} stored but never acknowledged`,
        ),
        check(
          'no oversell: seats taken equal seats of stored bookings on every flight',
          oversold.length === 0,
          `${seats.reduce((sum, f) => sum + f.taken, 0)} seats taken, ${seats.reduce((sum, f) => sum + f.booked, 0)} booked on ${seats.length} flights; ${seats.filter((f) => f.booked === SEATS).length} sold out; ${oversold.length} mismatched`,
        ),
        check(
          'the outbox publishes every event (nothing pending, no dead letter)',
          outbox.pending === 0 && outbox.deadLetters === 0,
          `${outbox.total - outbox.pending} of ${outbox.total} published ${outbox.ms.toFixed(0)} ms after the load; ${outbox.deadLetters} dead letters`,
        ),
      ];
    } finally {
      await cluster?.stop();
      await proxy.close();
      if (cluster) await dropSchema(cluster.schema);
    }
  },
};
