// Type-level check of the request options against the official `openai` package's create
// parameters: every body field is either a typed option here or one the client owns, and the
// typed options accept only values the official type accepts. `tsc` fails when a field is added
// to the API types and not here, or when a value type drifts.
import type * as Official from 'openai/resources/responses/responses';
import { describe, expectTypeOf, it } from 'vitest';
import type { Prompt } from './prompt.js';
import type { RequestOptions } from './request-options.js';

/** Body fields the client sets itself (from `TurnContext`, `Prompt` or its own logic). */
type OwnedFields = 'model' | 'input' | 'instructions' | 'tools' | 'tool_choice' | 'parallel_tool_calls' | 'previous_response_id' | 'stream';

/** A type with every `readonly` array made mutable (the official types use plain arrays). */
type Writable<T> = T extends string | number | boolean | bigint | symbol | null | undefined
  ? T
  : T extends readonly (infer Element)[]
    ? Writable<Element>[]
    : { -readonly [Key in keyof T]: Writable<T[Key]> };

/** The option names whose value type is not assignable to the official one (must be none). */
type Drifted = {
  [Key in Exclude<keyof RequestOptions, 'extraBody'>]: Key extends keyof Official.ResponseCreateParamsBase
    ? [Writable<NonNullable<RequestOptions[Key]>>] extends [Official.ResponseCreateParamsBase[Key]]
      ? never
      : Key
    : Key;
}[Exclude<keyof RequestOptions, 'extraBody'>];

/** Fails to compile, naming the drifted options, unless `Names` is `never`. */
type NoneDrifted<Names extends never> = Names;
export type CheckedOptions = NoneDrifted<Drifted>;

describe('RequestOptions against the official ResponseCreateParamsBase', () => {
  it('covers every body field: typed here, or owned by the client', () => {
    expectTypeOf<Exclude<keyof Official.ResponseCreateParamsBase, keyof RequestOptions | OwnedFields>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<keyof RequestOptions, keyof Official.ResponseCreateParamsBase>>().toEqualTypeOf<'extraBody'>();
  });

  it('takes only values the official type takes', () => {
    expectTypeOf<Drifted>().toEqualTypeOf<never>();
    // The check has teeth: a temperature given as text would be reported.
    type Loose = Omit<RequestOptions, 'temperature'> & { readonly temperature?: string };
    type LooseDrift = { [Key in 'temperature']: [NonNullable<Loose[Key]>] extends [Official.ResponseCreateParamsBase[Key]] ? never : Key }['temperature'];
    expectTypeOf<LooseDrift>().toEqualTypeOf<'temperature'>();
  });

  it('tool_choice takes every official choice, and nothing else', () => {
    expectTypeOf<Writable<NonNullable<Prompt['toolChoice']>>>().toExtend<NonNullable<Official.ResponseCreateParamsBase['tool_choice']>>();
    expectTypeOf<NonNullable<Official.ResponseCreateParamsBase['tool_choice']>>().toExtend<NonNullable<Prompt['toolChoice']>>();
  });
});
