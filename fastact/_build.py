"""Turn a table entry's kernels into NumPy ufuncs, one loop per dtype."""

import numpy as np

from ._capi import make_ufunc
from ._elementary import kernel
from ._loops import compile_loop
from ._schema import BACKWARD_ROLES
from ._single import FLOAT32_BACKWARD_TWINS, float32_twin, no_twins_inside
from ._threads import data_block

# float32 first: NumPy picks the first loop the inputs cast to safely, so a
# float64-first ufunc would silently return float64 for float32 input.
LOOP_DTYPES = (np.float32, np.float64)


def _with_defaults(function, defaults):
    @kernel
    def fixed(*args):
        return function(*args, *defaults)

    return fixed


def _times_grad(function, derivative, defaults):
    @kernel
    def backward(grad, *args):
        return grad * function(*args)

    twin = FLOAT32_BACKWARD_TWINS.get(derivative)
    if twin is not None:
        float32_twin(backward, twin.single, twin.bound_ulp)(_with_defaults(twin.kernel, defaults))
    return no_twins_inside(backward)  # f'(x) unrounded before the product, see there


def scalar_kernel(spec):
    """The float64 scalar function of the ufunc's inputs, in input order."""
    activation = spec.activation
    formula = function = activation.kernel(spec.role)
    defaults = ()
    if activation.params and not spec.parametric:
        defaults = tuple(float(p.default) for p in activation.params)
        function = _with_defaults(function, defaults)
    if spec.role in BACKWARD_ROLES:
        function = _times_grad(function, formula, defaults)
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
