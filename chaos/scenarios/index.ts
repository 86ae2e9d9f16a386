import type { Scenario } from '../scenario.js';
import { credentialGuessing } from './credential-guessing.js';
import { dashboardStreams } from './dashboard-streams.js';
import { heapSoak } from './heap-soak.js';

/** Every scenario `npm run chaos` runs, in this order (each file in this folder exports one). */
export const scenarios: readonly Scenario[] = [heapSoak, dashboardStreams, credentialGuessing];
