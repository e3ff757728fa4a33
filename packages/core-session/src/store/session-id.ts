import { InvalidArgumentError } from '@modelwire/transport';

const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Checks a session id before it becomes part of a file name or a database key.
 *
 * @param path the argument's name in the error (`sessionId`, `conversationId`, …).
 * @throws InvalidArgumentError unless it is 1–128 letters, digits, `_` or `-`.
 */
export function assertSessionId(sessionId: string, path = 'sessionId'): void {
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) {
    throw new InvalidArgumentError({ path, message: 'must be a session id: 1–128 letters, digits, "_" or "-"' });
  }
}
