"""How fast PyTorch trains a W2-shaped network with glibc's malloc as it comes and as tuned: one
line of JSON.

Each Adam step of PyTorch's default (single-tensor) implementation allocates temporaries the size
of a weight matrix (exp_avg_sq.sqrt(), its quotient, ...). glibc serves blocks of 128 KiB and more
with mmap and returns them on free, and raises that threshold only up to the size of a freed block;
on some virtual machines each fresh page then costs a fault, and the step spends most of its time
there (a 784-256-128-10 step, 1 thread: 150 steps/s as glibc comes, 700-800 tuned, Zen 5 VM,
2026-12-02). MALLOC_MMAP_THRESHOLD_ (serve such blocks from the heap) and MALLOC_TRIM_THRESHOLD_
(keep the heap's freed top) are glibc's documented tunables, read when the process starts, so
bench/src/malloc.ts runs this once as the environment stands and once tuned.

    MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824 /usr/bin/python3 bench/python/malloc_probe.py [seconds]
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def steps_per_second(seconds):
    torch.set_num_threads(1)
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(limits=1, user_api="blas")
    except ImportError:
        pass
    gen = torch.Generator().manual_seed(0)
    sizes = [784, 256, 128, 10]
    weights = [(torch.rand(a, b, generator=gen) * 2 - 1).mul_((6 / (a + b)) ** 0.5).requires_grad_() for a, b in zip(sizes, sizes[1:])]
    biases = [torch.zeros(b, requires_grad=True) for b in sizes[1:]]
    optimizer = torch.optim.Adam(weights + biases, lr=1e-3)
    x = torch.rand(128, 784, generator=gen)
    y = torch.randint(0, 10, (128,), generator=gen)

    def step():
        optimizer.zero_grad(set_to_none=True)
        h = x
        for i, (w, b) in enumerate(zip(weights, biases)):
            h = torch.addmm(b, h, w)
            if i < len(weights) - 1:
                h = torch.relu(h)
        F.cross_entropy(h, y).backward()
        optimizer.step()

    for _ in range(20):
        step()
    best = 0.0
    for _ in range(3):
        steps, t0 = 0, time.perf_counter()
        while steps < 5 or time.perf_counter() - t0 < seconds / 3:
            step()
            steps += 1
        best = max(best, steps / (time.perf_counter() - t0))
    return best


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5
    sys.stdout.write(json.dumps({"steps_per_s": steps_per_second(seconds)}) + "\n")


if __name__ == "__main__":
    main()
