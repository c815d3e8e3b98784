#!/usr/bin/env bash
# Copies the npm modules the tier imports (hono, zod, @huggingface/tokenizers, @huggingface/jinja) into
# .device/node_modules without their type declarations, source maps and CommonJS builds (3 MB instead of 13), so
# they travel to the GPU machine inside the device tool's 64 MiB; bench/gpu/run.sh links them as node_modules there.
set -euo pipefail
root="$(git rev-parse --show-toplevel)"; dest="$root/.device/node_modules"
rm -rf "$dest"; mkdir -p "$dest/@huggingface"
for p in hono zod @huggingface/tokenizers @huggingface/jinja; do cp -r "$root/node_modules/$p" "$dest/$p"; done
find "$dest" \( -name '*.d.ts' -o -name '*.d.cts' -o -name '*.d.mts' -o -name '*.map' -o -name '*.cjs' \) -delete
rm -rf "$dest/hono/dist/cjs" "$dest/hono/dist/types" "$dest/zod/src" "$dest/zod/v3"
du -sh "$dest"
