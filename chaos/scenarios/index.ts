import type { Scenario } from '../scenario.js';
import { credentialGuessing } from './credential-guessing.js';
import { dashboardStreams } from './dashboard-streams.js';
import { heapSoak } from './heap-soak.js';
import { kill9Storm } from './kill9-storm.js';
import { metricsAggregate } from './metrics-aggregate.js';
import { pgReset } from './pg-reset.js';
import { pgRestart } from './pg-restart.js';
import { redisKilled } from './redis-killed.js';
import { sigtermStorm } from './sigterm-storm.js';

/** Every scenario `npm run chaos` runs, in this order (each file in this folder exports one). */
export const scenarios: readonly Scenario[] = [
  kill9Storm,
  pgRestart,
  pgReset,
  redisKilled,
  sigtermStorm,
  heapSoak,
  dashboardStreams,
  metricsAggregate,
  credentialGuessing,
];
