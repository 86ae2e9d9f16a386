import type { SeededRandom } from './random.js';

type Language = 'intl' | 'us' | 'gb' | 'fr' | 'de' | 'es' | 'pt' | 'it' | 'ja' | 'nl';

/** The language (and English variety) hotel names and street names follow, by country; neutral English elsewhere. */
const LANGUAGE_OF: Readonly<Record<string, Language>> = {
  France: 'fr',
  Belgium: 'fr',
  Luxembourg: 'fr',
  Morocco: 'fr',
  Algeria: 'fr',
  Tunisia: 'fr',
  Senegal: 'fr',
  'Congo (Kinshasa)': 'fr',
  Germany: 'de',
  Austria: 'de',
  Switzerland: 'de',
  Spain: 'es',
  Mexico: 'es',
  Colombia: 'es',
  Peru: 'es',
  Chile: 'es',
  Argentina: 'es',
  Ecuador: 'es',
  Bolivia: 'es',
  Panama: 'es',
  'Costa Rica': 'es',
  Cuba: 'es',
  'Dominican Republic': 'es',
  'Puerto Rico': 'es',
  Portugal: 'pt',
  Brazil: 'pt',
  Italy: 'it',
  Japan: 'ja',
  Netherlands: 'nl',
  'United States': 'us',
  Canada: 'us',
  'United Kingdom': 'gb',
  Ireland: 'gb',
  Australia: 'gb',
  'New Zealand': 'gb',
};

/** Name patterns by star band: `{city}` is the city's name, `{word}` one of the language's words. */
interface LanguageNames {
  budget: readonly string[];
  upscale: readonly string[];
  words: readonly string[];
  streets: readonly string[];
  /** How an address reads: `{n}` the number, `{street}` the street. */
  address: string;
  airport: string;
}

