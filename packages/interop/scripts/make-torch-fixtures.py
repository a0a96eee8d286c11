"""Writes the PyTorch fixtures under fixtures/torch/: nn.Sequential MLPs exported by
torch.onnx.export (opset 17, dynamic batch), PyTorch's outputs on fixed inputs, and one state
dict as safetensors. Run with Debian's torch (1.13):

    /usr/bin/python3 packages/interop/scripts/make-torch-fixtures.py
"""
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from safetensors_min import save_file  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "torch")
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)


def models():
    yield "relu-tanh-softmax", nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 3), nn.Softmax(dim=1))
    yield "leaky-elu-selu-sigmoid", nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(0.2), nn.Linear(8, 8), nn.ELU(alpha=0.7),
                                                  nn.Linear(8, 8), nn.SELU(), nn.Linear(8, 2), nn.Sigmoid())
    yield "gelu-silu-softplus-logsoftmax", nn.Sequential(nn.Linear(4, 8), nn.GELU(), nn.Linear(8, 8), nn.SiLU(),
                                                         nn.Linear(8, 8), nn.Softplus(), nn.Linear(8, 3), nn.LogSoftmax(dim=-1))
    yield "gelu-tanh", nn.Sequential(nn.Linear(4, 8), nn.GELU(approximate="tanh"), nn.Linear(8, 2))
    prelu = nn.PReLU(init=0.3)
    prelu8 = nn.PReLU(num_parameters=8)
    with torch.no_grad():
        prelu8.weight.copy_(torch.linspace(-0.2, 0.5, 8))
    yield "prelu-nobias-linear", nn.Sequential(nn.Linear(4, 8), prelu, nn.Linear(8, 8, bias=False), prelu8, nn.Linear(8, 2))
    yield "float64-tanh", nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 1)).double()


for name, model in models():
    model.eval()
    dtype = next(model.parameters()).dtype
    x = (torch.randn(16, 4, dtype=torch.float64) * 2).to(dtype)
    with torch.no_grad():
        y = model(x)
    torch.onnx.export(model, x[:2], os.path.join(OUT, f"{name}.onnx"), input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=17)
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        # repr of a float64 round-trips exactly; float32 values widen without loss
        json.dump({"dtype": str(dtype).replace("torch.", ""), "input": x.double().tolist(), "output": y.double().tolist()}, f)
    if name == "prelu-nobias-linear":
        save_file(model.state_dict(), os.path.join(OUT, f"{name}.safetensors"), {"format": "pt"})
    print(f"{name}: {[type(m).__name__ for m in model]} -> {name}.onnx, {name}.json")
print(f"torch {torch.__version__}")
