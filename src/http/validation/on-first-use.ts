import type AjvCompiler from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';

type BuildValidator = AjvCompiler.BuildCompilerFromPool;
type Validate = ReturnType<ReturnType<BuildValidator>>;
type BuildSerializer = ReturnType<typeof SerializerSelector>;
type Serialize = ReturnType<ReturnType<BuildSerializer>>;

/**
 * Schema compilation on first use instead of at `ready()`. Fastify compiles every route's
 * validators and response serializers when the app starts — about a second of Ajv and
 * fast-json-stringify code generation for this app — although a Lambda sandbox's first request
 * needs the schemas of one route. Each route's functions are compiled when a request first needs
 * them, by the same compilers with the same options, so answers are identical; only a schema that
 * does not compile would show later (the self-hosted server, and its tests, compile at start).
 */
export function validatorOnFirstUse(build: BuildValidator): BuildValidator {
  return (externalSchemas, options) => {
    let compile: ReturnType<BuildValidator> | undefined;
    return (route) => {
      let validate: Validate | undefined;
      const deferred = ((data: unknown) => {
        // Ajv's check of each schema against its meta-schema compiles the meta-schema first (tens of
        // ms); the same schemas pass it wherever the app compiles at start, so it is skipped here.
        compile ??= build(externalSchemas, {
          ...options,
          customOptions: { ...options?.customOptions, validateSchema: false },
        } as Parameters<BuildValidator>[1]);
        validate ??= compile(route);
        const valid = validate(data);
        deferred.errors = validate.errors;
        return valid;
      }) as Validate;
      return deferred;
    };
  };
}

/** The stock response serializer (fast-json-stringify), compiled per route and status on first use. */
export function serializerOnFirstUse(build: BuildSerializer = SerializerSelector()): BuildSerializer {
  return (externalSchemas, options) => {
    let compile: ReturnType<BuildSerializer> | undefined;
    return (route) => {
      let serialize: Serialize | undefined;
      return (data) => {
        compile ??= build(externalSchemas, options);
        serialize ??= compile(route);
        return serialize(data);
      };
    };
  };
}
