import { BookingLoad, recoveryMs, tally, unexpectedAnswers } from '../../test/helpers/booking-load.js';
import { oneAdultBooking } from '../../test/helpers/bookings.js';
import { dropSchema, postgresBehindProxy } from '../../test/helpers/postgres.js';
import { check, type Scenario } from '../scenario.js';
import {
  crashFree,
  outboxCheck,
  type StoreCluster,
  seatedOffers,
  settleAfterLoad,
  settledCheck,
  sleep,
  startStoreCluster,
} from '../store-cluster.js';

/** Economy seats of every flight booked: the load sells some flights out, so oversell would show. */
const SEATS = 30;
const CONCURRENCY = 16;
/** What a fault may cost after it ends, at most: pool reconnects, the key check cache, backoffs. */
const RECOVERY_BOUND_MS = 10_000;
const PARTITION_MS = 5000;

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
      const { offers, flightIds } = await seatedOffers(cluster, 3, SEATS);
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
      const { live, settled, seats, oversold, outbox } = await settleAfterLoad(
        cluster,
        attempts,
        body,
        flightIds,
        SEATS,
      );
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
        settledCheck(settled),
        check(
          'no oversell: seats taken equal seats of stored bookings on every flight',
          oversold.length === 0,
          `${seats.reduce((sum, f) => sum + f.taken, 0)} seats taken, ${seats.reduce((sum, f) => sum + f.booked, 0)} booked on ${seats.length} flights; ${seats.filter((f) => f.booked === SEATS).length} sold out; ${oversold.length} mismatched`,
        ),
        outboxCheck(outbox),
      ];
    } finally {
      await cluster?.stop();
      await proxy.close();
      if (cluster) await dropSchema(cluster.schema);
    }
  },
};