const NAMES: Record<Language, LanguageNames> = {
  intl: {
    budget: [
      '{city} Central Hotel',
      'Hotel {word}',
      '{word} Inn {city}',
      '{city} City Hotel',
      '{word} Residence',
    ],
    upscale: ['The {word} {city}', 'Grand {word} Hotel', '{city} {word} Hotel & Spa', '{word} Plaza {city}'],
    words: [
      'Orchid',
      'Palm',
      'Pearl',
      'Lotus',
      'Imperial',
      'Riverside',
      'Park',
      'Garden',
      'Crystal',
      'Summit',
    ],
    streets: [
      'Central Avenue',
      'Station Road',
      'Riverside Drive',
      'Park Road',
      'Market Street',
      'Garden Road',
    ],
    address: '{n} {street}',
    airport: '{city} {airport} Airport Hotel',
  },
  us: {
    budget: [
      '{city} Downtown Inn',
      'The {word} Hotel',
      '{word} Suites {city}',
      '{word} Inn & Suites',
      '{city} Midtown Hotel',
    ],
    upscale: [
      'The {word} {city}',
      'Grand {word} Hotel',
      '{city} {word} Hotel & Spa',
      'The {word} Residences',
    ],
    words: [
      'Madison',
      'Liberty',
      'Union',
      'Lexington',
      'Empire',
      'Harbor',
      'Commodore',
      'Plaza',
      'Parkview',
      'Sterling',
    ],
    streets: ['Main Street', 'Park Avenue', 'Broadway', 'Market Street', 'Washington Street', '5th Avenue'],
    address: '{n} {street}',
    airport: '{city} {airport} Airport Hotel',
  },
  gb: {
    budget: [
      '{city} Central Inn',
      'The {word} Hotel',
      '{word} Lodge {city}',
      '{city} Station Hotel',
      '{word} House',
    ],
    upscale: [
      'The {word} {city}',
      'Grand {word} Hotel',
      '{city} {word} Hotel & Spa',
      'The {word} Residences',
    ],
    words: [
      'Harbour',
      'Regent',
      'Albion',
      'Crown',
      'Kensington',
      'Royal',
      'Wellington',
      'Victoria',
      'Sovereign',
    ],
    streets: ['High Street', 'King Street', 'Victoria Road', 'Church Road', 'Queen Street', 'Station Road'],
    address: '{n} {street}',
    airport: '{city} {airport} Airport Hotel',
  },
  fr: {
    budget: ['Hôtel du {word}', 'Hôtel de la Gare', 'Hôtel du Petit {word}', 'Hôtel Le {word}'],
    upscale: ['Grand Hôtel du {word}', 'Hôtel Le {word} {city}', 'Le {word} Palace', 'Hôtel Royal {city}'],
    words: ['Parc', 'Théâtre', 'Louvre', 'Commerce', 'Lion', 'Cygne', 'Marché', 'Pont', 'Jardin'],
    streets: [
      'rue de la République',
      'avenue Victor-Hugo',
      'boulevard Gambetta',
      'rue du Commerce',
      'place de la Gare',
    ],
    address: '{n} {street}',
    airport: 'Hôtel {city} Aéroport {airport}',
  },
  de: {
    budget: ['Hotel am {word}', 'Hotel zur {word}', 'Gasthof {word}', 'Hotel {word} {city}'],
    upscale: ['Parkhotel {city}', 'Grandhotel {word}', 'Hotel {word}hof', 'Schlosshotel {city}'],
    words: ['Markt', 'Post', 'Linde', 'Rhein', 'Kaiser', 'Stern', 'Adler', 'Rathaus', 'Dom'],
    streets: ['Bahnhofstraße', 'Hauptstraße', 'Marktplatz', 'Kaiserstraße', 'Schillerstraße', 'Goethestraße'],
    address: '{street} {n}',
    airport: 'Airport Hotel {city} {airport}',
  },
  es: {
    budget: ['Hostal {word}', 'Hotel {word} {city}', 'Hotel Plaza {word}', 'Hotel del {word}'],
    upscale: ['Gran Hotel {city}', 'Hotel Palacio {word}', 'Hotel Real {city}', 'Hotel {word} Suites'],
    words: ['Sol', 'Mar', 'Prado', 'Colón', 'Alameda', 'Carmen', 'Reforma', 'Mayor', 'Castilla'],
    streets: [
      'Calle Mayor',
      'Avenida de la Constitución',
      'Calle del Carmen',
      'Paseo de la Reforma',
      'Avenida Colón',
    ],
    address: '{street} {n}',
    airport: 'Hotel Aeropuerto {city} {airport}',
  },
  pt: {
    budget: ['Pousada {word}', 'Hotel {word}', 'Hotel da {word}', 'Residencial {word}'],
    upscale: ['Grande Hotel {city}', 'Hotel Palácio {word}', 'Hotel {word} Premium', 'Hotel Real {city}'],
    words: ['Praia', 'Estrela', 'Liberdade', 'Atlântico', 'Flor', 'Sol', 'Avenida', 'Porto'],
    streets: ['Rua Augusta', 'Avenida da Liberdade', 'Rua do Comércio', 'Avenida Paulista', 'Rua das Flores'],
    address: '{street}, {n}',
    airport: 'Hotel Aeroporto {city} {airport}',
  },
  it: {
    budget: ['Albergo {word}', 'Hotel {word}', 'Locanda del {word}', 'Hotel Stazione {city}'],
    upscale: ['Grand Hotel {city}', 'Palazzo {word}', 'Hotel {word} Palace', 'Hotel Principe di {word}'],
    words: ['Sole', 'Duomo', 'Roma', 'Centrale', 'Giardino', 'Torre', 'Savoia', 'Vittoria'],
    streets: ['Via Roma', 'Corso Italia', 'Via Garibaldi', 'Via Mazzini', 'Piazza del Duomo'],
    address: '{street} {n}',
    airport: 'Hotel Aeroporto {city} {airport}',
  },
  ja: {
    budget: ['{city} Station Hotel', 'Hotel {word} {city}', 'Business Hotel {word}', 'Ryokan {word}'],
    upscale: [
      '{city} {word} Hotel',
      'Hotel {word} Garden {city}',
      'The {word} {city}',
      'Grand {word} {city}',
    ],
    words: ['Sakura', 'Fuji', 'Momiji', 'Hikari', 'Kotobuki', 'Midori', 'Asahi', 'Tsubaki'],
    streets: ['Chuo-dori', 'Ekimae', 'Hon-machi', 'Sakae', 'Nishi-ku'],
    address: '{n} {street}',
    airport: '{city} {airport} Airport Hotel',
  },
  nl: {
    budget: ['Hotel De {word}', 'Hotel {word}', "Hotel 't {word}", 'Stayokay {city}'],
    upscale: ['Grand Hotel {word}', 'Hotel De {word} {city}', 'Hotel {word} Palace', 'The {word} {city}'],
    words: ['Gouden Leeuw', 'Poort', 'Gracht', 'Molen', 'Kroon', 'Tulp', 'Haven'],
    streets: ['Damrak', 'Kalverstraat', 'Keizersgracht', 'Stationsplein', 'Prinsengracht'],
    address: '{street} {n}',
    airport: '{city} {airport} Airport Hotel',
  },
};

export interface HotelNamer {
  name(stars: number): string;
  address(): string;
  airportName(airportCode: string): string;
}

/** Hotel names and addresses for one city, unique within it, in the language of its country. */
export function hotelNamer(country: string, city: string, random: SeededRandom): HotelNamer {
  const names = NAMES[LANGUAGE_OF[country] ?? 'intl'];
  const used = new Set<string>();
  const fill = (pattern: string): string =>
    pattern.replaceAll('{city}', city).replaceAll('{word}', random.pick(names.words));
  return {
    name(stars) {
      const patterns = stars >= 4 ? names.upscale : names.budget;
      for (let attempt = 0; attempt < 8; attempt++) {
        const candidate = fill(random.pick(patterns));
        if (!used.has(candidate)) {
          used.add(candidate);
          return candidate;
        }
      }
      const fallback = `${fill(random.pick(patterns))} ${used.size + 1}`;
      used.add(fallback);
      return fallback;
    },
    address() {
      return `${names.address.replace('{n}', String(random.int(1, 240))).replace('{street}', random.pick(names.streets))}, ${city}`;
    },
    airportName(airportCode) {
      return names.airport.replaceAll('{city}', city).replaceAll('{airport}', airportCode);
    },
  };
}
