/** Calls an edge's admin API: `path` below /admin, an optional JSON body; resolves to the parsed JSON answer. */
export type AdminCall = (method: string, path: string, body?: unknown) => Promise<unknown>;

/** The admin API of the edge at `url` (e.g. http://127.0.0.1:40123), authorised by `adminToken`; a non-2xx answer throws. */
export function adminClient(url: string, adminToken: string): AdminCall {
  return async (method, path, body) => {
    const res = await fetch(`${url}/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /admin${path}: HTTP ${res.status} ${text}`);
    return JSON.parse(text) as unknown;
  };
}
