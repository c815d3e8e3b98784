/** Base URLs of the loopback upstreams the global setup starts (each ends in /v1). */
export interface UpstreamUrls {
  /** answers; expects the bearer key sk-upstream-a */
  a: string;
  /** answers; no key */
  b: string;
  /** always 503 */
  failing: string;
  /** always 422 (a client error the edge must pass through, not retry) */
  refusing: string;
  /** always 429 queue_full with retry-after: 1 (the tier's full queue: try another model) */
  busy: string;
  /** waits 5 s before the headers */
  slow: string;
  /** nothing listens */
  down: string;
  /** origin of the fault server (tests/e2e/support/fault-upstream.ts): `<faults>/<fault>/<tag>/v1` */
  faults: string;
}
