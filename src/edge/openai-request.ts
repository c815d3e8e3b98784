/**
 * The request bodies the edge reads. Only the fields routing needs are checked. Unknown fields policy: on
 * the generation endpoints every other top-level field passes through to the upstream untouched (loose
 * objects), since OpenAI adds fields often and OpenAI-compatible servers take their own (vLLM's `top_k`);
 * the body cap bounds them; `routing` and `models` are the edge's own and are never forwarded. /v1/route,
 * /v1/feedback and /admin are strict: an unknown field is a 400 naming it.
 */
import { z } from "zod";

/** Most messages in a chat, and most prompts (or token ids) in a completion request. */
export const MAX_MESSAGES = 1_000;
/** Most ids in a request's `models` list. */
export const MAX_LISTED_MODELS = 32;

const tokenLimit = z.number().int().positive().nullable().optional();
const ContentPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });
const MessageSchema = z.looseObject({
  role: z.string().min(1),
  content: z.union([z.string(), z.array(ContentPartSchema), z.null()]).optional(),
});
const tooMany = { message: `at most ${MAX_MESSAGES} items` };
const PromptSchema = z.union([
  z.string(),
  z.array(z.string()).min(1).max(MAX_MESSAGES, tooMany),
  z.array(z.number().int()).min(1),
  z.array(z.array(z.number().int()).min(1)).min(1).max(MAX_MESSAGES, tooMany),
]);
const MessagesSchema = z.array(MessageSchema).min(1).max(MAX_MESSAGES, { message: `at most ${MAX_MESSAGES} messages` });

/**
 * OpenRouter's `models`: model ids in order of preference (src/routing/model-list.ts). Every problem is
 * reported on `models` itself, not on an item, so the 400 names the field the client got wrong.
 */
const ModelListSchema = z
  .array(z.unknown())
  .min(1)
  .max(MAX_LISTED_MODELS)
  .refine((ids): ids is string[] => ids.every((id) => typeof id === "string" && id !== ""), "every item must be a model id (a non-empty string)")
  .refine((ids) => new Set(ids).size === ids.length, "a model id is listed twice");

// Request fields that use an optional capability (src/edge/request-capabilities.ts); checked only as far as
// telling whether they are in use, the rest passes through to the upstream.
const chatCapabilityFields = {
  tools: z.array(z.looseObject({ type: z.string() })).nullable().optional(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).nullable().optional(),
  response_format: z.looseObject({ type: z.string() }).nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).nullable().optional(),
};
/** /v1/completions' logprobs: how many top tokens to return per position (0 = the sampled token's only). */
const completionLogprobs = z.number().int().min(0).nullable().optional();

/** POST /v1/chat/completions */
export const ChatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: MessagesSchema,
  stream: z.boolean().nullable().optional(),
  max_tokens: tokenLimit,
  max_completion_tokens: tokenLimit,
  ...chatCapabilityFields,
  /** routing flags (src/routing/flags.ts), validated by the routing core */
  routing: z.unknown().optional(),
  models: ModelListSchema.optional(),
});
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

/** POST /v1/completions */
export const CompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  prompt: PromptSchema,
  // A field of the other endpoint would otherwise pass through and be read as the prompt.
  messages: z.undefined({ error: "a completion request takes prompt, not messages (use /v1/chat/completions)" }).optional(),
  stream: z.boolean().nullable().optional(),
  max_tokens: tokenLimit,
  logprobs: completionLogprobs,
  routing: z.unknown().optional(),
  models: ModelListSchema.optional(),
});
export type CompletionRequest = z.infer<typeof CompletionRequestSchema>;

/** POST /v1/route: a chat or a completion request, minus what only matters for generating. */
export const RouteRequestSchema = z
  .object({
    model: z.string().min(1).default("auto"),
    messages: MessagesSchema.optional(),
    prompt: PromptSchema.optional(),
    max_tokens: tokenLimit,
    max_completion_tokens: tokenLimit,
    ...chatCapabilityFields,
    // chat's boolean or the completions endpoint's count, as the request being routed would send it
    logprobs: z.union([z.boolean(), z.number().int().min(0)]).nullable().optional(),
    routing: z.unknown().optional(),
    models: ModelListSchema.optional(),
  })
  .strict()
  .refine((r) => (r.messages === undefined) !== (r.prompt === undefined), {
    message: "give exactly one of messages and prompt",
    path: ["messages"],
  });
export type RouteRequest = z.infer<typeof RouteRequestSchema>;

/** Generated tokens assumed for cost estimates when the request sets no limit. */
export const DEFAULT_MAX_TOKENS = 256;

/** The prompt as routing sees it: text for the quality predictor, token counts for the cost model. */
export interface PromptView {
  text: string;
  promptTokens: number;
  maxTokens: number;
}

/** The prompt of a chat, completion or route request. */
export function promptView(
  req: { messages?: ChatRequest["messages"]; prompt?: CompletionRequest["prompt"] } & {
    max_tokens?: number | null;
    max_completion_tokens?: number | null;
  },
  estimateTokens: (text: string) => number,
): PromptView {
  const maxTokens = req.max_completion_tokens ?? req.max_tokens ?? DEFAULT_MAX_TOKENS;
  if (req.messages) {
    const text = req.messages.map(messageText).join("\n");
    return { text, promptTokens: estimateTokens(text), maxTokens };
  }
  const prompt = req.prompt ?? "";
  if (typeof prompt === "string") return { text: prompt, promptTokens: estimateTokens(prompt), maxTokens };
  if (prompt.every((p) => typeof p === "string")) {
    const text = prompt.join("\n");
    return { text, promptTokens: estimateTokens(text), maxTokens };
  }
  // Pre-tokenised prompts: the count is exact; there is no text for the predictor.
  const tokens = prompt.reduce<number>((n, p) => n + (Array.isArray(p) ? p.length : 1), 0);
  return { text: "", promptTokens: tokens, maxTokens };
}

/** The text of one message: its string content, or its parts' text joined by spaces. */
export function messageText(m: ChatRequest["messages"][number]): string {
  if (typeof m.content === "string") return m.content;
  if (Array.isArray(m.content)) return m.content.map((p) => p.text ?? "").join(" ");
  return "";
}
