/**
 * @module pages/http-error
 * An error that carries the HTTP status a page should answer with. Errors from
 * extensions and pages with a numeric `status` (like AuthError) are treated
 * the same way; their message is ours, never user input.
 */
export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** The status an error asks for (400–599), or 500; an SDK error without a response (backend unreachable) is a 503. */
export function statusOf(error: unknown): number {
  const { status, name } = (error ?? {}) as { status?: unknown; name?: unknown };
  if (name === 'ClientResponseError' && status === 0) return 503;
  return typeof status === 'number' && status >= 400 && status <= 599 ? status : 500;
}
