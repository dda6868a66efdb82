"""Max error in ULPs of every ufunc against mpmath, float32 and float64.

Bounds (the foundation issue): forward <= 2 ULP, every derivative form <= 4 ULP,
over the whole float range of each dtype.
"""

import mpmath as mp
import numpy as np
import pytest

import fastact

from conftest import DTYPES, MEASURED_ULP, ufunc
from grids import full_range_grid
from references import PARAMETER_SAMPLES, PRECISION_BITS, reference
from ulp import max_ulp_error

BOUND_ULP = {"forward": 2.0}
DERIVATIVE_BOUND_ULP = 4.0


def parameter_sets(spec):
    activation = spec.activation
    if not spec.parametric:
        return [tuple(p.default for p in activation.params)]
    return PARAMETER_SAMPLES[activation.name]


def reference_inputs(spec, params, dtype):
    """The reference's inputs on the grid: x (or y = f(x)), grad for backward, then params."""
    x = full_range_grid(dtype)
    # The general form takes parameters as dtype inputs; the fixed form bakes in the float default.
    param_arrays = tuple(dtype(p) if spec.parametric else p for p in params)
    if spec.role == "derivative_from_output":
        forward = ufunc(spec.base_name)
        first = (forward(x, *param_arrays) if spec.parametric else forward(x),)
    elif spec.role == "backward":
        grad = np.random.default_rng(0).uniform(-3, 3, x.size).astype(dtype)
        first = (grad, x)
    else:
        first = (x,)
    return first + param_arrays


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", list(fastact.UFUNCS))
def test_max_ulp_error(name, dtype):
    spec = fastact.UFUNCS[name]
    bound = BOUND_ULP.get(spec.role, DERIVATIVE_BOUND_ULP)
    exact_function = reference(spec.activation.name, spec.role)
    worst = (0.0, None)
    with mp.workprec(PRECISION_BITS):
        for params in parameter_sets(spec):
            inputs = reference_inputs(spec, params, dtype)
            computed = ufunc(name)(*(inputs if spec.parametric else inputs[: spec.nin]))
            assert computed.dtype == dtype
            columns = np.broadcast_arrays(*inputs)
            exacts = [exact_function(*(mp.mpf(float(c[i])) for c in columns)) for i in range(computed.size)]
            error, index = max_ulp_error(computed, exacts, dtype)
            if error >= worst[0]:
                worst = (error, tuple(float(c[index]) for c in columns))
    MEASURED_ULP[(name, dtype.__name__)] = worst
    assert worst[0] <= bound, f"{name} {dtype.__name__}: {worst[0]:.3g} ULP at inputs {worst[1]}"
