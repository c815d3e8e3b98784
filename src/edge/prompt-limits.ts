/**
 * Caps on what a prompt may hold, past the body cap: one message's text, and all of the prompt's text.
 * They keep a request that fits in 4 MiB from still being more than any model's context could take, and
 * bound the work of tokenising and featurising it. Past either, 413 names the part at fault.
 */
import { EdgeError } from "./edge-error.ts";
import { messageText, type ChatRequest, type CompletionRequest } from "./openai-request.ts";

/** Most characters in one message's content. */
export const MAX_CONTENT_CHARS = 1_000_000;
/** Most characters in a whole prompt (every message, or every prompt string). */
export const MAX_PROMPT_CHARS = 2_000_000;

/** @throws EdgeError prompt_too_large naming the message or prompt at fault */
export function checkPromptLimits(req: { messages?: ChatRequest["messages"]; prompt?: CompletionRequest["prompt"] }): void {
  let total = 0;
  if (req.messages) {
    for (const [i, m] of req.messages.entries()) {
      const chars = messageText(m).length;
      if (chars > MAX_CONTENT_CHARS) {
        throw new EdgeError("prompt_too_large", `message ${i} has ${chars} characters; at most ${MAX_CONTENT_CHARS}`, `messages.${i}.content`);
      }
      total += chars;
    }
  } else if (typeof req.prompt === "string") {
    total = req.prompt.length;
  } else if (req.prompt && req.prompt.every((p) => typeof p === "string")) {
    total = (req.prompt as string[]).reduce((n, p) => n + p.length, 0);
  }
  if (total > MAX_PROMPT_CHARS) {
    const param = req.messages ? "messages" : "prompt";
    throw new EdgeError("prompt_too_large", `the prompt has ${total} characters; at most ${MAX_PROMPT_CHARS}`, param);
  }
}
