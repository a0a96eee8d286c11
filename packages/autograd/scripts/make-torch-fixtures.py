#!/usr/bin/python3
"""Write test/fixtures/torch-reference.json: PyTorch reference values for every
activation and the loss-like composites, in float64.

Run by hand (not by CI) with Debian's python3-torch:

    /usr/bin/python3 packages/autograd/scripts/make-torch-fixtures.py

Each case stores its inputs, a random upstream gradient (not all ones, so a
wrong chain rule cannot hide), the output and the gradient of every input.
Inputs stay at least 0.05 away from 0: at exactly 0 the lecture notes take
ReLU'(0) = 1 (the s >= 0 branch) while PyTorch takes 0, so the two libraries
only agree off the kink. The kink itself is pinned by separate tests.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20240611)
DT = torch.float64


def away_from_zero(t, margin=0.05):
    return torch.where(t >= 0, t + margin, t - margin)


def rand_input(shape, scale=2.0):
    return away_from_zero(torch.randn(*shape, dtype=DT) * scale)


def enc(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def case(name, fn, inputs, params=None, labels=None, scalar_out=False, grad_inputs=None):
    """Run fn on fresh leaves, backward with a random upstream gradient."""
    leaves = [x.clone().requires_grad_(True) for x in inputs]
    out = fn(*leaves)
    upstream = torch.randn(*out.shape, dtype=DT) if not scalar_out else torch.tensor(1.7, dtype=DT)
    out.backward(upstream)
    entry = {
        "name": name,
        "params": params or {},
        "inputs": [enc(x) for x in inputs],
        "upstream": enc(upstream),
        "output": enc(out),
        "inputGrads": [enc(x.grad) for x in leaves],
    }
    if labels is not None:
        entry["labels"] = [int(v) for v in labels.tolist()]
    return entry


SELU_LAMBDA = 1.0507009873554805
SELU_ALPHA = 1.6732632423543772

cases = []
x = rand_input((4, 5))
cases.append(case("linear", lambda s: s * 1.0, [x]))
cases.append(case("sigmoid", torch.sigmoid, [x]))
cases.append(case("tanh", torch.tanh, [x]))
cases.append(case("relu", F.relu, [x]))
cases.append(case("leakyRelu", lambda s: F.leaky_relu(s, 0.01), [x], {"alpha": 0.01}))
cases.append(case("leakyRelu", lambda s: F.leaky_relu(s, 0.2), [x], {"alpha": 0.2}))
cases.append(case("elu", lambda s: F.elu(s, 1.0), [x], {"alpha": 1.0}))
cases.append(case("elu", lambda s: F.elu(s, 0.5), [x], {"alpha": 0.5}))
cases.append(case("selu", F.selu, [x]))
cases.append(case("softmax", lambda s: torch.softmax(s, -1), [x], {"axis": -1}))
cases.append(case("softmax", lambda s: torch.softmax(s, 0), [x], {"axis": 0}))
cases.append(case("logSoftmax", lambda s: torch.log_softmax(s, -1), [x], {"axis": -1}))
cases.append(case("logSoftmax", lambda s: torch.log_softmax(s, 0), [x], {"axis": 0}))
cases.append(case("gelu", F.gelu, [x]))
cases.append(case("silu", F.silu, [x]))
# PyTorch's softplus returns s itself above threshold=20; these inputs stay far below it.
cases.append(case("softplus", F.softplus, [x]))
x3 = rand_input((4, 3))
alpha = torch.tensor([0.1, 0.25, 0.4], dtype=DT)
cases.append(case("prelu", lambda s, a: F.prelu(s, a), [x3, alpha]))
cases.append(case("prelu", lambda s, a: F.prelu(s, a), [x3, torch.tensor([0.3], dtype=DT)]))

# Saturated but finite inputs: the stable forms must match PyTorch here too.
big = torch.tensor([[-30.0, -12.5, 12.5, 30.0]], dtype=DT)
cases.append(case("sigmoid", torch.sigmoid, [big]))
cases.append(case("softmax", lambda s: torch.softmax(s, -1), [big], {"axis": -1}))
cases.append(case("logSoftmax", lambda s: torch.log_softmax(s, -1), [big], {"axis": -1}))

# Loss-like composites, as nn builds them.
logits = torch.randn(6, 4, dtype=DT) * 3
labels = torch.tensor([0, 3, 1, 1, 2, 0])
cases.append(case("crossEntropy", lambda z: F.cross_entropy(z, labels), [logits],
                  labels=labels, scalar_out=True))
z = torch.randn(6, 1, dtype=DT) * 3
y = (torch.rand(6, 1, dtype=DT) > 0.5).to(DT)
cases.append(case("binaryCrossEntropyWithLogits",
                  lambda zz, yy: F.binary_cross_entropy_with_logits(zz, yy), [z, y], scalar_out=True))
pred = torch.randn(5, 2, dtype=DT)
target = torch.randn(5, 2, dtype=DT)
cases.append(case("mse", lambda p, t: F.mse_loss(p, t), [pred, target], scalar_out=True))

# GELU's two forms over a wide range (appended last, so the cases above keep their random draws).
wide = away_from_zero(torch.linspace(-9.0, 9.0, 24, dtype=DT).reshape(4, 6) + 0.013)
for approximate in ("none", "tanh"):
    cases.append(case("gelu", lambda s, a=approximate: F.gelu(s, approximate=a), [x], {"approximate": approximate}))
    cases.append(case("gelu", lambda s, a=approximate: F.gelu(s, approximate=a), [wide], {"approximate": approximate}))

out = {
    "generator": "packages/autograd/scripts/make-torch-fixtures.py",
    "torch": torch.__version__,
    "dtype": "float64",
    "seluConstants": {"lambda": SELU_LAMBDA, "alpha": SELU_ALPHA},
    "cases": cases,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "torch-reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")
