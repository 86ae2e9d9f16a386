import { randomInt } from 'node:crypto';

/** Letters and digits a traveller reads out on the phone without confusion: no 0/O, 1/I/L. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A random 6-character booking reference, like an airline PNR (31^6 ≈ 887 million codes). */
export function newBookingReference(): string {
  let code = '';
  for (let i = 0; i < 6; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}
