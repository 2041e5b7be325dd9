#!/usr/bin/env bash
# Side-by-side benchmark: FuncNet (`funcnet bench`) and its peers (PyTorch, numpy:
# ../shared/bench/pytorch_reference.py) on the same workloads, run alternately A B A B so both see the same
# machine state, at least 5 pairs; prints each pair and the median ratios (FuncNet / peer, lower is better).
#
#   scripts/bench-vs-pytorch.sh [pairs=5] [backend=auto] [workloads=all]
#
# workloads: a comma-separated list of name prefixes to run only those, e.g. W1,W4 (W1 includes its GEMM floor).
#
# Installs Debian's python3-torch, python3-numpy and OpenBLAS when missing (needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-5}
backend=${2:-auto}
only=${3:-all}
peer=../shared/bench/pytorch_reference.py
py=/usr/bin/python3

# Debian's PyTorch does its matrix products through the system BLAS (libblas.so.3). Without OpenBLAS that
# is the reference netlib BLAS, which makes PyTorch ~30x slower than it should be (measured: 219 ms vs
# ~6 ms per W1 step). A fair peer gets a real BLAS, so OpenBLAS is installed too.
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
if ! $py -c "import torch, numpy" 2>/dev/null || ! dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null | grep -q "ok installed"; then
  echo "installing python3-torch, python3-numpy and libopenblas0-pthread from Debian..." >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-torch python3-numpy libopenblas0-pthread >/dev/null
fi

dotnet build src/FuncNet.Cli -c Release -v quiet -nologo >/dev/null
funcnet="dotnet src/FuncNet.Cli/bin/Release/net10.0/funcnet.dll"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# workload pairs: FuncNet workload | peer workload | JSON field of each
pairs_spec=(
  "W1-mlp|mlp|ms_per_step|ms_per_step"
  "W1-gemm-floor|-|ms_per_step|-"
  "W2-seednet|seednet|us_per_iteration|us_per_iteration"
  "W3-tutorial-perceptron|tutorial|us_per_step|us_per_step"
  "W4-fashion-epoch|fashion|seconds_per_epoch|seconds_per_epoch"
  "W6-cnn-epoch|cnn|seconds_per_epoch|seconds_per_epoch"
  "W5-compile-64|-|ms_per_compile|-"
  "W5-compile-16|-|ms_per_compile|-"
)
if [ "$only" != "all" ]; then
  selected=()
  for spec in "${pairs_spec[@]}"; do
    for prefix in ${only//,/ }; do
      case "$spec" in "$prefix"-*) selected+=("$spec"); break ;; esac
    done
  done
  pairs_spec=("${selected[@]}")
fi

for i in $(seq 1 "$pairs"); do
  for spec in "${pairs_spec[@]}"; do
    IFS='|' read -r ours theirs field _ <<<"$spec"
    $funcnet bench "$ours" --backend "$backend" | tee -a "$out/funcnet.jsonl" >&2
    if [ "$theirs" != "-" ]; then
      $py "$peer" "$theirs" | tee -a "$out/peer.jsonl" >&2
    fi
  done
done

$py - "$out" "${pairs_spec[@]}" <<'PY'
import json, statistics, sys
out = sys.argv[1]
ours = [json.loads(l) for l in open(f"{out}/funcnet.jsonl")]
theirs = [json.loads(l) for l in open(f"{out}/peer.jsonl")]
print("| workload | FuncNet (median) | peer (median) | peer | median ratio FuncNet/peer |")
print("| --- | --- | --- | --- | --- |")
floor = {}
for spec in sys.argv[2:]:
    w, pw, field, pfield = spec.split("|")
    a = [r[field] for r in ours if r["workload"] == w]
    if not a:
        continue
    med = statistics.median(a)
    floor[w] = med
    if pw == "-":
        print(f"| {w} ({ours[0]['backend']}) | {med:.4g} {field} | | | |")
        continue
    pname = {"mlp": "W1-mlp", "seednet": "W2-seednet", "tutorial": "W3-tutorial-perceptron", "fashion": "W4-fashion-epoch", "cnn": "W6-cnn-epoch"}[pw]
    b = [r[pfield] for r in theirs if r["workload"] == pname]
    peer = next(r["peer"] for r in theirs if r["workload"] == pname)
    ratios = [x / y for x, y in zip(a, b)]
    print(f"| {w} ({ours[0]['backend']}) | {med:.4g} {field} | {statistics.median(b):.4g} | {peer} | {statistics.median(ratios):.3f} |")
if "W1-mlp" in floor and "W1-gemm-floor" in floor:
    print(f"\nW1 / its GEMM floor: {floor['W1-mlp'] / floor['W1-gemm-floor']:.3f}")
if "W5-compile-64" in floor and "W5-compile-16" in floor:
    print(f"W5 growth 16 -> 64 layers: x{floor['W5-compile-64'] / floor['W5-compile-16']:.2f} (4.00 is linear)")
PY
