/**
 * The tier's one error type: a closed set of codes, one status table, one OpenAI-shaped body.
 * Handlers throw TierError; server.ts's onError renders it (anything else becomes internal_error).
 */
export const tierErrorStatus = {
  invalid_request: 400,
  context_length_exceeded: 400,
  model_not_found: 404,
  not_found: 404,
  queue_full: 429,
  overloaded: 503,
  shutting_down: 503,
  internal_error: 500,
} as const;

export type TierErrorCode = keyof typeof tierErrorStatus;

/** OpenAI's error `type` for each status family. */
function errorType(status: number): string {
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status === 503) return "service_unavailable_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/** A request failure with an HTTP status, an OpenAI error code and, when one field is to blame, its name. */
export class TierError extends Error {
  readonly status: (typeof tierErrorStatus)[TierErrorCode];

  constructor(
    readonly code: TierErrorCode,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = "TierError";
    this.status = tierErrorStatus[code];
  }

  /** The OpenAI error body: `{ error: { message, type, param, code } }`. */
  toBody(requestId?: string): OpenAIErrorBody {
    return {
      error: { message: this.message, type: errorType(this.status), param: this.param, code: this.code },
      ...(requestId ? { request_id: requestId } : {}),
    };
  }
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
  request_id?: string;
}
