import { parseArgs } from 'node:util';
import type { DeadLetter, DeadLetterStore } from '../../ports/dead-letters.js';

/** What `dlq` needs; the CLI's composition function provides it. */
export interface DlqDeps {
  deadLetters: DeadLetterStore;
  /** Writes one line of normal output. */
  stdout: (line: string) => void;
  /** Writes one line of error output. */
  stderr: (line: string) => void;
  /**
   * Publishes what replay put in the outbox right away. Optional: without it a running server's relay
   * picks the events up within OUTBOX_POLL_MS, or the next server start does.
   */
  relay?: { drain(): Promise<number> };
}

export const usage = [
  'usage: travel-platform dlq list [--consumer NAME] [--limit N] [--json]',
  '       travel-platform dlq replay [ID ...] [--consumer NAME]   (no ID: every dead letter)',
].join('\n');

/**
 * `dlq list` shows parked events; `dlq replay [id]` moves them back to the outbox so they are delivered
 * again (consumers that already handled an event skip it by id). Returns the exit code: 0 done,
 * 1 an id was unknown or the store failed, 2 bad usage.
 */
export async function run(args: readonly string[], deps: DlqDeps): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    deps.stderr(error instanceof Error ? error.message : String(error));
    deps.stderr(usage);
    return 2;
  }
  const [command, ...ids] = parsed.positionals;
  try {
    switch (command) {
      case 'list':
        return await list(parsed.values, deps);
      case 'replay':
        return await replay(ids, parsed.values.consumer, deps);
      default:
        deps.stderr(command === undefined ? 'missing dlq command' : `unknown dlq command: ${command}`);
        deps.stderr(usage);
        return 2;
    }
  } catch (error) {
    deps.stderr(`dlq ${command}: ${describe(error)}`);
    return 1;
  }
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      consumer: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
}

async function list(
  values: { consumer?: string | undefined; limit?: string | undefined; json?: boolean | undefined },
  deps: DlqDeps,
): Promise<number> {
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    deps.stderr(`--limit must be a positive integer, got ${values.limit}`);
    return 2;
  }
  const letters = await deps.deadLetters.list({
    limit,
    ...(values.consumer === undefined ? {} : { consumer: values.consumer }),
  });
  if (values.json) {
    deps.stdout(JSON.stringify(letters, null, 2));
    return 0;
  }
  if (letters.length === 0) {
    deps.stdout('no dead letters');
    return 0;
  }
  deps.stdout(['ID', 'PARKED AT', 'CONSUMER', 'EVENT TYPE', 'EVENT ID', 'ATTEMPTS', 'ERROR'].join('\t'));
  for (const letter of letters) deps.stdout(row(letter));
  return 0;
}

async function replay(ids: readonly string[], consumer: string | undefined, deps: DlqDeps): Promise<number> {
  let selected: string[] | undefined;
  if (ids.length > 0) {
    selected = [...ids];
  } else if (consumer !== undefined) {
    selected = (await deps.deadLetters.list({ consumer, limit: Number.MAX_SAFE_INTEGER })).map((l) => l.id);
  }
  const moved = await deps.deadLetters.requeue(selected);
  for (const letter of moved) {
    deps.stdout(`replaying ${letter.id}: ${letter.event.type} ${letter.event.id} for ${letter.consumer}`);
  }
  const missing = ids.filter((id) => !moved.some((letter) => letter.id === id));
  for (const id of missing) deps.stderr(`no dead letter with id ${id}`);
  if (moved.length > 0 && deps.relay !== undefined) {
    const published = await deps.relay.drain();
    deps.stdout(`published ${published} event(s)`);
  }
  deps.stdout(`${moved.length} dead letter(s) queued for redelivery`);
  return missing.length > 0 ? 1 : 0;
}

function row(letter: DeadLetter): string {
  return [
    letter.id,
    letter.parkedAt,
    letter.consumer,
    letter.event.type,
    letter.event.id,
    String(letter.attempts),
    letter.error.replace(/\s+/g, ' '),
  ].join('\t');
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
