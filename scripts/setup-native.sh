#!/usr/bin/env bash
# Installs the native pieces FuncNet's full experience uses, from Debian's packages:
#   - Intel MKL (libmkl-rt, non-free) and OpenBLAS (libopenblas0-pthread): the CPU GEMMs, measured per shape;
#   - oneDNN 2.6 (libdnnl2: libdnnl.so.2; libdnnl-dev: its C headers, which the binding in
#     src/FuncNet.Backends/Cpu/OneDnn follows): the third GEMM provider (dnnl_sgemm, Float32) and the CPU
#     convolution and pooling kernels;
#   - NVRTC (libnvrtc11.2, non-free): compiles generated CUDA kernels (also without a GPU, to PTX);
#   - the Fashion-MNIST data set (dataset-fashion-mnist): /usr/share/datasets/fashion-mnist/*.gz;
#   - Open MPI 4.1 (openmpi-bin: mpirun; libopenmpi-dev: libmpi.so.40): data-parallel training (docs/distributed.md);
#   - python3-onnx: the ONNX checker (scripts/onnx-check.py) that FuncNet.Onnx.Tests runs on every exported model,
#     and tests/fixtures/onnx/make_fixtures.py (docs/onnx.md).
# Idempotent: does nothing when everything is already installed. Needs root (or sudo) for apt-get.
set -euo pipefail

packages=(libmkl-rt libopenblas0-pthread libdnnl2 libdnnl-dev libnvrtc11.2 dataset-fashion-mnist openmpi-bin libopenmpi-dev python3-onnx)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-native: all present (${packages[*]})"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

# MKL and NVRTC live in Debian's non-free component: add it (and contrib) to the Debian sources if absent.
enable_non_free() {
  local f=/etc/apt/sources.list.d/debian.sources
  if [ -f "$f" ]; then
    if ! grep -Eq '^Components:.*non-free( |$)' "$f"; then
      $sudo sed -i -E 's/^(Components: .*main)( contrib)?( non-free)?( non-free-firmware)?$/\1 contrib non-free non-free-firmware/' "$f"
    fi
  elif [ -f /etc/apt/sources.list ] && ! grep -q 'non-free' /etc/apt/sources.list; then
    $sudo sed -i -E 's/^(deb .* main)$/\1 contrib non-free/' /etc/apt/sources.list
  fi
}
enable_non_free

echo "setup-native: installing ${missing[*]}"
$sudo apt-get update -qq
# MKL's package asks (debconf) whether to make it the system BLAS; answer no, non-interactively.
echo "libmkl-rt libmkl-rt/use-as-default-blas-lapack boolean false" | $sudo debconf-set-selections 2>/dev/null || true
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-native: installed ${missing[*]}"
