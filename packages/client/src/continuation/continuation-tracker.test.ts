import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assistantMessage, prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { buildRequestFields } from '../request/request-fields.js';
import type { ResponseItem } from '../types/prompt.js';
import { ContinuationTracker, fingerprintRequestFields } from './continuation-tracker.js';
import { chainFingerprint } from './sequence-fingerprint.js';

const fieldsFingerprint = fingerprintRequestFields(buildRequestFields(prompt([]), turnContext(), 'conv'));

function completed(tracker: ContinuationTracker, input: readonly ResponseItem[], output: readonly ResponseItem[], id: string): void {
  tracker.begin({ fieldsFingerprint, input });
  for (const item of output) tracker.addOutputItem(item);
  tracker.complete(id);
}

describe('ContinuationTracker', () => {
  it('continues with only the new items when input extends previous input + output', () => {
    const tracker = new ContinuationTracker();
    const history: ResponseItem[] = [userMessage('hello')];
    const reply = assistantMessage('hi');
    completed(tracker, history, [reply], 'resp_1');
    const next = userMessage('more');
    history.push(reply, next);
    expect(tracker.decide({ fieldsFingerprint, input: history })).toEqual({ mode: 'incremental', previousResponseId: 'resp_1', delta: [next] });
  });

  it('accepts an equal history rebuilt from new objects (content, not identity)', () => {
    const tracker = new ContinuationTracker();
    completed(tracker, [userMessage('a')], [assistantMessage('b')], 'resp_1');
    const rebuilt = [userMessage('a'), assistantMessage('b'), userMessage('c')];
    const decision = tracker.decide({ fieldsFingerprint, input: rebuilt });
    expect(decision.mode).toBe('incremental');
  });

  it('allows an empty delta (after a warm-up)', () => {
    const tracker = new ContinuationTracker();
    completed(tracker, [], [], 'resp_warm');
    expect(tracker.decide({ fieldsFingerprint, input: [] })).toEqual({ mode: 'incremental', previousResponseId: 'resp_warm', delta: [] });
  });

  it('is full with a typed reason in every other case', () => {
    const fresh = new ContinuationTracker();
    expect(fresh.decide({ fieldsFingerprint, input: [] })).toEqual({ mode: 'full', reason: 'no_previous_response' });
    expect(new ContinuationTracker(true).decide({ fieldsFingerprint, input: [] })).toEqual({ mode: 'full', reason: 'new_connection' });

    const notDrained = new ContinuationTracker();
    notDrained.begin({ fieldsFingerprint, input: [userMessage('a')] });
    expect(notDrained.decide({ fieldsFingerprint, input: [userMessage('a')] })).toEqual({ mode: 'full', reason: 'previous_not_completed' });

    const emptyId = new ContinuationTracker();
    completed(emptyId, [userMessage('a')], [], '');
    expect(emptyId.decide({ fieldsFingerprint, input: [userMessage('a')] })).toEqual({ mode: 'full', reason: 'previous_not_completed' });

    const afterError = new ContinuationTracker();
    completed(afterError, [userMessage('a')], [], 'resp_1');
    afterError.reset();
    expect(afterError.decide({ fieldsFingerprint, input: [userMessage('a')] })).toEqual({ mode: 'full', reason: 'previous_not_completed' });

    const changed = new ContinuationTracker();
    completed(changed, [userMessage('a')], [], 'resp_1');
    const otherFields = fingerprintRequestFields(buildRequestFields(prompt([], { instructions: 'other' }), turnContext(), 'conv'));
    expect(changed.decide({ fieldsFingerprint: otherFields, input: [userMessage('a')] })).toEqual({ mode: 'full', reason: 'request_changed' });
    const otherModel = fingerprintRequestFields(buildRequestFields(prompt([]), turnContext({ reasoningEffort: 'high' }), 'conv'));
    expect(changed.decide({ fieldsFingerprint: otherModel, input: [userMessage('a')] })).toEqual({ mode: 'full', reason: 'request_changed' });

    const notPrefix = new ContinuationTracker();
    completed(notPrefix, [userMessage('a')], [assistantMessage('b')], 'resp_1');
    expect(notPrefix.decide({ fieldsFingerprint, input: [userMessage('a')] })).toEqual({ mode: 'full', reason: 'input_not_extended' });
    expect(notPrefix.decide({ fieldsFingerprint, input: [userMessage('x'), assistantMessage('b')] })).toEqual({ mode: 'full', reason: 'input_not_extended' });
    expect(notPrefix.decide({ fieldsFingerprint, input: [userMessage('a'), userMessage('c')] })).toEqual({ mode: 'full', reason: 'input_not_extended' });
  });

  it('matches a naive deep comparison on arbitrary histories (property)', () => {
    const itemArb = fc.constantFrom('a', 'b', 'c').map((text) => userMessage(text));
    fc.assert(
      fc.property(fc.array(itemArb, { maxLength: 6 }), fc.array(itemArb, { maxLength: 3 }), fc.array(itemArb, { maxLength: 9 }), (input, output, next) => {
        const tracker = new ContinuationTracker();
        completed(tracker, input, output, 'resp_x');
        const expected = [...input, ...output];
        const isPrefix = next.length >= expected.length && expected.every((item, index) => JSON.stringify(item) === JSON.stringify(next[index]));
        const decision = tracker.decide({ fieldsFingerprint, input: next });
        expect(decision.mode).toBe(isPrefix ? 'incremental' : 'full');
        if (decision.mode === 'incremental') expect(decision.delta).toEqual(next.slice(expected.length));
      }),
    );
  });
});

