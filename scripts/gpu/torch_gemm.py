#!/usr/bin/env python3
"""The peer half of FuncNet's GEMM-8192 workload: one n x n by n x n float32 matmul on the GPU with PyTorch,
operands already on the device, TF32 off (FuncNet's default), 20 products per timed sample ending in one
synchronize, median of the samples. Prints one JSON line like ../../shared/bench/pytorch_reference.py."""
import argparse
import json
import statistics
import time

import torch

p = argparse.ArgumentParser()
p.add_argument("--n", type=int, default=8192)
p.add_argument("--samples", type=int, default=10)
p.add_argument("--tf32", action="store_true")
args = p.parse_args()
torch.backends.cuda.matmul.allow_tf32 = args.tf32
g = torch.Generator(device="cuda").manual_seed(0)
a = torch.rand(args.n, args.n, device="cuda", generator=g) * 2 - 1
b = torch.rand(args.n, args.n, device="cuda", generator=g) * 2 - 1
steps = 20
for _ in range(3):
    torch.matmul(a, b)
torch.cuda.synchronize()
times = []
for _ in range(args.samples):
    t = time.perf_counter()
    for _ in range(steps):
        c = torch.matmul(a, b)
    torch.cuda.synchronize()
    times.append((time.perf_counter() - t) / steps)
ms = statistics.median(times) * 1e3
print(json.dumps({"workload": "GEMM-8192", "peer": f"pytorch {torch.__version__}", "device": torch.cuda.get_device_name(),
                  "tf32": args.tf32, "n": args.n, "ms_per_gemm": ms, "tflops": 2 * args.n ** 3 / (ms / 1e3) / 1e12}), flush=True)
