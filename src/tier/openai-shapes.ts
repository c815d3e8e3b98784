import type { FinishReason } from "../engine/generate.ts";

/** OpenAI's usage block. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** The fixed parts of every object one response carries. */
export interface ResponseIdentity {
  id: string;
  created: number;
  model: string;
}

/** How one endpoint shapes a whole response and its stream chunks (chat and text completions differ only here). */
export interface ResponseShape {
  /** prefix of response ids, as OpenAI's ("chatcmpl-", "cmpl-") */
  idPrefix: string;
  full(who: ResponseIdentity, text: string, finish: FinishReason, usage: Usage): object;
  /** A chunk carrying new text, or the closing chunk (text null, finish set); usage rides on the closing one. */
  chunk(who: ResponseIdentity, text: string | null, finish: FinishReason | null, usage: Usage | null): object;
  /** The chunk that opens a stream, if the endpoint has one (chat announces the assistant role). */
  opening(who: ResponseIdentity): object | null;
  /** The usage-only chunk sent when stream_options.include_usage is set. */
  usageChunk(who: ResponseIdentity, usage: Usage): object;
}

/** Shapes of /v1/chat/completions. */
export const chatShape: ResponseShape = {
  idPrefix: "chatcmpl-",
  full: (who, text, finish, usage) => ({
    ...who,
    object: "chat.completion",
    choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, logprobs: null, finish_reason: finish }],
    usage,
  }),
  chunk: (who, text, finish, usage) => ({
    ...who,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta: text === null ? {} : { content: text }, logprobs: null, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  }),
  opening: (who) => ({
    ...who,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }],
  }),
  usageChunk: (who, usage) => ({ ...who, object: "chat.completion.chunk", choices: [], usage }),
};

/** Shapes of /v1/completions. */
export const textShape: ResponseShape = {
  idPrefix: "cmpl-",
  full: (who, text, finish, usage) => ({
    ...who,
    object: "text_completion",
    choices: [{ index: 0, text, logprobs: null, finish_reason: finish }],
    usage,
  }),
  chunk: (who, text, finish, usage) => ({
    ...who,
    object: "text_completion",
    choices: [{ index: 0, text: text ?? "", logprobs: null, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  }),
  opening: () => null,
  usageChunk: (who, usage) => ({ ...who, object: "text_completion", choices: [], usage }),
};
