#!/usr/bin/env bash
# The GPU tier's checks and bench on the H200, in one call of the device tool (docs/tier.md, "On a GPU machine"):
#   ../shared/device/pack.sh && bench/gpu/slim-modules.sh      # here, once: Deno, Vulkan loader, the tier's npm modules
#   device run, carry [".device"]:  bash bench/gpu/run.sh [ops] [check] [bench] [profile] [webgpu]
# ops: each CUDA op with its own check script against the CPU op, timing its versions side by side
# (tests/kernels/cuda/check-<op>.ts); check: every reference architecture on the CUDA backend against the CPU
# (tests/kernels/cuda/check-models.ts); profile: one decode step of the 1B shapes kernel by kernel under Nsight
# Compute (bench/gpu/profile-step.ts; bench/gpu/profile-report.ts sums the CSV here);
# bench: checkpoints + HF baselines (hf_bench.py), then ours (tier-bench.ts, with TTFT over HTTP); webgpu: the
# WebGPU backend's checks and decode figures; experts: the demo library's experts trained on the corpus built here
# (carry .build/corpus.tgz too; scripts/experts/train_experts.py, EXPERTS_ARGS passed on). Logs and JSON land in $OUT; bench/gpu/report.ts turns them into
# docs/benchmarks.md here.
set -uo pipefail
steps="${*:-check bench}"
source .device/setup.sh >/dev/null
ln -sfn .device/node_modules node_modules
out="${OUT:-/tmp/out}"; mkdir -p "$out"
models=/tmp/models; mkdir -p "$models"
cublas="$(ldconfig -p | grep -o '/[^ ]*libcublas\.so\.1[0-9]*$' | head -1)"
[ -n "$cublas" ] || cublas="$(find / -name 'libcublas.so.1[0-9]*' -not -path '/proc/*' 2>/dev/null | head -1)"
export SY_CUBLAS="$cublas"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm --format=csv | tee "$out/device.txt"
echo "cuBLAS: ${SY_CUBLAS:-none}" | tee -a "$out/device.txt"
case "$steps" in *ops*|*check*|*bench*|*profile*) deno run -A scripts/build-cuda.mjs --jobs 16 2>&1 | tail -3 | tee "$out/build.log" || exit 1 ;; esac
for step in $steps; do
  case "$step" in
    ops)
      for f in tests/kernels/cuda/check-*.ts; do
        op="$(basename "$f" .ts)"; [ "$op" = check-models ] && continue
        timeout 300 deno run -A "$f" --out "$out/$op.json" > "$out/$op.log" 2>&1; echo "$op: $(tail -1 "$out/$op.log")"
      done ;;
    check) timeout 240 deno run -A tests/kernels/cuda/check-models.ts --out "$out/check.json" 2>&1 | tee "$out/check.log" | tail -40 ;;
    bench)
      timeout 420 python3 bench/gpu/hf_bench.py --models "$models" --out "$out/hf.json" 2>&1 | tee "$out/hf.log" | tail -20
      list="$(ls -d $models/*/ | tr '\n' ',' | sed 's/,$//; s#/,#,#g; s#/$##')"
      timeout 400 deno run -A bench/gpu/tier-bench.ts --models "$list" --backend cuda --ttft --out "$out/ours-cuda.json" 2>&1 | tee "$out/ours-cuda.log" | tail -40 ;;
    profile)
      [ -d "$models/llama-3.2-1b" ] || python3 bench/gpu/hf_bench.py --models "$models" --out /tmp/ckpt.json --skip-hf --only mamba-1.4b,llama-3.2-1b,bamba-1b
      for m in llama-3.2-1b mamba-1.4b bamba-1b; do
        timeout 120 ncu --metrics gpu__time_duration.sum --csv deno run -A bench/gpu/profile-step.ts --model "$models/$m" > "$out/ncu-$m.csv" 2> "$out/ncu-$m.err"
        echo "profile $m: $(grep -c gpu__time_duration "$out/ncu-$m.csv") kernels; $(tail -1 "$out/ncu-$m.err")"
      done ;;
    experts)
      rm -rf /tmp/corpus-root && mkdir -p /tmp/corpus-root && tar xzf .build/corpus.tgz -C /tmp/corpus-root || exit 1
      # shellcheck disable=SC2086
      timeout 560 python3 scripts/experts/train_experts.py --corpus /tmp/corpus-root/corpus --out "$out/experts" ${EXPERTS_ARGS:-} 2>&1 | tee "$out/experts.log" | tail -30 ;;
    webgpu)
      timeout 120 deno run -A tests/kernels/webgpu/check-models.ts > "$out/webgpu-check.log" 2>&1; tail -3 "$out/webgpu-check.log"
      [ -d "$models/llama-3.2-1b" ] || python3 bench/gpu/hf_bench.py --models "$models" --out /tmp/ckpt.json --skip-hf --only mamba-1.4b,llama-3.2-1b,bamba-1b
      for m in mamba-1.4b llama-3.2-1b; do
        timeout 120 deno run -A bench/gpu/tier-bench.ts --models "$models/$m" --backend webgpu --decode 512 --prefill 1024 --skip-nll --out "$out/ours-webgpu-$m.json" 2>&1 | tail -4
      done ;;
  esac
done
