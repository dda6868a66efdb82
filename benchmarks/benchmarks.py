"""asv benchmarks, one class per activation in the table (generated, so new entries join).

Each activation gets two classes: ``Sigmoid`` times its forward, derivative and
backward ufuncs against the textbook NumPy formula (and SciPy where it has the
function), float32 and float64, at 1e2, 1e5 and 1e7 elements; ``SigmoidMemory``
measures their peak memory at 1e7.
JIT compilation happens in setup, outside the figures.
"""

import numpy as np

import fastact
from fastact._grids import inputs_on
from fastact._schema import ufunc_name

from .implementations import IMPLEMENTATIONS, SCIPY, implementation

ROLES = ("forward", "derivative", "backward")
DTYPES = ("float32", "float64")
SIZES = (10**2, 10**5, 10**7)
PEAKMEM_SIZE = 10**7  # peak memory says something only where the arrays dominate the process


class ElementwiseSetup:
    """Parameters and setup of the generated timing classes (no benchmark methods of its own,
    so asv does not collect it); ``activation`` is set on each generated subclass."""

    activation = None
    params = (ROLES, IMPLEMENTATIONS, DTYPES, SIZES)
    param_names = ("role", "implementation", "dtype", "size")
    rounds = 1
    repeat = (1, 3, 1.0)
    warmup_time = 0.05
    timeout = 300

    def setup(self, role, which, dtype, size):
        spec = fastact.UFUNCS[ufunc_name(self.activation.name, role)]
        # peakmem counts setup: every implementation pays the same baseline (Numba, the loop).
        getattr(fastact, spec.name)(*inputs_on(spec, np.zeros(1), ()))
        self.function = implementation(spec.name, which)
        x = np.random.default_rng(0).uniform(-5, 5, size).astype(dtype)
        self.inputs = inputs_on(spec, x, [p.default for p in self.activation.params if spec.parametric])
        with np.errstate(all="ignore"):
            self.function(*self.inputs)  # compile, fill caches


class MemorySetup(ElementwiseSetup):
    """The same at PEAKMEM_SIZE elements only, for peak memory (the textbook formulas' temporaries)."""

    params = (ROLES, IMPLEMENTATIONS, DTYPES)
    param_names = ("role", "implementation", "dtype")

    def setup(self, role, which, dtype):
        super().setup(role, which, dtype, PEAKMEM_SIZE)


# Inputs are ordinary (|x| <= 5): no formula warns, so no errstate context in the measured call.
def _time_call(self, role, which, dtype, size):
    self.function(*self.inputs)


def _peakmem_call(self, role, which, dtype):
    self.function(*self.inputs)


def implementations_for(activation):
    """fastact and numpy, and scipy only where SciPy has one of the activation's benchmarked ufuncs
    (asv sets up every parameter combination in a process of its own, even to skip it)."""
    names = {ufunc_name(activation.name, role) for role in ROLES}
    return tuple(i for i in IMPLEMENTATIONS if i != "scipy" or names & set(SCIPY))


for _activation in fastact.ACTIVATIONS:
    _name = "".join(part.title() for part in _activation.name.split("_"))
    _implementations = implementations_for(_activation)
    _timing = {
        "activation": _activation,
        "params": (ROLES, _implementations, DTYPES, SIZES),
        "time_call": _time_call,
    }
    globals()[_name] = type(_name, (ElementwiseSetup,), _timing)
    _memory = {
        "activation": _activation,
        "params": (ROLES, _implementations, DTYPES),
        "peakmem_call": _peakmem_call,
    }
    globals()[_name + "Memory"] = type(_name + "Memory", (MemorySetup,), _memory)
