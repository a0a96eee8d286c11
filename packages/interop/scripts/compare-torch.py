"""Loads every toTorch export written by compare-torch.ts in PyTorch (its model.py and
model.safetensors, through model.py's own loader) and compares PyTorch's outputs with
actgrad's: within 1e-6 relative (values below 1 compared absolutely) in float32, 1e-12 in float64.

    /usr/bin/python3 packages/interop/scripts/compare-torch.py /tmp/actgrad-torch-compare
"""
import copy
import importlib.util
import json
import os
import sys

import torch

directory = sys.argv[1] if len(sys.argv) > 1 else "/tmp/actgrad-torch-compare"
print(f"torch {torch.__version__}")
failed = 0
for name in sorted(os.listdir(directory)):
    spec = importlib.util.spec_from_file_location(f"exported_{name.replace('-', '_')}", os.path.join(directory, name, "model.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.load().eval()
    with open(os.path.join(directory, name, "check.json")) as f:
        check = json.load(f)
    dtype = torch.float64 if check["dtype"] == "float64" else torch.float32
    x = torch.tensor(check["input"], dtype=dtype).reshape(check["shape"])
    want = torch.tensor(check["output"], dtype=dtype).reshape(x.shape[0], -1)
    with torch.no_grad():
        got = model(x)
        # float64 run of the same weights: how far each side's own float32 rounding goes
        exact = copy.deepcopy(model).double()(x.double())
    rel = lambda a, b: ((a.double() - b).abs() / b.abs().clamp(min=1)).max().item()  # noqa: E731
    worst = rel(got, want.double())
    limit = 1e-12 if dtype == torch.float64 else 1e-6
    ok = worst <= limit
    last = type(model[-1]).__name__
    if last in ("Softmax", "LogSoftmax", "Sigmoid"):
        # the variant for PyTorch's losses: same weights, logits out; the activation on top gives the outputs
        with torch.no_grad():
            logits = module.load(include_output_activation=False)(x)
        ok = ok and len(module.build(False)) == len(model) - 1 and torch.allclose(model[-1](logits), got, rtol=0, atol=0)
    failed += not ok
    modules = ", ".join(type(m).__name__ for m in model)
    print(f"{'ok  ' if ok else 'FAIL'} {name:30s} torch vs actgrad {worst:.2e} (limit {limit:.0e}); "
          f"vs float64: torch {rel(got, exact):.1e}, actgrad {rel(want, exact):.1e}  [{modules}]")
print(f"{len(os.listdir(directory)) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
