#!/usr/bin/env python3
"""Checks ONNX files with the ONNX project's own checker (Debian's python3-onnx), strict shape inference included.

Usage: onnx-check.py MODEL.onnx... ; prints one line per file and exits 1 when any file fails.
FuncNet's tests run it on every model the exporter writes (tests/FuncNet.Onnx.Tests/OnnxCheckerTests.cs).
"""
import sys

import onnx

failed = 0
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        print(f"ok {path}")
    except Exception as e:  # the checker raises several types; each is a failed file
        failed += 1
        print(f"FAILED {path}: {type(e).__name__}: {e}")
sys.exit(1 if failed else 0)
