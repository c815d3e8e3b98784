import type { GenerationJob } from "./generation-response.ts";
import type { ChatCompletionRequest, CompletionRequest } from "./request-schemas.ts";

/** The sampling, stopping and streaming part of a job, read the same way from chat and text requests. */
export function samplingOf(
  req: ChatCompletionRequest | CompletionRequest,
): Pick<GenerationJob, "temperature" | "topP" | "topK" | "seed" | "stop" | "ignoreEos" | "stream" | "includeUsage"> {
  const stop = req.stop ?? [];
  return {
    // OpenAI's default temperature is 1.
    temperature: req.temperature ?? 1,
    topP: req.top_p ?? null,
    topK: req.top_k ? req.top_k : null,
    seed: req.seed ?? null,
    stop: typeof stop === "string" ? [stop] : stop,
    ignoreEos: req.ignore_eos ?? false,
    stream: req.stream ?? false,
    includeUsage: req.stream_options?.include_usage ?? false,
  };
}
