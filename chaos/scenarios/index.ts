import type { Scenario } from '../scenario.js';
import { kill9Storm } from './kill9-storm.js';
import { pgReset } from './pg-reset.js';
import { pgRestart } from './pg-restart.js';

/** Every scenario `npm run chaos` runs, in this order (each file in this folder exports one). */
export const scenarios: readonly Scenario[] = [pgReset, pgRestart, kill9Storm];
