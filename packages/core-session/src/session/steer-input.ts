import type { ResponseItem, SteerInput } from '@modelwire/client';
import { SteerMessageSchema } from '@modelwire/protocol';

/**
 * The `response.steer` input for session input items, or `null` when the API would not take
 * them as steering input (anything but user messages of text, image and file parts): such
 * input is sent with the turn's next request instead.
 */
export function steerInputOf(items: readonly ResponseItem[]): SteerInput | null {
  const messages = [];
  for (const item of items) {
    if (item.type !== 'message') return null;
    const { type, role, content } = item as { type: string; role: unknown; content: unknown };
    const message = { type, role, content };
    if (!SteerMessageSchema.safeParse(message).success) return null;
    messages.push(message);
  }
  return messages.length === 0 ? null : (messages as SteerInput);
}
