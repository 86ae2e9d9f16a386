import { createHash } from 'node:crypto';
import type { SearchRun } from './search-snapshots.js';

/**
 * The id of the snapshot a search run of `kind` for the query hashed `queryHash` makes: a hash of
 * what the snapshot holds, not a random name. Two processes (workers with CACHE=memory, or one
 * process after an eviction) that compute the same result give it the same id, so a cursor or an
 * entity tag one of them issued is understood by the other; a result that changed gets a new id.
 *
 * An offer's own `id` and `expiresAt` are left out: both are stamped with the moment of the run
 * (the id is a signed token carrying the offer's expiry), so they differ between two runs of the
 * same result. Everything else a client sees of an offer (price, seats, itinerary) is covered.
 */
export function snapshotId<T>(
  kind: string,
  queryHash: string,
  run: Pick<SearchRun<T>, 'offers' | 'partial' | 'suppliers'>,
): string {
  const body = JSON.stringify([run.partial ?? null, run.suppliers ?? null, run.offers.map(withoutRunStamps)]);
  return createHash('sha256').update(`${kind}\n${queryHash}\n`).update(body).digest('base64url').slice(0, 22);
}

/** An offer without the fields stamped with the moment of its run (a shallow copy; others pass as they are). */
function withoutRunStamps(offer: unknown): unknown {
  if (offer === null || typeof offer !== 'object' || Array.isArray(offer)) return offer;
  const { id: _id, expiresAt: _expiresAt, ...content } = offer as Record<string, unknown>;
  return content;
}
