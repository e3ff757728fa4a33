import { describe, expect, it } from 'vitest';
import { REDACTED, redactHeaders, redactText } from './redact.js';

describe('redaction', () => {
  it('replaces credential headers whatever their case', () => {
    expect(
      redactHeaders({ Authorization: 'Bearer t0k3n', cookie: 'a=b', 'X-Api-Key': 'k', 'openai-beta': 'responses_websockets=2026-02-06', accept: ['a', 'b'] }),
    ).toEqual({ Authorization: REDACTED, cookie: REDACTED, 'X-Api-Key': REDACTED, 'openai-beta': 'responses_websockets=2026-02-06', accept: 'a, b' });
  });

  it('removes bearer tokens and literal secrets from text', () => {
    expect(redactText('auth=Bearer abc123 then MySecretValue', ['MySecretValue'])).toBe(`auth=Bearer ${REDACTED} then ${REDACTED}`);
  });
});
