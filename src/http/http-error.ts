// Errors with an HTTP status and a machine-readable code; the one error middleware renders them.
import { ChatError, type ChatErrorCode } from '../chat/chat-error.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Sent as Retry-After: when trying again may work (429, 503). */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS: Record<ChatErrorCode, number> = {
  not_found: 404,
  forbidden: 403,
  banned: 403,
  room_full: 403,
  not_joined: 403,
  invalid: 400,
  conflict: 409,
  wrong_password: 401,
  rate_limited: 429,
  unavailable: 503,
};

export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof ChatError) {
    const retryAfter = err.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(err.retryAfterMs / 1000));
    return new HttpError(STATUS[err.code], err.code, err.message, retryAfter);
  }
  return undefined;
}
