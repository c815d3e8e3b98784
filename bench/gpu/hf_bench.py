"""The H200 side of the GPU tier bench (bench/gpu/run.sh runs it): random-init checkpoints with real configs,
made with HF transformers, and HF's own numbers on them, plus the device's copy bandwidth (the floor).

    python3 bench/gpu/hf_bench.py --models DIR --out results/hf.json [--skip-hf]

Checkpoints (bf16 safetensors; a word-level tokenizer "t<i>" ↔ id i over the whole vocabulary, so every
generated id has text and a prompt of n words is n tokens):
  mamba-130m (d 768, 24 L, vocab 50280), mamba-1.4b (d 2048, 48 L), smollm-135m-shape Llama (d 576, 30 L, 9/3 heads),
  llama-3.2-1b-shape (d 2048, 16 L, 32/8 heads, vocab 128256, llama3 rope), bamba-1b-shape (d 2048, 12 L, one
  attention layer, 64 SSD heads of 64, state 128). Context lengths are raised to 64k where the real model's is
  shorter, so the 32k prefill runs.
HF numbers, batch 1, what a user tries first (`generate`, default attention: SDPA for Llama; no mamba_ssm here):
  decode ms/token after a 512-token prompt, in f32 and bf16: (time of 1 + N new tokens − time of 1) / N;
  prefill s at 1k and 4k tokens (one forward), in both dtypes.
Floor: weight bytes (bf16) ÷ the copy bandwidth measured here (bytes read + written of a 4 GiB copy).
Reference NLL: HF f32 mean NLL of the 2048 fixed ids the tier bench scores (benchmarkPromptIds in
src/engine/measure-throughput.ts), the f32 reference our bf16 engine is held to (within 2e-2).
"""
import argparse, json, os, time
import torch
import transformers
from tokenizers import Tokenizer, models, pre_tokenizers


