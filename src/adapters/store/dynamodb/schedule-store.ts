import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CloudEvent } from '../../../ports/events.js';
import type { TouchedFlight } from '../../../ports/inventory-updates.js';
import type {
  DuplicateLeg,
  LegPeriod,
  ScheduleChange,
  ScheduleComparison,
  ScheduleScope,
  ScheduleStore,
  ScheduleSwitchResult,
  StagedLeg,
  SwitchBookings,
} from '../../../ports/schedules.js';
import { type FlightRecord, StoreUnavailableError } from '../../../ports/store.js';
import type { AppendSignal } from '../append-signal.js';
import { stagedLegsOfPeriod } from '../schedule-periods.js';
import { cabinsKeepingSales, scopeIdRange, stagedFlight, TouchedRouteDates } from '../schedule-rows.js';
import { type BatchWrite, ConditionFailed, type DynamoTable, type Item, inParallel } from './dynamo-table.js';
import {
  FlightVersions,
  isVisible,
  itemKey,
  type SchedulePointers,
  versionItem,
  withRange,
} from './flight-versions.js';
import { toFlight } from './inventory-items.js';
import { type ItemKey, KIND, keys, LOOKUP_INDEX, LOOKUP_PK, LOOKUP_SK, PK, paddedMs, SK } from './keys.js';
import { outboxItems } from './outbox-records.js';
import { addRouteCarriers } from './route-items.js';
import {
  cancelledCopy,
  copiedImage,
  heldCabins,
  heldImage,
  moveToSuccessor,
  retiredItem,
  type SupersededAs,
  settleSuperseded,
} from './superseded-flights.js';

/** How long superseded flight items stay after a switch: longer than any search or booking reads. */
const DEFAULT_RETIREMENT_GRACE_MS = 60_000;
/** Live flights compared or switched per round (one BatchGetItem of their staged legs). */
const PAGE = 100;
/** Single-item writes (generation tags, route carriers, retirements) in flight at once. */
const WRITE_CONCURRENCY = 16;
/** Routes of a carrier read at once while walking its live flights. */
const ROUTE_CONCURRENCY = 4;
const DAY_MS = 86_400_000;

interface StagedRow {
  line: number;
  signature: string;
  flight: string;
}

export interface DynamoScheduleStoreOptions {
  /** Tests shorten it to see superseded items deleted. */
  retirementGraceMs?: number;
  now?: () => number;
  /** Tests run a booking here, between the switch's writes of the new generation and its pointer write. */
  beforePointerWrite?: () => Promise<void>;
}

/**
 * ScheduleStore on the single table, by schedule generation (flight-versions.ts; ADR 0023). A
 * DynamoDB transaction holds at most 100 items, so the switch writes the new schedule as items of
 * a generation (the import id) that no reader sees yet, then names it in the pointer item with one
 * conditional write: readers see the old schedule or the new one, never a mix, and an import that
 * fails before that write leaves the old one as it was (its unseen items are never named).
 *
 *   stage     legs → `SCHEDSTAGE#<import>#<date>` partitions (key: flight id, so a second leg with
 *             the same id is found by key), dates and count in the import's manifest
 *   compare   walk the carrier's live flights route by route (the routes item lists carriers),
 *             fetch their staged legs by key, count; writes nothing
 *   switchTo  1. changed and dropped flights: a new item of the generation (a dropped one cancelled,
 *                provisionally unless `cancel` names it), keeping the confirmed seats and holds of
 *                the live one; unchanged flights: the generation added to their `gens`
 *             2. staged legs no live flight matched: new items of the generation
 *             3. route carriers added, then the pointer item written (the switch)
 *             3b. superseded items marked, their late sales moved, bookings on dropped or moved
 *                flights told to `bookings.held`, unheld provisional cancellations deleted
 *                (superseded-flights.ts)
 *             4. events appended to the outbox; routes a carrier left lose it; staging dropped
 *             superseded items are recorded and deleted by a later switch after a grace period;
 *             seats given back on them meanwhile move to their successors then.
 *
 * Between 3 and 4 a crash loses the events (caches expire by TTL); the schedule itself is switched.
 */
