// Errors the chat domain raises as values with a machine-readable code; the HTTP layer and the
// socket layer each translate the code into their own shape (status, or error frame).
export { isDatabaseUnavailable } from '../store/db-errors.js';
export { isDiskFull } from '../store/disk-full.js';

export type ChatErrorCode =
  | 'not_found'
  | 'forbidden'
  /** The owner removed this person from the room; they may not come back. */
  | 'banned'
  | 'room_full'
  /** Posting needs a place in the room (the page open, a socket joined). */
  | 'not_joined'
  | 'invalid'
  | 'conflict'
  | 'wrong_password'
  /** Too many sends in a short time; `retryAfterMs` says when the next one will be taken. */
  | 'rate_limited'
  | 'unavailable';

export class ChatError extends Error {
  constructor(
    readonly code: ChatErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ChatError';
  }
}
