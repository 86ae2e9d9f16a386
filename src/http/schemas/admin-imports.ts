import { type Static, Type } from '@sinclair/typebox';

export const ImportKindSchema = Type.Union(
  [Type.Literal('ssim'), Type.Literal('fares'), Type.Literal('availability'), Type.Literal('hotels')],
  {
    description:
      'What the body holds: an SSIM schedule, or a fares, availability or hotels file (docs/import.md)',
  },
);

export const ImportQuery = Type.Object(
  {
    kind: ImportKindSchema,
    dryRun: Type.Boolean({ default: false, description: 'Validate and count, write nothing' }),
    estimateFares: Type.Boolean({
      default: false,
      description: 'SSIM: price flights without a fare filing with the estimate model (offers say so)',
    }),
  },
  { additionalProperties: false },
);
export type ImportQuery = Static<typeof ImportQuery>;

export const ImportIdParams = Type.Object(
  { id: Type.String({ maxLength: 64 }) },
  { additionalProperties: false },
);

export const ImportJobSchema = Type.Object(
  {
    id: Type.String(),
    kind: ImportKindSchema,
    state: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
    dryRun: Type.Boolean(),
    progress: Type.Object({
      bytesRead: Type.Integer(),
      totalBytes: Type.Optional(
        Type.Integer({ description: 'The content-length, when the client sent one' }),
      ),
      percent: Type.Optional(Type.Integer()),
    }),
    counts: Type.Record(Type.String(), Type.Integer(), {
      description: 'Records read, flights and dated legs created, changed, cancelled, skipped legs…',
    }),
    applied: Type.Boolean(),
    errors: Type.Array(Type.String(), { description: 'The first 100 errors, each "line N: field: message"' }),
    errorCount: Type.Integer(),
    warnings: Type.Array(Type.String(), {
      description: 'The first 100 warnings, each "line N: field: message"',
    }),
    warningCount: Type.Integer(),
    detail: Type.Optional(Type.String({ description: 'Why the import failed when no line is to blame' })),
    startedAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { $id: 'ImportJob' },
);

export const ImportJobResponse = Type.Object({ data: Type.Ref('ImportJob') });
