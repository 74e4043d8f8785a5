#!/usr/bin/env bash
# Issue 8 in one line: GMML-pretrain ViT-S/16@224 on every GPU of this machine, export the
# encoder (ONNX + safetensors + card + golden), run the throughput benchmark, the linear probes
# and the supervised baseline, and leave everything in $OUT.
#   Here:   /usr/bin/python3 -m pretrain.carry ../shared/data/cxr runs/cxr224   (once, ~43 MB)
#   Device: run(command="bash scripts/gpu_pretrain.sh", carry=["runs/cxr224"], timeout_s=600)
# Env: OUT (default runs/gpu_out), DATA (runs/cxr224), BUDGET (training seconds, 420),
#      PY (python3), NPROC (GPUs), TOY=1 for a CPU smoke test of the whole script.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-runs/gpu_out}; DATA=${DATA:-runs/cxr224}; BUDGET=${BUDGET:-420}; PY=${PY:-python3}
NPROC=${NPROC:-$($PY -c 'import torch; print(max(1, torch.cuda.device_count()))')}
NAME=spcxr-vit-small
mkdir -p "$OUT"
ARGS=(data="$DATA" out="$OUT/run" export_dir="$OUT/$NAME" batch_size=$((256 * NPROC)) time_budget_s="$BUDGET")
BENCH=(--size small --img-size 224 --batch 256 --steps 30 --warmup 10 --compile --pack /tmp/spcxr-pack224)
PROBE=(--max-train 3000)
SUP=(--size small --img-size 224 --steps 300 --batch 64)
if [ "${TOY:-0}" = 1 ]; then  # tiny CPU version of every stage, same code paths
  ARGS+=(size=micro img_size=32 patch_size=8 pack_size=32 batch_size=32 compile=false amp=off
         pack=/tmp/spcxr-toy-pack32 time_budget_s=20 calib_steps=5 log_every=5 threads=1)
  BENCH=(--size micro --img-size 32 --patch-size 8 --batch 16 --steps 2 --warmup 1 --pack /tmp/spcxr-toy-pack32)
  PROBE=(--max-train 100 --labels 50 --tasks nih); SUP=(--size micro --img-size 32 --patch-size 8 --steps 5 --labels 50)
fi
{ nvidia-smi || true; $PY -c 'import torch; print("torch", torch.__version__)'; } > "$OUT/env.txt" 2>&1
$PY -m pretrain.bench.throughput "${BENCH[@]}" --data "$DATA" --out "$OUT/throughput.json" > "$OUT/bench.out" 2>&1
if [ "$NPROC" -gt 1 ]; then
  torchrun --standalone --nproc_per_node "$NPROC" -m pretrain.train --config pretrain/configs/vit_small_gpu.yaml "${ARGS[@]}"
else
  $PY -m pretrain.train --config pretrain/configs/vit_small_gpu.yaml "${ARGS[@]}"
fi > "$OUT/train.out" 2>&1
$PY -m pretrain.probe "$OUT/$NAME" --data "$DATA" --update-card "${PROBE[@]}" > "$OUT/probe.out"
$PY -m pretrain.supervised "${SUP[@]}" --data "$DATA" --out "$OUT/supervised.json" > "$OUT/supervised.out"
cp "$OUT/run/log.jsonl" "$OUT/"; cp "$(ls "$OUT"/run/grid_*.png | tail -1)" "$OUT/" ; rm -f "$OUT"/run/checkpoint.pt
echo "done: $OUT/$NAME"
