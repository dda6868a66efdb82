"""Median times of fastact's softmax family against the textbook NumPy formulas (and PyTorch if installed).

    PYTHONPATH=. .venv/bin/python benchmarks/softmax_timings.py [rounds]

Functions take turns within each round (so a burst of load on a shared
machine hits all of them alike); the figures are medians over the rounds, in
ms, with the ratio NumPy time / fastact time (above 1: fastact is faster).
PyTorch's OpenMP threads are asked to sleep between ops (OMP_WAIT_POLICY=PASSIVE,
unless set): by default they spin on after each op, and the fastact call that
takes its turn next would share the two cores with them.
"""

import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch is imported

import numpy as np

import fastact
from fastact._textbook import SOFTMAX_TEXTBOOK

SHAPES = ((64, 10), (4096, 1000))
DTYPES = (np.float32, np.float64)
FUNCTIONS = ("softmax", "log_softmax", "logsumexp", "softmax_backward")


def torch_functions():
    try:
        import torch
    except ImportError:
        return {}
    return {
        "softmax": lambda x: torch.softmax(x, -1),
        "log_softmax": lambda x: torch.log_softmax(x, -1),
        "logsumexp": lambda x: torch.logsumexp(x, -1),
    }


def contenders(name, x, dy):
    """name -> zero-argument callable, for each implementation of function ``name`` on x."""
    arguments = (dy, fastact.softmax(x)) if name == "softmax_backward" else (x,)
    result = {"fastact": lambda: getattr(fastact, name)(*arguments)}
    result["numpy"] = lambda: SOFTMAX_TEXTBOOK[name](*arguments)
    torch_function = torch_functions().get(name)
    if torch_function is not None:
        import torch

        tensor = torch.from_numpy(x)
        result["torch"] = lambda: torch_function(tensor)
    return result


def median_times(callables, rounds):
    """Median seconds per call of each callable, calls batched to ~2 ms (beyond the timer's resolution)."""
    for function in callables.values():
        function()  # compile, warm caches
    batch = {k: max(1, int(2e-3 / max(_once(f), 1e-7))) for k, f in callables.items()}
    samples = {k: [] for k in callables}
    for _ in range(rounds):
        for key, function in callables.items():
            start = time.perf_counter()
            for _ in range(batch[key]):
                function()
            samples[key].append((time.perf_counter() - start) / batch[key])
    return {k: float(np.median(v)) for k, v in samples.items()}


def _once(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main(rounds=15):
    rng = np.random.default_rng(0)
    print(f"{'function':18s} {'shape':12s} {'dtype':8s} {'fastact ms':>11s} {'numpy ms':>10s} {'ratio':>7s}")
    for name in FUNCTIONS:
        for shape in SHAPES:
            for dtype in DTYPES:
                x, dy = (rng.normal(size=shape) * 3).astype(dtype), rng.normal(size=shape).astype(dtype)
                times = median_times(contenders(name, x, dy), rounds)
                line = f"{name:18s} {str(shape):12s} {dtype.__name__:8s} {1e3 * times['fastact']:11.4f}"
                line += f" {1e3 * times['numpy']:10.4f} {times['numpy'] / times['fastact']:7.2f}"
                if "torch" in times:
                    line += f"  torch {1e3 * times['torch']:.4f} ms"
                print(line, flush=True)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
