import type { Capability } from "../routing/capabilities.ts";

/**
 * The optional API features the tier's endpoints implement, declared on every card it lists so that the edge
 * sends it no request it would half-answer. None today, each for a reason in the code:
 * - tools, tool_choice, response_format: generation has no tool-call parsing or constrained decoding, so the
 *   request schemas (request-schemas.ts) refuse them past their neutral values;
 * - image_url parts: content must be text parts, and the models are text-only;
 * - logprobs: chat and text completions refuse `logprobs: true`; per-token logprobs exist only on /v1/score,
 *   which the edge does not route to.
 */
export const TIER_CAPABILITIES: readonly Capability[] = [];
