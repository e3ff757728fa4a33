import { ErrorCode, ModelwireError } from '@modelwire/transport';

const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Checks a session id before it becomes part of a file name or a database key.
 *
 * @throws ModelwireError `invalid_argument` unless it is 1–128 letters, digits, `_` or `-`.
 */
export function assertSessionId(sessionId: string): void {
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) {
    throw new ModelwireError(ErrorCode.InvalidArgument, `a session id is 1–128 letters, digits, "_" or "-" (got ${JSON.stringify(String(sessionId).slice(0, 40))})`);
  }
}
