"""asv benchmarks of the softmax family: fastact against the textbook NumPy formulas and SciPy.

Rows of n entries reduced along the last axis, float32 and float64; SciPy has
softmax, log_softmax and logsumexp but no backward form (skipped). JIT
compilation happens in setup, outside the figures.
"""

import importlib

import numpy as np

import fastact
from fastact._textbook import SOFTMAX_TEXTBOOK

FUNCTIONS = ("softmax", "log_softmax", "logsumexp", "softmax_backward")
IMPLEMENTATIONS = ("fastact", "numpy", "scipy")
DTYPES = ("float32", "float64")
SHAPES = ("64x10", "4096x1000", "16x100000")  # rows x n
SCIPY = {name: f"scipy.special.{name}" for name in ("softmax", "log_softmax", "logsumexp")}


def implementation(name, which):
    """The callable for ``name`` (inputs, axis=-1), or NotImplementedError (asv's "skip") if there is none."""
    if which == "fastact":
        return getattr(fastact, name)
    if which == "numpy":
        return SOFTMAX_TEXTBOOK[name]
    if name not in SCIPY:
        raise NotImplementedError(f"SciPy has no {name}")
    module, attribute = SCIPY[name].rsplit(".", 1)
    return getattr(importlib.import_module(module), attribute)


class Softmax:
    params = (FUNCTIONS, IMPLEMENTATIONS, DTYPES, SHAPES)
    param_names = ("function", "implementation", "dtype", "shape")
    rounds = 1
    repeat = (1, 5, 2.0)
    warmup_time = 0.05
    timeout = 300

    def setup(self, name, which, dtype, shape):
        self.function = implementation(name, which)
        rows, n = (int(side) for side in shape.split("x"))
        rng = np.random.default_rng(0)
        x = (rng.normal(size=(rows, n)) * 3).astype(dtype)
        if name == "softmax_backward":
            self.inputs = (rng.normal(size=(rows, n)).astype(dtype), fastact.softmax(x))
        else:
            self.inputs = (x,)
        self.function(*self.inputs, axis=-1)  # compile, fill caches

    def time_call(self, name, which, dtype, shape):
        self.function(*self.inputs, axis=-1)

    def peakmem_call(self, name, which, dtype, shape):
        self.function(*self.inputs, axis=-1)


IN_PLACE_FUNCTIONS = ("softmax", "log_softmax", "softmax_backward", "log_softmax_backward")
FORWARD_OF = {"softmax_backward": "softmax", "log_softmax_backward": "log_softmax"}


class InPlace:
    """fastact with out= its first input against the same call into a preallocated out: in place,
    each row is computed into a scratch row, so neither time nor memory should grow (peakmem).
    Repeated calls in place keep transforming the same array; every value stays finite."""

    params = (IN_PLACE_FUNCTIONS, ("in place", "out of place"), DTYPES, ("64x1000", "4096x1000"))
    param_names = ("function", "out", "dtype", "shape")
    rounds = 1
    repeat = (1, 5, 2.0)
    warmup_time = 0.05
    timeout = 300

    def setup(self, name, out, dtype, shape):
        self.function = getattr(fastact, name)
        rows, n = (int(side) for side in shape.split("x"))
        rng = np.random.default_rng(0)
        x = (rng.normal(size=(rows, n)) * 3).astype(dtype)
        if name in FORWARD_OF:
            self.inputs = (rng.normal(size=(rows, n)).astype(dtype), getattr(fastact, FORWARD_OF[name])(x))
        else:
            self.inputs = (x,)
        self.out = self.inputs[0] if out == "in place" else np.empty_like(x)
        self.function(*self.inputs, out=self.out)  # compile, fill caches

    def time_call(self, name, out, dtype, shape):
        self.function(*self.inputs, out=self.out)

    def peakmem_call(self, name, out, dtype, shape):
        self.function(*self.inputs, out=self.out)


class DominantEntry:
    """Rows whose first entry lies 30 or more above the others (a confident classifier's logits)
    against Gaussian rows: float64 log_softmax and logsumexp sum such rows again
    (exact_when_dominant), which should cost one exp pass more, and only there."""

    params = (("log_softmax", "logsumexp"), ("gaussian", "dominant"), DTYPES, ("64x1000", "4096x1000"))
    param_names = ("function", "rows", "dtype", "shape")
    rounds = 1
    repeat = (1, 5, 2.0)
    warmup_time = 0.05
    timeout = 300

    def setup(self, name, kind, dtype, shape):
        self.function = getattr(fastact, name)
        rows, n = (int(side) for side in shape.split("x"))
        x = np.random.default_rng(0).normal(size=(rows, n))
        if kind == "dominant":
            x[:, 1:] -= 33.0
            x[:, 0] = 3.0
        self.x = x.astype(dtype)
        self.function(self.x)

    def time_call(self, name, kind, dtype, shape):
        self.function(self.x)
