/**
 * The edge's one error type: a closed set of codes, one status table, rendered in the OpenAI error shape
 * `{ error: { message, type, param, code } }` by the app's single onError.
 */
import { z } from "zod";

/** Every code the edge answers with, its HTTP status and OpenAI error type. */
export const ERROR_TABLE = {
  invalid_request: { status: 400, type: "invalid_request_error" },
  invalid_flags: { status: 400, type: "invalid_request_error" },
  unknown_policy: { status: 400, type: "invalid_request_error" },
  no_feasible_model: { status: 400, type: "invalid_request_error" },
  model_not_found: { status: 404, type: "invalid_request_error" },
  missing_api_key: { status: 401, type: "authentication_error" },
  invalid_api_key: { status: 401, type: "authentication_error" },
  insufficient_scope: { status: 403, type: "permission_error" },
  missing_admin_token: { status: 401, type: "authentication_error" },
  invalid_admin_token: { status: 403, type: "permission_error" },
  admin_disabled: { status: 403, type: "permission_error" },
  not_found: { status: 404, type: "not_found_error" },
  conflict: { status: 409, type: "invalid_request_error" },
  payload_too_large: { status: 413, type: "invalid_request_error" },
  rate_limit_exceeded: { status: 429, type: "rate_limit_error" },
  prompt_too_large: { status: 413, type: "invalid_request_error" },
  upstream_unavailable: { status: 502, type: "upstream_error" },
  upstream_stream_broken: { status: 502, type: "upstream_error" },
  internal_error: { status: 500, type: "server_error" },
} as const satisfies Record<string, { status: number; type: string }>;

export type EdgeErrorCode = keyof typeof ERROR_TABLE;

/** A failure the client should see, with the parameter at fault when there is one. */
export class EdgeError extends Error {
  override readonly name = "EdgeError";
  constructor(
    readonly code: EdgeErrorCode,
    message: string,
    readonly param: string | null = null,
    /** seconds for a Retry-After header, when waiting would help */
    readonly retryAfterS: number | null = null,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_TABLE[this.code].status;
  }
}

/** The OpenAI error body, plus the request id so a client can quote it. */
export const ErrorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    /** the request field at fault, as a dotted path */
    param: z.string().nullable(),
    code: z.enum(Object.keys(ERROR_TABLE) as [EdgeErrorCode, ...EdgeErrorCode[]]),
    request_id: z.string(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Renders an EdgeError as its JSON body. */
export function errorBody(err: EdgeError, requestId: string): ErrorBody {
  return {
    error: {
      message: err.message,
      type: ERROR_TABLE[err.code].type,
      param: err.param,
      code: err.code,
      request_id: requestId,
    },
  };
}
