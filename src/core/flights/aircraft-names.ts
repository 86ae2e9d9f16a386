/** Names of the aircraft types (IATA codes) the inventory flies, as travel APIs spell them. */
const AIRCRAFT_NAMES: Readonly<Record<string, string>> = {
  AT7: 'ATR 72',
  E90: 'EMBRAER 190',
  '320': 'AIRBUS A320',
  '32N': 'AIRBUS A320NEO',
  '738': 'BOEING 737-800',
  '789': 'BOEING 787-9',
  '359': 'AIRBUS A350-900',
  '333': 'AIRBUS A330-300',
  '77W': 'BOEING 777-300ER',
  '388': 'AIRBUS A380-800',
};

/** The name of an aircraft type; its code when the type is not known. */
export function aircraftName(code: string): string {
  return AIRCRAFT_NAMES[code] ?? code;
}
