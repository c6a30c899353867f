/**
 * @module pocketbase/response-error
 * Reads the SDK's `ClientResponseError` without trusting its shape: which
 * status it carries, whether the backend was unreachable, and the field errors
 * PocketBase puts under `response.data`.
 */
import { ClientResponseError } from 'pocketbase';

export function isResponseError(error: unknown): error is ClientResponseError {
  return error instanceof ClientResponseError;
}

/** True when the backend could not be reached, timed out, or failed (5xx). */
export function isBackendDown(error: unknown): boolean {
  return isResponseError(error) && (error.status === 0 || error.status >= 500);
}

/** The field errors of a 400 answer, as `{ field: { code, message } }`. */
export function fieldErrors(error: ClientResponseError): Record<string, { code: string; message: string }> {
  const data: unknown = error.response?.['data'];
  const out: Record<string, { code: string; message: string }> = {};
  if (typeof data !== 'object' || data === null) return out;
  for (const [field, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null) continue;
    const { code, message } = value as { code?: unknown; message?: unknown };
    if (typeof code === 'string') out[field] = { code, message: typeof message === 'string' ? message : '' };
  }
  return out;
}

/** The backend's message of an error answer ('' when there is none). */
export function responseMessage(error: ClientResponseError): string {
  const message: unknown = error.response?.['message'];
  return typeof message === 'string' ? message : '';
}
