import type { Contact } from '../../ports/bookings.js';
import type { FieldError } from '../errors.js';

/**
 * The booking contact's rules, once: the v1 booking schema states them as JSON Schema patterns
 * (http/schemas/bookings.ts), the Amadeus order routes check the contact they assemble with them,
 * and the booking service refuses a contact that breaks them whatever the transport.
 */

/** An email address: something@domain.tld, no spaces (as far as anyone can check without mailing it). */
export const EMAIL_PATTERN = '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$';
/** Longest email address a mail server accepts (RFC 5321 path limit). */
export const EMAIL_MAX_LENGTH = 254;
/** A phone number in E.164 form: +, a country code not starting with 0, 7–15 digits in all. */
export const E164_PATTERN = '^\\+[1-9]\\d{6,14}$';

const EMAIL = new RegExp(EMAIL_PATTERN);
const E164 = new RegExp(E164_PATTERN);

export function isEmail(value: string): boolean {
  return value.length <= EMAIL_MAX_LENGTH && EMAIL.test(value);
}

export function isE164(value: string): boolean {
  return E164.test(value);
}

/** Field errors (named `body.contact…`) of a contact that breaks the rules; empty when it keeps them. */
export function contactErrors(contact: Contact): FieldError[] {
  return [
    ...(isEmail(contact.email) ? [] : [{ field: 'body.contact.email', message: 'is not an email address' }]),
    ...(isE164(contact.phone)
      ? []
      : [{ field: 'body.contact.phone', message: 'must be a phone number in E.164 form' }]),
  ];
}
