#!/usr/bin/env bash
# The GPU side-by-side benchmark, for the device machine (it has CUDA, PyTorch and python3, but no .NET):
# FuncNet's published binary (`funcnet bench --backend cuda`) and PyTorch on the same GPU, alternated
# A B A B for several pairs; prints every result and the median FuncNet/PyTorch ratio per workload
# (lower is better), with the device's name. Workloads: W1 at batch 256 (with and without CUDA graphs) and
# 8192, the 8192² Float32 GEMM, and the Fashion-MNIST-sized epoch (W4). TF32 is off on both sides.
#
#   scripts/gpu/bench-vs-pytorch-cuda.sh [pairs=3] [funcnet=.gpu/funcnet/funcnet] [peer=.gpu/pytorch_reference.py]
#
# Publish first (on the development machine; see docs/gpu.md):
#   dotnet publish src/FuncNet.Cli -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
#     -p:EnableCompressionInSingleFile=true -o .gpu/funcnet && cp ../shared/bench/pytorch_reference.py .gpu/
set -euo pipefail
cd "$(dirname "$0")/../.."
pairs=${1:-3}
funcnet=${2:-.gpu/funcnet/funcnet}
peer=${3:-.gpu/pytorch_reference.py}
[ -f "$peer" ] || peer=../shared/bench/pytorch_reference.py
py=python3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2 || true

# label | funcnet arguments | peer command | field
specs=(
  "W1 batch 256, CUDA graphs|W1-mlp|$py $peer mlp --device cuda --batch 256 --steps 200|ms_per_step"
  "W1 batch 256, eager|W1-mlp --no-graphs|$py $peer mlp --device cuda --batch 256 --steps 200|ms_per_step"
  "W1 batch 8192|W1-mlp-8192|$py $peer mlp --device cuda --batch 8192 --steps 50|ms_per_step"
  "GEMM 8192² Float32|GEMM-8192|$py scripts/gpu/torch_gemm.py|ms_per_gemm"
  "W4 Fashion epoch|W4-fashion-epoch|$py $peer fashion --device cuda|seconds_per_epoch"
)
for i in $(seq 1 "$pairs"); do
  for s in "${specs[@]}"; do
    IFS='|' read -r label ours theirs field <<<"$s"
    # shellcheck disable=SC2086
    $funcnet bench $ours --backend cuda --seconds 2 | sed "s|^{|{\"label\": \"$label\", |" | tee -a "$out/funcnet.jsonl" >&2
    $theirs | sed "s|^{|{\"label\": \"$label\", |" | tee -a "$out/peer.jsonl" >&2
  done
done

$py - "$out" "${specs[@]}" <<'PY'
import json, statistics, sys
out = sys.argv[1]
ours = [json.loads(l) for l in open(f"{out}/funcnet.jsonl")]
theirs = [json.loads(l) for l in open(f"{out}/peer.jsonl")]
print("| workload | FuncNet (median) | PyTorch (median) | median ratio FuncNet/PyTorch | FuncNet replayed a graph |")
print("| --- | --- | --- | --- | --- |")
for spec in sys.argv[2:]:
    label, _, _, field = spec.split("|")
    a = [r[field] for r in ours if r["label"] == label]
    b = [r[field] for r in theirs if r["label"] == label]
    if not a or not b:
        continue
    replayed = {str(r.get("graph_replayed", "-")) for r in ours if r["label"] == label}
    ratios = [x / y for x, y in zip(a, b)]
    print(f"| {label} | {statistics.median(a):.4g} {field} | {statistics.median(b):.4g} | {statistics.median(ratios):.3f} | {'/'.join(sorted(replayed))} |")
PY