def tokenizer(vocab):
    words = {"<unk>": 0, **{f"t{i}": i for i in range(1, vocab)}}
    tok = Tokenizer(models.WordLevel(vocab=words, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return tok


def configs():
    return {
        "mamba-130m": transformers.MambaConfig(hidden_size=768, num_hidden_layers=24, vocab_size=50280, state_size=16,
                                               expand=2, conv_kernel=4, tie_word_embeddings=True),
        "mamba-1.4b": transformers.MambaConfig(hidden_size=2048, num_hidden_layers=48, vocab_size=50280, state_size=16,
                                               expand=2, conv_kernel=4, tie_word_embeddings=True),
        "smollm-135m": transformers.LlamaConfig(hidden_size=576, intermediate_size=1536, num_hidden_layers=30,
                                                num_attention_heads=9, num_key_value_heads=3, vocab_size=49152,
                                                max_position_embeddings=65536, rope_theta=10000.0, tie_word_embeddings=True),
        "llama-3.2-1b": transformers.LlamaConfig(hidden_size=2048, intermediate_size=8192, num_hidden_layers=16,
                                                 num_attention_heads=32, num_key_value_heads=8, head_dim=64, vocab_size=128256,
                                                 max_position_embeddings=131072, rope_theta=500000.0, tie_word_embeddings=True,
                                                 rope_scaling={"rope_type": "llama3", "factor": 32.0, "low_freq_factor": 1.0,
                                                               "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}),
        "bamba-1b": transformers.BambaConfig(hidden_size=2048, intermediate_size=8192, num_hidden_layers=12,
                                             num_attention_heads=32, num_key_value_heads=8, vocab_size=128256,
                                             max_position_embeddings=65536, attn_layer_indices=[5], mamba_n_heads=64,
                                             mamba_d_head=64, mamba_n_groups=1, mamba_d_state=128, mamba_d_conv=4,
                                             mamba_expand=2, mamba_chunk_size=256, tie_word_embeddings=True),
    }


def make(root, only):
    out = {}
    for name, cfg in configs().items():
        if only and name not in only:
            continue
        d = os.path.join(root, name)
        if not os.path.exists(os.path.join(d, "config.json")):
            cls = getattr(transformers, {"MambaConfig": "MambaForCausalLM", "LlamaConfig": "LlamaForCausalLM",
                                         "BambaConfig": "BambaForCausalLM"}[type(cfg).__name__])
            torch.manual_seed(0)
            with torch.device("cuda"):
                m = cls(cfg).to(torch.bfloat16)
            m.save_pretrained(d)
            tokenizer(cfg.vocab_size).save(os.path.join(d, "tokenizer.json"))
            with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
                json.dump({"eos_token": "<unk>"}, f)
            del m
            torch.cuda.empty_cache()
        n = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d) if f.endswith(".safetensors"))
        out[name] = {"dir": d, "weight_bytes": n}
        print(f"checkpoint {name}: {n / 1e9:.2f} GB", flush=True)
    return out


def copy_bandwidth():
    a = torch.empty(4 << 30, dtype=torch.uint8, device="cuda")
    b = torch.empty_like(a)
    for _ in range(3):
        b.copy_(a)
    torch.cuda.synchronize()
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    times = []
    for _ in range(10):
        s.record(); b.copy_(a); e.record(); torch.cuda.synchronize()
        times.append(s.elapsed_time(e) / 1e3)
    times.sort()
    return 2 * a.numel() / times[len(times) // 2]


def benchmark_ids(n, vocab):
    s, out = 12345, []
    for _ in range(n):
        s = (s * 1103515245 + 12345) % 2147483648
        out.append(s % vocab)
    return out


@torch.inference_mode()
def reference_nll(d, vocab, dtype=torch.float32, n=2048):
    cls = getattr(transformers, json.load(open(os.path.join(d, "config.json")))["architectures"][0])
    m = cls.from_pretrained(d, dtype=dtype).cuda().eval()
    ids = torch.tensor([benchmark_ids(n, vocab)], device="cuda")
    logits = m(ids).logits[0, :-1].float()
    nll = torch.nn.functional.cross_entropy(logits, ids[0, 1:]).item()
    top1 = logits.argmax(-1).tolist()
    del m
    torch.cuda.empty_cache()
    return nll, top1


def timed(fn):
    torch.cuda.synchronize()
    t = time.perf_counter()
    fn()
    torch.cuda.synchronize()
    return time.perf_counter() - t


@torch.inference_mode()
def hf(d, dtype, vocab):
    cls = getattr(transformers, json.load(open(os.path.join(d, "config.json")))["architectures"][0])
    m = cls.from_pretrained(d, dtype=dtype).cuda().eval()
    g = torch.Generator(device="cpu").manual_seed(0)
    ids = lambda n: torch.randint(0, vocab, (1, n), generator=g).cuda()
    p = ids(512)
    gen = lambda k: m.generate(p, max_new_tokens=k, min_new_tokens=k, do_sample=False, pad_token_id=0)
    gen(2)
    new = 32
    t1 = min(timed(lambda: gen(1)) for _ in range(2))
    tn = min(timed(lambda: gen(1 + new)) for _ in range(2))
    out = {"decode_ms_per_token_512": (tn - t1) / new * 1e3}
    for n in [1024, 4096]:
        x = ids(n)
        m(x[:, :16])
        out[f"prefill_s_{n}"] = min(timed(lambda: m(x)) for _ in range(2))
    del m
    torch.cuda.empty_cache()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--skip-hf", action="store_true", help="checkpoints and the floor only")
    ap.add_argument("--only", default="", help="comma-separated checkpoint names")
    a = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    ckpts = make(a.models, [n for n in a.only.split(",") if n])
    bw = copy_bandwidth()
    print(f"copy bandwidth {bw / 1e12:.2f} TB/s", flush=True)
    res = {"device": torch.cuda.get_device_name(), "torch": torch.__version__, "transformers": transformers.__version__,
           "copy_bytes_per_s": bw, "models": {}}
    for name, info in ckpts.items():
        r = dict(info, floor_ms=info["weight_bytes"] / bw * 1e3)
        vocab = json.load(open(os.path.join(info["dir"], "config.json")))["vocab_size"]
        if not a.skip_hf:
            r["hf_f32_nll_2048"], r["hf_f32_top1_2048"] = reference_nll(info["dir"], vocab)
            # HF's own bf16 result beside it: how far bf16 moves the NLL in the reference implementation itself
            r["hf_bf16_nll_2048"], r["hf_bf16_top1_2048"] = reference_nll(info["dir"], vocab, torch.bfloat16)
            print(name, "NLL of the 2048 bench ids: f32", r["hf_f32_nll_2048"], "bf16", r["hf_bf16_nll_2048"], flush=True)
            for dt, label in [(torch.float32, "f32"), (torch.bfloat16, "bf16")]:
                try:
                    r[f"hf_{label}"] = hf(info["dir"], dt, vocab)
                except Exception as e:  # a baseline that fails is reported, not fatal
                    r[f"hf_{label}"] = {"error": str(e)[:300]}
                print(name, label, r[f"hf_{label}"], flush=True)
        res["models"][name] = r
        with open(a.out, "w") as f:
            json.dump(res, f, indent=2)


if __name__ == "__main__":
    main()
