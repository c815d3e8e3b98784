"""Trains the demo library: one small expert per domain, each of a different architecture, plus a generalist.

Run on the GPU machine (torch + transformers + tokenizers; this one has none), on a corpus built here:
    npx tsx src/cli/main.ts demo corpus --max-domain-mb 6 --out .build/corpus
    tar czf .build/corpus.tgz -C .build corpus                     # carried to the device
    python3 scripts/experts/train_experts.py --corpus .build/corpus --out $OUT/experts
What it writes, per expert: an HF directory the tier loads unchanged (config.json, model.safetensors in bf16,
tokenizer.json + tokenizer_config.json shared by all, switchyard-card.json), and train-report.json beside them:
steps, tokens seen, the loss curve, and every expert's held-out loss on every domain.

One byte-level BPE, trained on the mix of the train splits, serves every expert, so their losses on a prompt are
comparable (nats per token of the same tokens): what the router is trained to predict.
"""
import argparse, importlib.util, json, math, os, random, sys, time
import torch
import transformers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

DOMAINS = ["code", "python", "prose", "legal"]
SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
RELEASED = "2026-12-02"
# Without mamba_ssm's kernels HF's Mamba-1 trains through a Python loop over the sequence; mamba.py's parallel
# scan is much faster where that package is installed.
MAMBAPY = importlib.util.find_spec("mambapy") is not None
# Total bf16 bytes the committed library may take (issue 10: the tree travels to the GPU machine within 64 MiB).
MAX_LIBRARY_BYTES = 16 * 1024 * 1024


def read_docs(corpus, domain, split):
    with open(os.path.join(corpus, domain, f"{split}.jsonl"), encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f]


def make_tokenizer(texts, vocab_size):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer)
    return tok


def token_stream(tok, texts):
    """Every document's ids, each followed by <|endoftext|>, as one tensor."""
    eot = tok.token_to_id("<|endoftext|>")
    ids = []
    for enc in tok.encode_batch(texts):
        ids.extend(enc.ids)
        ids.append(eot)
    return torch.tensor(ids, dtype=torch.long)


def configs(V, seq):
    C = transformers
    common = dict(vocab_size=V, bos_token_id=0, eos_token_id=2, pad_token_id=0, tie_word_embeddings=True)
    # Sized so the five fit MAX_LIBRARY_BYTES in bf16 (~1.4-1.7M parameters each, 0.5M of them the shared-size
    # embedding), and answer at well over 20 tokens/s on the CPU backend.
    llama = dict(hidden_size=128, intermediate_size=384, num_hidden_layers=5, num_attention_heads=4,
                 num_key_value_heads=2, head_dim=32, max_position_embeddings=4 * seq, rope_theta=10000.0, **common)
    return {
        "sy-code-llama": ("code", C.LlamaConfig(**llama)),
        "sy-python-mamba": ("python", C.MambaConfig(hidden_size=128, state_size=16, num_hidden_layers=8, expand=2,
                                                    conv_kernel=4, time_step_rank=8, use_bias=False,
                                                    use_conv_bias=True, use_mambapy=MAMBAPY, **common)),
        "sy-prose-bamba": ("prose", C.BambaConfig(hidden_size=128, intermediate_size=256, num_hidden_layers=6,
                                                  num_attention_heads=4, num_key_value_heads=2,
                                                  attn_layer_indices=[2, 5], mamba_n_heads=8, mamba_d_head=32,
                                                  mamba_n_groups=1, mamba_d_state=32, mamba_d_conv=4,
                                                  mamba_expand=2, mamba_chunk_size=64, mamba_conv_bias=True,
                                                  mamba_proj_bias=False, max_position_embeddings=4 * seq,
                                                  **common)),
        "sy-legal-mamba2": ("legal", C.Mamba2Config(hidden_size=128, num_heads=8, head_dim=32, expand=2,
                                                    state_size=32, n_groups=1, conv_kernel=4, chunk_size=64,
                                                    num_hidden_layers=8, use_bias=False, use_conv_bias=True,
                                                    time_step_limit=(0.0, float("inf")), **common)),
        "sy-general-llama": ("mix", C.LlamaConfig(**llama)),
    }


def batches(stream, seq, batch, gen):
    """Random windows of seq+1 tokens, forever."""
    n = stream.numel() - seq - 1
    while True:
        starts = torch.randint(0, n, (batch,), generator=gen)
        yield torch.stack([stream[s:s + seq + 1] for s in starts.tolist()])


@torch.no_grad()
def heldout_loss(model, stream, seq, device, max_tokens):
    """Mean NLL (nats/token) over consecutive windows of the held-out stream, up to max_tokens."""
    model.eval()
    total, count = 0.0, 0
    usable = min(stream.numel() - 1, max_tokens)
    for start in range(0, usable - seq, seq):
        x = stream[start:start + seq + 1].to(device)[None]
        with torch.autocast("cuda", dtype=torch.bfloat16):
            logits = model(x[:, :-1]).logits.float()
        total += torch.nn.functional.cross_entropy(logits[0], x[0, 1:], reduction="sum").item()
        count += seq
    model.train()
    return total / max(count, 1)


