import { describe, expect, it } from 'vitest';
import { idempotencyLeaseMs, loadConfig } from '../../src/config.js';
import { configProblems } from '../helpers/config-problems.js';

describe('failed-credential throttle and idempotency lease settings', () => {
  it('default to 20 failures a minute per address and a lease of 60 s or three request timeouts', () => {
    expect(loadConfig({})).toMatchObject({ authFailureLimit: 20, authFailureWindowSeconds: 60 });
    expect(idempotencyLeaseMs(loadConfig({}))).toBe(60_000);
    expect(idempotencyLeaseMs(loadConfig({ REQUEST_TIMEOUT_MS: '120000' }))).toBe(360_000);
    expect(idempotencyLeaseMs(loadConfig({ IDEMPOTENCY_LEASE_SECONDS: '90' }))).toBe(90_000);
  });

  it('name each bad value in one line', () => {
    expect(
      configProblems({
        AUTH_FAILURE_LIMIT: '0',
        AUTH_FAILURE_WINDOW_SECONDS: 'a minute',
        IDEMPOTENCY_LEASE_SECONDS: '-2',
      }),
    ).toEqual([
      'AUTH_FAILURE_LIMIT="0" is invalid: expected an integer from 1 to 1000000',
      'AUTH_FAILURE_WINDOW_SECONDS="a minute" is invalid: expected an integer from 1 to 86400',
      'IDEMPOTENCY_LEASE_SECONDS="-2" is invalid: expected an integer from 0 to 3600',
    ]);
  });

  it('name a bad key-staleness or store start-up wait in one line each', () => {
    expect(configProblems({ API_KEY_STALE_SECONDS: 'soon', STORE_START_TIMEOUT_MS: '-1' })).toEqual([
      'STORE_START_TIMEOUT_MS="-1" is invalid: expected an integer from 0 to 86400000',
      'API_KEY_STALE_SECONDS="soon" is invalid: expected an integer from 0 to 86400',
    ]);
  });

  it('read TRUST_PROXY as addresses and CIDR ranges, refusing anything else', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.5,fd00::/8' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.5',
      'fd00::/8',
    ]);
    for (const bad of ['true', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/2'])
      expect(configProblems({ TRUST_PROXY: bad })).toEqual([
        `TRUST_PROXY=${JSON.stringify(bad)} is invalid: expected empty, or comma-separated proxy addresses or CIDR ranges like 10.0.0.0/8`,
      ]);
  });

  it('refuse a lease no longer than the request timeout, which a running booking could outlive', () => {
    expect(configProblems({ IDEMPOTENCY_LEASE_SECONDS: '10', REQUEST_TIMEOUT_MS: '10000' })).toEqual([
      'IDEMPOTENCY_LEASE_SECONDS=10 is invalid: expected more than REQUEST_TIMEOUT_MS (10000 ms), or a booking still running loses its key',
    ]);
    expect(configProblems({ IDEMPOTENCY_LEASE_SECONDS: '11', REQUEST_TIMEOUT_MS: '10000' })).toEqual([]);
  });
});
