import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAdmin } from '../plugins/admin-guard.js';
import { replyWithProblem } from '../problems.js';
import { ImportIdParams, ImportJobResponse, ImportQuery } from '../schemas/admin-imports.js';
import { problemResponses } from '../schemas/common.js';
import type { ApiServices } from '../services.js';

const security = [{ apiKey: [] }];

/** Content types an import body may have; gzip is recognised by its magic bytes whatever the type says. */
const IMPORT_CONTENT_TYPES = ['text/plain', 'application/octet-stream', 'application/gzip'];

/**
 * Operators' file imports (docs/import.md): the body streams into the import while it runs (never
 * buffered), the answer is 202 with the job, and the job's state is readable from any instance.
 * Admin keys only.
 */
export const adminImportRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  const { maxBytes } = services.importJobs;
  app.addHook('onRequest', requireAdmin);
  // In this plugin's scope only: the body is handed over as the raw stream, unread.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(IMPORT_CONTENT_TYPES, (_request, payload, done) => {
    done(null, payload);
  });

  app.post(
    '/v1/admin/imports',
    {
      schema: {
        tags: ['admin'],
        summary: 'Import a schedule (SSIM) or an inventory file; answers 202 with the import job',
        description:
          'The body is the file (text/plain, application/octet-stream or application/gzip), streamed. Poll GET /v1/admin/imports/{id}.',
        security,
        querystring: ImportQuery,
        response: { 202: ImportJobResponse, ...problemResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request, reply) => {
      const length = Number(request.headers['content-length']);
      if (Number.isFinite(length) && length > maxBytes) {
        return replyWithProblem(
          request,
          reply,
          'payload-too-large',
          `imports take at most ${maxBytes} bytes (IMPORT_MAX_BYTES)`,
        );
      }
      const body = request.body as Readable | undefined;
      if (body === undefined || body === null) {
        return replyWithProblem(
          request,
          reply,
          'invalid-request',
          'the body is the file to import; it is empty',
        );
      }
      const job = await services.importJobs.start(request.query.kind, body, {
        dryRun: request.query.dryRun,
        estimateFares: request.query.estimateFares,
        ...(Number.isFinite(length) ? { totalBytes: length } : {}),
      });
      reply.header('cache-control', 'no-store');
      reply.header('location', `/v1/admin/imports/${job.id}`);
      return reply.code(202).send({ data: job });
    },
  );

  app.get(
    '/v1/admin/imports/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'State, progress, counts and the first 100 errors (with line numbers) of an import',
        security,
        params: ImportIdParams,
        response: { 200: ImportJobResponse, ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: await services.importJobs.get(request.params.id) };
    },
  );
};
