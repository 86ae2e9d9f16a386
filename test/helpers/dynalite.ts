import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import dynalite from 'dynalite';
import { type DynamoDbStoreConfig, openDynamoDbStore } from '../../src/adapters/store/dynamodb/index.js';
import type { StoreBackend } from '../../src/ports/store-backend.js';
import { spawnScript } from './api-process.js';
import { waitFor } from './wait-for.js';

/** A dynalite server (in-memory DynamoDB-compatible) listening on a free port of this process. */
export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite in memory on port 0, with tables ACTIVE at once (no simulated creation delay). */
export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A table name no other test uses. */
export const uniqueTableName = (): string => `TravelDataTest-${randomBytes(6).toString('hex')}`;

/** Store config for a fresh table on `endpoint`; conditional writes, as dynalite has no transactions. */
export function dynamoConfig(endpoint: string, table = uniqueTableName()): DynamoDbStoreConfig {
  return {
    dynamodbTable: table,
    dynamodbEndpoint: endpoint,
    dynamodbCreateTable: 'true',
    dynamodbBookingWrites: 'conditional',
  };
}

/** A migrated DynamoDB store on a new table of `endpoint`. */
export async function openLocalDynamoStore(endpoint: string): Promise<StoreBackend> {
  const store = await openDynamoDbStore(dynamoConfig(endpoint));
  await store.migrate();
  return store;
}

const serverScript = fileURLToPath(new URL('../fixtures/dynalite-server.ts', import.meta.url));

/** dynalite in a child process of its own (its own CPU time), for load from several API processes. */
export async function startDynaliteProcess(): Promise<LocalDynamo> {
  const handle = spawnScript(serverScript, [], {});
  let port = 0;
  try {
    await waitFor(
      'dynalite to listen',
      () => {
        if (handle.child.exitCode !== null) throw new Error(`dynalite exited early:\n${handle.output()}`);
        port = Number(/listening (\d+)/.exec(handle.output())?.[1] ?? 0);
        return port > 0;
      },
      30_000,
    );
  } catch (error) {
    await handle.kill();
    throw error;
  }
  return { endpoint: `http://127.0.0.1:${port}`, close: () => handle.stop() };
}
