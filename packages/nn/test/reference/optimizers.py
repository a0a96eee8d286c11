"""Reference trajectories for test/optimizers.test.ts, from PyTorch's optimizers.

Run: /usr/bin/python3 optimizers.py > optimizers.json
Each case starts from w0 and applies the fixed gradient sequence (float64), recording w after
every step. The weight-decay terms read w, so the trajectories exercise them.
"""
import json
import torch

W0 = [1.0, -2.0, 0.5]
GRADS = [[0.5, -0.25, 0.0], [0.1, 0.3, -0.7], [-0.4, 0.2, 0.05]]

CASES = [
    ("SGD", {"lr": 0.1}, lambda p: torch.optim.SGD(p, lr=0.1)),
    ("SGD", {"lr": 0.1, "momentum": 0.9}, lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}, lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "weightDecay": 0.01}, lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01)),
    ("Adam", {"lr": 0.01}, lambda p: torch.optim.Adam(p, lr=0.01)),
    ("Adam", {"lr": 0.01, "betas": [0.8, 0.9], "weightDecay": 0.1}, lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.9), weight_decay=0.1)),
    ("AdamW", {"lr": 0.01, "weightDecay": 0.1}, lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1)),
    ("RMSProp", {"lr": 0.01}, lambda p: torch.optim.RMSprop(p, lr=0.01)),
    ("RMSProp", {"lr": 0.01, "momentum": 0.9, "weightDecay": 0.1, "alpha": 0.9}, lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.9, weight_decay=0.1, alpha=0.9)),
]

out = []
for name, opts, make in CASES:
    w = torch.tensor(W0, dtype=torch.float64, requires_grad=True)
    opt = make([w])
    steps = []
    for g in GRADS:
        w.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        steps.append(w.detach().tolist())
    out.append({"optimizer": name, "options": opts, "steps": steps})
print(json.dumps({"w0": W0, "grads": GRADS, "torch": torch.__version__, "cases": out}, indent=1))
