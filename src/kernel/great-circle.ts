/**
 * Great-circle distance, one definition for every part that measures one: the core ranks hotels and
 * routes by it, the store backends answer `HotelLocator` radius queries with it (PostgreSQL in SQL,
 * with the same radius), and supplier adapters fill in a segment's distance when the supplier
 * leaves it out, so a radius search and the distances shown always agree.
 */
export const EARTH_RADIUS_KM = 6371.0088;
const toRadians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Great-circle (haversine) distance in kilometres between two points given in degrees. */
export function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = toRadians(lat2 - lat1);
  const dLon = toRadians(lon2 - lon1);
  const a =
    Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(lat1)) * Math.cos(toRadians(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Great-circle distance between two positioned things. */
export function distanceKm(
  a: { latitude: number; longitude: number },
  b: { latitude: number; longitude: number },
): number {
  return greatCircleKm(a.latitude, a.longitude, b.latitude, b.longitude);
}
