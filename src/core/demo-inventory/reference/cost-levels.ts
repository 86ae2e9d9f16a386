/**
 * How expensive hotels are in a country relative to the United States (1.0): rounded from the
 * World Bank International Comparison Program 2021 price level ratios (PPP conversion factor over
 * market exchange rate, household consumption), nudged up where tourism keeps hotel rates above
 * the general price level (the Gulf, island resorts). Countries missing here count as 0.55.
 */
// biome-ignore format: a dense table reads better than one entry a line
export const COUNTRY_COST_LEVEL: Readonly<Record<string, number>> = {
  'United States': 1.0, Canada: 0.9, Mexico: 0.6, 'Puerto Rico': 0.9, Bahamas: 1.1, Barbados: 1.0,
  Jamaica: 0.75, Cuba: 0.5, 'Dominican Republic': 0.6, 'Costa Rica': 0.7, Panama: 0.65,
  Colombia: 0.45, Ecuador: 0.5, Peru: 0.5, Chile: 0.65, Argentina: 0.5, Brazil: 0.55, Bolivia: 0.45,
  'United Kingdom': 1.0, Ireland: 1.05, France: 0.95, Germany: 0.9, Netherlands: 0.95, Belgium: 0.9,
  Luxembourg: 1.05, Switzerland: 1.3, Austria: 0.9, Italy: 0.85, Spain: 0.8, Portugal: 0.7,
  Greece: 0.75, Denmark: 1.1, Sweden: 0.95, Norway: 1.1, Finland: 0.95, Iceland: 1.25,
  Poland: 0.55, 'Czech Republic': 0.65, Hungary: 0.55, Romania: 0.5, Bulgaria: 0.45, Serbia: 0.5,
  Latvia: 0.65, Cyprus: 0.75, Turkey: 0.5, Russia: 0.45, Armenia: 0.45, Azerbaijan: 0.45,
  Kazakhstan: 0.45, Uzbekistan: 0.4, Israel: 1.05, Jordan: 0.65, Egypt: 0.4, Morocco: 0.5,
  Algeria: 0.45, Tunisia: 0.45, 'United Arab Emirates': 1.0, Qatar: 1.0, Bahrain: 0.85,
  Kuwait: 0.85, Oman: 0.75, 'Saudi Arabia': 0.85, Iran: 0.35, Iraq: 0.5, 'South Africa': 0.5,
  Namibia: 0.5, Kenya: 0.55, Tanzania: 0.55, Ethiopia: 0.45, Nigeria: 0.5, Ghana: 0.5,
  Senegal: 0.55, Zambia: 0.5, Zimbabwe: 0.55, 'Congo (Kinshasa)': 0.6, Mauritius: 0.75,
  India: 0.35, Pakistan: 0.3, Bangladesh: 0.35, 'Sri Lanka': 0.4, Nepal: 0.35, Burma: 0.4,
  China: 0.55, 'Hong Kong': 1.05, Macau: 0.95, Taiwan: 0.7, Japan: 0.8, 'South Korea': 0.8,
  'North Korea': 0.5, Singapore: 1.1, Malaysia: 0.45, Thailand: 0.45, Vietnam: 0.4,
  Philippines: 0.45, Indonesia: 0.45, Australia: 1.0, 'New Zealand': 0.95,
};

/**
 * Cities whose hotels sit well above or below their country's level (a city's factor multiplies
 * the country's): the usual high-rate business and resort cities, and a few cheap ones.
 */
// biome-ignore format: a dense table
export const CITY_COST_FACTOR: Readonly<Record<string, number>> = {
  NYC: 1.5, SFO: 1.35, BOS: 1.3, WAS: 1.2, HNL: 1.35, OGG: 1.5, LAX: 1.15, SEA: 1.15, CHI: 1.1,
  MIA: 1.15, LAS: 0.85, MCO: 0.9, YTO: 1.1, YVR: 1.1, LON: 1.35, PAR: 1.35, GVA: 1.15, ZRH: 1.1,
  AMS: 1.2, MIL: 1.15, ROM: 1.1, VCE: 1.3, BCN: 1.15, IBZ: 1.35, NCE: 1.2, MUC: 1.1, TYO: 1.25,
  OSA: 1.05, SEL: 1.15, SHA: 1.35, BJS: 1.3, SZX: 1.15, DXB: 1.1, DOH: 1.05, SIN: 1.1, HKG: 1.1,
  BOM: 1.4, DEL: 1.25, BLR: 1.2, CUN: 1.4, SJD: 1.5, PUJ: 1.3, SYD: 1.15, MEL: 1.05, REK: 1.1,
  MOW: 1.3, IST: 1.25, TLV: 1.15, RAK: 1.2, DPS: 1.2, HKT: 1.3, SAO: 1.2, RIO: 1.15,
};

/** Hotel price level of a city: its country's level times the city's own factor. */
export function cityCostLevel(cityCode: string, country: string): number {
  return (COUNTRY_COST_LEVEL[country] ?? 0.55) * (CITY_COST_FACTOR[cityCode] ?? 1);
}
