"""Makes tiny random-init HF checkpoints of every architecture the tier serves, plus reference outputs.

Run on the GPU machine (it has torch + transformers; this one has none):
    python3 scripts/reference/make_reference.py <out_dir>
Everything runs on CPU in fp32 (TF32 off) so the reference is the plain HF eager path.

Each fixture dir: config.json, model.safetensors (or shards + index), tokenizer.json, tokenizer_config.json,
reference.json = {input_ids, logits (every position, fp32), mean_nll, greedy: {prompt_ids, new_ids}}.
"""
import json, math, os, sys
import torch
import transformers
from tokenizers import Tokenizer, models, pre_tokenizers, decoders, trainers

torch.backends.cuda.matmul.allow_tf32 = False
torch.set_default_dtype(torch.float32)

CORPUS = [
    "State space models keep a constant state while attention keeps every key and value it has seen.",
    "The router reads the prompt, predicts how well each model will answer, and adds the cost of running it.",
    "Mamba scans the sequence with an input-dependent recurrence; Llama attends over all previous tokens.",
    "A hybrid model interleaves a few attention layers between many state space layers.",
    "Short prompts are cheap everywhere, long prompts are where the architectures part ways.",
    "The quick brown fox jumps over the lazy dog. 0123456789 !?,.;:'\"()[]{}",
] * 20
CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
TEXT = "Long prompts are where Mamba and Llama part ways: attention grows, the state does not."


def make_tokenizer(vocab_size=320):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(CORPUS, trainer)
    return tok


def perturb(model, seed):
    # HF init leaves norms at 1 and biases at 0; noise makes a missing norm or bias show in the logits.
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, p in model.named_parameters():
            if p.ndim == 1:
                p.add_(torch.randn(p.shape, generator=g) * 0.1)


def configs(V):
    C = transformers
    common = dict(vocab_size=V, bos_token_id=0, eos_token_id=0, pad_token_id=0)
    return {
        "mamba": C.MambaConfig(hidden_size=64, state_size=16, num_hidden_layers=2, expand=2, conv_kernel=4,
                               time_step_rank=8, use_bias=False, use_conv_bias=True, initializer_range=0.1,
                               tie_word_embeddings=True, use_mambapy=False, **common),
        "mamba2": C.Mamba2Config(hidden_size=64, num_heads=8, head_dim=16, expand=2, state_size=16, n_groups=2,
                                 conv_kernel=4, chunk_size=8, num_hidden_layers=2, use_bias=False,
                                 use_conv_bias=True, initializer_range=0.1, tie_word_embeddings=False,
                                 time_step_limit=(0.0, float("inf")), **common),
        "llama": C.LlamaConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=8,
                               num_key_value_heads=2, head_dim=8, max_position_embeddings=256,
                               initializer_range=0.1, tie_word_embeddings=False, **common),
        "llama-rope-llama3": C.LlamaConfig(
            hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=1, max_position_embeddings=256, initializer_range=0.1, tie_word_embeddings=True,
            rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0, "low_freq_factor": 1.0,
                             "high_freq_factor": 4.0, "original_max_position_embeddings": 16}, **common),
        "llama-partial-rotary": C.LlamaConfig(
            hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, max_position_embeddings=256, initializer_range=0.1, tie_word_embeddings=False,
            partial_rotary_factor=0.5, **common),
        "bamba": C.BambaConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=4, num_attention_heads=4,
                               num_key_value_heads=2, attn_layer_indices=[1, 3], mamba_n_heads=8, mamba_d_head=16,
                               mamba_n_groups=1, mamba_d_state=16, mamba_d_conv=4, mamba_expand=2,
                               mamba_chunk_size=8, mamba_conv_bias=True, mamba_proj_bias=False,
                               max_position_embeddings=256, initializer_range=0.1, tie_word_embeddings=False,
                               **common),
        "jamba": C.JambaConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=4, num_attention_heads=4,
                               num_key_value_heads=2, num_experts=4, num_experts_per_tok=2, expert_layer_period=2,
                               expert_layer_offset=1, attn_layer_period=4, attn_layer_offset=2,
                               mamba_d_state=16, mamba_d_conv=4, mamba_expand=2, mamba_dt_rank=8,
                               mamba_conv_bias=True, mamba_proj_bias=False, use_mamba_kernels=False,
                               max_position_embeddings=256, initializer_range=0.1, tie_word_embeddings=False,
                               **common),
    }


def reference(model, ids):
    x = torch.tensor([ids])
    with torch.no_grad():
        logits = model(x).logits[0].float()
        logp = torch.log_softmax(logits.double(), -1)
        nll = -logp[:-1].gather(1, x[0, 1:, None]).mean().item()
        prompt = ids[:10]
        out = model.generate(torch.tensor([prompt]), max_new_tokens=16, do_sample=False, min_new_tokens=16,
                             pad_token_id=0, eos_token_id=None)
    return {
        "input_ids": ids,
        "logits": [[float(f"{v:.9g}") for v in row] for row in logits.tolist()],
        "mean_nll": nll,
        "greedy": {"prompt_ids": prompt, "new_ids": out[0, len(prompt):].tolist()},
    }


def save(name, model, tok, out, ids, **save_kw):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    model.save_pretrained(d, **save_kw)
    tok.save(os.path.join(d, "tokenizer.json"))
    with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
        json.dump({"bos_token": "<|endoftext|>", "eos_token": "<|im_end|>", "chat_template": CHAT_TEMPLATE,
                   "model_max_length": 256}, f, indent=2)
    # Reload from disk in fp32 so the reference is what the files say, whatever dtype they hold.
    cls = getattr(transformers, json.load(open(os.path.join(d, "config.json")))["architectures"][0])
    m = cls.from_pretrained(d, dtype=torch.float32).eval()
    with open(os.path.join(d, "reference.json"), "w") as f:
        json.dump(reference(m, ids), f)
    print(name, "ok", sorted(os.listdir(d)), flush=True)


def main(out):
    print("torch", torch.__version__, "transformers", transformers.__version__)
    tok = make_tokenizer()
    V = tok.get_vocab_size()
    ids = tok.encode(TEXT).ids[:37]
    print("vocab", V, "ids", len(ids))
    for i, (name, cfg) in enumerate(configs(V).items()):
        try:
            torch.manual_seed(1000 + i)
            cls = getattr(transformers, cfg.__class__.__name__.replace("Config", "ForCausalLM"))
            model = cls(cfg).eval()
            perturb(model, 2000 + i)
            save(name, model, tok, out, ids)
            if name == "llama":
                save("llama-bf16", model.to(torch.bfloat16), tok, out, ids)
                model = model.float()
                save("llama-f16", model.to(torch.float16), tok, out, ids)
            if name == "jamba":
                save("jamba-sharded", model, tok, out, ids, max_shard_size="200KB")
        except Exception as e:  # one architecture failing must not hide the others' references
            print(name, "FAILED", type(e).__name__, e, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
