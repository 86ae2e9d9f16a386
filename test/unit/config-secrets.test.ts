import { describe, expect, it } from 'vitest';
import { configProblems } from '../helpers/config-problems.js';

describe('config problems never echo credentials', () => {
  it('reports a bad secret by its length only', () => {
    const problems = configProblems({
      ADMIN_API_KEY: 'too-short-admin-key',
      OFFER_SIGNING_SECRET: 'short-signing-secret',
      DASHBOARD_SESSION_SECRETS: 'a-short-dashboard-secret',
    });
    expect(problems).toEqual([
      'OFFER_SIGNING_SECRET=(hidden, 20 characters) is invalid: expected at least 32 characters (or empty to generate one)',
      'ADMIN_API_KEY=(hidden, 19 characters) is invalid: expected at least 32 characters (or empty to generate one)',
      'DASHBOARD_SESSION_SECRETS=(hidden, 24 characters) is invalid: expected comma-separated secrets of at least 32 characters each (or empty)',
    ]);
    expect(problems.join('\n')).not.toMatch(/too-short|short-signing|dashboard-secret/);
  });

  it('reports a bad URL without its password', () => {
    const [problem] = configProblems({ JWT_JWKS_URL: 'https://user:hunter2@issuer example/jwks' });
    expect(problem).toMatch(/^JWT_JWKS_URL="https:\/\/user:\*\*\*@issuer example\/jwks" is invalid/);
    expect(problem).not.toContain('hunter2');
  });
});
