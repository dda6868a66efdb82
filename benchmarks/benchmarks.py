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

from .implementations import IMPLEMENTATIONS, implementation

ROLES = ("forward", "derivative", "backward")
DTYPES = ("float32", "float64")
SIZES = (10**2, 10**5, 10**7)
PEAKMEM_SIZE = 10**7  # peak memory says something only where the arrays dominate the process


class ElementwiseBenchmark:
    """Time of one call; generated once per activation (``activation`` set on the subclass)."""

    activation = None
    params = (ROLES, IMPLEMENTATIONS, DTYPES, SIZES)
    param_names = ("role", "implementation", "dtype", "size")
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


class ElementwiseMemory(ElementwiseBenchmark):
    """Peak memory of one call on PEAKMEM_SIZE elements (the textbook formulas' temporaries)."""

    params = (ROLES, IMPLEMENTATIONS, DTYPES)
    param_names = ("role", "implementation", "dtype")

    def setup(self, role, which, dtype):
        super().setup(role, which, dtype, PEAKMEM_SIZE)

    def peakmem_call(self, role, which, dtype):
        self.function(*self.inputs)


for _activation in fastact.ACTIVATIONS:
    _name = "".join(part.title() for part in _activation.name.split("_"))
    globals()[_name] = type(_name, (ElementwiseBenchmark,), {"activation": _activation})
    globals()[_name + "Memory"] = type(_name + "Memory", (ElementwiseMemory,), {"activation": _activation})
