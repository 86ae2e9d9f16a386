/**
 * The world's busiest air routes by scheduled seats in 2024, from OAG's public "Busiest Routes
 * 2024" report (published December 2024): its domestic top 10 and the international routes of its
 * top 10 that the press coverage of the report named (ranks 8 and 9 of the international list
 * are left out: no public excerpt confirmed them). Airport pairs, alphabetical within a pair.
 * The demo network flies every one of them nonstop when both airports are in the network, and the
 * seed report gives the share that has nonstop service.
 */
export interface BusiestRoute {
  a: string;
  b: string;
  /** Rank in its OAG list. */
  rank: number;
  list: 'domestic' | 'international';
}

export const BUSIEST_ROUTES_2024: readonly BusiestRoute[] = [
  { a: 'CJU', b: 'GMP', rank: 1, list: 'domestic' },
  { a: 'CTS', b: 'HND', rank: 2, list: 'domestic' },
  { a: 'FUK', b: 'HND', rank: 3, list: 'domestic' },
  { a: 'HAN', b: 'SGN', rank: 4, list: 'domestic' },
  { a: 'MEL', b: 'SYD', rank: 5, list: 'domestic' },
  { a: 'JED', b: 'RUH', rank: 6, list: 'domestic' },
  { a: 'HND', b: 'OKA', rank: 7, list: 'domestic' },
  { a: 'BOM', b: 'DEL', rank: 8, list: 'domestic' },
  { a: 'PEK', b: 'SHA', rank: 9, list: 'domestic' },
  { a: 'CAN', b: 'SHA', rank: 10, list: 'domestic' },
  { a: 'HKG', b: 'TPE', rank: 1, list: 'international' },
  { a: 'CAI', b: 'JED', rank: 2, list: 'international' },
  { a: 'ICN', b: 'NRT', rank: 3, list: 'international' },
  { a: 'KUL', b: 'SIN', rank: 4, list: 'international' },
  { a: 'ICN', b: 'KIX', rank: 5, list: 'international' },
  { a: 'DXB', b: 'RUH', rank: 6, list: 'international' },
  { a: 'BKK', b: 'HKG', rank: 7, list: 'international' },
  { a: 'JFK', b: 'LHR', rank: 10, list: 'international' },
];
