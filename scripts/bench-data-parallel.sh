#!/usr/bin/env bash
# Data-parallel step time and scaling efficiency on this machine (docs/performance.md, docs/distributed.md):
# W1's MLP 784-512-256-10, batch 256 per rank, Float32 SGD, trained by `funcnet train fashion-mnist` on
#   - 1 process without MPI, 1 CPU thread (the baseline),
#   - 1 rank under mpirun --data-parallel (the cost of the data-parallel step itself: two plans, packing),
#   - 2 ranks under mpirun --data-parallel, 1 thread each (weak scaling: global batch 512).
# Each configuration runs ROUNDS times, alternated; the first epoch (compilation, warm-up) is discarded.
# Usage: bash scripts/bench-data-parallel.sh [ROUNDS] [EXAMPLES]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
examples=${2:-15360}
dotnet build src/FuncNet.Cli -c Release -v q -nologo > /dev/null
cli=src/FuncNet.Cli/bin/Release/net10.0/funcnet.dll
args=(train fashion-mnist --hidden 512,256 --batch-size 256 --optimizer sgd --lr-decay 1 --epochs 3 --limit "$examples" --out /tmp/funcnet-bench-dp)
mpi=(mpirun --allow-run-as-root --oversubscribe -x FUNCNET_THREADS=1 -x FUNCNET_OPENBLAS_THREADS=1)

# Prints the milliseconds per step (global batch / examples per second) of epochs 2..3, one per line.
step_ms() { # $1: global batch; stdin: the command's output
  grep -E '^epoch +[23]:' | sed -E 's/.* ([0-9]+) ex\/s$/\1/' | awk -v b="$1" '{ printf "%.2f\n", 1000 * b / $1 }'
}
: > /tmp/funcnet-bench-dp.1; : > /tmp/funcnet-bench-dp.mpi1; : > /tmp/funcnet-bench-dp.mpi2
for r in $(seq "$rounds"); do
  FUNCNET_THREADS=1 FUNCNET_OPENBLAS_THREADS=1 dotnet "$cli" "${args[@]}" | step_ms 256 >> /tmp/funcnet-bench-dp.1
  "${mpi[@]}" -np 1 dotnet "$cli" "${args[@]}" --data-parallel | step_ms 256 >> /tmp/funcnet-bench-dp.mpi1
  "${mpi[@]}" -np 2 dotnet "$cli" "${args[@]}" --data-parallel | step_ms 512 >> /tmp/funcnet-bench-dp.mpi2
done
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
one=$(median /tmp/funcnet-bench-dp.1); mpi1=$(median /tmp/funcnet-bench-dp.mpi1); mpi2=$(median /tmp/funcnet-bench-dp.mpi2)
echo "samples (ms per step): 1 process: $(paste -sd' ' /tmp/funcnet-bench-dp.1); 1 rank: $(paste -sd' ' /tmp/funcnet-bench-dp.mpi1); 2 ranks: $(paste -sd' ' /tmp/funcnet-bench-dp.mpi2)"
echo "median ms per step: 1 process $one, 1 rank (mpirun) $mpi1, 2 ranks $mpi2 (global batch 512)"
awk -v a="$one" -v b="$mpi2" 'BEGIN { printf "scaling efficiency 2 ranks vs 1 process: %.2f (throughput ratio %.2f of the ideal 2)\n", a / b, 2 * a / b }'
