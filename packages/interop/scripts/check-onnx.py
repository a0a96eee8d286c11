"""Runs the ONNX checker (full_check: schema, types and shape inference) on every .onnx file in a
directory, as written by export-samples.ts. Needs /usr/bin/python3 with python3-onnx; not a test
dependency. onnx 1.12 (Debian) knows opsets up to 17, so files at higher opsets are reported as
beyond this checker rather than passed.

    /usr/bin/python3 packages/interop/scripts/check-onnx.py /tmp/actgrad-onnx-samples
"""
import os
import sys

import onnx

directory = sys.argv[1] if len(sys.argv) > 1 else "/tmp/actgrad-onnx-samples"
known = onnx.defs.onnx_opset_version()
print(f"onnx {onnx.__version__}, opsets up to {known}")
ok = failed = beyond = 0
for name in sorted(os.listdir(directory)):
    if not name.endswith(".onnx"):
        continue
    model = onnx.load(os.path.join(directory, name))
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    if opset > known:
        beyond += 1
        print(f"SKIP {name}: opset {opset} is newer than this checker")
        continue
    try:
        onnx.checker.check_model(model, full_check=True)
        inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        out = inferred.graph.output[0].type.tensor_type
        dims = [d.dim_param or d.dim_value for d in out.shape.dim]
        ok += 1
        print(f"ok   {name}: ir {model.ir_version}, {len(model.graph.node)} nodes, output {dims}")
    except Exception as err:  # report every file, then fail
        failed += 1
        print(f"FAIL {name}: {err}")
print(f"{ok} passed, {failed} failed, {beyond} beyond onnx {onnx.__version__}")
sys.exit(1 if failed else 0)
