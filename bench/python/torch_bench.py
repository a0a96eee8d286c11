"""PyTorch runner for the actgrad benchmarks: one workload per process, one result line on stdout.

Started by bench/src/run.ts as `python3 bench/python/torch_bench.py '<job json>'`. The data, initial
weights and sample order come from the files bench/src/data-files.ts writes (job["dataDir"]), so
PyTorch trains on exactly the numbers the JavaScript peers generate. The timing loops mirror
bench/src/drivers.ts; W3 and W4 follow benny's rules (warm-up calls, then at least `minSamples`
calls and `maxTime` seconds).
"""

import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

RESULT_PREFIX = "BENCH_RESULT "


def load(data_dir, manifest, name):
    entry = manifest[name]
    array = np.fromfile(os.path.join(data_dir, entry["file"]), dtype=entry["dtype"])
    return torch.from_numpy(array.reshape(entry["shape"]))


def init_layers(data_dir, manifest, prefix):
    layers = []
    for l in range(sum(1 for name in manifest if name.startswith(f"{prefix}_w"))):
        w = load(data_dir, manifest, f"{prefix}_w{l}").clone().requires_grad_(True)
        b = torch.zeros(w.shape[1], requires_grad=True)
        layers.append((w, b))
    return layers


def logits_of(layers, x, hidden):
    h = x
    for i, (w, b) in enumerate(layers):
        s = torch.addmm(b, h, w)
        h = hidden(s) if i + 1 < len(layers) else s
    return h


def params_of(layers):
    return [p for layer in layers for p in layer]


def run_w1(settings, data_dir, manifest):
    x = load(data_dir, manifest, "w1_x")
    y = load(data_dir, manifest, "w1_y")
    orders = load(data_dir, manifest, "w1_orders").to(torch.int64)
    n = x.shape[0]
    batch = settings["batchSize"]
    steps_per_epoch = n // batch
    layers = init_layers(data_dir, manifest, "w1_init")
    optimizer = torch.optim.SGD(params_of(layers), lr=settings["lr"])

    start = time.perf_counter()
    timed_from = start
    for epoch in range(settings["epochs"]):
        if epoch == settings["warmupEpochs"]:
            timed_from = time.perf_counter()
        order = orders[epoch]
        for s in range(steps_per_epoch):
            rows = order[s * batch:(s + 1) * batch]
            xb, yb = x[rows], y[rows]
            optimizer.zero_grad(set_to_none=True)
            F.binary_cross_entropy_with_logits(logits_of(layers, xb, torch.tanh), yb).backward()
            optimizer.step()
    end = time.perf_counter()

    with torch.no_grad():
        accuracy = ((logits_of(layers, x, torch.tanh) >= 0).float() == y).float().mean().item()
    steps_per_s = (settings["epochs"] - settings["warmupEpochs"]) * steps_per_epoch / (end - timed_from)
    return [
        ("", "steps_per_s", steps_per_s),
        ("", "samples_per_s", steps_per_s * batch),
        ("", f"time_to_{settings['epochs']}_epochs_s", end - start),
        ("", "final_train_acc", accuracy),
    ]


def run_w2(settings, data_dir, manifest):
    x = load(data_dir, manifest, "w2_x")
    labels = load(data_dir, manifest, "w2_labels").to(torch.int64)
    batch = settings["batchSize"]
    pool = x.shape[0] // batch
    layers = init_layers(data_dir, manifest, "w2_init")
    optimizer = torch.optim.Adam(
        params_of(layers), lr=settings["lr"], betas=(settings["beta1"], settings["beta2"]), eps=settings["eps"]
    )

    def step(s):
        r = (s % pool) * batch
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(logits_of(layers, x[r:r + batch], torch.relu), labels[r:r + batch]).backward()
        optimizer.step()

    s = 0
    while s < settings["warmupSteps"]:
        step(s)
        s += 1
    start = time.perf_counter()
    timed = 0
    elapsed = 0.0
    while (timed < settings["minTimedSteps"] or elapsed < settings["minTimedSeconds"]
           or (settings["wholePasses"] and timed % pool != 0)):
        step(s)
        s += 1
        timed += 1
        elapsed = time.perf_counter() - start
    steps_per_s = timed / (time.perf_counter() - start)
    return [("", "steps_per_s", steps_per_s), ("", "samples_per_s", steps_per_s * batch)]


def calls_per_second(fn, settings):
    """Warm-up (warmupCalls calls and at least warmupSeconds), then calls until both minSamples and
    maxTime are reached, as bench/src/drivers.ts does before and with benny."""
    calls = 0
    start = time.perf_counter()
    while calls < settings["warmupCalls"] or time.perf_counter() - start < settings["warmupSeconds"]:
        fn()
        calls += 1
    calls = 0
    start = time.perf_counter()
    elapsed = 0.0
    while calls < settings["minSamples"] or elapsed < settings["maxTime"]:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
    return calls / elapsed


