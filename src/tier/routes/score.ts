import type { Context } from "hono";
import { scoreSequence } from "../../engine/score.ts";
import type { AppEnv, TierDeps } from "../app-env.ts";
import { chatPromptIds } from "../chat-prompt.ts";
import { findHost } from "../find-host.ts";
import { checkKvCapacity, yieldToEventLoop } from "../generation-response.ts";
import { parseBody } from "../parse-body.ts";
import { ScoreRequestSchema } from "../request-schemas.ts";
import { TierError } from "../tier-error.ts";

/**
 * POST /v1/score: per-token logprobs and mean NLL (nats) of a text or a conversation under one model; the
 * router's calibration reads these as the model's loss on a prompt. Runs under the same scheduler as generation.
 */
export function score(deps: TierDeps) {
  return async function scoreHandler(c: Context<AppEnv>): Promise<Response> {
    const req = await parseBody(c, ScoreRequestSchema);
    const host = findHost(c, deps, req.model);
    const param = req.messages ? "messages" : "text";
    const ids = req.messages ? chatPromptIds(host, req.messages, false) : host.tokenizer.encode(req.text ?? "", { addSpecialTokens: true });
    if (ids.length < 2) throw new TierError("invalid_request", `scoring needs at least 2 tokens; this ${param} has ${ids.length}`, param);
    if (ids.length > host.card.contextLength) {
      throw new TierError("context_length_exceeded", `this ${param} has ${ids.length} tokens; model '${host.id}' has a context of ${host.card.contextLength}`, param);
    }
    checkKvCapacity(host, ids.length, deps.kvTokens, param);
    const slot = await deps.scheduler.acquire(host.id, c.req.raw.signal);
    try {
      const result = await scoreSequence(host.model, ids, (id) => host.tokenizer.decode([id], { skipSpecialTokens: false }), {
        pause: yieldToEventLoop,
      });
      deps.metrics.addTokens(host.id, "prompt", ids.length);
      return c.json({
        object: "score",
        model: host.id,
        tokens: result.tokens,
        mean_nll: result.meanNll,
        scored_tokens: result.scoredTokens,
        usage: { prompt_tokens: ids.length, completion_tokens: 0, total_tokens: ids.length },
      });
    } finally {
      slot.release();
    }
  };
}
