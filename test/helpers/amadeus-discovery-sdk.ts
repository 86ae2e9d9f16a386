import { type AmadeusSdk, amadeusSdk, type SdkResponse } from './amadeus-sdk.js';

type Call = (...args: unknown[]) => Promise<SdkResponse>;

/** The official SDK's discovery namespaces, as amadeus-node spells them. */
export interface DiscoverySdk {
  shopping: {
    flightDestinations: { get: Call };
    flightDates: { get: Call };
    availability: { flightAvailabilities: { post: Call } };
  };
  referenceData: {
    airlines: { get: Call };
    locations: {
      airports: { get: Call };
      hotels: { byGeocode: { get: Call }; byHotels: { get: Call } };
      hotel: { get: Call };
    };
  };
  airport: { directDestinations: { get: Call } };
  airline: { destinations: { get: Call } };
  booking: { hotelBookings: { post: Call } };
  schedule: { flights: { get: Call } };
}

/** The official SDK on a local listener (amadeus-sdk.ts), typed with its discovery namespaces too. */
export function amadeusDiscoverySdk(
  baseUrl: string,
  clientId: string,
  clientSecret: string,
): AmadeusSdk & DiscoverySdk {
  return amadeusSdk(baseUrl, clientId, clientSecret) as AmadeusSdk & DiscoverySdk;
}
