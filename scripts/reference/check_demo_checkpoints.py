"""Checks the demo checkpoints (`switchyard demo make`) against HF transformers and writes the reference the tests use.

Run on the GPU machine (it has torch + transformers; this one has none), after making the demos here:
    npx tsx src/cli/main.ts demo make --out .run/demo-models
    python3 scripts/reference/check_demo_checkpoints.py .run/demo-models tests/engine/demo/hf-reference.json
For each demo: transformers must load it with no missing, unexpected or mismatched keys; re-saving it must give a
byte-identical model.safetensors and config.json; the reference keeps the tokenizer's ids for TEXT, the chat template
rendering, the fp32 logits at the last position and 8 greedy tokens (plain argmax, no EOS handling).
"""
import hashlib, json, os, sys, tempfile
import torch
import transformers
from transformers import AutoModelForCausalLM, AutoTokenizer

TEXT = "The yard master watches the trains. naïve café"
NAMES = ["demo-mamba", "demo-bamba", "demo-llama"]


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def check(d):
    model, info = AutoModelForCausalLM.from_pretrained(d, dtype=torch.float32, output_loading_info=True)
    problems = {k: v for k, v in info.items() if v}
    if problems:
        raise SystemExit(f"{d}: transformers reports {problems}")
    model.eval()
    tok = AutoTokenizer.from_pretrained(d)
    ids = tok(TEXT)["input_ids"]
    with torch.no_grad():
        last = model(torch.tensor([ids])).logits[0, -1]
        seq = list(ids)
        for _ in range(8):
            seq.append(int(model(torch.tensor([seq])).logits[0, -1].argmax()))
    with tempfile.TemporaryDirectory() as t:
        model.save_pretrained(t)
        for f in ["model.safetensors", "config.json"]:
            if sha256(os.path.join(t, f)) != sha256(os.path.join(d, f)):
                raise SystemExit(f"{d}: transformers re-saves {f} differently")
    return {
        "model_sha256": sha256(os.path.join(d, "model.safetensors")),
        "config_sha256": sha256(os.path.join(d, "config.json")),
        "input_ids": ids,
        "chat": tok.apply_chat_template([{"role": "user", "content": "Hi"}], add_generation_prompt=True, tokenize=False),
        "last_logits": [float(f"{x:.7g}") for x in last.tolist()],
        "greedy": seq[len(ids):],
    }


def main(models, out):
    ref = {"transformers": transformers.__version__, "torch": torch.__version__, "text": TEXT}
    for name in NAMES:
        ref[name] = check(os.path.join(models, name))
        print(name, "ok", flush=True)
    with open(out, "w") as f:
        json.dump(ref, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
