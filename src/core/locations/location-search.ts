import type { Airport, AirportDirectory } from '../../ports/airports.js';
import { invalidField } from '../errors.js';

/** An airport or a city as the location APIs show it; the place fields mean what they mean on `Airport`. */
export interface LocationView
  extends Pick<
    Airport,
    'name' | 'cityCode' | 'country' | 'countryCode' | 'latitude' | 'longitude' | 'timeZone'
  > {
  type: 'airport' | 'city';
  iataCode: string;
  cityName: string;
  /** For a city: the codes of its airports. */
  airports?: string[];
}

/** Lower-case, accents stripped, punctuation as spaces: "São Paulo–Guarulhos" → "sao paulo guarulhos". */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Most locations one lookup answers. */
export const MAX_LOCATIONS = 50;
/** Longest query text. */
export const MAX_QUERY_LENGTH = 100;

interface IndexedAirport {
  airport: Airport;
  name: string;
  city: string;
}

/**
 * Airport and city autocomplete: prefix match on IATA code, airport name words and city name,
 * case- and accent-insensitive. Ranked exact code first, then city matches, then bigger airports.
 */
export class LocationSearch {
  readonly #indexed: IndexedAirport[];
  readonly #airports: AirportDirectory;

  constructor(airports: AirportDirectory) {
    this.#airports = airports;
    this.#indexed = airports
      .all()
      .map((airport) => ({ airport, name: foldText(airport.name), city: foldText(airport.city) }));
  }

  search(query: string, limit: number): LocationView[] {
    // Whatever reaches the core: the answer never grows past the documented page.
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LOCATIONS) {
      throw invalidField('query.limit', `limit is an integer from 1 to ${MAX_LOCATIONS}`);
    }
    if (query.length > MAX_QUERY_LENGTH) {
      throw invalidField('query.q', `q is at most ${MAX_QUERY_LENGTH} characters`);
    }
    const q = foldText(query);
    if (q === '') return [];
    const code = q.toUpperCase();
    const scored: { view: LocationView; score: number }[] = [];
    const cities = new Map<string, { score: number; airports: Airport[] }>();
    for (const { airport, name, city } of this.#indexed) {
      let score = 0;
      if (airport.iata === code) score = 4_000_000;
      else if (airport.cityCode === code && airport.cityCode !== airport.iata) score = 3_500_000;
      else if (city === q) score = 3_000_000;
      else if (city.startsWith(q)) score = 2_000_000;
      else if (name.startsWith(q) || name.includes(` ${q}`)) score = 1_000_000;
      else continue;
      score += airport.size;
      scored.push({ view: airportView(airport), score });
      if (score >= 2_000_000 && score < 4_000_000) {
        const members = this.#airports.byCityCode(airport.cityCode);
        if (members.length > 1) {
          const known = cities.get(airport.cityCode);
          cities.set(airport.cityCode, {
            score: Math.max(known?.score ?? 0, score + 1),
            airports: [...members],
          });
        }
      }
    }
    for (const [cityCode, city] of cities) {
      const main = [...city.airports].sort((a, b) => b.size - a.size)[0] as Airport;
      scored.push({
        score: city.score,
        view: {
          ...airportView(main),
          type: 'city',
          iataCode: cityCode,
          name: main.city,
          airports: city.airports.map((a) => a.iata).sort(),
        },
      });
    }
    return scored
      .sort((a, b) => b.score - a.score || a.view.iataCode.localeCompare(b.view.iataCode))
      .slice(0, limit)
      .map((s) => s.view);
  }
}

function airportView(airport: Airport): LocationView {
  return {
    type: 'airport',
    iataCode: airport.iata,
    name: airport.name,
    cityName: airport.city,
    cityCode: airport.cityCode,
    country: airport.country,
    ...(airport.countryCode ? { countryCode: airport.countryCode } : {}),
    latitude: airport.latitude,
    longitude: airport.longitude,
    timeZone: airport.timeZone,
  };
}
