/**
 * ISO 8601 durations as the API writes them: hours and minutes, a zero part left out ("PT7H",
 * "PT45M", "PT7H5M"), "PT0M" for zero. Every duration the API shows (inventory or supplier) is
 * written here, so one itinerary never mixes "PT7H" and "PT7H0M".
 */
export function isoDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `PT${rest}M`;
  return rest === 0 ? `PT${hours}H` : `PT${hours}H${rest}M`;
}

/** The whole minutes from one instant to another, both ISO 8601 with an offset or `Z`, as a duration. */
export function isoDurationBetween(fromIso: string, toIso: string): string {
  return isoDuration(Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
}
