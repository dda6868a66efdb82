"""fastact: activation functions and their derivatives as NumPy ufuncs.

Every name in ``fastact.UFUNCS`` is a real ``numpy.ufunc``, compiled with Numba
the first time it is looked up (from Numba's on-disk cache after the first
run), so ``import fastact`` stays cheap.
"""

import threading

from ._schema import ufunc_specs
from ._softmax import SOFTMAX_FUNCTIONS
from ._table import ACTIVATIONS
from ._threads import get_num_threads, set_num_threads

__version__ = "0.1.0"

UFUNCS = ufunc_specs(ACTIVATIONS)
__all__ = ["ACTIVATIONS", "UFUNCS", "get_num_threads", "set_num_threads", *UFUNCS, *SOFTMAX_FUNCTIONS]

_build_lock = threading.Lock()


def __getattr__(name):
    if name in SOFTMAX_FUNCTIONS:  # plain functions over an axis (fastact/_softmax.py), not ufuncs
        from . import _softmax

        globals()[name] = getattr(_softmax, name)
        return globals()[name]
    spec = UFUNCS.get(name)
    if spec is None:
        raise AttributeError(f"module 'fastact' has no attribute {name!r}")
    with _build_lock:
        if name not in globals():
            from ._build import build_ufunc

            globals()[name] = build_ufunc(spec)
    return globals()[name]


def __dir__():
    return sorted(set(globals()) | set(__all__))