export class DynamoScheduleStore implements ScheduleStore {
  readonly #table: DynamoTable;
  readonly #signal: AppendSignal;
  readonly #versions: FlightVersions;
  readonly #graceMs: number;
  readonly #now: () => number;
  readonly #beforePointerWrite: (() => Promise<void>) | undefined;

  constructor(table: DynamoTable, signal: AppendSignal, options: DynamoScheduleStoreOptions = {}) {
    this.#table = table;
    this.#signal = signal;
    this.#versions = new FlightVersions(table);
    this.#graceMs = options.retirementGraceMs ?? DEFAULT_RETIREMENT_GRACE_MS;
    this.#now = options.now ?? Date.now;
    this.#beforePointerWrite = options.beforePointerWrite;
  }

  /** DynamoDB keeps dated legs (schedule generations): a period is staged as its dated legs. */
  async stagePeriods(importId: string, periods: readonly LegPeriod[]): Promise<DuplicateLeg[]> {
    return this.stage(importId, periods.flatMap(stagedLegsOfPeriod));
  }

  async stage(importId: string, legs: readonly StagedLeg[]): Promise<DuplicateLeg[]> {
    const duplicates: DuplicateLeg[] = [];
    const first = new Map<string, StagedLeg>();
    for (const leg of legs) {
      const previous = first.get(leg.flight.id);
      if (previous === undefined) first.set(leg.flight.id, leg);
      else duplicates.push({ id: leg.flight.id, line: leg.line, previousLine: previous.line });
    }
    const existing = await this.#table.batchGet(
      'read staged legs',
      [...first.keys()].map((id) => keys.scheduleStaged(importId, id)),
      ['id', 'line'],
    );
    for (const item of existing) {
      const id = item.id as string;
      const leg = first.get(id) as StagedLeg;
      duplicates.push({ id, line: leg.line, previousLine: item.line as number });
      first.delete(id);
    }
    if (first.size > 0) {
      await this.#table.batchWrite(
        'stage schedule legs',
        [...first.values()].map((leg) => ({
          put: {
            ...keys.scheduleStaged(importId, leg.flight.id),
            [KIND]: 'schedule-staged',
            id: leg.flight.id,
            line: leg.line,
            signature: leg.signature,
            flight: JSON.stringify(leg.flight),
          },
        })),
      );
      await this.#table.run('record staged dates', (c) =>
        c.send(
          new UpdateCommand({
            TableName: this.#table.name,
            Key: keys.scheduleManifest(importId),
            UpdateExpression: 'SET #kind = :kind ADD dates :dates, staged :n',
            ExpressionAttributeNames: { '#kind': KIND },
            ExpressionAttributeValues: {
              ':kind': 'schedule-manifest',
              ':dates': new Set([...first.keys()].map((id) => id.slice(0, 10))),
              ':n': first.size,
            },
          }),
        ),
      );
    }
    return duplicates.sort((a, b) => a.line - b.line);
  }

  async compare(importId: string, scopes: readonly ScheduleScope[]): Promise<ScheduleComparison> {
    const pointers = await this.#versions.pointers();
    const { staged } = await this.#manifest(importId);
    let matched = 0;
    let unchanged = 0;
    let removed = 0;
    const moved: ScheduleChange[] = [];
    for (const scope of scopes) {
      await this.#walkLive(scope, pointers, async (live) => {
        const stagedRows = await this.#staged(importId, live);
        for (const item of live) {
          const row = stagedRows.get(item.id as string);
          if (row === undefined) {
            // A flight cancelled by an earlier import stays as it is: nothing moves again.
            if (item.cancelled === true) continue;
            removed++;
            moved.push({ before: toFlight(item) });
            continue;
          }
          matched++;
          if (row.signature === item.scheduleSignature && item.cancelled !== true) {
            unchanged++;
            continue;
          }
          const after = stagedFlight(row.flight);
          if (moves(after, item)) {
            moved.push({
              before: toFlight(item),
              after: {
                departureUtc: after.departureUtc,
                arrivalUtc: after.arrivalUtc,
                aircraft: after.aircraft,
              },
            });
          }
        }
      });
    }
    return { created: staged - matched, changed: matched - unchanged, unchanged, removed, moves: moved };
  }

  async switchTo(
    importId: string,
    scopes: readonly ScheduleScope[],
    cancel: readonly string[],
    events: readonly CloudEvent[],
    touchedEvents: (touched: TouchedFlight[]) => readonly CloudEvent[],
    bookings?: SwitchBookings,
  ): Promise<ScheduleSwitchResult> {
    await this.#deleteRetired();
    const generation = importId;
    const pointers = await this.#versions.pointers();
    const cancelled = new Set(cancel);
    const touched = new TouchedRouteDates(touchedEvents);
    const matched = new Set<string>();
    const added = new Map<string, { origin: string; destination: string; carriers: Set<string> }>();
    const left = new Map<string, { origin: string; destination: string; carriers: Set<string> }>();
    const note = (
      routes: typeof added,
      flight: Pick<FlightRecord, 'origin' | 'destination' | 'carrier'>,
    ): void => {
      const { origin, destination } = flight;
      const route = routes.get(`${origin}|${destination}`) ?? { origin, destination, carriers: new Set() };
      route.carriers.add(flight.carrier);
      routes.set(`${origin}|${destination}`, route);
    };

    // 1. The live flights of every scope, against their staged legs.
    for (const scope of scopes) {
      await this.#walkLive(scope, pointers, async (live) => {
        const stagedRows = await this.#staged(importId, live);
        const writes: BatchWrite[] = [];
        const tags: ItemKey[] = [];
        for (const item of live) {
          const id = item.id as string;
          const row = stagedRows.get(id);
          if (row !== undefined) matched.add(id);
          const keepsItem =
            row === undefined
              ? item.cancelled === true
              : row.signature === item.scheduleSignature && item.cancelled !== true;
          if (keepsItem) {
            tags.push(itemKey(item));
            continue;
          }
          const before = toFlight(item);
          touched.add(before);
          note(left, before);
          let successor: Item;
          let as: SupersededAs = 'dropped';
          if (row !== undefined) {
            const flight = stagedFlight(row.flight);
            const cabins = cabinsKeepingSales(flight.cabins, heldCabins(item));
            successor = versionItem({ ...flight, cabins }, generation, row.signature, heldImage(item).holds);
            touched.add(flight);
            note(added, flight);
            as = moves(flight, item) ? 'moved' : 'changed';
          } else {
            // Every dropped flight is kept cancelled until the switch has looked at its bookings
            // (superseded-flights.ts): those `cancel` does not name are deleted then if none holds them.
            successor = cancelledCopy(item, keys.flightVersion(id, generation), generation);
          }
          writes.push({ put: successor });
          writes.push({
            put: retiredItem(generation, item, successor, as, row === undefined && !cancelled.has(id)),
          });
        }
        await this.#table.batchWrite('write the imported schedule', writes);
        await inParallel(tags, WRITE_CONCURRENCY, (key) => this.#tag(key, generation));
      });
    }

    // 2. Staged legs no live flight matched: new flights.
    const { dates } = await this.#manifest(importId);
    for (const date of dates) {
      let writes: BatchWrite[] = [];
      for await (const row of this.#table.queryItems('read staged legs', {
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':pk': keys.scheduleStagePartition(importId, date) },
        ConsistentRead: true,
      })) {
        if (matched.has(row.id as string)) continue;
        const flight = stagedFlight(row.flight as string);
        writes.push({ put: versionItem(flight, generation, row.signature as string) });
        touched.add(flight);
        note(added, flight);
        if (writes.length >= PAGE * 5) {
          await this.#table.batchWrite('write the imported schedule', writes);
          writes = [];
        }
      }
      await this.#table.batchWrite('write the imported schedule', writes);
    }
    touched.flush();

    // 3. Routes gain their new carriers (an extra carrier for a moment only costs an empty query),
    // then the switch: one conditional write of the pointer item.
    await inParallel([...added.values()], WRITE_CONCURRENCY, (route) => addRouteCarriers(this.#table, route));
    await this.#beforePointerWrite?.();
    const switched = await this.#switchPointers(pointers, scopes, generation);

    // 3b. The bookings on what the switch superseded, final once each old item is marked.
    const settled = await settleSuperseded(this.#table, generation, bookings);

    // 4. What readers of the new schedule need next.
    const appended = [...events, ...settled.events, ...touched.events];
    await this.#table.batchWrite(
      'append schedule events',
      outboxItems(appended).map((put) => ({ put })),
    );
    this.#signal.appended();
    await this.#table.run('record superseded flights', (c) =>
      c.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: {
            ...keys.scheduleRetirement(this.#now(), generation),
            [KIND]: 'schedule-retirement',
            generation,
          },
        }),
      ),
    );
    await inParallel([...left.values()], WRITE_CONCURRENCY, (route) => this.#dropCarriers(route, switched));
    await this.discard(importId);
    return {
      events: appended,
      ...(bookings === undefined ? {} : { cancelled: [...cancel, ...settled.cancelled].sort() }),
    };
  }

  async discard(importId: string): Promise<void> {
    const { dates } = await this.#manifest(importId);
    for (const date of dates) {
      const staged = await this.#table.queryAll('read staged legs', {
        KeyConditionExpression: '#pk = :pk',
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: { ':pk': keys.scheduleStagePartition(importId, date) },
      });
      await this.#table.batchWrite(
        'drop staged legs',
        staged.map((item) => ({ delete: itemKey(item) })),
      );
    }
    await this.#table.run('drop staged legs', (c) =>
      c.send(new DeleteCommand({ TableName: this.#table.name, Key: keys.scheduleManifest(importId) })),
    );
  }

  /**
   * A scan of the flight items (the export's operator path), keeping those readers see, in id order.
   * Each page scans the table again: fine for an export, not for a request path.
   */
  async listFlights(afterId: string | undefined, limit: number): Promise<FlightRecord[]> {
    const pointers = await this.#versions.pointers();
    const heads = await this.#table.scanAll('list flights', {
      FilterExpression: '#kind = :flight AND id > :after',
      ProjectionExpression: '#pk, #sk, #kind, id, carrier, gens',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK, '#kind': KIND },
      ExpressionAttributeValues: { ':flight': 'flight', ':after': afterId ?? '' },
    });
    const page = heads
      .filter((item) => isVisible(item, pointers))
      .sort((a, b) => (a.id as string).localeCompare(b.id as string))
      .slice(0, limit);
    const items = await this.#table.batchGet('list flights', page.map(itemKey));
    return items.map(toFlight).sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * Calls `visit` with pages of the carrier's visible flights in the scope. Flights are found by
   * route (the lookup index), so the walk reads the routes the carrier flies; departures a day either
   * side of the scope's dates are read because flight dates are local.
   */
  async #walkLive(
    scope: ScheduleScope,
    pointers: SchedulePointers,
    visit: (live: Item[]) => Promise<void>,
  ): Promise<void> {
    const { low, high } = scopeIdRange(scope);
    const routes = await this.#table.queryAll('list routes', {
      KeyConditionExpression: '#pk = :pk',
      FilterExpression: 'contains(carriers, :carrier)',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': keys.routesPartition, ':carrier': scope.carrier },
      ConsistentRead: true,
    });
    const from = Date.parse(`${scope.firstDate}T00:00:00Z`) - 2 * DAY_MS;
    const to = Date.parse(`${scope.lastDate}T00:00:00Z`) + 3 * DAY_MS;
    await inParallel(routes, ROUTE_CONCURRENCY, async (route) => {
      let page: Item[] = [];
      for await (const item of this.#table.queryItems('read live flights', {
        IndexName: LOOKUP_INDEX,
        KeyConditionExpression: '#pk = :route AND #sk BETWEEN :from AND :to',
        FilterExpression: 'carrier = :carrier',
        ExpressionAttributeNames: { '#pk': LOOKUP_PK, '#sk': LOOKUP_SK },
        ExpressionAttributeValues: {
          ':route': keys.routeLookup(route.origin as string, route.destination as string),
          ':from': paddedMs(from),
          ':to': `${paddedMs(to)}$`,
          ':carrier': scope.carrier,
        },
      })) {
        const id = item.id as string;
        if (id < low || id >= high || !isVisible(item, pointers)) continue;
        page.push(item);
        if (page.length >= PAGE) {
          await visit(page);
          page = [];
        }
      }
      if (page.length > 0) await visit(page);
    });
  }

  async #staged(importId: string, live: readonly Item[]): Promise<Map<string, StagedRow>> {
    const items = await this.#table.batchGet(
      'read staged legs',
      live.map((item) => keys.scheduleStaged(importId, item.id as string)),
    );
    return new Map(
      items.map((item) => [
        item.id as string,
        { line: item.line as number, signature: item.signature as string, flight: item.flight as string },
      ]),
    );
  }

  async #manifest(importId: string): Promise<{ dates: string[]; staged: number }> {
    const answer = await this.#table.run('read the staged dates', (c) =>
      c.send(
        new GetCommand({
          TableName: this.#table.name,
          Key: keys.scheduleManifest(importId),
          ConsistentRead: true,
        }),
      ),
    );
    const item = answer.Item;
    return {
      dates: [...((item?.dates as Set<string> | undefined) ?? [])].sort(),
      staged: (item?.staged as number | undefined) ?? 0,
    };
  }

  /** Adds the generation to an unchanged flight's: readers of the new schedule keep seeing the same item. */
  async #tag(key: ItemKey, generation: string): Promise<void> {
    await this.#table.run('keep an unchanged flight', (c) =>
      c.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: key,
          UpdateExpression: 'ADD gens :g',
          ExpressionAttributeValues: { ':g': new Set([generation]) },
        }),
      ),
    );
  }

  /**
   * Names `generation` for the scopes in the pointer item, conditional on the version read: a switch
   * of other carriers in between is merged and retried; one of the same carrier and dates refuses
   * this one (its walk read a schedule that is no longer current).
   */
  async #switchPointers(
    walked: SchedulePointers,
    scopes: readonly ScheduleScope[],
    generation: string,
  ): Promise<SchedulePointers> {
    for (;;) {
      const current = await this.#versions.pointers();
      for (const scope of scopes) {
        const before = (p: SchedulePointers) =>
          JSON.stringify(
            (p.carriers[scope.carrier] ?? []).filter(([a, b]) => a <= scope.lastDate && b >= scope.firstDate),
          );
        if (before(current) !== before(walked)) {
          throw new StoreUnavailableError(
            `cannot switch to the imported schedule: another import of ${scope.carrier} switched first; import again`,
          );
        }
      }
      const carriers: Record<string, readonly (readonly [string, string, string])[]> = {
        ...current.carriers,
      };
      for (const scope of scopes) {
        carriers[scope.carrier] = withRange(
          carriers[scope.carrier] ?? [],
          scope.firstDate,
          scope.lastDate,
          generation,
        );
      }
      const next: SchedulePointers = { carriers, version: current.version + 1 };
      try {
        await this.#table.run('switch to the imported schedule', (c) =>
          c.send(
            new PutCommand({
              TableName: this.#table.name,
              Item: {
                ...keys.schedulePointers,
                [KIND]: 'schedule-pointers',
                carriers: JSON.stringify(next.carriers),
                version: next.version,
              },
              ConditionExpression: 'attribute_not_exists(#pk) OR version = :version',
              ExpressionAttributeNames: { '#pk': PK },
              ExpressionAttributeValues: { ':version': current.version },
            }),
          ),
        );
        return next;
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
      }
    }
  }

  /** Takes a carrier off a route it no longer flies (no visible flight that is not cancelled), and the route when none is left. */
  async #dropCarriers(
    route: { origin: string; destination: string; carriers: Set<string> },
    pointers: SchedulePointers,
  ): Promise<void> {
    const gone = new Set<string>();
    for (const carrier of route.carriers) {
      let flies = false;
      for await (const item of this.#table.queryItems('read a route', {
        IndexName: LOOKUP_INDEX,
        KeyConditionExpression: '#pk = :route',
        FilterExpression: 'carrier = :carrier AND attribute_not_exists(cancelled)',
        ExpressionAttributeNames: { '#pk': LOOKUP_PK },
        ExpressionAttributeValues: {
          ':route': keys.routeLookup(route.origin, route.destination),
          ':carrier': carrier,
        },
      })) {
        if (isVisible(item, pointers)) {
          flies = true;
          break;
        }
      }
      if (!flies) gone.add(carrier);
    }
    if (gone.size === 0) return;
    const key = keys.route(route.origin, route.destination);
    await this.#table.run('write a route', (c) =>
      c.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: key,
          UpdateExpression: 'DELETE carriers :gone',
          ExpressionAttributeValues: { ':gone': gone },
        }),
      ),
    );
    try {
      await this.#table.run('drop an empty route', (c) =>
        c.send(
          new DeleteCommand({
            TableName: this.#table.name,
            Key: key,
            ConditionExpression: 'attribute_not_exists(carriers)',
          }),
        ),
      );
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
    }
  }

  /**
   * Deletes the items superseded by switches older than the grace period. A superseded item with a
   * successor is deleted with its last image, and whatever bookings took or gave back on it since
   * the switch copied (seats per cabin, holds) moves to the successor.
   */
  async #deleteRetired(): Promise<void> {
    const due = await this.#table.queryAll('find superseded flights', {
      KeyConditionExpression: '#pk = :pk AND #sk < :before',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: {
        ':pk': keys.scheduleRetirementsPartition,
        ':before': paddedMs(this.#now() - this.#graceMs),
      },
      ConsistentRead: true,
    });
    for (const retirement of due) {
      const partition = keys.scheduleRetiredPartition(retirement.generation as string);
      for await (const record of this.#table.queryItems('read superseded flights', {
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':pk': partition },
        ConsistentRead: true,
      })) {
        await this.#retire(record);
      }
      const records = await this.#table.queryAll('read superseded flights', {
        KeyConditionExpression: '#pk = :pk',
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: { ':pk': partition },
      });
      await this.#table.batchWrite('forget superseded flights', [
        ...records.map((item) => ({ delete: itemKey(item) })),
        { delete: itemKey(retirement) },
      ]);
    }
  }

  async #retire(record: Item): Promise<void> {
    const old = record.old as ItemKey;
    const removed = await this.#table.run('delete a superseded flight', (c) =>
      c.send(new DeleteCommand({ TableName: this.#table.name, Key: old, ReturnValues: 'ALL_OLD' })),
    );
    const last = removed.Attributes as Item | undefined;
    const successor = record.successor as ItemKey | undefined;
    if (last === undefined || successor === undefined) return;
    await moveToSuccessor(this.#table, successor, copiedImage(record), heldImage(last));
  }
}

/** Whether a staged leg retimes or re-equips the live item: what a booking on it is told about. */
const moves = (after: FlightRecord, item: Item): boolean =>
  after.departureUtc !== item.departureUtc ||
  after.arrivalUtc !== item.arrivalUtc ||
  after.aircraft !== item.aircraft;
