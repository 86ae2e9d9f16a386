import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { exportSsim } from '../../core/imports/ssim/ssim-export.js';
import type { AirportDirectory } from '../../ports/airports.js';
import type { ScheduleStore } from '../../ports/schedules.js';

export interface ExportCommandDeps {
  schedules: ScheduleStore;
  airports: AirportDirectory;
  stdout: NodeJS.WritableStream;
  stderr: (text: string) => void;
  today: string;
}

/** `travel-platform export ssim [--out FILE]`: the live schedule as SSIM, to a file or stdout. Exit 0, or 64 on bad usage. */
export async function runExport(args: readonly string[], deps: ExportCommandDeps): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { out: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1 || positionals[0] !== 'ssim') {
    deps.stderr('usage: travel-platform export ssim [--out FILE]\n');
    return 64;
  }
  const out = values.out === undefined ? deps.stdout : createWriteStream(values.out);
  let records = 0;
  for await (const record of exportSsim(deps.schedules, deps.airports, deps.today)) {
    records++;
    // Respect backpressure: a season is millions of records.
    if (!out.write(`${record}\n`)) await once(out, 'drain');
  }
  if (values.out !== undefined) {
    out.end();
    await once(out, 'finish');
    deps.stderr(`wrote ${records} SSIM records to ${values.out}\n`);
  }
  return 0;
}
