import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { FlagError } from "../routing/flag-error.ts";
import type { AppEnv } from "./app-env.ts";
import { EdgeError, errorBody } from "./edge-error.ts";
import { errorText, logEvent } from "./log.ts";

/** The app's single onError: every failure leaves in the OpenAI error shape with the right status. */
export function renderError(err: Error, c: Context<AppEnv>): Response {
  const edgeError = toEdgeError(err, c.env.ENVIRONMENT === "development");
  if (edgeError.code === "internal_error") logEvent("error", "internal error", { request_id: c.get("requestId"), error: errorText(err), stack: err.stack });
  if (edgeError.retryAfterS !== null) c.header("retry-after", String(edgeError.retryAfterS));
  return c.json(errorBody(edgeError, c.get("requestId") ?? "none"), edgeError.status as 400);
}

/** Maps anything thrown to an EdgeError; unknown throws become internal_error with no details in production. */
export function toEdgeError(err: unknown, development: boolean): EdgeError {
  if (err instanceof EdgeError) return err;
  if (err instanceof FlagError) return new EdgeError("invalid_flags", err.message, err.param);
  if (err instanceof z.ZodError) {
    const issue = err.issues[0];
    const path = issue ? issue.path.map(String) : [];
    // An unknown key is the parameter at fault, not the object holding it.
    if (issue?.code === "unrecognized_keys" && issue.keys[0]) path.push(issue.keys[0]);
    const param = path.length > 0 ? path.join(".") : null;
    const where = param ? `"${param}": ` : "";
    return new EdgeError("invalid_request", `${where}${issue?.message ?? "invalid request"}`, param);
  }
  if (err instanceof HTTPException && err.status < 500) {
    return new EdgeError("invalid_request", err.message || "invalid request");
  }
  const detail = development && err instanceof Error ? `: ${err.message}` : "";
  return new EdgeError("internal_error", `internal error${detail}`);
}
