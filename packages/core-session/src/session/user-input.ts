import type { ResponseItem } from '@modelwire/client';
import { ErrorCode, ModelwireError } from '@modelwire/transport';

/**
 * The items of a turn's user input: a string becomes one user message with one `input_text`
 * part; an item array is taken as given (copied).
 *
 * @throws ModelwireError `invalid_argument` for an empty string, an empty array or an item
 *   without a string `type`.
 */
export function userInputItems(input: string | readonly ResponseItem[]): ResponseItem[] {
  if (typeof input === 'string') {
    if (input.length === 0) throw new ModelwireError(ErrorCode.InvalidArgument, 'the turn input is empty');
    return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  }
  if (!Array.isArray(input) || input.length === 0) throw new ModelwireError(ErrorCode.InvalidArgument, 'the turn input has no items');
  for (const item of input) {
    if (typeof item !== 'object' || item === null || typeof item.type !== 'string') {
      throw new ModelwireError(ErrorCode.InvalidArgument, 'every input item needs a string `type`');
    }
  }
  return [...input];
}
