/**
 * A small OpenAI-compatible server on loopback for edge tests and the bench: /v1/chat/completions and
 * /v1/completions, JSON or SSE, with a deterministic reply that names the server, the model it was asked
 * for, whether the expected bearer key arrived, and the last user text; like OpenAI it refuses the edge's
 * own fields (routing, models) with a 400. It can be told to fail (status),
 * to stall (delayMs before the headers), and it remembers the bodies it received.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Request fields only the edge reads (src/edge/openai-request.ts). */
const EDGE_FIELDS = ["routing", "models"];

/** How a test upstream behaves. */
export interface UpstreamOptions {
  /** name shown in replies, e.g. "a" */
  name: string;
  /** bearer key the server expects; replies say auth=ok when it arrived, auth=none otherwise */
  apiKey?: string;
  /** answer every request with this status (e.g. 503) and an error body */
  failWith?: number;
  /** the failure's error code and extra headers, e.g. the tier's "queue_full" with retry-after */
  failCode?: string;
  failHeaders?: Record<string, string>;
  /** with failWith, fail only every n-th completion request (2: every other one, half of them) */
  failEvery?: number;
  /** wait this long before sending headers */
  delayMs?: number;
  /** SSE chunks a streamed reply is cut into */
  streamChunks?: number;
}

/** A running test upstream. */
export interface TestUpstream {
  /** base URL ending in /v1 */
  baseUrl: string;
  port: number;
  /** JSON bodies received, oldest first */
  received: Record<string, unknown>[];
  close(): Promise<void>;
}

/** Starts a test upstream on 127.0.0.1 at a free port (or `port`). */
export async function startTestUpstream(opts: UpstreamOptions, port = 0): Promise<TestUpstream> {
  const received: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    handle(opts, received, req, res).catch((err: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: String(err), type: "server_error", param: null, code: null } }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = (server.address() as AddressInfo).port;
  return { baseUrl: `http://127.0.0.1:${actual}/v1`, port: actual, received, close: () => closeServer(server) };
}

async function handle(
  opts: UpstreamOptions,
  received: Record<string, unknown>[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
  if (res.destroyed) return;
  const path = req.url ?? "";
  if (req.method === "GET" && path === "/v1/models") {
    return json(res, 200, { object: "list", data: [{ id: `${opts.name}-model`, object: "model", created: 0, owned_by: opts.name }] });
  }
  const chat = path === "/v1/chat/completions";
  if (req.method !== "POST" || (!chat && path !== "/v1/completions")) {
    return json(res, 404, { error: { message: `no route ${req.method} ${path}`, type: "invalid_request_error", param: null, code: null } });
  }
  const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
  received.push(body);
  // As OpenAI does, refuse an argument it does not know: the edge's own fields must never reach an upstream.
  const foreign = EDGE_FIELDS.find((f) => f in body);
  if (foreign) {
    const error = { message: `Unrecognized request argument supplied: ${foreign}`, type: "invalid_request_error", param: foreign, code: null };
    return json(res, 400, { error });
  }
  if (opts.failWith && received.length % (opts.failEvery ?? 1) === 0) {
    const error = { message: `upstream ${opts.name} fails on purpose`, type: "server_error", param: null, code: opts.failCode ?? null };
    return json(res, opts.failWith, { error }, opts.failHeaders);
  }
  const model = String(body.model);
  const auth = opts.apiKey !== undefined && req.headers.authorization === `Bearer ${opts.apiKey}` ? "ok" : "none";
  const text = `[${opts.name}] model=${model} auth=${auth} said: ${lastUserText(body)}`;
  const usage = { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 };
  const id = `${chat ? "chatcmpl" : "cmpl"}-${opts.name}-${received.length}`;
  const created = Math.floor(Date.now() / 1000);

  if (body.stream !== true) {
    const choice = chat
      ? { index: 0, message: { role: "assistant", content: text }, finish_reason: "stop", logprobs: null }
      : { index: 0, text, finish_reason: "stop", logprobs: null };
    return json(res, 200, { id, object: chat ? "chat.completion" : "text_completion", created, model, choices: [choice], usage });
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  const parts = splitText(text, opts.streamChunks ?? 4);
  const object = chat ? "chat.completion.chunk" : "text_completion";
  parts.forEach((part, i) => {
    const choice = chat
      ? { index: 0, delta: i === 0 ? { role: "assistant", content: part } : { content: part }, finish_reason: null }
      : { index: 0, text: part, finish_reason: null };
    res.write(`data: ${JSON.stringify({ id, object, created, model, choices: [choice] })}\n\n`);
  });
  const last = chat ? { index: 0, delta: {}, finish_reason: "stop" } : { index: 0, text: "", finish_reason: "stop" };
  res.write(`data: ${JSON.stringify({ id, object, created, model, choices: [last], usage })}\n\n`);
  res.end("data: [DONE]\n\n");
}

function lastUserText(body: Record<string, unknown>): string {
  if (Array.isArray(body.messages)) {
    const user = [...body.messages].reverse().find((m: { role?: string }) => m.role === "user") as
      | { content?: unknown }
      | undefined;
    return typeof user?.content === "string" ? user.content : "";
  }
  return typeof body.prompt === "string" ? body.prompt : "";
}

function splitText(text: string, n: number): string[] {
  const size = Math.ceil(text.length / n);
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts;
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
