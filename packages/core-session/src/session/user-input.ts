import { withItemType, type ResponseInputItem, type ResponseItem } from '@modelwire/client';
import { InvalidArgumentError } from '@modelwire/transport';

/**
 * The items of a turn's user input: a string becomes one user message with one `input_text`
 * part; an item array is taken as given (copied), with the `type` of easy input messages
 * (`{ role, content }`) and item references (`{ id }`) spelled out.
 *
 * @throws InvalidArgumentError (path `input`, `input[2].type`) for an empty string, an empty
 *   array or an item that is neither an object with a string `type`, nor a message with a
 *   role, nor a reference with an id.
 */
export function userInputItems(input: string | readonly ResponseInputItem[]): ResponseItem[] {
  if (typeof input === 'string') {
    if (input.length === 0) throw new InvalidArgumentError({ path: 'input', message: 'must not be empty' });
    return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  }
  if (!Array.isArray(input) || input.length === 0) throw new InvalidArgumentError({ path: 'input', message: 'must be a non-empty string or a non-empty array of items' });
  return input.map((item: unknown, index) => {
    if (typeof item === 'object' && item !== null) {
      const { type } = item as { type?: unknown };
      if (typeof type === 'string') return item as ResponseItem;
      if ((type === undefined || type === null) && ('role' in item || (type === undefined && 'id' in item))) return withItemType(item as ResponseInputItem);
    }
    throw new InvalidArgumentError({ path: `input[${index}].type`, message: 'must be a string (every input item needs a type, unless it is a message with a role)' });
  });
}
