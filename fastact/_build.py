"""Turn a table entry's kernels into NumPy ufuncs, one loop per dtype."""

import numpy as np

from ._capi import make_ufunc
from ._elementary import kernel
from ._loops import compile_loop
from ._single import no_twins_inside
from ._threads import data_block

# float32 first: NumPy picks the first loop the inputs cast to safely, so a
# float64-first ufunc would silently return float64 for float32 input.
LOOP_DTYPES = (np.float32, np.float64)


def _with_defaults(function, defaults):
    @kernel
    def fixed(*args):
        return function(*args, *defaults)

    return fixed


def _times_grad(function):
    @kernel
    def backward(grad, *args):
        return grad * function(*args)

    return no_twins_inside(backward)  # f'(x) unrounded before the product, see there


def scalar_kernel(spec):
    """The float64 scalar function of the ufunc's inputs, in input order."""
    activation = spec.activation
    function = activation.kernel(spec.role)
    if activation.params and not spec.parametric:
        function = _with_defaults(function, tuple(float(p.default) for p in activation.params))
    if spec.role == "backward":
        function = _times_grad(function)
    return function


def ufunc_from_kernel(name, doc, kernel, nin, dtypes=LOOP_DTYPES):
    """A ufunc running the float64 scalar ``kernel`` of ``nin`` inputs, one loop per dtype."""
    loops = []
    for dtype in dtypes:
        loop = compile_loop(kernel, nin, dtype, name)
        loops.append((dtype, loop, data_block(loop.address)))
    return make_ufunc(name, doc, nin, loops)


def build_ufunc(spec):
    return ufunc_from_kernel(spec.name, spec.doc, scalar_kernel(spec), spec.nin)

