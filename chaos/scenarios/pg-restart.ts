import { BookingLoad, recoveryMs, tally, unexpectedAnswers } from '../../test/helpers/booking-load.js';
import { oneAdultBooking } from '../../test/helpers/bookings.js';
import { PrivatePostgres } from '../../test/helpers/private-postgres.js';
import { randomPort } from '../../test/helpers/redis-server.js';
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

const SEATS = 30;
const CONCURRENCY = 16;
const RECOVERY_BOUND_MS = 10_000;

/**
 * Two instances on a private PostgreSQL (its own data folder and port) + Redis; under booking load
 * the server is restarted with `pg_ctl restart -m fast`, which terminates every session, as a minor
 * version upgrade or a configuration change does.
 */
export const pgRestart: Scenario = {
  name: 'pg-restart',
  title: 'PostgreSQL restarted (pg_ctl restart -m fast) under booking load, 2 instances',
  async run({ log }) {
    const postgres = new PrivatePostgres(randomPort());
    let cluster: StoreCluster | undefined;
    try {
      await postgres.start();
      log(`private PostgreSQL on port ${postgres.port}`);
      cluster = await startStoreCluster({ databaseUrl: postgres.url, label: 'pgrestart', instances: 2 });
      const pids = cluster.instances.map((instance) => instance.child.pid);
      const { offers, flightIds } = await seatedOffers(cluster, 3, SEATS);
      log(`2 instances up; ${flightIds.length} flights, ${SEATS} economy seats each`);

      const body = (i: number) => oneAdultBooking(offers[i % offers.length]!);
      const load = new BookingLoad(cluster.clients, {
        concurrency: CONCURRENCY,
        timeoutMs: 15_000,
        label: 'pg-restart',
        body,
      });
      await sleep(3000);
      const restartFrom = load.now();
      await postgres.restart();
      const restartedAt = load.now();
      log(`pg_ctl restart -m fast took ${(restartedAt - restartFrom).toFixed(0)} ms`);
      const deadline = restartedAt + 30_000;
      while (recoveryMs(load.attempts, restartedAt) === undefined && load.now() < deadline) await sleep(100);
      await sleep(3000);
      const attempts = await load.stop();
      const recovered = recoveryMs(attempts, restartedAt);
      const failed = attempts.filter((a) => a.status === 503);
      const window =
        failed.length > 0
          ? Math.max(...failed.map((a) => a.endedMs)) - Math.min(...failed.map((a) => a.sentMs))
          : 0;
      const unexpected = unexpectedAnswers(attempts);
      const { live, settled, seats, oversold, outbox } = await settleAfterLoad(
        cluster,
        attempts,
        body,
        flightIds,
        SEATS,
      );
      log(`answers: ${JSON.stringify(tally(attempts))}`);
      return [
        check(
          'both instances stay up (same pids, no crash in their output)',
          cluster.instances.every((instance, i) => crashFree(instance, pids[i])),
          cluster.instances
            .map(
              (instance, i) =>
                `${crashFree(instance, pids[i]) ? 'alive' : 'gone or crashed'} (pid ${pids[i]})`,
            )
            .join(', '),
        ),
        check(
          'no 500 and no hang: every booking answered 201, 409 sold-out or 503 problem+json',
          unexpected.length === 0,
          `${attempts.length} bookings: ${JSON.stringify(tally(attempts))}`,
        ),
        check(
          `bookings are served again within ${RECOVERY_BOUND_MS / 1000} s of the server being back`,
          recovered !== undefined && recovered < RECOVERY_BOUND_MS,
          `restart took ${(restartedAt - restartFrom).toFixed(0)} ms; first 201 ${recovered?.toFixed(0)} ms after it; 503s spanned ${window.toFixed(0)} ms (${failed.length} of them)`,
        ),
        check(
          'no booking lost: every acknowledged (201) booking is readable afterwards',
          live.unreadable.length === 0,
          `${live.acknowledged - live.unreadable.length} of ${live.acknowledged} readable`,
        ),
        settledCheck(settled),
        check(
          'no oversell: seats taken equal seats of stored bookings on every flight',
          oversold.length === 0,
          `${seats.reduce((sum, f) => sum + f.taken, 0)} seats taken, ${seats.reduce((sum, f) => sum + f.booked, 0)} booked on ${seats.length} flights; ${oversold.length} mismatched`,
        ),
        outboxCheck(outbox),
      ];
    } finally {
      await cluster?.stop();
      await postgres.destroy();
    }
  },
};
