/**
 * Real carriers with their real hubs, focus cities (bases without connecting banks), business
 * model and a fleet of real types (IATA aircraft codes, see reference/aircraft-types.ts). Hubs, bases
 * and fleets follow the carriers' published networks as of 2024, simplified: a carrier's fleet
 * here lists the types it uses on its main routes, not every sub-fleet.
 */
export interface DemoCarrier {
  iata: string;
  name: string;
  /** Country of registration (traffic rights: a carrier flies from its home country). */
  country: string;
  model: 'network' | 'lcc';
  /** Airports with connecting banks. */
  hubs: readonly string[];
  /** Bases served point to point, without banks. */
  focus: readonly string[];
  fleet: readonly string[];
  /** Further countries the carrier's group holds air operator certificates in (e.g. LATAM). */
  alsoHomeIn?: readonly string[];
  /** Holds an EU operating licence: may fly any route inside the EU single aviation market. */
  euLicence?: boolean;
  /** Puts wide-bodies on its densest short-haul routes (as Japanese, Chinese, Korean and Gulf carriers do). */
  denseWidebodies?: boolean;
  /** Flies long haul only (no route shorter than this, km). */
  minKm?: number;
}

/** Countries of the EU single aviation market (EU, EEA and Switzerland by agreement). */
// biome-ignore format: a list of names
export const EU_SINGLE_MARKET: ReadonlySet<string> = new Set([
  'Austria', 'Belgium', 'Bulgaria', 'Croatia', 'Cyprus', 'Czech Republic', 'Denmark', 'Estonia',
  'Finland', 'France', 'Germany', 'Greece', 'Hungary', 'Iceland', 'Ireland', 'Italy', 'Latvia',
  'Lithuania', 'Luxembourg', 'Malta', 'Netherlands', 'Norway', 'Poland', 'Portugal', 'Romania',
  'Slovakia', 'Slovenia', 'Spain', 'Sweden', 'Switzerland',
]);

/** Territories whose air routes are domestic for the country named (the registry lists them apart). */
export const TERRITORY_OF: Readonly<Record<string, string>> = {
  'Puerto Rico': 'United States',
  Guam: 'United States',
  'Virgin Islands': 'United States',
  'French Polynesia': 'France',
  Reunion: 'France',
  'Canary Islands': 'Spain',
};

const AIRBUS_NB = ['320', '32N', '32Q'];
const BOEING_NB = ['738', '7M8'];
const US_REGIONAL = ['CR9', 'E75'];

