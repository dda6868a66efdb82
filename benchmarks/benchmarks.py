"""asv benchmarks, one class per activation in the table (generated, so new entries join).

Each class times and measures peak memory of the activation's forward,
derivative and backward ufuncs against the textbook NumPy formula (and SciPy
where it has the function), for float32 and float64, from 1e2 to 1e7 elements.
JIT compilation happens in setup, outside the figures.
"""

import numpy as np

import fastact
from fastact._grids import inputs_on
from fastact._schema import ufunc_name

from .implementations import IMPLEMENTATIONS, implementation

ROLES = ("forward", "derivative", "backward")
DTYPES = ("float32", "float64")
SIZES = (10**2, 10**4, 10**6, 10**7)


class ElementwiseBenchmark:
    activation = None  # set on each generated subclass
    params = (ROLES, IMPLEMENTATIONS, DTYPES, SIZES)
    param_names = ("role", "implementation", "dtype", "size")
    # About 0.3 s a parameter combination, so a full `asv run` stays near ten minutes on 2 cores.
    rounds = 1
    repeat = (1, 3, 1.0)
    warmup_time = 0.05
    timeout = 300

    def setup(self, role, which, dtype, size):
        spec = fastact.UFUNCS[ufunc_name(self.activation.name, role)]
        self.function = implementation(spec.name, which)
        x = np.random.default_rng(0).uniform(-5, 5, size).astype(dtype)
        self.inputs = inputs_on(spec, x, [p.default for p in self.activation.params if spec.parametric])
        with np.errstate(all="ignore"):
            self.function(*self.inputs)  # compile, fill caches

    # Inputs are ordinary (|x| <= 5): no formula warns, so no errstate context in the timed call.
    def time_call(self, role, which, dtype, size):
        self.function(*self.inputs)

    def peakmem_call(self, role, which, dtype, size):
        self.function(*self.inputs)


for _activation in fastact.ACTIVATIONS:
    _name = "".join(part.title() for part in _activation.name.split("_"))
    globals()[_name] = type(_name, (ElementwiseBenchmark,), {"activation": _activation})
