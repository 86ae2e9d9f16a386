import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoTable } from './dynamo-table.js';
import { KIND, keys } from './keys.js';

/** A route and carriers that fly it, to be merged into its item. */
export interface RouteCarriers {
  origin: string;
  destination: string;
  carriers: Set<string>;
}

/**
 * Adds carriers to a route's item, creating it when absent. ADD merges carriers into the route's
 * set, so concurrent writers of one route (seeding, imports) lose nothing.
 */
export async function addRouteCarriers(table: DynamoTable, route: RouteCarriers): Promise<void> {
  await table.run('write a route', (c) =>
    c.send(
      new UpdateCommand({
        TableName: table.name,
        Key: keys.route(route.origin, route.destination),
        UpdateExpression:
          'SET #kind = :kind, origin = :origin, destination = :destination ADD carriers :carriers',
        ExpressionAttributeNames: { '#kind': KIND },
        ExpressionAttributeValues: {
          ':kind': 'route',
          ':origin': route.origin,
          ':destination': route.destination,
          ':carriers': route.carriers,
        },
      }),
    ),
  );
}
