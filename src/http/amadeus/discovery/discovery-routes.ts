import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiServices } from '../../services.js';
import { availabilityRoutes } from './availability-routes.js';
import { fareRoutes } from './fare-routes.js';
import { flightStatusRoutes } from './flight-status-routes.js';
import { hotelBookingRoutes } from './hotel-booking-routes.js';
import { hotelListRoutes } from './hotel-list-routes.js';
import { routeNetworkRoutes } from './route-network-routes.js';

/**
 * The Amadeus discovery APIs (inspiration, cheapest dates, reference data, routes, seats, hotel
 * look-ups, Hotel Booking v1, flight schedule), registered inside the compatibility scope so they
 * share its media types, body parsing and error shape.
 */
export const discoveryRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  await app.register(fareRoutes, { services });
  await app.register(routeNetworkRoutes, { services });
  await app.register(availabilityRoutes, { services });
  await app.register(hotelListRoutes, { services });
  await app.register(hotelBookingRoutes, { services });
  await app.register(flightStatusRoutes, { services });
};