def run_w3(settings, data_dir, manifest):
    results = []
    for n in settings["sizes"]:
        a = load(data_dir, manifest, f"w3_a_{n}")
        b = load(data_dir, manifest, f"w3_b_{n}")
        # Into one preallocated result, as actgrad's runner writes (the spec allows it): a call
        # times the product, not the page faults of a fresh n² array.
        c = torch.empty(n, n)
        ops = calls_per_second(lambda: torch.matmul(a, b, out=c), settings)
        results.append((f"n={n}", "gflops", ops * 2 * n ** 3 / 1e9))
    return results


def activations(options):
    """The activations by the spec's names, and the learnable parameters they own."""
    alpha = lambda name: options.get(name, {}).get("alpha")  # noqa: E731
    # PReLU's alpha is learnable, so the backward computes its gradient too, as for the other peers.
    prelu_weight = torch.tensor([alpha("prelu")], requires_grad=True)
    # `linear` is a copy: the identity's forward and backward, with the output a tensor of its own.
    return [prelu_weight], {
        "linear": lambda x: x.clone(),
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leakyRelu": lambda x: F.leaky_relu(x, alpha("leakyRelu")),
        "elu": lambda x: F.elu(x, alpha("elu")),
        "selu": F.selu,
        "softmax": lambda x: F.softmax(x, dim=-1),
        "logSoftmax": lambda x: F.log_softmax(x, dim=-1),
        "gelu": F.gelu,
        "silu": F.silu,
        "softplus": F.softplus,
        "prelu": lambda x: F.prelu(x, prelu_weight),
    }


def run_w4(settings, data_dir, manifest):
    x = load(data_dir, manifest, "w4_x").clone().requires_grad_(True)
    grad = load(data_dir, manifest, "w4_grad")
    learnable, table = activations(settings["options"])
    results = []
    for name in settings["activations"]:
        fn = table.get(name)
        if fn is None:
            continue

        def forward_backward(fn=fn):
            x.grad = None
            fn(x).backward(grad)
            # Keeps PReLU's alpha gradient from accumulating across calls.
            for p in learnable:
                p.grad = None

        results.append((name, "elements_per_s", calls_per_second(forward_backward, settings) * x.numel()))
    return results


def blas_library():
    """The BLAS this torch links (Debian's torch uses the system libblas.so.3 for float32 matmul):
    Debian's reference BLAS is one to two orders of magnitude slower than OpenBLAS."""
    torch.matmul(torch.ones(2, 2), torch.ones(2, 2))
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.split()[-1].lower()}
    resolved = sorted({os.path.realpath(p) for p in paths})
    if not resolved:
        return "unknown"
    kind = "OpenBLAS" if any("openblas" in p for p in resolved) else (
        "MKL" if any("mkl" in p for p in resolved) else "reference BLAS")
    try:
        from threadpoolctl import threadpool_info
        arch = [p.get("architecture") for p in threadpool_info() if p.get("user_api") == "blas" and p.get("architecture")]
    except ImportError:
        arch = []
    kernels = f", {arch[0]} kernels" if arch else ""
    return f"{kind} ({', '.join(resolved)}){kernels}"


def main():
    job = json.loads(sys.argv[1])
    threads = int(job["runner"].rsplit("-", 1)[1].rstrip("t"))
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    # torch.set_num_threads does not reach OpenBLAS's own pthreads pool, which otherwise
    # uses every core: a "1 thread" matmul ran on two. threadpoolctl sets it.
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(limits=threads, user_api="blas")
    except ImportError:
        sys.stderr.write("threadpoolctl missing (apt install python3-threadpoolctl): OpenBLAS may use more threads than asked\n")
    data_dir = job["dataDir"]
    with open(os.path.join(data_dir, "manifest.json")) as f:
        manifest = json.load(f)
    runners = {"w1": run_w1, "w2": run_w2, "w3": run_w3, "w4": run_w4}
    with torch.no_grad() if job["workload"] == "w3" else torch.enable_grad():
        measurements = runners[job["workload"]](job["settings"], data_dir, manifest)
    result = {
        "runner": job["runner"],
        "workload": job["workload"],
        "backend": f"cpu, {torch.get_num_threads()} thread{'s' if torch.get_num_threads() > 1 else ''}",
        "versions": {"torch": torch.__version__, "python": sys.version.split()[0], "torch BLAS": blas_library()},
        "measurements": [{"case": c, "metric": m, "value": v} for c, m, v in measurements],
    }
    sys.stdout.write("\n" + RESULT_PREFIX + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
