import type { SpanAttributes, Tracer } from '../../ports/tracer.js';

/**
 * `port` with each of `methods` run in a span named `<name>.<method>`. Calls go to the original
 * object (private fields keep working); only methods returning promises should be listed.
 */
export function traced<T extends object>(
  tracer: Tracer,
  name: string,
  port: T,
  methods: readonly (keyof T & string)[],
  attributes: SpanAttributes = {},
): T {
  const wrapped = new Set<string>(methods);
  return new Proxy(port, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      // Bound, so methods using private fields see the original object, not the proxy.
      if (typeof property !== 'string' || !wrapped.has(property)) return value.bind(target);
      return (...args: unknown[]) =>
        tracer.inSpan(`${name}.${property}`, attributes, () =>
          Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args)),
        );
    },
  });
}
