import type { Context } from "hono";
import type { z } from "zod";
import { TierError } from "./tier-error.ts";

/**
 * Reads the JSON body and validates it with `schema`; bad JSON or a failed check becomes a 400 that names the
 * first offending field (OpenAI's `param`).
 */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new TierError("invalid_request", "the request body is not valid JSON");
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue && issue.path.length ? issue.path.map(String).join(".") : null;
  const message = issue ? (param ? `${param}: ${issue.message}` : issue.message) : "invalid request";
  throw new TierError("invalid_request", message, param);
}
