#!/usr/bin/env bash
# The whole GPU check, on the device machine, after publishing (see docs/gpu.md): the conformance suite
# against the Reference backend (`funcnet selftest --backend cuda`, which fails when no device is usable),
# then the side-by-side benchmark. Where the .NET SDK is present too, the GPU-only tests run with
# FUNCNET_REQUIRE_GPU=1, so a missing device fails them instead of skipping them.
#
#   scripts/gpu/check.sh [pairs=3] [funcnet=.gpu/funcnet/funcnet]
set -euo pipefail
cd "$(dirname "$0")/../.."
pairs=${1:-3}
funcnet=${2:-.gpu/funcnet/funcnet}
"$funcnet" selftest --backend cuda
if command -v dotnet >/dev/null; then
  FUNCNET_REQUIRE_GPU=1 FUNCNET_REQUIRE_NVRTC=1 dotnet test tests/FuncNet.Backends.Tests --filter "FullyQualifiedName~Cuda|FullyQualifiedName~Conformance"
fi
scripts/gpu/bench-vs-pytorch-cuda.sh "$pairs" "$funcnet"
