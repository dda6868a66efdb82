"""fastact on 1e7-element arrays against NumPy's memory-bound baselines, and on 1e3 against np.exp.

    PYTHONPATH=. python benchmarks/large_arrays.py
    FASTACT_NUM_THREADS=1 PYTHONPATH=. python benchmarks/large_arrays.py   # fastact on one thread

Every call writes into a preallocated out=. Times are the median of REPEATS
runs in this one process, the functions taking turns, so that load from other
processes on a shared machine falls on all of them alike. At 1e7 each time is
also given as a ratio to np.copyto of the same array (pure memory traffic),
np.multiply(grad, x, out=) (the memory traffic of a backward form: two arrays
read, one written), np.exp and np.maximum(x, 0, out=) (NumPy's relu); at 1e3 (each run the mean of
SMALL_CALLS calls, in cache, one thread: below the threading grain) as a ratio
to np.exp. fastact splits a 1e7 loop over fastact.get_num_threads() threads
(the CPU affinity count unless FASTACT_NUM_THREADS or set_num_threads says
otherwise); the NumPy baselines run on one. The header prints both, and the
load average, which on a shared machine says how much the numbers can be trusted.

Where PyTorch is importable (an optional comparison, never a dependency), a
last table times its CPU ops at 1e7 on fastact's thread count, out= given:
torch.sigmoid, torch.tanh, and the backward ops its autograd runs
(aten.sigmoid_backward / tanh_backward, which take the forward's output y:
timed against fastact's from-output backward forms, which take the same inputs,
and against its backward forms of x), each as the ratio fastact time / torch time,
the fastact and torch calls taking turns as above. PyTorch's OpenMP threads are
asked to sleep between ops (OMP_WAIT_POLICY=PASSIVE, unless set): by default they
spin on after each op, and the fastact call that takes its turn next would share
the two cores with them (waking them costs microseconds, against milliseconds an op).
"""

import importlib.util
import os
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch is imported

import numpy as np

import fastact
from fastact._grids import inputs_on

SIZE = 10_000_000
SMALL_SIZE = 1_000
SMALL_CALLS = 2_000
REPEATS = 7
BASELINES = ("np.copyto", "np.multiply(grad, x)", "np.exp", "np.maximum(x, 0)")
FUNCTIONS = (
    "sigmoid",
    "tanh",
    "dsigmoid",
    "dtanh",
    "sigmoid_backward",
    "tanh_backward",
    "sigmoid_backward_from_output",
    "tanh_backward_from_output",
    "relu",
    "leaky_relu",
)


def median_ms(calls, calls_per_run=1):
    """Median time of each call, in ms. The calls take turns, REPEATS rounds, so that
    load from other processes on a shared machine falls on all of them alike."""
    times = {name: [] for name in calls}
    for call in calls.values():
        call()  # warm up: compile or load the loop, touch the pages
    for _ in range(REPEATS):
        for name, call in calls.items():
            start = time.perf_counter()
            for _ in range(calls_per_run):
                call()
            times[name].append((time.perf_counter() - start) / calls_per_run)
    return {name: 1e3 * float(np.median(t)) for name, t in times.items()}


def timed_calls(dtype, size):
    rng = np.random.default_rng(0)
    x = rng.uniform(-10, 10, size).astype(dtype)
    grad = rng.uniform(-1, 1, size).astype(dtype)
    out = np.empty_like(x)
    calls = {
        "np.copyto": lambda: np.copyto(out, x),
        "np.multiply(grad, x)": lambda: np.multiply(grad, x, out=out),  # the backward forms' traffic
        "np.exp": lambda: np.exp(x, out=out),
        "np.maximum(x, 0)": lambda: np.maximum(x, dtype(0), out=out),
    }
    for name in FUNCTIONS:
        ufunc, inputs = getattr(fastact, name), inputs_on(fastact.UFUNCS[name], x, grad=grad)
        calls[name] = lambda ufunc=ufunc, inputs=inputs: ufunc(*inputs, out=out)
    return calls


