import { DEFAULT_CHAT_TEMPLATE, renderChatTemplate } from "../engine/checkpoint/chat-template.ts";
import type { ModelHost } from "../engine/model-host.ts";
import type { ChatMessage } from "./request-schemas.ts";
import { TierError } from "./tier-error.ts";

/** Text of a message: a string, or its text parts joined. */
function contentText(m: ChatMessage): string {
  return typeof m.content === "string" ? m.content : m.content.map((p) => p.text).join("");
}

/** The token string of an id, special tokens kept (chat templates refer to bos_token / eos_token by text). */
function tokenString(host: ModelHost, id: number | null | undefined): string | undefined {
  return id === null || id === undefined ? undefined : host.tokenizer.decode([id], { skipSpecialTokens: false });
}

/**
 * Renders messages with the model's own chat template (as HF apply_chat_template does) and tokenizes the result
 * without adding special tokens again, since the template writes them. A checkpoint without a template (a base
 * model) gets ChatML, so a routed chat request still gets an answer rather than a 400 the edge cannot fall back on.
 */
export function chatPromptIds(host: ModelHost, messages: readonly ChatMessage[], addGenerationPrompt: boolean): number[] {
  let text: string;
  try {
    text = renderChatTemplate(host.chatTemplate ?? DEFAULT_CHAT_TEMPLATE, {
      messages: messages.map((m) => ({ role: m.role, content: contentText(m) })),
      addGenerationPrompt,
      bosToken: tokenString(host, host.tokenizer.bosTokenId),
      eosToken: tokenString(host, host.tokenizer.eosTokenIds[0]),
    });
  } catch (err) {
    // Templates raise on conversations they do not accept (e.g. roles out of order).
    throw new TierError("invalid_request", `chat template of '${host.id}': ${err instanceof Error ? err.message : String(err)}`, "messages");
  }
  return host.tokenizer.encode(text, { addSpecialTokens: false });
}
