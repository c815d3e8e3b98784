import type { Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "./app-env.ts";
import { EdgeError } from "./edge-error.ts";

/** Largest JSON body the edge reads (a long chat history fits; a runaway upload does not). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Reads the JSON body and validates it; zod failures surface through onError as 400 invalid_request.
 * @throws EdgeError invalid_request when the body is not JSON, payload_too_large past MAX_BODY_BYTES.
 */
export async function parseJsonBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.infer<S>> {
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) throw tooLarge();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EdgeError("invalid_request", "request body must be JSON");
  }
  return schema.parse(value);
}

function tooLarge(): EdgeError {
  return new EdgeError("payload_too_large", `request body is larger than ${MAX_BODY_BYTES} bytes`);
}
