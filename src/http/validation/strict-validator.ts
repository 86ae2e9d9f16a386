import AjvCompiler from '@fastify/ajv-compiler';
import { stringCoercion } from './string-coercion.js';

type BuildValidator = AjvCompiler.BuildCompilerFromPool;
type Validate = ReturnType<ReturnType<BuildValidator>>;

/**
 * Ajv settings of every route: no type coercion by Ajv (a number or boolean where a body says string
 * is refused, and Ajv's own string-to-number coercion accepts `1e309`, `0x10` and `1e-400`), no
 * non-finite numbers, defaults applied, unknown parameters reported rather than dropped.
 */
export const STRICT_AJV_OPTIONS = {
  customOptions: {
    coerceTypes: false,
    strictNumbers: true,
    removeAdditional: false,
    useDefaults: true,
    allErrors: true,
  },
} as const;

/**
 * The validator factory of the whole app (Fastify `schemaController.compilersFactory`): the stock
 * Ajv compiler, with query strings, path parameters and headers — which arrive as strings — first
 * read by the one number rule (numeric-literal.ts). Every route, present and future, gets it.
 */
export function strictValidatorFactory(): BuildValidator {
  const ajvFactory = AjvCompiler();
  return (externalSchemas, options) => {
    const compile = ajvFactory(externalSchemas, options);
    return (route) => {
      const schema = route.httpPart === 'headers' ? lowerCaseHeaderNames(route.schema) : route.schema;
      const validate = compile({ ...route, schema });
      if (route.httpPart === 'body') return validate;
      const coerce = stringCoercion(schema);
      if (!coerce) return validate;
      const coercing = ((data: unknown) => {
        coerce(data);
        const valid = validate(data);
        coercing.errors = validate.errors;
        return valid;
      }) as Validate;
      return coercing;
    };
  };
}

/** Node lower-cases received header names; a header schema is matched the same way. */
function lowerCaseHeaderNames<T>(schema: T): T {
  const object = schema as { properties?: Record<string, unknown>; required?: string[] };
  if (!object || typeof object !== 'object' || !object.properties) return schema;
  return {
    ...object,
    properties: Object.fromEntries(
      Object.entries(object.properties).map(([name, value]) => [name.toLowerCase(), value]),
    ),
    ...(object.required ? { required: object.required.map((name) => name.toLowerCase()) } : {}),
  } as T;
}
