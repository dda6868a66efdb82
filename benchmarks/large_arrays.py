"""Single-threaded time on 1e7-element arrays, against NumPy's memory-bound baselines.

    PYTHONPATH=. python benchmarks/large_arrays.py

Every call writes into a preallocated out=. Times are the median of REPEATS
runs in this one process, the functions taking turns; each is also given as a
ratio to np.copyto of the same array (pure memory traffic), np.exp and
np.maximum(x, 0, out=) (NumPy's relu).
"""

import time

import numpy as np

import fastact

SIZE = 10_000_000
REPEATS = 7
BASELINES = ("np.copyto", "np.exp", "np.maximum(x, 0)")
FUNCTIONS = ("sigmoid", "tanh", "dsigmoid", "dtanh", "sigmoid_backward", "relu", "leaky_relu")


def median_ms(calls):
    """Median time of each call, in ms. The calls take turns, REPEATS rounds, so that
    load from other processes on a shared machine falls on all of them alike."""
    times = {name: [] for name in calls}
    for call in calls.values():
        call()  # warm up: compile or load the loop, touch the pages
    for _ in range(REPEATS):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return {name: 1e3 * float(np.median(t)) for name, t in times.items()}


def measure(dtype):
    rng = np.random.default_rng(0)
    x = rng.uniform(-10, 10, SIZE).astype(dtype)
    grad = rng.uniform(-1, 1, SIZE).astype(dtype)
    out = np.empty_like(x)
    calls = {
        "np.copyto": lambda: np.copyto(out, x),
        "np.exp": lambda: np.exp(x, out=out),
        "np.maximum(x, 0)": lambda: np.maximum(x, dtype(0), out=out),
    }
    for name in FUNCTIONS:
        ufunc = getattr(fastact, name)
        inputs = (grad, x) if ufunc.nin == 2 else (x,)
        calls[name] = lambda ufunc=ufunc, inputs=inputs: ufunc(*inputs, out=out)
    times = median_ms(calls)
    return {name: times.pop(name) for name in BASELINES}, times


def main():
    print(f"{SIZE:.0e} elements, out= preallocated, median of {REPEATS} runs, one thread")
    for dtype in (np.float32, np.float64):
        baselines, ours = measure(dtype)
        names = list(baselines)
        print(f"\n{np.dtype(dtype).name:18s} {'ms':>8s} " + " ".join(f"{'/' + n:>18s}" for n in names))
        for name, ms in {**baselines, **ours}.items():
            ratios = " ".join(f"{ms / baselines[n]:18.2f}" for n in names)
            print(f"{name:18s} {ms:8.2f} {ratios}")


if __name__ == "__main__":
    main()
