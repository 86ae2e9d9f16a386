/**
 * Annual passengers of the world's larger airports, in millions, rounded: the "mass" of the demo
 * network's gravity model. Source: ACI World airport traffic rankings for 2023 and the airports'
 * own 2023 reports, as collected in Wikipedia's "List of busiest airports by passenger traffic"
 * (read 2025). Figures are approximate on purpose (a few percent do not change which routes
 * exist); airports missing here fall back to the registry's size score (see `annualPassengers`).
 */
// biome-ignore format: a dense table reads better than one entry a line
export const ANNUAL_PASSENGERS_MILLIONS: Readonly<Record<string, number>> = {
  // North America
  ATL: 104.7, DFW: 81.8, DEN: 77.8, LAX: 75.1, ORD: 73.9, JFK: 62.5, LAS: 57.7, MCO: 57.2,
  CLT: 53.4, MIA: 52.3, SEA: 50.9, SFO: 50.2, EWR: 49.1, PHX: 48.8, IAH: 46.1, BOS: 40.8,
  FLL: 35.1, MSP: 34.8, LGA: 32.5, DTW: 30.8, PHL: 28.3, SLC: 26.9, BWI: 26.9, DCA: 25.5,
  IAD: 25.0, SAN: 24.7, TPA: 24.6, BNA: 22.9, AUS: 21.8, MDW: 21.9, HNL: 21.6, DAL: 17.5,
  PDX: 19.5, STL: 14.5, HOU: 14.0, RDU: 14.5, SJC: 11.3, OAK: 11.0, MSY: 13.7, SMF: 13.1,
  SNA: 11.4, SAT: 10.6, MCI: 11.7, CLE: 10.3, PIT: 9.6, IND: 9.4, CMH: 9.1, CVG: 8.9,
  RSW: 10.3, OGG: 7.8, ANC: 5.5, JAX: 7.2,
  YYZ: 44.8, YVR: 24.9, YUL: 21.1, YYC: 18.5, YEG: 8.0, YOW: 4.0,
  MEX: 48.4, CUN: 32.1, GDL: 17.8, MTY: 13.5, TIJ: 12.3, SJD: 7.1, PVR: 6.0,
  // Central & South America, Caribbean
  BOG: 40.1, GRU: 41.2, LIM: 24.0, SCL: 24.9, CGH: 21.0, BSB: 15.0, GIG: 11.0, SDU: 10.0,
  CNF: 11.0, VCP: 12.0, POA: 5.8, REC: 9.0, SSA: 7.5, FOR: 6.5, CWB: 6.0, AEP: 15.5,
  EZE: 11.3, PTY: 18.1, SJO: 6.0, MDE: 12.0, CTG: 7.0, UIO: 5.0, GYE: 4.0, SDQ: 5.0,
  PUJ: 9.0, SJU: 12.5, MBJ: 5.0, HAV: 3.0, NAS: 4.0,
  // Europe
  LHR: 79.2, IST: 76.0, CDG: 67.4, AMS: 61.9, MAD: 60.2, FRA: 59.4, BCN: 49.9, LGW: 40.9,
  SAW: 41.4, MUC: 41.0, FCO: 40.5, DUB: 33.3, LIS: 33.6, ORY: 32.2, PMI: 31.1,
  VIE: 29.5, ZRH: 28.9, ATH: 28.2, MAN: 28.1, STN: 28.0, CPH: 26.8, MXP: 26.1, OSL: 25.2,
  ARN: 23.2, BER: 23.0, AGP: 22.3, BRU: 22.2, DUS: 19.1, WAW: 18.5,
  LTN: 16.4, GVA: 17.8, ALC: 16.0, BGY: 15.9, HEL: 15.3, OPO: 15.3, NCE: 14.8, BUD: 14.7,
  OTP: 14.6, LPA: 14.2, PRG: 13.8, HAM: 13.6, EDI: 14.4, AYT: 35.7, ADB: 12.5, ESB: 15.5,
  NAP: 12.4, TFS: 12.0, IBZ: 8.9, VCE: 10.0, LIN: 9.8, CGN: 9.8, STR: 9.2, LYS: 9.6,
  MRS: 10.0, TLS: 7.0, BHX: 11.5, BRS: 10.0, BLQ: 10.0, CTA: 12.3, SVQ: 8.6, VLC: 10.5,
  BIO: 6.3, FAO: 9.6, KRK: 10.0, RIX: 7.0, BEG: 8.0, SOF: 7.0, HER: 9.0, SKG: 7.5,
  KEF: 7.8, TLV: 21.0, LCA: 8.0, 
  // Middle East & Africa
  DXB: 87.0, DOH: 45.9, JED: 42.6, RUH: 37.5, AUH: 22.4, CAI: 26.7, DMM: 11.0, SHJ: 17.0,
  KWI: 15.0, BAH: 9.0, MCT: 13.0, AMM: 8.0, IKA: 7.0, JNB: 18.0, CPT: 10.5, DUR: 5.5,
  ADD: 12.0, NBO: 8.8, LOS: 8.0, ABV: 4.0, ACC: 3.0, CMN: 10.0, RAK: 8.0, ALG: 7.0,
  TUN: 5.0, HRG: 8.0, SSH: 5.0, DAR: 3.0, MRU: 3.8, DKR: 3.0,
  // Asia
  HND: 78.7, DEL: 72.2, CAN: 63.2, SIN: 59.0, ICN: 56.1, PVG: 54.5, CGK: 53.0, PEK: 52.9,
  SZX: 52.7, BKK: 51.7, BOM: 51.6, KUL: 47.2, MNL: 45.3, TFU: 44.8, CKG: 44.7, SHA: 42.3,
  KMG: 42.0, XIY: 41.4, HGH: 41.2, SGN: 41.0, HKG: 39.5, BLR: 37.5, TPE: 35.5, PKX: 39.4,
  NRT: 33.3, CTU: 30.0, NKG: 30.0, CJU: 29.6, HAN: 29.0, CSX: 28.0, WUH: 26.0, XMN: 26.0,
  DMK: 26.0, KIX: 25.0, HYD: 25.0, FUK: 25.0, CGO: 25.0, HAK: 24.0, GMP: 23.6, CTS: 23.0,
  TAO: 22.0, URC: 21.0, MAA: 21.0, DPS: 21.0, SYX: 20.0, CCU: 19.8, OKA: 19.0, TSN: 18.0,
  PUS: 16.0, ITM: 15.0, HKT: 14.0, SUB: 14.0, DAD: 13.0, AMD: 11.0, COK: 10.5, NGO: 10.0,
  CEB: 10.0, CMB: 9.0, DAC: 11.0, KHI: 8.0, LHE: 6.0, ISB: 5.0, CNX: 8.0, PEN: 8.0,
  BKI: 7.0, MFM: 7.0, KTM: 6.0, TAS: 6.0, ALA: 9.0, GOI: 8.0, PNQ: 9.0, CAM: 5.0,
  // Oceania
  SYD: 38.0, MEL: 35.1, BNE: 22.5, AKL: 18.5, PER: 15.0, ADL: 8.0, OOL: 6.5, CHC: 6.0,
  WLG: 5.5, CNS: 5.0, NAN: 2.5, PPT: 1.5,
};

/**
 * Annual passengers (millions) of an airport: the table above when it lists the airport, else a
 * proxy from the registry's size score (type tier × 100,000 + longest runway in feet): a large
 * airport with scheduled service counts as 2 to 3 million by its runway, a medium one as 1 million,
 * anything else as 0.3 million.
 */
export function annualPassengers(iata: string, registrySize: number): number {
  const listed = ANNUAL_PASSENGERS_MILLIONS[iata];
  if (listed !== undefined) return listed;
  if (registrySize >= 300_000) return 2 + Math.min(1, (registrySize - 300_000) / 15_000);
  if (registrySize >= 200_000) return 1;
  return 0.3;
}
