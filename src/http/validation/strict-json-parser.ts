import type { FastifyContentTypeParser, FastifyInstance } from 'fastify';
import { invalidField } from '../../core/errors.js';
import { findUnsafeLiteral } from './json-number-guard.js';
import { NUMBER_RULE } from './numeric-literal.js';

type ParseText = (request: Parameters<FastifyContentTypeParser>[0], text: string, done: ParseDone) => void;
type ParseDone = (error: Error | null, body?: unknown) => void;

/**
 * A JSON body parser for `app` that first applies the number rule to every bare value
 * (json-number-guard.ts), naming the field, then parses as Fastify does (prototype poisoning
 * refused). Scopes that register their own JSON media types (the Amadeus-compatible routes) parse
 * with this too, so no route reads JSON by another rule.
 */
export function strictJsonParser(app: FastifyInstance): ParseText {
  const parse = app.getDefaultJsonParser('error', 'error');
  return (request, text, done) => {
    const unsafe = findUnsafeLiteral(text);
    if (unsafe) {
      done(
        invalidField(
          ['body', ...unsafe.path].join('.'),
          `${NUMBER_RULE} (got ${unsafe.literal.slice(0, 40)})`,
        ),
        undefined,
      );
      return;
    }
    parse(request, text, done);
  };
}

/** Replaces the JSON body parser of `app` with the strict one. */
export function useStrictJsonParser(app: FastifyInstance): void {
  const parse = strictJsonParser(app);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, typeof body === 'string' ? body : body.toString('utf8'), done);
  });
}
