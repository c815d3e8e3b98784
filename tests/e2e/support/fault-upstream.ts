/**
 * A misbehaving OpenAI-compatible server on loopback: one server, one fault per URL. An upstream row points
 * at `<base>/<fault>/<tag>/v1`; the tag keeps each test's hit count (GET `<base>/<fault>/<tag>/hits`) apart
 * from the others that share the server. Every fault is a real socket doing the wrong thing, not a stub.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the server does to a POST .../v1/chat/completions or .../v1/completions. */
export const FAULTS = [
  /** a normal answer, JSON or SSE (as asked) */
  "healthy",
  /** 500 with an error body */
  "error500",
  /** 503 with `retry-after: 30` */
  "unavailable",
  /** 429 with `retry-after: 0` (busy now, free in a moment) */
  "busy",
  /** reads the request, never sends headers */
  "hang",
  /** SSE: two good events then the socket is destroyed; JSON: half the declared content-length, then destroyed */
  "cut",
  /** headers, then one byte every 100 ms, for ever */
  "drip",
  /** SSE: one good event, then silence with the socket open; JSON: headers, then silence */
  "stall",
  /** 200 application/json whose body is not JSON */
  "invalid-json",
  /** 200 text/event-stream whose first event's data is not JSON */
  "invalid-sse",
  /** SSE events every 20 ms, never [DONE], never ends */
  "endless",
  /** 200 text/event-stream that ends at once with no event */
  "empty-sse",
  /** 400 whose message quotes the Authorization header it got (as careless servers do) */
  "echo-auth-400",
  /** 401 whose message quotes the Authorization header it got */
  "echo-auth-401",
] as const;
export type Fault = (typeof FAULTS)[number];

/** A running fault server. */
export interface FaultUpstream {
  /** http://127.0.0.1:<port>, without a path */
  origin: string;
  close(): Promise<void>;
}

/** Starts the fault server on 127.0.0.1 at a free port. */
export async function startFaultUpstream(): Promise<FaultUpstream> {
  const hits = new Map<string, number>();
  const open = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    open.add(res);
    res.on("close", () => open.delete(res));
    handle(req, res, hits, timers).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => {
      for (const t of timers) clearInterval(t);
      for (const res of open) res.destroy();
      return closeServer(server);
    },
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, hits: Map<string, number>, timers: Set<NodeJS.Timeout>) {
  const [, fault, tag, rest] = /^\/([^/]+)\/([^/]+)\/(.*)$/.exec(req.url ?? "") ?? [];
  const key = `${fault}/${tag}`;
  if (req.method === "GET" && rest === "hits") return send(res, 200, { hits: hits.get(key) ?? 0 });
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (req.method !== "POST" || (rest !== "v1/chat/completions" && rest !== "v1/completions")) {
    return send(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: "invalid_request_error", param: null, code: null } });
  }
  hits.set(key, (hits.get(key) ?? 0) + 1);
  const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { stream?: boolean; model?: string };
  const chat = rest === "v1/chat/completions";
  const stream = body.stream === true;
  const every = (ms: number, fn: () => void) => {
    const t = setInterval(() => (res.destroyed ? clearInterval(t) : fn()), ms);
    timers.add(t);
    res.on("close", () => clearInterval(t));
  };
  const error = (message: string) => ({ error: { message, type: "server_error", param: null, code: null } });

  switch (fault as Fault) {
    case "healthy":
      if (!stream) return send(res, 200, completion(chat, body.model, `[${tag}] fine`));
      sseHead(res);
      for (const part of ["[", tag ?? "", "] fine"]) res.write(sseEvent(chunk(chat, body.model, part)));
      res.write(sseEvent({ ...chunk(chat, body.model, ""), usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 } }));
      return res.end("data: [DONE]\n\n");
    case "error500":
      return send(res, 500, error("internal failure on purpose"));
    case "unavailable":
      return send(res, 503, error("down for maintenance"), { "retry-after": "30" });
    case "busy":
      return send(res, 429, error("queue full"), { "retry-after": "0" });
    case "hang":
      return; // the socket stays open and silent until the client gives up
    case "cut": {
      if (!stream) {
        const whole = JSON.stringify(completion(chat, body.model, "this answer is cut short"));
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(whole) });
        res.write(whole.slice(0, whole.length / 2));
        return setTimeout(() => res.destroy(), 20);
      }
      sseHead(res);
      res.write(sseEvent(chunk(chat, body.model, "partial ")));
      res.write(sseEvent(chunk(chat, body.model, "answer")));
      return setTimeout(() => res.destroy(), 20);
    }
    case "drip":
      res.writeHead(200, { "content-type": stream ? "text/event-stream" : "application/json" });
      res.flushHeaders();
      return every(100, () => res.write(stream ? ":" : " "));
    case "stall":
      if (!stream) {
        res.writeHead(200, { "content-type": "application/json" });
        return res.flushHeaders();
      }
      sseHead(res);
      return res.write(sseEvent(chunk(chat, body.model, "then nothing")));
    case "invalid-json":
      res.writeHead(200, { "content-type": "application/json" });
      return res.end("<html>502 Bad Gateway</html>");
    case "invalid-sse":
      sseHead(res);
      res.write("data: {this is not json\n\n");
      return res.end("data: [DONE]\n\n");
    case "endless":
      sseHead(res);
      return every(20, () => res.write(sseEvent(chunk(chat, body.model, "more "))));
    case "empty-sse":
      sseHead(res);
      return res.end();
    case "echo-auth-400":
      return send(res, 400, error(`bad request from ${req.headers.authorization ?? "nobody"}`));
    case "echo-auth-401":
      return send(res, 401, error(`Incorrect API key provided: ${req.headers.authorization ?? "none"}`));
    default:
      return send(res, 404, error(`unknown fault ${fault}`));
  }
}

function completion(chat: boolean, model: string | undefined, text: string) {
  const choice = chat
    ? { index: 0, message: { role: "assistant", content: text }, finish_reason: "stop", logprobs: null }
    : { index: 0, text, finish_reason: "stop", logprobs: null };
  const usage = { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 };
  return { id: "cmpl-fault", object: chat ? "chat.completion" : "text_completion", created: 0, model, choices: [choice], usage };
}

function chunk(chat: boolean, model: string | undefined, text: string) {
  const choice = chat ? { index: 0, delta: { content: text }, finish_reason: null } : { index: 0, text, finish_reason: null };
  return { id: "cmpl-fault", object: chat ? "chat.completion.chunk" : "text_completion", created: 0, model, choices: [choice] };
}

function sseHead(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.flushHeaders();
}

function sseEvent(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

function send(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
