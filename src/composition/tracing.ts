import { traced } from '../adapters/tracing/traced.js';
import type { Config } from '../config.js';
import type { BookingStore } from '../ports/bookings.js';
import type { Cache } from '../ports/cache.js';
import type { EventBus } from '../ports/events.js';
import type { InventoryStore } from '../ports/store.js';
import type { Tracer } from '../ports/tracer.js';

/**
 * The tracer OTEL_EXPORTER_OTLP_ENDPOINT asks for, or undefined when tracing is off: then the
 * OpenTelemetry SDK is never imported and no port is wrapped.
 */
export async function createTracer(config: Config): Promise<Tracer | undefined> {
  if (config.otelExporterEndpoint === undefined) return undefined;
  const { createOtlpTracer } = await import('../adapters/tracing/otel-tracer.js');
  return createOtlpTracer(config.otelExporterEndpoint, config.otelServiceName);
}

export interface TraceablePorts {
  cache: Cache;
  inventory: InventoryStore;
  bookings: BookingStore;
  bus: EventBus;
}

/** The ports with their calls in spans (cache.*, store.inventory.*, store.bookings.*, events.publish). */
export function tracedPorts(tracer: Tracer, ports: TraceablePorts): TraceablePorts {
  return {
    cache: traced(tracer, 'cache', ports.cache, ['get', 'set', 'getOrSet', 'invalidateTags', 'delete']),
    inventory: traced(tracer, 'store.inventory', ports.inventory, [
      'listRoutes',
      'findFlights',
      'findFlightsOnLegs',
      'getFlights',
      'listAirlines',
      'findHotels',
      'getHotels',
      'findRoomNights',
      'getSetting',
    ]),
    bookings: traced(tracer, 'store.bookings', ports.bookings, [
      'claimKey',
      'releaseKey',
      'create',
      'get',
      'cancel',
    ]),
    bus: traced(tracer, 'events', ports.bus, ['publish']),
  };
}
