import { describe, expect, it } from "vitest";
import { DEFAULT_CHAT_TEMPLATE, renderChatTemplate } from "../../../src/engine/checkpoint/chat-template.ts";

const messages = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Hi" },
];

describe("renderChatTemplate", () => {
  it("renders the default ChatML template with and without the generation prompt", () => {
    const base = "<s><|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n";
    expect(renderChatTemplate(DEFAULT_CHAT_TEMPLATE, { messages, addGenerationPrompt: true, bosToken: "<s>" })).toBe(`${base}<|im_start|>assistant\n`);
    expect(renderChatTemplate(DEFAULT_CHAT_TEMPLATE, { messages, addGenerationPrompt: false, bosToken: "<s>" })).toBe(base);
  });

  it("renders a Llama-3-style template with loops, filters, conditionals and eos_token", () => {
    const template =
      "{{ bos_token }}{% for m in messages %}{% if loop.first and m.role != 'system' %}{{ raise_exception('first message must be system') }}{% endif %}" +
      "<|{{ m.role }}|>{{ m.content | trim }}{{ eos_token }}{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";
    const out = renderChatTemplate(template, {
      messages: [{ role: "system", content: " Be brief. " }, messages[1] as { role: string; content: string }],
      addGenerationPrompt: true,
      bosToken: "<bos>",
      eosToken: "<eos>",
    });
    expect(out).toBe("<bos><|system|>Be brief.<eos><|user|>Hi<eos><|assistant|>");
  });

  it("names tokenizer_config.json when the template raises or does not parse", () => {
    const strict = "{% if messages[0].role != 'user' %}{{ raise_exception('conversation must start with user') }}{% endif %}ok";
    expect(() => renderChatTemplate(strict, { messages, addGenerationPrompt: true })).toThrow(
      /^the chat_template in tokenizer_config\.json failed to render: .*conversation must start with user/,
    );
    expect(() => renderChatTemplate("{% for m in messages %}", { messages, addGenerationPrompt: true })).toThrow(
      /^the chat_template in tokenizer_config\.json does not parse/,
    );
  });
});
