import { describe, expect, it } from 'vitest';
import { TokenSigner } from '../../src/core/offers/signed-token.js';

describe('signed tokens (offer ids and cursors)', () => {
  const signer = new TokenSigner('a-test-secret-that-is-long-enough-000');

  it('round-trips a payload', () => {
    const token = signer.sign({ q: 'abc', s: 'search-1', o: 20 });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(signer.verify(token)).toEqual({ q: 'abc', s: 'search-1', o: 20 });
  });

  it('rejects a token whose payload was changed', () => {
    const token = signer.sign({ total: 100 });
    const [, mac] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ total: 1 })).toString('base64url')}.${mac}`;
    expect(signer.verify(forged)).toBeUndefined();
  });

  it('rejects tokens of another secret, truncated, garbled or oversized ones', () => {
    const token = signer.sign({ a: 1 });
    expect(new TokenSigner('another-secret-that-is-long-enough-00').verify(token)).toBeUndefined();
    expect(signer.verify(token.slice(0, -2))).toBeUndefined();
    expect(signer.verify('not-a-token')).toBeUndefined();
    expect(signer.verify('.')).toBeUndefined();
    expect(signer.verify(`${'A'.repeat(5000)}.x`)).toBeUndefined();
  });
});
