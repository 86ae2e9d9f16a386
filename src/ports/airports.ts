/** A real airport, from the bundled airport registry. */
export interface Airport {
  /** IATA code, e.g. "JFK". */
  iata: string;
  icao: string | null;
  name: string;
  /** City served, as the registry names it, e.g. "New York". */
  city: string;
  /** IATA metropolitan-area code when the city has several airports (e.g. "NYC"), else the airport's own IATA code. */
  cityCode: string;
  country: string;
  /** ISO 3166-1 alpha-2 code of `country`, when the registries give one. */
  countryCode?: string;
  latitude: number;
  longitude: number;
  /** IANA time zone, e.g. "America/New_York". */
  timeZone: string;
  /** Relative size, higher is bigger; used to rank autocomplete and to pick the largest airports for demo data. */
  size: number;
}

/** Read-only directory of airports and cities. */
export interface AirportDirectory {
  /** Every airport with an IATA code and a time zone. */
  all(): readonly Airport[];
  /** The airport with this IATA code (upper case), or undefined. */
  byIata(iata: string): Airport | undefined;
  /** Airports of a city/metropolitan code (e.g. "NYC" → JFK, LGA, EWR; "LHR" → LHR), or an empty list. */
  byCityCode(cityCode: string): readonly Airport[];
}
