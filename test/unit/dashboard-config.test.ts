import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

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
      problemsOf({ DASHBOARD_SESSION_SECRETS: `${'n'.repeat(32)},short`, DASHBOARD_MAX_STREAMS: '0' }),
    ).toEqual([
      `DASHBOARD_SESSION_SECRETS=(hidden, 38 characters) is invalid: expected comma-separated secrets of at least 32 characters each (or empty)`,
      'DASHBOARD_MAX_STREAMS="0" is invalid: expected an integer from 1 to 100000',
    ]);
  });
});
