/** CloudEvents `source` of everything the platform emits (API, CLI and scheduled housekeeping alike). */
export const EVENT_SOURCE = '/travel-platform/api';
