import type { InventoryStore } from '../../src/ports/store.js';

/** What an instrumented store saw. */
export interface StoreCalls {
  /** Calls per method name. */
  byMethod: Map<string, number>;
  total(): number;
  reset(): void;
}

export interface InstrumentOptions {
  /**
   * Synchronous work (ms of busy CPU) added to every call of these methods, standing for a hop level
   * that costs real CPU: the event loop is blocked meanwhile, as with a large in-process read.
   */
  busyMs?: Partial<Record<keyof InventoryStore, number>>;
  /** Called as each call starts, with the method name. */
  onCall?: (method: string) => void;
  /** Awaited before each call reaches the store (after its busy time), e.g. to hold a read until a test is ready. */
  gate?: (method: string, callNumber: number) => Promise<void> | undefined;
}

/**
 * Wraps a real store: counts every call by method and optionally makes some calls cost CPU time.
 * The answers are the real store's.
 */
export function instrumentStore(
  store: InventoryStore,
  options: InstrumentOptions = {},
): { store: InventoryStore; calls: StoreCalls } {
  const byMethod = new Map<string, number>();
  const calls: StoreCalls = {
    byMethod,
    total: () => [...byMethod.values()].reduce((sum, n) => sum + n, 0),
    reset: () => byMethod.clear(),
  };
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        const callNumber = (byMethod.get(property) ?? 0) + 1;
        byMethod.set(property, callNumber);
        options.onCall?.(property);
        const busy = options.busyMs?.[property as keyof InventoryStore] ?? 0;
        const until = Date.now() + busy;
        while (Date.now() < until) {
          // Busy on purpose: the cost of the call is CPU, not waiting.
        }
        const gate = options.gate?.(property, callNumber);
        return gate ? gate.then(() => value.apply(target, args)) : value.apply(target, args);
      };
    },
  });
  return { store: wrapped, calls };
}
