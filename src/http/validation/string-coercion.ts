import { parseIntegerLiteral, parseNumericLiteral } from './numeric-literal.js';

/** What a string parameter is turned into before validation, by the type its schema asks for. */
type Coercion = 'integer' | 'number' | 'boolean' | { array: Coercion | undefined };

interface SchemaNode {
  type?: string | string[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  const?: unknown;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
}

function typesOf(schema: SchemaNode, into = new Set<string>()): Set<string> {
  if (typeof schema.type === 'string') into.add(schema.type);
  else if (Array.isArray(schema.type)) for (const type of schema.type) into.add(type);
  if (schema.const !== undefined) into.add(typeof schema.const);
  for (const member of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) typesOf(member, into);
  return into;
}

/**
 * How a parameter of this schema is read from its string form. A schema that admits a string keeps
 * the string as sent: strings stay strings.
 */
function coercionOf(schema: SchemaNode | undefined): Coercion | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  const types = typesOf(schema);
  if (types.has('string')) return undefined;
  if (types.has('number')) return 'number';
  if (types.has('integer')) return 'integer';
  if (types.has('boolean')) return 'boolean';
  if (types.has('array')) return { array: coercionOf(schema.items) };
  return undefined;
}

function coerceScalar(value: unknown, coercion: Exclude<Coercion, { array: unknown }>): unknown {
  if (typeof value !== 'string') return value;
  // A string that breaks the rule stays a string, so the validator reports the field as mistyped.
  if (coercion === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  const parsed = coercion === 'integer' ? parseIntegerLiteral(value) : parseNumericLiteral(value);
  return parsed ?? value;
}

function coerce(value: unknown, coercion: Coercion): unknown {
  if (typeof coercion === 'string') return coerceScalar(value, coercion);
  const items = Array.isArray(value) ? value : [value];
  return coercion.array ? items.map((item) => coerceScalar(item, coercion.array as never)) : items;
}

/**
 * For the object schema of a query string, path or header set: a function turning each string
 * property into what its schema asks for (integer, number, boolean, array), by the app's one number
 * rule (numeric-literal.ts), in place. Undefined when no property needs it.
 */
export function stringCoercion(schema: unknown): ((data: unknown) => void) | undefined {
  const properties = (schema as SchemaNode | undefined)?.properties;
  if (!properties) return undefined;
  const plan = new Map<string, Coercion>();
  for (const [name, property] of Object.entries(properties)) {
    const coercion = coercionOf(property);
    if (coercion !== undefined) plan.set(name, coercion);
  }
  if (plan.size === 0) return undefined;
  return (data) => {
    if (!data || typeof data !== 'object') return;
    const record = data as Record<string, unknown>;
    for (const [name, coercion] of plan) {
      if (Object.hasOwn(record, name)) record[name] = coerce(record[name], coercion);
    }
  };
}
