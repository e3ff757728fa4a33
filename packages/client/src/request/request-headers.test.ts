import { InvalidArgumentError } from '@modelwire/errors';
import { describe, expect, it } from 'vitest';
import { turnContext } from '../__fixtures__/turn-fixtures.js';
import { buildPerRequestValues, buildSessionHeaders } from './request-headers.js';

const inputs = {
  conversationId: 'conv-1',
  originator: 'modelwire_test',
  userAgent: 'modelwire/0.0.0',
  betaFeatures: ['alpha', '', 'beta'],
  subagent: undefined,
  providerHeaders: { 'OpenAI-Project': 'proj' },
};

describe('buildSessionHeaders', () => {
  it('computes session values once, identical on HTTP and on the handshake', () => {
    const headers = buildSessionHeaders(inputs, true);
    expect(headers.http).toEqual({
      'openai-project': 'proj',
      session_id: 'conv-1',
      originator: 'modelwire_test',
      'user-agent': 'modelwire/0.0.0',
      'x-codex-beta-features': 'alpha,beta',
    });
    expect(headers.handshake).toEqual({
      ...headers.http,
      'openai-beta': 'responses_websockets=2026-02-06',
      'x-responsesapi-include-timing-metrics': 'true',
    });
    expect(Object.isFrozen(headers.http)).toBe(true);
  });

  it('omits the beta header when no feature is enabled and adds the sub-agent label', () => {
    const headers = buildSessionHeaders({ ...inputs, betaFeatures: [], subagent: 'review' }, false);
    expect(headers.http).not.toHaveProperty('x-codex-beta-features');
    expect(headers.http['x-openai-subagent']).toBe('review');
    expect(headers.handshake).not.toHaveProperty('x-responsesapi-include-timing-metrics');
  });

  it('never carries a per-turn value', () => {
    const headers = buildSessionHeaders(inputs, true);
    for (const name of ['x-codex-turn-metadata', 'x-codex-turn-state', 'x-oai-web-search-eligible']) {
      expect(headers.handshake).not.toHaveProperty(name);
      expect(headers.http).not.toHaveProperty(name);
    }
  });
});

describe('buildPerRequestValues', () => {
  it('carries turn metadata, web-search eligibility and the sticky token only when held', () => {
    const turn = turnContext({ turnMetadata: { turn_id: 't-9', cwd: '/x' } });
    expect(buildPerRequestValues(turn, null)).toEqual({
      'x-codex-turn-metadata': '{"turn_id":"t-9","cwd":"/x"}',
      'x-oai-web-search-eligible': 'true',
    });
    expect(buildPerRequestValues(turn, 'sticky')['x-codex-turn-state']).toBe('sticky');
  });

  it('rejects metadata without a turn id with InvalidArgumentError naming the field', () => {
    expect(() => buildPerRequestValues(turnContext({ turnMetadata: { turn_id: '' } }), null)).toThrow(InvalidArgumentError);
    expect(() => buildPerRequestValues(turnContext({ turnMetadata: { turn_id: '' } }), null)).toThrow(expect.objectContaining({ path: 'turnContext.turnMetadata.turn_id', code: 'invalid_argument' }));
    expect(() => buildPerRequestValues(turnContext({ turnMetadata: null as never }), null)).toThrow(expect.objectContaining({ path: 'turnContext.turnMetadata' }));
  });
});
