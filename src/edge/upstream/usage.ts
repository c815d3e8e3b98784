/** Token usage as upstreams report it: the `usage` object of a JSON answer or of an SSE chunk. */

/** Token usage as the upstream reported it. */
export interface Usage {
  tokensIn: number | null;
  tokensOut: number | null;
}

/** An empty usage, filled in as the answer is read. */
export function noUsage(): Usage {
  return { tokensIn: null, tokensOut: null };
}

/** Copies the token counts of a parsed answer or chunk into `into` (left as they are when it has none). */
export function readUsage(parsed: unknown, into: Usage): Usage {
  if (typeof parsed !== "object" || parsed === null || !("usage" in parsed)) return into;
  const u = parsed.usage;
  if (typeof u !== "object" || u === null) return into;
  if ("prompt_tokens" in u && typeof u.prompt_tokens === "number") into.tokensIn = u.prompt_tokens;
  if ("completion_tokens" in u && typeof u.completion_tokens === "number") into.tokensOut = u.completion_tokens;
  return into;
}
