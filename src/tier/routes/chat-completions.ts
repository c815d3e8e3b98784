import type { Context } from "hono";
import type { AppEnv, TierDeps } from "../app-env.ts";
import { chatPromptIds } from "../chat-prompt.ts";
import { findHost } from "../find-host.ts";
import { respondWithGeneration } from "../generation-response.ts";
import { chatShape } from "../openai-shapes.ts";
import { parseBody } from "../parse-body.ts";
import { ChatCompletionRequestSchema } from "../request-schemas.ts";
import { samplingOf } from "../sampling-fields.ts";

/** POST /v1/chat/completions: OpenAI chat completions, JSON or SSE. */
export function chatCompletions(deps: TierDeps) {
  return async function chatCompletionsHandler(c: Context<AppEnv>): Promise<Response> {
    const req = await parseBody(c, ChatCompletionRequestSchema);
    const host = findHost(c, deps, req.model);
    const promptIds = chatPromptIds(host, req.messages, true);
    const maxTokens = req.max_completion_tokens ?? req.max_tokens ?? null;
    return respondWithGeneration(c, deps, { host, promptIds, ...samplingOf(req), maxTokens }, chatShape);
  };
}
