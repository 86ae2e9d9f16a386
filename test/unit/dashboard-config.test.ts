import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { configProblems } from '../helpers/config-problems.js';

describe('dashboard session secrets and stream limit', () => {
  it('default to a secret derived from the store and 1,000 streams per process; parse a list', () => {
    expect(loadConfig({})).toMatchObject({ dashboardSessionSecrets: [], dashboardMaxStreams: 1000 });
    const secrets = ['n'.repeat(32), 'o'.repeat(40)];
    expect(
      loadConfig({ DASHBOARD_SESSION_SECRETS: ` ${secrets.join(' , ')} ` }).dashboardSessionSecrets,
    ).toEqual(secrets);
  });

  it('name each bad value in one line', () => {
    expect(
      configProblems({ DASHBOARD_SESSION_SECRETS: `${'n'.repeat(32)},short`, DASHBOARD_MAX_STREAMS: '0' }),
    ).toEqual([
      `DASHBOARD_SESSION_SECRETS=(hidden, 38 characters) is invalid: expected comma-separated secrets of at least 32 characters each (or empty)`,
      'DASHBOARD_MAX_STREAMS="0" is invalid: expected an integer from 1 to 100000',
    ]);
  });

  it('streams by default, polls with DASHBOARD_LIVE=poll, and names a bad value in one line', () => {
    expect(loadConfig({}).dashboardLive).toBe('stream');
    expect(loadConfig({ DASHBOARD_LIVE: 'poll' }).dashboardLive).toBe('poll');
    expect(configProblems({ DASHBOARD_LIVE: 'sse' })).toEqual([
      expect.stringMatching(/^DASHBOARD_LIVE="sse" is invalid: expected /),
    ]);
  });
});
