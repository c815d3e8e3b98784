import { z } from "zod";

/** Chat roles the tier renders through a model's chat template. */
const RoleSchema = z.enum(["system", "developer", "user", "assistant", "tool"]);

/** Message content: a string, or OpenAI's array of text parts (other part types are refused). */
const ContentSchema = z.union([
  z.string(),
  z.array(z.object({ type: z.literal("text"), text: z.string() })).min(1),
]);

export const ChatMessageSchema = z.object({ role: RoleSchema, content: ContentSchema, name: z.string().optional() });
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

const MessagesSchema = z.array(ChatMessageSchema).min(1, "messages must hold at least one message");

/** Sampling and stopping fields shared by /v1/chat/completions and /v1/completions. */
const samplingFields = {
  model: z.string().min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  /** extension (vLLM, llama.cpp): keep only the k most likely tokens; 0 or absent turns it off */
  top_k: z.number().int().min(0).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(4)]).nullish(),
  n: z.literal(1, { error: "only n = 1 is supported" }).nullish(),
  /** extension (vLLM): keep generating past end-of-sequence tokens until max_tokens or a stop sequence */
  ignore_eos: z.boolean().nullish(),
  user: z.string().nullish(),
  // Fields the tier does not implement: accepted only at their neutral value, so nothing is silently ignored.
  logprobs: z.union([z.literal(false), z.null()], { error: "logprobs are not supported here; use /v1/score" }).optional(),
  presence_penalty: z.literal(0, { error: "presence_penalty is not supported" }).nullish(),
  frequency_penalty: z.literal(0, { error: "frequency_penalty is not supported" }).nullish(),
  tools: z.array(z.unknown()).max(0, { error: "tools are not supported: these models do not call tools" }).nullish(),
  tool_choice: z.literal("none", { error: "tool_choice is not supported: these models do not call tools" }).nullish(),
  response_format: z
    .object({ type: z.literal("text", { error: "only response_format text is supported: there is no JSON-constrained decoding" }) })
    .nullish(),
};

export const ChatCompletionRequestSchema = z.object({
  ...samplingFields,
  messages: MessagesSchema,
  /** the newer name of max_tokens; either may be given */
  max_completion_tokens: z.number().int().min(1).nullish(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;

export const CompletionRequestSchema = z.object({
  ...samplingFields,
  prompt: z.union([
    z.string(),
    z.array(z.string()).length(1, "only one prompt per request is supported"),
    z.array(z.number().int().min(0)).min(1),
  ]),
  echo: z.literal(false, { error: "echo is not supported" }).nullish(),
  suffix: z.null({ error: "suffix is not supported" }).optional(),
});
export type CompletionRequest = z.infer<typeof CompletionRequestSchema>;

export const ScoreRequestSchema = z
  .object({
    model: z.string().min(1),
    /** raw text, tokenized with the tokenizer's special tokens (BOS) as a plain prompt would be */
    text: z.string().min(1).optional(),
    /** a conversation, rendered with the model's chat template (no generation prompt) */
    messages: MessagesSchema.optional(),
  })
  .refine((r) => (r.text === undefined) !== (r.messages === undefined), {
    message: "give exactly one of text or messages",
    path: ["text"],
  });
export type ScoreRequest = z.infer<typeof ScoreRequestSchema>;