// biome-ignore format: one carrier a block reads better than one field a line
export const DEMO_CARRIERS: readonly DemoCarrier[] = [
  // North America
  { iata: 'AA', name: 'American Airlines', country: 'United States', model: 'network',
    hubs: ['DFW', 'CLT', 'MIA', 'PHL', 'ORD', 'PHX', 'DCA'], focus: ['JFK', 'LAX', 'LGA', 'BOS'],
    fleet: [...US_REGIONAL, '738', '7M8', '32Q', '772', '77W', '788', '789'] },
  { iata: 'DL', name: 'Delta Air Lines', country: 'United States', model: 'network',
    hubs: ['ATL', 'DTW', 'MSP', 'SLC', 'JFK'], focus: ['LAX', 'SEA', 'BOS', 'LGA'],
    fleet: [...US_REGIONAL, '32N', '32Q', '738', '763', '333', '359'] },
  { iata: 'UA', name: 'United Airlines', country: 'United States', model: 'network',
    hubs: ['ORD', 'EWR', 'IAH', 'DEN', 'SFO', 'IAD', 'LAX'], focus: [],
    fleet: [...US_REGIONAL, '738', '7M8', '32N', '763', '772', '77W', '788', '789'] },
  { iata: 'B6', name: 'JetBlue Airways', country: 'United States', model: 'network',
    hubs: ['JFK', 'BOS'], focus: ['FLL', 'MCO', 'EWR'], fleet: ['E90', '320', '32Q'] },
  { iata: 'AS', name: 'Alaska Airlines', country: 'United States', model: 'network',
    hubs: ['SEA'], focus: ['PDX', 'SFO', 'LAX', 'ANC', 'SAN'], fleet: ['E75', '738', '7M8'] },
  { iata: 'WN', name: 'Southwest Airlines', country: 'United States', model: 'lcc', hubs: [],
    focus: ['DEN', 'LAS', 'MDW', 'BWI', 'DAL', 'HOU', 'PHX', 'OAK', 'MCO', 'ATL', 'LAX', 'BNA', 'AUS', 'SAN'],
    fleet: BOEING_NB },
  { iata: 'NK', name: 'Spirit Airlines', country: 'United States', model: 'lcc', hubs: [],
    focus: ['FLL', 'LAS', 'MCO', 'DTW', 'EWR'], fleet: AIRBUS_NB },
  { iata: 'F9', name: 'Frontier Airlines', country: 'United States', model: 'lcc', hubs: [],
    focus: ['DEN', 'LAS', 'MCO', 'PHL', 'ATL'], fleet: ['32N', '32Q'] },
  { iata: 'AC', name: 'Air Canada', country: 'Canada', model: 'network', hubs: ['YYZ', 'YVR', 'YUL'],
    focus: ['YYC'], fleet: ['DH4', 'E75', '320', '7M8', '333', '789', '77W'] },
  { iata: 'WS', name: 'WestJet', country: 'Canada', model: 'network', hubs: ['YYC'], focus: ['YYZ', 'YVR', 'YEG'],
    fleet: ['DH4', '738', '7M8', '789'] },
  { iata: 'AM', name: 'Aeroméxico', country: 'Mexico', model: 'network', hubs: ['MEX'], focus: ['GDL', 'MTY'],
    fleet: ['E90', '738', '7M8', '788', '789'] },
  { iata: 'Y4', name: 'Volaris', country: 'Mexico', model: 'lcc', hubs: [], focus: ['MEX', 'GDL', 'TIJ', 'CUN'],
    fleet: ['32N', '32Q'] },
  // Latin America
  { iata: 'CM', name: 'Copa Airlines', country: 'Panama', model: 'network', hubs: ['PTY'], focus: [],
    fleet: BOEING_NB },
  { iata: 'AV', name: 'Avianca', country: 'Colombia', model: 'network', hubs: ['BOG'], focus: ['MDE', 'SJO'],
    fleet: ['320', '32N', '788'] },
  { iata: 'LA', name: 'LATAM Airlines', country: 'Chile', model: 'network', hubs: ['SCL', 'GRU', 'LIM'],
    focus: ['CGH', 'BSB', 'BOG'], alsoHomeIn: ['Brazil', 'Peru', 'Colombia', 'Ecuador'],
    fleet: ['320', '32N', '32Q', '763', '788', '789', '77W'] },
  { iata: 'G3', name: 'GOL Linhas Aéreas', country: 'Brazil', model: 'lcc', hubs: [],
    focus: ['GRU', 'CGH', 'GIG', 'BSB', 'SDU'], fleet: BOEING_NB },
  { iata: 'AR', name: 'Aerolíneas Argentinas', country: 'Argentina', model: 'network', hubs: ['EZE', 'AEP'],
    focus: [], fleet: ['738', '7M8', '333'] },
  // Europe
  { iata: 'BA', name: 'British Airways', country: 'United Kingdom', model: 'network', hubs: ['LHR'],
    focus: ['LGW', 'LCY'], fleet: ['320', '32N', '32Q', '772', '77W', '788', '789', '359', '35K', '388'] },
  { iata: 'VS', name: 'Virgin Atlantic', country: 'United Kingdom', model: 'network', minKm: 3_000, hubs: ['LHR'],
    focus: ['MAN'], fleet: ['333', '789', '359', '35K'] },
  { iata: 'U2', name: 'easyJet', country: 'United Kingdom', model: 'lcc', hubs: [], euLicence: true,
    focus: ['LGW', 'LTN', 'BRS', 'MAN', 'EDI', 'GVA', 'BSL', 'MXP', 'ORY', 'NCE', 'BER', 'AMS', 'LYS'],
    fleet: AIRBUS_NB },
  { iata: 'EI', name: 'Aer Lingus', country: 'Ireland', model: 'network', hubs: ['DUB'], focus: [],
    fleet: ['320', '32N', '32Q', '333'] },
  { iata: 'FR', name: 'Ryanair', country: 'Ireland', model: 'lcc', hubs: [],
    focus: ['DUB', 'STN', 'BGY', 'CRL', 'MAD', 'BCN', 'FCO', 'PMI', 'AGP', 'ALC', 'LIS', 'OPO', 'BVA', 'WMI', 'BER', 'CIA', 'NAP', 'MAN', 'CTA', 'VLC', 'SVQ', 'KRK', 'BUD', 'ATH', 'VIE', 'BLQ', 'EDI'],
    fleet: BOEING_NB },
  { iata: 'AF', name: 'Air France', country: 'France', model: 'network', hubs: ['CDG'], focus: ['ORY', 'NCE'],
    fleet: ['E90', '320', '32N', '772', '77W', '789', '359'] },
  { iata: 'KL', name: 'KLM Royal Dutch Airlines', country: 'Netherlands', model: 'network', hubs: ['AMS'],
    focus: [], fleet: ['E90', '738', '32N', '772', '77W', '789', '333'] },
  { iata: 'LH', name: 'Lufthansa', country: 'Germany', model: 'network', hubs: ['FRA', 'MUC'], focus: ['BER', 'HAM', 'DUS'],
    fleet: ['CR9', 'E90', '320', '32N', '32Q', '333', '359', '388'] },
  { iata: 'LX', name: 'Swiss International Air Lines', country: 'Switzerland', model: 'network', hubs: ['ZRH'],
    focus: ['GVA'], fleet: ['320', '32N', '333', '77W'] },
  { iata: 'OS', name: 'Austrian Airlines', country: 'Austria', model: 'network', hubs: ['VIE'], focus: [],
    fleet: ['E90', '320', '763', '772'] },
  { iata: 'SK', name: 'Scandinavian Airlines', country: 'Denmark', model: 'network', hubs: ['CPH', 'ARN', 'OSL'],
    focus: [], alsoHomeIn: ['Sweden', 'Norway'], fleet: ['AT7', 'CR9', '32N', '333', '359'] },
  { iata: 'AY', name: 'Finnair', country: 'Finland', model: 'network', hubs: ['HEL'], focus: [],
    fleet: ['AT7', '320', '32N', '333', '359'] },
  { iata: 'IB', name: 'Iberia', country: 'Spain', model: 'network', hubs: ['MAD'], focus: ['BCN'],
    fleet: ['320', '32N', '32Q', '333', '359'] },
  { iata: 'VY', name: 'Vueling', country: 'Spain', model: 'lcc', hubs: [], focus: ['BCN', 'FCO', 'ORY', 'AGP', 'PMI', 'BIO', 'SVQ'],
    fleet: ['320', '32N'] },
  { iata: 'TP', name: 'TAP Air Portugal', country: 'Portugal', model: 'network', hubs: ['LIS'], focus: ['OPO'],
    fleet: ['E90', '32N', '32Q', '333'] },
  { iata: 'AZ', name: 'ITA Airways', country: 'Italy', model: 'network', hubs: ['FCO'], focus: ['LIN'],
    fleet: ['320', '32N', '333', '359'] },
  { iata: 'LO', name: 'LOT Polish Airlines', country: 'Poland', model: 'network', hubs: ['WAW'], focus: [],
    fleet: ['E75', '738', '7M8', '788', '789'] },
  { iata: 'W6', name: 'Wizz Air', country: 'Hungary', model: 'lcc', hubs: [], focus: ['BUD', 'OTP', 'WAW', 'KRK', 'SOF', 'BEG', 'FCO', 'LTN', 'VIE', 'RIX'],
    fleet: ['32N', '32Q'] },
  { iata: 'TK', name: 'Turkish Airlines', country: 'Turkey', model: 'network', denseWidebodies: true, hubs: ['IST'], focus: ['ESB', 'ADB', 'AYT'],
    fleet: ['738', '7M8', '32N', '32Q', '333', '77W', '789', '359'] },
  { iata: 'PC', name: 'Pegasus Airlines', country: 'Turkey', model: 'lcc', hubs: [], focus: ['SAW', 'ADB', 'AYT', 'ESB'],
    fleet: ['32N', '32Q', '7M8'] },
  // Middle East and Africa
  { iata: 'EK', name: 'Emirates', country: 'United Arab Emirates', model: 'network', denseWidebodies: true, hubs: ['DXB'], focus: [],
    fleet: ['77W', '388'] },
  { iata: 'FZ', name: 'flydubai', country: 'United Arab Emirates', model: 'lcc', hubs: [], focus: ['DXB'],
    fleet: BOEING_NB },
  { iata: 'EY', name: 'Etihad Airways', country: 'United Arab Emirates', model: 'network', hubs: ['AUH'], focus: [],
    fleet: ['32N', '789', '77W', '35K'] },
  { iata: 'QR', name: 'Qatar Airways', country: 'Qatar', model: 'network', denseWidebodies: true, hubs: ['DOH'], focus: [],
    fleet: ['320', '7M8', '788', '789', '77W', '77L', '359', '35K', '388'] },
  { iata: 'SV', name: 'Saudia', country: 'Saudi Arabia', model: 'network', denseWidebodies: true, hubs: ['JED', 'RUH'], focus: ['DMM'],
    fleet: ['320', '32N', '333', '789', '77W'] },
  { iata: 'XY', name: 'flynas', country: 'Saudi Arabia', model: 'lcc', hubs: [], focus: ['RUH', 'JED', 'DMM'],
    fleet: ['32N', '32Q'] },
  { iata: 'MS', name: 'EgyptAir', country: 'Egypt', model: 'network', hubs: ['CAI'], focus: [],
    fleet: ['738', '32N', '333', '789'] },
  { iata: 'RJ', name: 'Royal Jordanian', country: 'Jordan', model: 'network', hubs: ['AMM'], focus: [],
    fleet: ['320', '788'] },
  { iata: 'LY', name: 'El Al', country: 'Israel', model: 'network', hubs: ['TLV'], focus: [], fleet: ['738', '789', '77W'] },
  { iata: 'ET', name: 'Ethiopian Airlines', country: 'Ethiopia', model: 'network', hubs: ['ADD'], focus: [],
    fleet: ['DH4', '738', '7M8', '788', '789', '359'] },
  { iata: 'KQ', name: 'Kenya Airways', country: 'Kenya', model: 'network', hubs: ['NBO'], focus: [],
    fleet: ['E90', '738', '788'] },
  { iata: 'SA', name: 'South African Airways', country: 'South Africa', model: 'network', hubs: ['JNB'],
    focus: ['CPT'], fleet: ['320', '333'] },
  { iata: 'AT', name: 'Royal Air Maroc', country: 'Morocco', model: 'network', hubs: ['CMN'], focus: ['RAK'],
    fleet: ['E90', '738', '7M8', '788', '789'] },
  // Asia and Oceania
  { iata: 'AI', name: 'Air India', country: 'India', model: 'network', denseWidebodies: true, hubs: ['DEL', 'BOM'], focus: ['BLR'],
    fleet: ['320', '32N', '32Q', '788', '77W', '77L'] },
  { iata: '6E', name: 'IndiGo', country: 'India', model: 'lcc', hubs: [],
    focus: ['DEL', 'BOM', 'BLR', 'HYD', 'MAA', 'CCU', 'AMD', 'PNQ', 'GOI', 'COK'], fleet: ['AT7', '32N', '32Q'] },
  { iata: 'SQ', name: 'Singapore Airlines', country: 'Singapore', model: 'network', denseWidebodies: true, hubs: ['SIN'], focus: [],
    fleet: ['7M8', '789', '359', '77W', '388'] },
  { iata: 'TR', name: 'Scoot', country: 'Singapore', model: 'lcc', hubs: [], focus: ['SIN'], fleet: ['32N', '788'] },
  { iata: 'CX', name: 'Cathay Pacific', country: 'Hong Kong', model: 'network', denseWidebodies: true, hubs: ['HKG'], focus: [],
    fleet: ['32N', '32Q', '333', '359', '35K', '77W'] },
  { iata: 'UO', name: 'HK Express', country: 'Hong Kong', model: 'lcc', hubs: [], focus: ['HKG'], fleet: AIRBUS_NB },
  { iata: 'CI', name: 'China Airlines', country: 'Taiwan', model: 'network', denseWidebodies: true, hubs: ['TPE'], focus: [],
    fleet: ['738', '32Q', '333', '359', '77W'] },
  { iata: 'BR', name: 'EVA Air', country: 'Taiwan', model: 'network', denseWidebodies: true, hubs: ['TPE'], focus: [],
    fleet: ['32Q', '333', '789', '77W'] },
  { iata: 'NH', name: 'All Nippon Airways', country: 'Japan', model: 'network', denseWidebodies: true, hubs: ['HND', 'NRT'],
    focus: ['ITM', 'KIX'], fleet: ['DH4', '738', '32N', '763', '773', '788', '789', '77W'] },
  { iata: 'JL', name: 'Japan Airlines', country: 'Japan', model: 'network', denseWidebodies: true, hubs: ['HND', 'NRT'],
    focus: ['ITM'], fleet: ['E90', '738', '763', '359', '788', '789', '77W', '35K'] },
  { iata: 'BC', name: 'Skymark Airlines', country: 'Japan', model: 'lcc', hubs: [], focus: ['HND', 'FUK', 'CTS', 'OKA'],
    fleet: ['738'] },
  { iata: 'MM', name: 'Peach Aviation', country: 'Japan', model: 'lcc', hubs: [], focus: ['KIX', 'NRT'], fleet: AIRBUS_NB },
  { iata: 'KE', name: 'Korean Air', country: 'South Korea', model: 'network', denseWidebodies: true, hubs: ['ICN'], focus: ['GMP', 'PUS', 'CJU'],
    fleet: ['738', '7M8', '32Q', '333', '772', '77W', '789', '388'] },
  { iata: 'OZ', name: 'Asiana Airlines', country: 'South Korea', model: 'network', denseWidebodies: true, hubs: ['ICN'], focus: ['GMP', 'CJU'],
    fleet: ['32Q', '333', '359', '388'] },
  { iata: '7C', name: 'Jeju Air', country: 'South Korea', model: 'lcc', hubs: [], focus: ['CJU', 'GMP', 'ICN', 'PUS'],
    fleet: BOEING_NB },
  { iata: 'LJ', name: 'Jin Air', country: 'South Korea', model: 'lcc', hubs: [], focus: ['GMP', 'ICN', 'CJU'], fleet: ['738'] },
  { iata: 'CA', name: 'Air China', country: 'China', model: 'network', denseWidebodies: true, hubs: ['PEK'], focus: ['CTU', 'TFU', 'SHA', 'PVG'],
    fleet: ['320', '32N', '738', '333', '359', '77W', '789'] },
  { iata: 'MU', name: 'China Eastern Airlines', country: 'China', model: 'network', denseWidebodies: true, hubs: ['PVG', 'SHA'],
    focus: ['PKX', 'KMG', 'XIY'], fleet: ['320', '32N', '738', '333', '359', '77W'] },
  { iata: 'CZ', name: 'China Southern Airlines', country: 'China', model: 'network', denseWidebodies: true, hubs: ['CAN'],
    focus: ['PKX', 'SZX', 'URC', 'SHA', 'CKG'], fleet: ['320', '32N', '738', '333', '359', '77W', '789'] },
  { iata: 'HU', name: 'Hainan Airlines', country: 'China', model: 'network', denseWidebodies: true, hubs: ['PEK', 'HAK'], focus: ['SZX', 'XIY'],
    fleet: ['738', '333', '789'] },
  { iata: 'TG', name: 'Thai Airways', country: 'Thailand', model: 'network', denseWidebodies: true, hubs: ['BKK'], focus: [],
    fleet: ['320', '333', '359', '77W', '788'] },
  { iata: 'FD', name: 'Thai AirAsia', country: 'Thailand', model: 'lcc', hubs: [], focus: ['DMK', 'BKK', 'HKT', 'CNX'],
    fleet: ['320', '32N'] },
  { iata: 'MH', name: 'Malaysia Airlines', country: 'Malaysia', model: 'network', denseWidebodies: true, hubs: ['KUL'], focus: [],
    fleet: ['738', '7M8', '333', '359'] },
  { iata: 'AK', name: 'AirAsia', country: 'Malaysia', model: 'lcc', hubs: [], focus: ['KUL', 'PEN', 'BKI'],
    fleet: ['320', '32N'] },
  { iata: 'GA', name: 'Garuda Indonesia', country: 'Indonesia', model: 'network', hubs: ['CGK'], focus: ['DPS'],
    fleet: ['738', '333', '77W'] },
  { iata: 'JT', name: 'Lion Air', country: 'Indonesia', model: 'lcc', hubs: [], focus: ['CGK', 'SUB', 'DPS'], fleet: BOEING_NB },
  { iata: 'PR', name: 'Philippine Airlines', country: 'Philippines', model: 'network', hubs: ['MNL'], focus: ['CEB'],
    fleet: ['320', '32Q', '333', '359', '77W'] },
  { iata: '5J', name: 'Cebu Pacific', country: 'Philippines', model: 'lcc', hubs: [], focus: ['MNL', 'CEB'], fleet: ['AT7', '32N', '32Q'] },
  { iata: 'VN', name: 'Vietnam Airlines', country: 'Vietnam', model: 'network', denseWidebodies: true, hubs: ['SGN', 'HAN'], focus: ['DAD'],
    fleet: ['32N', '32Q', '789', '359'] },
  { iata: 'VJ', name: 'VietJet Air', country: 'Vietnam', model: 'lcc', hubs: [], focus: ['SGN', 'HAN', 'DAD'],
    fleet: ['320', '32Q'] },
  { iata: 'QF', name: 'Qantas', country: 'Australia', model: 'network', denseWidebodies: true, hubs: ['SYD', 'MEL'], focus: ['BNE', 'PER'],
    fleet: ['DH4', '738', '333', '789', '388'] },
  { iata: 'VA', name: 'Virgin Australia', country: 'Australia', model: 'network', hubs: [], focus: ['SYD', 'MEL', 'BNE'],
    fleet: BOEING_NB },
  { iata: 'JQ', name: 'Jetstar', country: 'Australia', model: 'lcc', hubs: [], focus: ['MEL', 'SYD', 'BNE', 'OOL'],
    fleet: ['320', '32Q', '788'] },
  { iata: 'NZ', name: 'Air New Zealand', country: 'New Zealand', model: 'network', hubs: ['AKL'], focus: ['CHC', 'WLG'],
    fleet: ['AT7', '32N', '32Q', '789', '77W'] },
];

/**
 * Fifth-freedom routes (a carrier flying between two foreign countries) the demo network keeps:
 * the real ones on its airports, each a tag-on of the carrier's hub service.
 */
export const FIFTH_FREEDOM_ROUTES: readonly { carrier: string; a: string; b: string }[] = [
  { carrier: 'SQ', a: 'FRA', b: 'JFK' },
  { carrier: 'EK', a: 'JFK', b: 'MXP' },
  { carrier: 'EK', a: 'BCN', b: 'MEX' },
  { carrier: 'EK', a: 'BKK', b: 'HKG' },
  { carrier: 'QF', a: 'LHR', b: 'SIN' },
  { carrier: 'ET', a: 'DUB', b: 'LAX' },
];
