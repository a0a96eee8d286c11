"""Reference for test/training-steps.test.ts: whole training steps of small MLPs in PyTorch.

Run: /usr/bin/python3 training-steps.py > training-steps.json
Weights use the [in, out] layout (y = x W + b) and are written out, so the test starts from the
same numbers; everything is float64. Each case records the loss of every step and the weights
after the last one.
"""
import json
import math
import torch

torch.manual_seed(0)
X = [[0.5, -1.2, 0.3], [1.5, 0.2, -0.7], [-0.3, 0.8, 1.1], [0.9, -0.4, -1.6], [-1.1, 1.3, 0.05]]


def init(sizes, salt):
    layers = []
    for l, (i, o) in enumerate(zip(sizes[:-1], sizes[1:])):
        w = [[math.sin(1.7 * r + 2.3 * c + salt + 5 * l) * 0.8 for c in range(o)] for r in range(i)]
        b = [math.cos(0.9 * c + salt + l) * 0.1 for c in range(o)]
        layers.append((w, b))
    return layers


ACT = {
    "tanh": torch.tanh,
    "relu": torch.relu,
    "elu": torch.nn.functional.elu,
    "sigmoid": torch.sigmoid,
    "linear": lambda s: s,
}


def run(case):
    layers = init(case["sizes"], case["salt"])
    params = []
    for w, b in layers:
        params += [torch.tensor(w, dtype=torch.float64, requires_grad=True), torch.tensor(b, dtype=torch.float64, requires_grad=True)]
    opt = case["make"](params)
    x = torch.tensor(X, dtype=torch.float64)
    losses = []
    for _ in range(case["steps"]):
        opt.zero_grad()
        h = x
        n = len(layers)
        for l in range(n):
            h = h @ params[2 * l] + params[2 * l + 1]
            if l < n - 1:
                h = ACT[case["hidden"]](h)
        loss = case["loss"](h)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return {
        "name": case["name"], "sizes": case["sizes"], "hidden": case["hidden"], "output": case["output"],
        "lossName": case["lossName"], "optimizer": case["optimizer"], "y": case["y"],
        "init": [{"weight": w, "bias": b} for w, b in layers],
        "losses": losses,
        "final": [p.detach().flatten().tolist() for p in params],
    }


labels = [0, 1, 1, 0, 1]
targets = [[0.2], [-0.5], [1.0], [0.3], [-1.2]]
cases = [
    dict(name="tanh/softmax, cross-entropy, Adam", sizes=[3, 4, 2], salt=0.1, hidden="tanh", output="softmax",
         lossName="crossEntropy", y=labels, optimizer={"type": "Adam", "lr": 0.05}, steps=3,
         make=lambda p: torch.optim.Adam(p, lr=0.05),
         loss=lambda z: torch.nn.functional.cross_entropy(z, torch.tensor(labels))),
    dict(name="relu/sigmoid, binary cross-entropy, SGD Nesterov + weight decay", sizes=[3, 5, 1], salt=0.7, hidden="relu",
         output="sigmoid", lossName="binaryCrossEntropy", y=labels,
         optimizer={"type": "SGD", "lr": 0.3, "momentum": 0.9, "nesterov": True, "weightDecay": 0.01}, steps=3,
         make=lambda p: torch.optim.SGD(p, lr=0.3, momentum=0.9, nesterov=True, weight_decay=0.01),
         loss=lambda z: torch.nn.functional.binary_cross_entropy_with_logits(z, torch.tensor(labels, dtype=torch.float64).reshape(-1, 1))),
    dict(name="elu/linear, mse, RMSProp with momentum", sizes=[3, 4, 1], salt=1.3, hidden="elu", output="linear",
         lossName="mse", y=targets, optimizer={"type": "RMSProp", "lr": 0.01, "momentum": 0.5}, steps=3,
         make=lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.5),
         loss=lambda z: torch.nn.functional.mse_loss(z, torch.tensor(targets, dtype=torch.float64))),
    dict(name="sigmoid/linear, mae, AdamW", sizes=[3, 4, 1], salt=2.1, hidden="sigmoid", output="linear",
         lossName="mae", y=targets, optimizer={"type": "AdamW", "lr": 0.02, "weightDecay": 0.1}, steps=3,
         make=lambda p: torch.optim.AdamW(p, lr=0.02, weight_decay=0.1),
         loss=lambda z: torch.nn.functional.l1_loss(z, torch.tensor(targets, dtype=torch.float64))),
]
print(json.dumps({"torch": torch.__version__, "x": X, "cases": [run(c) for c in cases]}, indent=1))
