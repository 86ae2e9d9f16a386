/**
 * Amadeus's `room.typeEstimated`: the room category, beds and bed type, which Amadeus itself
 * estimated from the room's description. Ours are read the same way from the room type's name.
 */
export interface RoomTypeEstimate {
  category?: string;
  beds?: number;
  bedType?: string;
}

const CATEGORIES: readonly [RegExp, string][] = [
  [/junior suite/i, 'JUNIOR_SUITE'],
  [/suite/i, 'SUITE'],
  [/family/i, 'FAMILY_ROOM'],
  [/deluxe/i, 'DELUXE_ROOM'],
  [/superior/i, 'SUPERIOR_ROOM'],
  [/executive/i, 'EXECUTIVE_ROOM'],
  [/standard/i, 'STANDARD_ROOM'],
];

const BED_TYPES: readonly [RegExp, string, number][] = [
  [/\btwin\b/i, 'TWIN', 2],
  [/\bking\b/i, 'KING', 1],
  [/\bqueen\b/i, 'QUEEN', 1],
  [/\bdouble\b/i, 'DOUBLE', 1],
  [/\bsingle\b/i, 'SINGLE', 1],
];

export function estimateRoomType(name: string): RoomTypeEstimate {
  const category = CATEGORIES.find(([pattern]) => pattern.test(name))?.[1];
  const bed = BED_TYPES.find(([pattern]) => pattern.test(name));
  return {
    ...(category ? { category } : {}),
    ...(bed ? { beds: bed[2], bedType: bed[1] } : {}),
  };
}
