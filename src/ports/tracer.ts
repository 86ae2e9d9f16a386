/** Attribute values a span may carry. */
export type SpanAttributes = Record<string, string | number | boolean>;

/** The span a traced piece of work runs in. */
export interface ActiveSpan {
  setAttribute(key: string, value: string | number | boolean): void;
}

/**
 * Distributed tracing as the platform needs it: run work inside a child span of the current one.
 * The OpenTelemetry adapter (adapters/tracing/) is loaded only when tracing is configured; without
 * it nothing is wrapped at all, so tracing off costs nothing.
 */
export interface Tracer {
  /**
   * Runs `work` in a new span named `name`, a child of the span current when called; ends the span
   * when `work` settles, marking it as an error (with the exception) when `work` rejects, and
   * returns or rethrows what `work` did.
   */
  inSpan<T>(name: string, attributes: SpanAttributes, work: (span: ActiveSpan) => Promise<T>): Promise<T>;
  /** Exports the spans still buffered and stops; never rejects. */
  close(): Promise<void>;
}
