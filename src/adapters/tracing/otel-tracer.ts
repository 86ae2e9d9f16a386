import { SpanStatusCode, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Tracer } from '../../ports/tracer.js';

export interface OtelTracerOptions {
  serviceName: string;
  /** Where spans go: the OTLP exporter in production, an in-memory one in tests. */
  exporter: SpanExporter;
  /** Export each span as it ends (tests) instead of in batches. */
  immediate?: boolean;
}

/**
 * The Tracer port on the OpenTelemetry SDK. Its provider has its own AsyncLocalStorage context
 * manager, so a span started inside another's work becomes its child across awaits.
 */
export function createOtelTracer(options: OtelTracerOptions): Tracer {
  const processor: SpanProcessor = options.immediate
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(options.exporter);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [processor],
  });
  provider.register();
  const tracer = provider.getTracer('travel-platform');
  return {
    inSpan(name, attributes, work) {
      return tracer.startActiveSpan(name, { attributes }, async (span) => {
        try {
          return await work(span);
        } catch (error) {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      });
    },
    async close() {
      await provider.shutdown().catch(() => undefined);
      trace.disable();
    },
  };
}

/** The tracer exporting to an OTLP/HTTP collector at `endpoint` (…/v1/traces is appended). */
export async function createOtlpTracer(endpoint: string, serviceName: string): Promise<Tracer> {
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const url = `${endpoint.replace(/\/$/, '')}/v1/traces`;
  return createOtelTracer({ serviceName, exporter: new OTLPTraceExporter({ url }) });
}
