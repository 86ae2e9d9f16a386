import type { FastifyInstance } from 'fastify';
import { invalidField } from '../../core/errors.js';
import { findUnsafeLiteral } from './json-number-guard.js';
import { NUMBER_RULE } from './numeric-literal.js';

/**
 * Replaces the JSON body parser of `app` with one that first applies the number rule to every bare
 * value (json-number-guard.ts), naming the field, then parses as Fastify does (prototype poisoning
 * refused).
 */
export function useStrictJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
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
  });
}