describe('item equality for continuation (CONTINUATION_IGNORED_FIELDS)', () => {
  const streamedReasoning: ResponseItem = { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Looking' }], encrypted_content: 'gAAAA-streamed', status: 'completed' };
  const streamedMessage: ResponseItem = {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    status: 'completed',
    phase: 'final_answer',
    content: [{ type: 'output_text', text: 'done', annotations: [], logprobs: [] }],
  };
  const streamedCall: ResponseItem = { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{}', status: 'completed' };

  it('continues when the caller sends the output back without what the API may or may not echo, keys in another order, nulls for absent fields', () => {
    const tracker = new ContinuationTracker();
    const input = [userMessage('go')];
    completed(tracker, input, [streamedReasoning, streamedMessage, streamedCall], 'resp_1');
    const echoed: ResponseItem[] = [
      { encrypted_content: 'gAAAA-streamed', summary: [{ text: 'Looking', type: 'summary_text' }], type: 'reasoning', content: null } as unknown as ResponseItem,
      { role: 'assistant', type: 'message', phase: 'final_answer', content: [{ annotations: [], text: 'done', type: 'output_text' }], metadata: { turn: 1 } } as unknown as ResponseItem,
      { type: 'function_call', id: '', call_id: 'call_1', name: 'shell', arguments: '{}' },
    ];
    const next = userMessage('more');
    expect(tracker.decide({ fieldsFingerprint, input: [userMessage('go'), ...echoed, next] })).toEqual({ mode: 'incremental', previousResponseId: 'resp_1', delta: [next] });
  });

  it.each<[string, ResponseItem]>([
    ['re-encrypted reasoning', { ...streamedReasoning, encrypted_content: 'gAAAA-completed' }],
    ['other text', { ...streamedMessage, content: [{ type: 'output_text', text: 'Done', annotations: [] }] } as ResponseItem],
    ['another phase', { ...streamedMessage, phase: 'commentary' } as ResponseItem],
    ['other annotations', { ...streamedMessage, content: [{ type: 'output_text', text: 'done', annotations: [{ type: 'url_citation', url: 'https://example.com', title: 't', start_index: 0, end_index: 4 }] }] } as ResponseItem],
  ])('is full when content differs: %s', (_name, replaced) => {
    const tracker = new ContinuationTracker();
    const output = replaced.type === 'reasoning' ? streamedReasoning : streamedMessage;
    completed(tracker, [userMessage('go')], [output], 'resp_1');
    expect(tracker.decide({ fieldsFingerprint, input: [userMessage('go'), replaced, userMessage('more')] })).toEqual({ mode: 'full', reason: 'input_not_extended' });
  });

  it('compares the id of an item reference (typed or not): it is what the reference points at', () => {
    const tracker = new ContinuationTracker();
    completed(tracker, [{ type: 'item_reference', id: 'msg_a' }, { id: 'msg_b' } as ResponseItem], [], 'resp_1');
    expect(tracker.decide({ fieldsFingerprint, input: [{ type: 'item_reference', id: 'msg_x' }, { id: 'msg_b' } as ResponseItem] }).mode).toBe('full');
    expect(tracker.decide({ fieldsFingerprint, input: [{ type: 'item_reference', id: 'msg_a' }, { id: 'msg_x' } as ResponseItem] }).mode).toBe('full');
    expect(tracker.decide({ fieldsFingerprint, input: [{ id: 'msg_a', type: 'item_reference' }, { id: 'msg_b' } as ResponseItem] }).mode).toBe('incremental');
  });

  it('equal canonical texts exactly when items are equal up to the ignored fields, nulls and key order (property)', () => {
    const leaf = fc.oneof(fc.constantFrom('a', 'b'), fc.constantFrom(1, 2), fc.boolean());
    const object = fc.dictionary(fc.constantFrom('text', 'kind', 'value', 'id', 'status', 'logprobs'), leaf, { maxKeys: 3 });
    const item = fc.record({
      type: fc.constantFrom('message', 'reasoning', 'function_call'),
      name: fc.constantFrom('x', 'y'),
      content: fc.array(object, { maxLength: 2 }),
    });
    const noise = fc.record({ id: fc.option(fc.constantFrom('msg_1', 'rs_2', ''), { nil: undefined }), status: fc.option(fc.constantFrom('completed', 'in_progress'), { nil: undefined }), nulls: fc.boolean(), reverse: fc.boolean(), logprobs: fc.boolean() });
    const perturb = (base: Record<string, unknown>, extra: { id: string | undefined; status: string | undefined; nulls: boolean; reverse: boolean; logprobs: boolean }): ResponseItem => {
      const content = (base['content'] as Record<string, unknown>[]).map((part) => {
        const withLogprobs = extra.logprobs ? { ...part, logprobs: [] } : part;
        return extra.reverse ? Object.fromEntries(Object.entries(withLogprobs).reverse()) : withLogprobs;
      });
      const item: Record<string, unknown> = { ...base, content, ...(extra.id === undefined ? {} : { id: extra.id }), ...(extra.status === undefined ? {} : { status: extra.status }), ...(extra.nulls ? { encrypted_content: null } : {}) };
      return (extra.reverse ? Object.fromEntries(Object.entries(item).reverse()) : item) as unknown as ResponseItem;
    };
    const strip = (part: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(part).filter(([key]) => key !== 'logprobs').sort(([a], [b]) => a.localeCompare(b)));
    const sameContent = (a: Record<string, unknown>, b: Record<string, unknown>): boolean =>
      a['type'] === b['type'] && a['name'] === b['name'] && JSON.stringify((a['content'] as Record<string, unknown>[]).map(strip)) === JSON.stringify((b['content'] as Record<string, unknown>[]).map(strip));
    fc.assert(
      fc.property(item, item, noise, noise, (first, second, firstNoise, secondNoise) => {
        const tracker = new ContinuationTracker();
        completed(tracker, [], [perturb(first, firstNoise)], 'resp_1');
        const decision = tracker.decide({ fieldsFingerprint, input: [perturb(second, secondNoise)] });
        expect(decision.mode).toBe(sameContent(first, second) ? 'incremental' : 'full');
      }),
      { numRuns: 500 },
    );
  });
});

describe('chainFingerprint', () => {
  it('extends the same array incrementally and notices a rewritten array', () => {
    const items: ResponseItem[] = [userMessage('a'), userMessage('b')];
    const twoItems = chainFingerprint(items);
    items.push(userMessage('c'));
    expect(chainFingerprint(items, 2)).toBe(twoItems);
    expect(chainFingerprint(items)).not.toBe(twoItems);
    items.length = 1;
    items.push(userMessage('z'));
    expect(chainFingerprint(items)).not.toBe(twoItems);
    expect(chainFingerprint(items)).toBe(chainFingerprint([userMessage('a'), userMessage('z')]));
  });

  it('reuses the chain of a hinted array for the prefix of shared item objects, and only for it', () => {
    const base: ResponseItem[] = [userMessage('a'), userMessage('b'), userMessage('c')];
    chainFingerprint(base);
    const extended = [...base, userMessage('d')];
    expect(chainFingerprint(extended, 4, base)).toBe(chainFingerprint([userMessage('a'), userMessage('b'), userMessage('c'), userMessage('d')]));
    const diverged = [base[0]!, userMessage('x'), base[2]!];
    expect(chainFingerprint(diverged, 3, base)).toBe(chainFingerprint([userMessage('a'), userMessage('x'), userMessage('c')]));
  });

  it('equals a from-scratch fingerprint whatever the mix of copies, appends and rewrites (property)', () => {
    const pool = ['a', 'b', 'c', 'd'].map((text) => userMessage(text));
    const reference = (items: readonly ResponseItem[], length: number): string =>
      chainFingerprint(items.slice(0, length).map((item) => JSON.parse(JSON.stringify(item)) as ResponseItem));
    const step = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), item: fc.nat(3) }),
      fc.record({ kind: fc.constant('copy' as const), item: fc.nat(3) }),
      fc.record({ kind: fc.constant('rewrite' as const), at: fc.nat(20), item: fc.nat(3) }),
      fc.record({ kind: fc.constant('truncate' as const), to: fc.nat(20) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), fc.nat(30), (steps, queryLength) => {
        let current: ResponseItem[] = [];
        let previous: ResponseItem[] | undefined;
        for (const operation of steps) {
          const hint = previous;
          previous = current;
          if (operation.kind === 'append') current.push(pool[operation.item]!);
          else if (operation.kind === 'copy') current = [...current, pool[operation.item]!];
          else if (operation.kind === 'rewrite') {
            current = [...current];
            if (operation.at < current.length) current[operation.at] = userMessage(`x${operation.item}`);
          } else current = current.slice(0, Math.min(operation.to, current.length));
          const length = Math.min(queryLength, current.length);
          expect(chainFingerprint(current, length, hint)).toBe(reference(current, length));
          expect(chainFingerprint(current, current.length, hint)).toBe(reference(current, current.length));
        }
      }),
    );
  });
});
