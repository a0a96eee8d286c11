"""Which kernels PyTorch's BLAS runs, and how fast: one line of JSON.

OpenBLAS (Debian's is built for every x86-64 core type) picks its kernels from the CPU it
recognises; on a core it does not know it falls back to older ones, and the environment
variable OPENBLAS_CORETYPE (read when the library loads, so one process per choice) picks
others. bench/src/blas.ts runs this once per candidate and gives PyTorch the fastest.

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/python/blas_probe.py [seconds]
"""
import json
import sys
import time

import torch


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return {"error": "threadpoolctl missing (apt install python3-threadpoolctl)"}
    torch.matmul(torch.ones(2, 2), torch.ones(2, 2))
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return {k: pool.get(k) for k in ("internal_api", "version", "architecture", "threading_layer", "filepath")}
    return {"error": "threadpoolctl finds no BLAS in this process"}


def sgemm_gflops(n, threads, seconds):
    from threadpoolctl import threadpool_limits
    torch.set_num_threads(threads)
    a, b = torch.rand(n, n), torch.rand(n, n)
    with threadpool_limits(limits=threads, user_api="blas"):
        for _ in range(2):
            torch.matmul(a, b)
        best = 0.0
        for _ in range(5):
            calls, t0 = 0, time.perf_counter()
            while calls < 2 or time.perf_counter() - t0 < seconds / 5:
                torch.matmul(a, b)
                calls += 1
            best = max(best, 2 * n ** 3 * calls / (time.perf_counter() - t0) / 1e9)
    return best


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5
    info = blas_info()
    if "error" not in info:
        info["gflops_1t_n512"] = sgemm_gflops(512, 1, seconds)
    sys.stdout.write(json.dumps(info) + "\n")


if __name__ == "__main__":
    main()
