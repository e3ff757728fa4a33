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
