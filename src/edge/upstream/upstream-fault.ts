/**
 * Why an upstream attempt failed. `detail` goes to the decision row and the log (upstream ids and runtime
 * messages are fine there, secrets never reach it); `summary` is all a client is told.
 */

/** The kinds of failure, each with what the proxy does about it. */
export const FAULT_KINDS = {
  /** connection refused, reset or lost before headers */
  connect: { summary: "connection failed", retryable: true, breaker: true },
  /** no response headers within the headers budget */
  headers_timeout: { summary: "no response in time", retryable: false, breaker: true },
  /** the body went silent longer than the idle budget */
  idle_timeout: { summary: "the answer stalled", retryable: false, breaker: true },
  /** the answer did not finish within the total budget */
  deadline: { summary: "the answer took too long", retryable: false, breaker: true },
  /** a 5xx, or an unexpected redirect */
  http: { summary: "the upstream failed", retryable: true, breaker: true },
  /** a 429: the upstream is up but busy */
  busy: { summary: "the upstream is busy", retryable: true, breaker: false },
  /** the upstream refused the edge's own credentials (401/403): a configuration fault, never the client's */
  credentials: { summary: "the upstream is misconfigured", retryable: false, breaker: true },
  /** the upstream's secret is not set in this Worker, or not an allowed name */
  secret: { summary: "the upstream is misconfigured", retryable: false, breaker: false },
  /** the body is not the JSON or SSE it claims to be */
  invalid_body: { summary: "the upstream sent an invalid answer", retryable: false, breaker: true },
  /** the body ended or broke before it was complete */
  cut: { summary: "the answer broke off", retryable: false, breaker: true },
  /** skipped: the upstream's circuit breaker is open */
  circuit_open: { summary: "the upstream is failing", retryable: false, breaker: false },
} as const satisfies Record<string, { summary: string; retryable: boolean; breaker: boolean }>;

export type FaultKind = keyof typeof FAULT_KINDS;

/** A failed attempt's cause. */
export class UpstreamFault extends Error {
  override readonly name = "UpstreamFault";
  constructor(
    readonly kind: FaultKind,
    readonly detail: string,
    /** the upstream's Retry-After, in ms, when it sent one */
    readonly retryAfterMs: number | null = null,
  ) {
    super(detail);
  }

  /** What a client may be told. */
  get summary(): string {
    return FAULT_KINDS[this.kind].summary;
  }
}
