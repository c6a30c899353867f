/**
 * @module embedded/api-error
 * PocketBase's error envelope `{status, message, data}` (tools/router/error.go),
 * so the SDK's ClientResponseError reads our errors unchanged. Messages never
 * carry user input or secrets.
 */

export type FieldError = { code: string; message: string; params?: Record<string, unknown> };
export type ErrorData = Record<string, FieldError | Record<string, unknown>>;

const defaults: Record<number, string> = {
  400: 'Something went wrong while processing your request.',
  401: 'Missing or invalid authentication.',
  403: 'You are not allowed to perform this request.',
  404: "The requested resource wasn't found.",
  413: 'Request entity too large.',
  429: 'Too Many Requests.',
  500: 'Something went wrong while processing your request.',
};

export class ApiError extends Error {
  readonly status: number;
  readonly data: ErrorData;

  constructor(status: number, message?: string, data: ErrorData = {}) {
    super(message ?? defaults[status] ?? defaults[400]!);
    this.status = status;
    this.data = data;
  }

  toJSON(): { data: ErrorData; message: string; status: number } {
    return { data: this.data, message: this.message, status: this.status };
  }
}

export const fieldError = (code: string, message: string, params?: Record<string, unknown>): FieldError =>
  params ? { code, message, params } : { code, message };

/** A validation failure: PocketBase's 400 with per-field errors. */
export class ValidationError extends ApiError {
  constructor(message: string, fields: Record<string, FieldError>) {
    super(400, message, fields);
  }
}
