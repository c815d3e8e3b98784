import { Template } from "@huggingface/jinja";

/** One chat turn as templates see it. */
export interface TemplateMessage {
  role: string;
  content: string;
}

/** What a chat template is rendered with (the variables transformers' apply_chat_template passes). */
export interface ChatTemplateInput {
  messages: TemplateMessage[];
  /** end with the opening of an assistant turn, so the model writes the reply */
  addGenerationPrompt: boolean;
  bosToken?: string;
  eosToken?: string;
}

/**
 * The template for checkpoints that ship none: ChatML, the format transformers used as its built-in default
 * before it stopped guessing, and the one most open chat models still use. It needs no special tokens in the
 * vocabulary (a byte-level tokenizer spells the markers out), and the demo checkpoints ship it explicitly.
 * Callers decide whether to fall back to it; loadCheckpoint reports a missing template as null.
 */
export const DEFAULT_CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}" +
  "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

const compiled = new Map<string, Template>();

function compile(template: string): Template {
  let t = compiled.get(template);
  if (!t) {
    try {
      t = new Template(template);
    } catch (err) {
      throw new Error(`the chat_template in tokenizer_config.json does not parse: ${err instanceof Error ? err.message : String(err)}`);
    }
    // Models have one template each; the cache stays as small as the set of loaded models.
    compiled.set(template, t);
  }
  return t;
}

/**
 * Renders a Hugging Face chat template with @huggingface/jinja, passing the same variables as transformers'
 * apply_chat_template (messages, add_generation_prompt, bos_token, eos_token). A template that fails to parse,
 * or raises while rendering (e.g. raise_exception on roles out of order), gives an Error naming
 * tokenizer_config.json and the template's own message.
 * @example
 *   renderChatTemplate(DEFAULT_CHAT_TEMPLATE, { messages: [{ role: "user", content: "Hi" }], addGenerationPrompt: true });
 *   // "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
 */
export function renderChatTemplate(template: string, input: ChatTemplateInput): string {
  const t = compile(template);
  try {
    return t.render({
      messages: input.messages.map((m) => ({ role: m.role, content: m.content })),
      add_generation_prompt: input.addGenerationPrompt,
      bos_token: input.bosToken ?? "",
      eos_token: input.eosToken ?? "",
    });
  } catch (err) {
    throw new Error(`the chat_template in tokenizer_config.json failed to render: ${err instanceof Error ? err.message : String(err)}`);
  }
}
