/**
 * Something built once per Lambda sandbox, on the first invocation that needs it, and kept for the
 * warm ones. A failed build is forgotten, so the next invocation tries again instead of failing for
 * the sandbox's whole life.
 */
export interface PerSandbox<T> {
  get(): Promise<T>;
  /** Closes and forgets it (tests; Lambda itself just freezes and later drops the sandbox). */
  close(): Promise<void>;
}

export function perSandbox<T>(build: () => Promise<T>, close: (built: T) => Promise<void>): PerSandbox<T> {
  let current: Promise<T> | undefined;
  return {
    get() {
      current ??= build().catch((error: unknown) => {
        current = undefined;
        throw error;
      });
      return current;
    },
    async close() {
      const built = current;
      current = undefined;
      const value = await built?.catch(() => undefined);
      if (value !== undefined) await close(value);
    },
  };
}
