import type { HotelImportScope, NightComparison } from '../../ports/hotel-imports.js';

/** One group of a night comparison: how many nights of one hotel and date fell in one status. */
export interface NightComparisonRow {
  hotel_id: string;
  date: string;
  status: 'created' | 'changed' | 'unchanged' | 'removed';
  count: number;
}

/** Sums comparison groups into the port's answer (shared by the relational backends and DynamoDB). */
export function toNightComparison(rows: readonly NightComparisonRow[]): NightComparison {
  const comparison: NightComparison = { created: 0, changed: 0, unchanged: 0, removed: 0, changedNights: [] };
  const changed = new Map<string, { hotelId: string; date: string }>();
  for (const row of rows) {
    comparison[row.status] += Number(row.count);
    if (row.status !== 'unchanged')
      changed.set(`${row.hotel_id}|${row.date}`, { hotelId: row.hotel_id, date: row.date });
  }
  comparison.changedNights = [...changed.values()].sort(
    (a, b) => a.hotelId.localeCompare(b.hotelId) || a.date.localeCompare(b.date),
  );
  return comparison;
}

/** The scopes as the relational backends pass them to SQL: one JSON array of {h, f, l, t}. */
export function scopesJson(scopes: readonly HotelImportScope[]): string {
  return JSON.stringify(
    scopes.map((s) => ({
      h: s.hotel.id,
      f: s.firstNight ?? null,
      l: s.lastNight ?? null,
      t: s.hotel.roomTypes.map((r) => r.code),
    })),
  );
}
