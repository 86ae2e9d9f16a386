import { InProcessEventBus } from '../../src/adapters/events/in-process.js';
import { describeEventBusContract } from './event-bus.contract.js';

describeEventBusContract('in-process', {
  create: async () => ({ bus: new InProcessEventBus({ redeliveryDelayMs: 20 }) }),
});