def torch_calls(dtype, size):
    """{fastact name: (fastact call, torch call)} for the ops PyTorch has; {} without torch."""
    try:
        import torch
    except ImportError:
        return {}
    torch.set_num_threads(fastact.get_num_threads())
    rng = np.random.default_rng(0)
    x = rng.uniform(-10, 10, size).astype(dtype)
    grad = rng.uniform(-1, 1, size).astype(dtype)
    out = np.empty_like(x)
    tx, tgrad, tout = (torch.from_numpy(a) for a in (x, grad, np.empty_like(x)))
    # y from fastact: both take the same y
    ty = {name: torch.from_numpy(getattr(fastact, name)(x)) for name in ("sigmoid", "tanh")}
    aten = torch.ops.aten
    torch_ops = {
        "sigmoid": lambda: torch.sigmoid(tx, out=tout),
        "tanh": lambda: torch.tanh(tx, out=tout),
        "sigmoid_backward": lambda: aten.sigmoid_backward.grad_input(tgrad, ty["sigmoid"], grad_input=tout),
        "tanh_backward": lambda: aten.tanh_backward.grad_input(tgrad, ty["tanh"], grad_input=tout),
    }
    for name in ("sigmoid_backward", "tanh_backward"):  # torch's take y: as fastact's from-output forms
        torch_ops[f"{name}_from_output"] = torch_ops[name]
    calls = {}
    for name, torch_op in torch_ops.items():
        ufunc, inputs = getattr(fastact, name), inputs_on(fastact.UFUNCS[name], x, grad=grad)
        calls[name] = (lambda ufunc=ufunc, inputs=inputs: ufunc(*inputs, out=out), torch_op)
    return calls


def print_torch_table(dtype):
    calls = torch_calls(dtype, SIZE)
    if not calls:
        return
    turns = {}
    for name, (ours, theirs) in calls.items():
        turns[f"fastact:{name}"], turns[f"torch:{name}"] = ours, theirs
    times = median_ms(turns)
    print(f"\n{np.dtype(dtype).name:28s} {'fastact ms':>12s} {'torch ms':>12s} {'fastact/torch':>14s}")
    for name in calls:
        ours, theirs = times[f"fastact:{name}"], times[f"torch:{name}"]
        print(f"{name:28s} {ours:12.2f} {theirs:12.2f} {ours / theirs:14.2f}")


def measure(dtype):
    times = median_ms(timed_calls(dtype, SIZE))
    return {name: times.pop(name) for name in BASELINES}, times


def print_table(dtype, baselines, ours, unit="ms", scale=1.0):
    widths = {n: max(18, len(n) + 1) for n in baselines}
    header = " ".join(f"{'/' + n:>{w}s}" for n, w in widths.items())
    print(f"\n{np.dtype(dtype).name:28s} {unit:>8s} {header}")
    for name, value in {**baselines, **ours}.items():
        ratios = " ".join(f"{value / baselines[n]:{w}.2f}" for n, w in widths.items())
        print(f"{name:28s} {value * scale:8.2f} {ratios}")


def main():
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(
        f"{SIZE:.0e} elements, out= preallocated, median of {REPEATS} runs; fastact on "
        f"{fastact.get_num_threads()} thread(s), NumPy on 1; {os.cpu_count()} CPUs, load average {load}"
    )
    for dtype in (np.float32, np.float64):
        print_table(dtype, *measure(dtype))
    print(
        f"\n{SMALL_SIZE:.0e} elements, in cache, one thread; mean of {SMALL_CALLS} calls, median of {REPEATS}"
    )
    for dtype in (np.float32, np.float64):
        times = median_ms(timed_calls(dtype, SMALL_SIZE), SMALL_CALLS)
        baselines = {"np.exp": times.pop("np.exp")}
        for name in BASELINES:
            times.pop(name, None)
        print_table(dtype, baselines, times, unit="us", scale=1e3)
    if importlib.util.find_spec("torch") is not None:
        print(
            f"\n{SIZE:.0e} elements against PyTorch CPU, both on {fastact.get_num_threads()} thread(s), "
            f"median of {REPEATS}"
        )
        for dtype in (np.float32, np.float64):
            print_torch_table(dtype)


if __name__ == "__main__":
    main()