def train(name, cfg, stream, args, device, gen):
    torch.manual_seed(args.seed)
    cls = getattr(transformers, cfg.__class__.__name__.replace("Config", "ForCausalLM"))
    model = cls(cfg).to(device)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)
    warmup = max(1, args.steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(s, args.steps) / args.steps)))
    curve, started, step = [], time.time(), 0
    source = batches(stream, args.seq, args.batch, gen)
    for step in range(1, args.steps + 1):
        x = next(source).to(device, non_blocking=True)
        with torch.autocast("cuda", dtype=torch.bfloat16):
            logits = model(x[:, :-1]).logits
        loss = torch.nn.functional.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), x[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % args.log_every == 0 or step == 1:
            curve.append({"step": step, "loss": round(loss.item(), 4), "s": round(time.time() - started, 1)})
            print(name, curve[-1], flush=True)
        if time.time() - started > args.max_seconds:
            print(name, f"stopped at step {step}: past --max-seconds {args.max_seconds}", flush=True)
            break
    return model, {"params": params, "steps": step, "tokens_seen": step * args.batch * args.seq,
                   "seconds": round(time.time() - started, 1), "curve": curve, "stopped_early": step < args.steps}


def save(name, domain, model, tok, out):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    if hasattr(model.config, "use_mambapy"):
        model.config.use_mambapy = False  # a training-only path; serving never reads it
    model.to(torch.bfloat16).save_pretrained(d)
    tok.save(os.path.join(d, "tokenizer.json"))
    with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
        json.dump({"bos_token": "<|endoftext|>", "eos_token": "<|im_end|>", "chat_template": CHAT_TEMPLATE,
                   "model_max_length": model.config.max_position_embeddings
                   if hasattr(model.config, "max_position_embeddings") else 4096}, f, indent=2)
    with open(os.path.join(d, "switchyard-card.json"), "w") as f:
        json.dump({"id": name, "releasedAt": RELEASED, "domain": domain}, f, indent=2)
    return os.path.getsize(os.path.join(d, "model.safetensors"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--corpus", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--vocab", type=int, default=4096)
    p.add_argument("--seq", type=int, default=256)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=1500)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--max-seconds", type=float, default=80, help="per expert; the run stops it there and says so")
    p.add_argument("--eval-tokens", type=int, default=200_000, help="held-out tokens scored per domain")
    p.add_argument("--log-every", type=int, default=50)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--only", nargs="*", help="train just these experts (names from configs())")
    args = p.parse_args()
    device = "cuda"
    torch.backends.cuda.matmul.allow_tf32 = True
    print("torch", torch.__version__, "transformers", transformers.__version__, torch.cuda.get_device_name(), flush=True)

    train_docs = {d: read_docs(args.corpus, d, "train") for d in DOMAINS}
    held_docs = {d: read_docs(args.corpus, d, "heldout") for d in DOMAINS}
    rng = random.Random(args.seed)
    mix = [t for d in DOMAINS for t in train_docs[d]]
    rng.shuffle(mix)
    t0 = time.time()
    tok = make_tokenizer(mix, args.vocab)
    print("tokenizer", tok.get_vocab_size(), f"{time.time() - t0:.1f}s", flush=True)
    streams = {d: token_stream(tok, train_docs[d]) for d in DOMAINS}
    streams["mix"] = token_stream(tok, mix)
    held = {d: token_stream(tok, held_docs[d]) for d in DOMAINS}
    bytes_per_token = {d: round(sum(len(t.encode()) for t in held_docs[d]) / max(held[d].numel(), 1), 3) for d in DOMAINS}

    os.makedirs(args.out, exist_ok=True)
    report = {"torch": torch.__version__, "transformers": transformers.__version__,
              "device": torch.cuda.get_device_name(), "args": vars(args), "vocab": tok.get_vocab_size(),
              "train_tokens": {d: s.numel() for d, s in streams.items()},
              "heldout_tokens": {d: s.numel() for d, s in held.items()},
              "heldout_bytes_per_token": bytes_per_token, "experts": {}}
    total_bytes = 0
    for name, (domain, cfg) in configs(tok.get_vocab_size(), args.seq).items():
        if args.only and name not in args.only:
            continue
        gen = torch.Generator().manual_seed(args.seed)
        model, stats = train(name, cfg, streams[domain], args, device, gen)
        stats["heldout_nll"] = {d: round(heldout_loss(model, held[d], args.seq, device, args.eval_tokens), 4) for d in DOMAINS}
        stats["heldout_ppl"] = {d: round(math.exp(v), 2) for d, v in stats["heldout_nll"].items()}
        stats["domain"] = domain
        stats["architecture"] = cfg.__class__.__name__.replace("Config", "ForCausalLM")
        stats["bytes"] = save(name, domain, model, tok, args.out)
        total_bytes += stats["bytes"]
        report["experts"][name] = stats
        print(name, "held-out nll", stats["heldout_nll"], flush=True)
        with open(os.path.join(args.out, "train-report.json"), "w") as f:
            json.dump(report, f, indent=1)
    report["total_bytes"] = total_bytes
    with open(os.path.join(args.out, "train-report.json"), "w") as f:
        json.dump(report, f, indent=1)
    print("library bytes", total_bytes, "limit", MAX_LIBRARY_BYTES, flush=True)
    if total_bytes > MAX_LIBRARY_BYTES:
        sys.exit(f"the library is {total_bytes} bytes, over {MAX_LIBRARY_BYTES}")


if __name__ == "__main__":
    main()
