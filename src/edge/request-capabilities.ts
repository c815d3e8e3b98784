/** Which optional capabilities a request uses (src/routing/capabilities.ts), read from its OpenAI fields. */
import type { Capability } from "../routing/capabilities.ts";
import type { RouteRequest } from "./openai-request.ts";

/** A capability the request uses and the field that uses it: the 400's `param` when no model has it. */
export interface CapabilityUse {
  capability: Capability;
  param: string;
}

/** The fields read here, as chat, completion and route requests all may carry them. */
type CapabilityFields = Partial<
  Pick<RouteRequest, "tools" | "tool_choice" | "response_format" | "logprobs" | "top_logprobs" | "messages">
>;

/** Each capability the request uses, once, with the first field that uses it. */
export function capabilityUses(req: CapabilityFields): CapabilityUse[] {
  const uses: CapabilityUse[] = [];
  // tool_choice "none" forbids tool calls, so a model without tools can answer it.
  if (req.tools && req.tools.length > 0) uses.push({ capability: "tools", param: "tools" });
  else if (req.tool_choice != null && req.tool_choice !== "none") uses.push({ capability: "tools", param: "tool_choice" });
  const format = req.response_format?.type;
  if (format === "json_object") uses.push({ capability: "json_mode", param: "response_format" });
  if (format === "json_schema") uses.push({ capability: "json_schema", param: "response_format" });
  const image = firstImagePart(req.messages ?? []);
  if (image) uses.push({ capability: "image_input", param: image });
  // logprobs is chat's boolean or the completions endpoint's count (0 still asks for the sampled token's).
  if (req.logprobs === true || typeof req.logprobs === "number") uses.push({ capability: "logprobs", param: "logprobs" });
  else if (req.top_logprobs != null && req.top_logprobs > 0) uses.push({ capability: "logprobs", param: "top_logprobs" });
  return uses;
}

/** `messages.<i>.content.<j>` of the first image_url part, if any. */
function firstImagePart(messages: NonNullable<RouteRequest["messages"]>): string | null {
  for (const [i, m] of messages.entries()) {
    if (!Array.isArray(m.content)) continue;
    const j = m.content.findIndex((p) => p.type === "image_url");
    if (j >= 0) return `messages.${i}.content.${j}`;
  }
  return null;
}
