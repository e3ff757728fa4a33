import type { ResponseItem } from '@modelwire/client';
import { InvalidArgumentError } from '@modelwire/transport';

/**
 * The items of a turn's user input: a string becomes one user message with one `input_text`
 * part; an item array is taken as given (copied).
 *
 * @throws InvalidArgumentError (path `input`, `input[2].type`) for an empty string, an empty
 *   array or an item without a string `type`.
 */
export function userInputItems(input: string | readonly ResponseItem[]): ResponseItem[] {
  if (typeof input === 'string') {
    if (input.length === 0) throw new InvalidArgumentError({ path: 'input', message: 'must not be empty' });
    return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  }
  if (!Array.isArray(input) || input.length === 0) throw new InvalidArgumentError({ path: 'input', message: 'must be a non-empty string or a non-empty array of items' });
  input.forEach((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || typeof (item as { type?: unknown }).type !== 'string') {
      throw new InvalidArgumentError({ path: `input[${index}].type`, message: 'must be a string (every input item needs a type)' });
    }
  });
  return [...input];
}
