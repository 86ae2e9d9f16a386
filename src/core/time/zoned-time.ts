// The kernel's time helpers under their former path, for the HTTP files that still import it here
// (src/http/amadeus); new code imports src/kernel/ directly.
export { isoDuration } from '../../kernel/iso-duration.js';
export { addDays, toUtcIso, toZonedIso } from '../../kernel/zoned-time.js';
