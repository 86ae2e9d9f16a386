/**
 * Lists in Amadeus query strings, however an official SDK writes them: the Node SDK 11.1.0 sends
 * comma lists (`subType=CITY,AIRPORT`, commas percent-encoded), older Node SDKs indexed keys
 * (`subType[0]=CITY&subType[1]=AIRPORT`), Python's `urlencode(doseq=True)` repeated keys
 * (`subType=CITY&subType=AIRPORT`). All become the comma list the routes declare.
 */
export function foldQueryLists(query: Record<string, unknown>): Record<string, unknown> {
  const folded: Record<string, unknown> = {};
  const indexed = new Map<string, [number, string][]>();
  for (const [key, value] of Object.entries(query)) {
    const match = /^([A-Za-z]+)\[(\d{1,2})\]$/.exec(key);
    if (match && typeof value === 'string') {
      const name = match[1] as string;
      const list = indexed.get(name) ?? [];
      list.push([Number(match[2]), value]);
      indexed.set(name, list);
    } else if (Array.isArray(value)) {
      folded[key] = value.map(String).join(',');
    } else {
      folded[key] = value;
    }
  }
  for (const [name, items] of indexed) {
    const values = items.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
    folded[name] = [...(typeof folded[name] === 'string' ? [folded[name] as string] : []), ...values].join(
      ',',
    );
  }
  return folded;
}

/** The items of a comma list parameter, without empty ones; none when the parameter is absent. */
export function listParameter(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').filter((item) => item !== '');
}
