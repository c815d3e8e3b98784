import type { Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "./app-env.ts";
import { EdgeError } from "./edge-error.ts";

/** Largest JSON body the edge reads (a long chat history fits; a runaway upload does not). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Reads the JSON body and validates it; zod failures surface through onError as 400 invalid_request.
 * The cap counts bytes as they stream in, so a chunked upload with no content-length is cut off at the
 * cap rather than read whole first.
 * @throws EdgeError invalid_request when the body is not UTF-8 JSON, payload_too_large past MAX_BODY_BYTES.
 */
export async function parseJsonBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.infer<S>> {
  const text = await readCapped(c.req.raw, MAX_BODY_BYTES);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EdgeError("invalid_request", "request body must be JSON");
  }
  return schema.parse(value);
}

/** The body as UTF-8 text, refused as soon as it passes `maxBytes`. */
async function readCapped(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw tooLarge();
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const whole = new Uint8Array(bytes);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(whole);
  } catch {
    throw new EdgeError("invalid_request", "request body must be UTF-8");
  }
}

function tooLarge(): EdgeError {
  return new EdgeError("payload_too_large", `request body is larger than ${MAX_BODY_BYTES} bytes`);
}
