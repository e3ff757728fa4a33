import { withItemType, type ResponseInputItem, type ResponseItem } from '@modelwire/client';
import { EasyInputMessageSchema, TypelessItemReferenceSchema } from '@modelwire/protocol';
import { InvalidArgumentError } from '@modelwire/transport';

/**
 * The items of a turn's user input: a string becomes one user message with one `input_text`
 * part; an item array is taken as given (copied), with the `type` of easy input messages
 * (`{ role, content }`) and item references (`{ id }`) spelled out.
 *
 * @throws InvalidArgumentError (path `input`, `input[2].type`, `input[0].content`) for an empty
 *   string, an empty array, an item without a string `type` that is not a valid easy message or
 *   reference. (Items with a `type` are checked field by field by the client, before sending.)
 */
export function userInputItems(input: string | readonly ResponseInputItem[]): ResponseItem[] {
  if (typeof input === 'string') {
    if (input.length === 0) throw new InvalidArgumentError({ path: 'input', message: 'must not be empty' });
    return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  }
  if (!Array.isArray(input) || input.length === 0) throw new InvalidArgumentError({ path: 'input', message: 'must be a non-empty string or a non-empty array of items' });
  return input.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null) throw new InvalidArgumentError({ path: `input[${index}]`, message: 'must be an item object' });
    const { type } = item as { type?: unknown };
    if (typeof type === 'string') return item as ResponseItem;
    const typeless = type === undefined || type === null ? ('role' in item || !('id' in item) ? EasyInputMessageSchema : TypelessItemReferenceSchema) : undefined;
    if (typeless === undefined) throw new InvalidArgumentError({ path: `input[${index}].type`, message: 'must be a string (every input item needs a type, unless it is a message with a role)' });
    const checked = typeless.safeParse(item);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const field = issue?.path.map(String).join('.') ?? '';
      throw new InvalidArgumentError({ path: field === '' ? `input[${index}]` : `input[${index}].${field}`, message: issue?.message ?? 'is not a valid item' });
    }
    return withItemType(item as ResponseInputItem);
  });
}
