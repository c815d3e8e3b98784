/**
 * Calls the Worker in-process, the way workerd would, and waits for everything it deferred
 * (ctx.waitUntil: decision rows) before returning, so D1 can be checked right after.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../../src/edge/worker.ts";

/** A finished response: status, headers and the whole body. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** the body parsed as JSON */
  json<T = Record<string, unknown>>(): T;
}

/** How to call: JSON body, API key (Authorization bearer), admin token, extra headers. */
export interface CallOptions {
  method?: string;
  body?: unknown;
  key?: string;
  admin?: boolean;
  headers?: Record<string, string>;
  /** Worker vars to set (a string) or unset (undefined) for this call only, e.g. STORE_PROMPTS */
  vars?: Record<string, string | undefined>;
}

/** Sends one request to the edge. */
export async function call(path: string, opts: CallOptions = {}): Promise<Reply> {
  const headers = new Headers(opts.headers);
  if (opts.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  if (opts.key) headers.set("authorization", `Bearer ${opts.key}`);
  if (opts.admin) headers.set("authorization", `Bearer ${env.ADMIN_TOKEN}`);
  const method = opts.method ?? (opts.body === undefined ? "GET" : "POST");
  const body = opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`http://edge.test${path}`, { method, headers, body }), { ...env, ...opts.vars }, ctx);
  // decoded by hand: res.text() on an NDJSON export makes workerd warn that the body "does not appear to be text"
  const text = new TextDecoder().decode(await res.arrayBuffer());
  await waitOnExecutionContext(ctx);
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: <T>() => JSON.parse(text) as T,
  };
}

/** Calls the admin API and fails the test on a non-2xx answer. */
export async function admin<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
  const reply = await call(`/admin${path}`, { method, body, admin: true });
  if (reply.status >= 300) throw new Error(`${method} /admin${path}: ${reply.status} ${reply.text}`);
  return reply.json<T>();
}

/** The OpenAI error body every failure has. */
export interface ErrorReply {
  error: { message: string; type: string; param: string | null; code: string; request_id: string };
}
