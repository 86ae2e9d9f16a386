import { describe, expect, it } from 'vitest';
import { newSigningSecret, signPayload, webhookHeaders } from '../../src/core/webhooks/webhook-signature.js';
import { verifyStandardWebhook } from '../helpers/webhook-receiver.js';

/** The test vector the Standard Webhooks reference libraries all reproduce. */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('Standard Webhooks signatures', () => {
  it('reproduce the reference test vector exactly', () => {
    expect(signPayload(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
    const headers = {
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    };
    // The test's independent verifier agrees on the vector, so its verdicts elsewhere mean something.
    expect(verifyStandardWebhook(VECTOR.secret, headers, VECTOR.body, VECTOR.timestamp)).toBe(true);
    expect(verifyStandardWebhook(VECTOR.secret, headers, `${VECTOR.body} `, VECTOR.timestamp)).toBe(false);
    expect(verifyStandardWebhook(VECTOR.secret, headers, VECTOR.body, VECTOR.timestamp + 301)).toBe(false);
  });

  it('new secrets are whsec_ and 24 random bytes in base64, never the same twice', () => {
    const a = newSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(24);
    expect(newSigningSecret()).not.toBe(a);
  });

  it('every secret still inside its overlap window signs; an expired one no longer does', () => {
    const now = VECTOR.timestamp * 1000;
    const current = newSigningSecret();
    const previous = newSigningSecret();
    const both = webhookHeaders(
      VECTOR.id,
      VECTOR.body,
      [{ secret: current }, { secret: previous, expiresAt: now + 1 }],
      now,
    );
    expect(both['webhook-timestamp']).toBe(String(VECTOR.timestamp));
    expect(both['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [current, previous])
      expect(verifyStandardWebhook(secret, both, VECTOR.body, VECTOR.timestamp)).toBe(true);
    const after = webhookHeaders(
      VECTOR.id,
      VECTOR.body,
      [{ secret: current }, { secret: previous, expiresAt: now }],
      now,
    );
    expect(after['webhook-signature'].split(' ')).toHaveLength(1);
    expect(verifyStandardWebhook(previous, after, VECTOR.body, VECTOR.timestamp)).toBe(false);
    expect(verifyStandardWebhook(current, after, VECTOR.body, VECTOR.timestamp)).toBe(true);
  });
});
