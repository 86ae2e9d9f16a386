import type { Scenario } from '../scenario.js';
import { metricsAggregate } from './metrics-aggregate.js';
import { redisKilled } from './redis-killed.js';
import { sigtermStorm } from './sigterm-storm.js';

/** Every scenario `npm run chaos` runs, in this order (each file in this folder exports one). */
export const scenarios: readonly Scenario[] = [sigtermStorm, redisKilled, metricsAggregate];
