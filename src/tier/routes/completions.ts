import type { Context } from "hono";
import type { AppEnv, TierDeps } from "../app-env.ts";
import { findHost } from "../find-host.ts";
import { respondWithGeneration } from "../generation-response.ts";
import { textShape } from "../openai-shapes.ts";
import { parseBody } from "../parse-body.ts";
import { CompletionRequestSchema } from "../request-schemas.ts";
import { samplingOf } from "../sampling-fields.ts";
import { TierError } from "../tier-error.ts";

/** POST /v1/completions: OpenAI text completions from a string prompt (BOS added as the tokenizer does) or token ids. */
export function completions(deps: TierDeps) {
  return async function completionsHandler(c: Context<AppEnv>): Promise<Response> {
    const req = await parseBody(c, CompletionRequestSchema);
    const host = findHost(c, deps, req.model);
    const prompt = Array.isArray(req.prompt) && typeof req.prompt[0] === "string" ? req.prompt[0] : req.prompt;
    let promptIds: number[];
    if (typeof prompt === "string") {
      promptIds = host.tokenizer.encode(prompt, { addSpecialTokens: true });
    } else {
      promptIds = prompt.map(Number);
      const vocab = host.model.facts.vocabSize;
      const bad = promptIds.find((id) => id >= vocab);
      if (bad !== undefined) throw new TierError("invalid_request", `token id ${bad} is outside the vocabulary of '${host.id}' (0..${vocab - 1})`, "prompt");
    }
    if (promptIds.length === 0) throw new TierError("invalid_request", "the prompt has no tokens", "prompt");
    return respondWithGeneration(c, deps, { host, promptIds, ...samplingOf(req), maxTokens: req.max_tokens ?? null }, textShape);
  };
}
