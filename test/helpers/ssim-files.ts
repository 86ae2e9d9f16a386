import type { ImportLine } from '../../src/core/imports/import-kind.js';
import type { TimeMode } from '../../src/core/imports/ssim/ssim-records.js';
import {
  carrierRecord,
  headerRecord,
  type LegFields,
  legRecord,
  type SegmentFields,
  segmentRecord,
  trailerRecord,
} from '../../src/core/imports/ssim/ssim-writer.js';

/** One carrier block of a test SSIM file: its record 2 and its legs (records 3) and segments (records 4). */
export interface TestCarrierBlock {
  carrier: string;
  timeMode: TimeMode;
  validFrom: string;
  validTo: string;
  records: ({ leg: Omit<LegFields, 'carrier'> } | { segment: Omit<SegmentFields, 'carrier'> })[];
}

/** The lines of an SSIM file holding `blocks`, with serial numbers, as an airline would send it. */
export function ssimFile(blocks: readonly TestCarrierBlock[]): string[] {
  let serial = 1;
  const lines = [headerRecord(serial++)];
  for (const block of blocks) {
    lines.push(
      carrierRecord(
        {
          timeMode: block.timeMode,
          carrier: block.carrier,
          validFrom: block.validFrom,
          validTo: block.validTo,
          creationDate: block.validFrom,
        },
        serial++,
      ),
    );
    for (const record of block.records) {
      lines.push(
        'leg' in record
          ? legRecord({ ...record.leg, carrier: block.carrier }, serial++)
          : segmentRecord({ ...record.segment, carrier: block.carrier }, serial++),
      );
    }
    lines.push(trailerRecord(block.carrier, block.validFrom, serial++));
  }
  return lines;
}

/** Lines as an import kind reads them, numbered from 1. */
export async function* asImportLines(lines: readonly string[]): AsyncGenerator<ImportLine> {
  let line = 0;
  for (const text of lines) yield { line: ++line, text };
}

/** A leg with sensible defaults: a daily scheduled passenger flight with a J/Y configuration. */
export function leg(
  fields: Partial<Omit<LegFields, 'carrier'>> &
    Pick<LegFields, 'flightNumber' | 'origin' | 'destination' | 'periodFrom' | 'periodTo'>,
): { leg: Omit<LegFields, 'carrier'> } {
  return {
    leg: {
      variation: 1,
      legSequence: 1,
      serviceType: 'J',
      days: [1, 2, 3, 4, 5, 6, 7],
      departureMinute: 9 * 60,
      arrivalMinute: 11 * 60,
      aircraft: '320',
      prbd: 'JY',
      aircraftConfiguration: 'J12Y150',
      ...fields,
    },
  };
}
