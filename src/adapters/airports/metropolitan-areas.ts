/**
 * IATA metropolitan-area (city) codes grouping several airports. Cities with one airport use the
 * airport's own code. Where a city code equals one of its airports' codes (BKK, SHA, IST) the code
 * means the whole city in search.
 */
export const METROPOLITAN_AREAS: Readonly<Record<string, { name: string; airports: readonly string[] }>> = {
  NYC: { name: 'New York', airports: ['JFK', 'LGA', 'EWR'] },
  LON: { name: 'London', airports: ['LHR', 'LGW', 'STN', 'LTN', 'LCY', 'SEN'] },
  PAR: { name: 'Paris', airports: ['CDG', 'ORY', 'BVA'] },
  TYO: { name: 'Tokyo', airports: ['HND', 'NRT'] },
  CHI: { name: 'Chicago', airports: ['ORD', 'MDW'] },
  WAS: { name: 'Washington', airports: ['IAD', 'DCA', 'BWI'] },
  MIL: { name: 'Milan', airports: ['MXP', 'LIN', 'BGY'] },
  ROM: { name: 'Rome', airports: ['FCO', 'CIA'] },
  MOW: { name: 'Moscow', airports: ['SVO', 'DME', 'VKO'] },
  STO: { name: 'Stockholm', airports: ['ARN', 'BMA', 'NYO'] },
  OSA: { name: 'Osaka', airports: ['KIX', 'ITM', 'UKB'] },
  SAO: { name: 'São Paulo', airports: ['GRU', 'CGH', 'VCP'] },
  RIO: { name: 'Rio de Janeiro', airports: ['GIG', 'SDU'] },
  BUE: { name: 'Buenos Aires', airports: ['EZE', 'AEP'] },
  YTO: { name: 'Toronto', airports: ['YYZ', 'YTZ'] },
  SEL: { name: 'Seoul', airports: ['ICN', 'GMP'] },
  BJS: { name: 'Beijing', airports: ['PEK', 'PKX'] },
  SHA: { name: 'Shanghai', airports: ['PVG', 'SHA'] },
  JKT: { name: 'Jakarta', airports: ['CGK', 'HLP'] },
  BKK: { name: 'Bangkok', airports: ['BKK', 'DMK'] },
  IST: { name: 'Istanbul', airports: ['IST', 'SAW'] },
  DXB: { name: 'Dubai', airports: ['DXB', 'DWC'] },
  BER: { name: 'Berlin', airports: ['BER'] },
  REK: { name: 'Reykjavik', airports: ['KEF', 'RKV'] },
  YMQ: { name: 'Montreal', airports: ['YUL', 'YMX'] },
  OSL: { name: 'Oslo', airports: ['OSL', 'TRF'] },
  BHZ: { name: 'Belo Horizonte', airports: ['CNF', 'PLU'] },
  TPE: { name: 'Taipei', airports: ['TPE', 'TSA'] },
  HOU: { name: 'Houston', airports: ['IAH', 'HOU'] },
  DFW: { name: 'Dallas', airports: ['DFW', 'DAL'] },
};
