"""Max error in ULPs of every ufunc against mpmath, float32 and float64.

Bounds (the foundation issue): forward <= 2 ULP, every derivative form <= 4 ULP,
over the whole float range of each dtype.
"""

import mpmath as mp
import numpy as np
import pytest

import fastact
from fastact._grids import full_range_grid, inputs_on
from fastact._mpmath_reference import PARAMETER_SAMPLES, PRECISION_BITS, reference
from fastact._ulp import max_ulp_error

from conftest import DTYPES, MEASURED_ULP, ufunc

BOUND_ULP = {"forward": 2.0}
DERIVATIVE_BOUND_ULP = 4.0


def parameter_sets(spec):
    return PARAMETER_SAMPLES[spec.activation.name] if spec.parametric else [()]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", list(fastact.UFUNCS))
def test_max_ulp_error(name, dtype):
    spec = fastact.UFUNCS[name]
    bound = BOUND_ULP.get(spec.role, DERIVATIVE_BOUND_ULP)
    exact_function = reference(spec)
    worst = (0.0, None)
    with mp.workprec(PRECISION_BITS):
        for params in parameter_sets(spec):
            inputs = inputs_on(spec, full_range_grid(dtype), params)
            computed = ufunc(name)(*inputs)
            assert computed.dtype == dtype
            columns = np.broadcast_arrays(*inputs)
            exacts = [exact_function(*(mp.mpf(float(c[i])) for c in columns)) for i in range(computed.size)]
            error, index = max_ulp_error(computed, exacts, dtype)
            if error >= worst[0]:
                worst = (error, tuple(float(c[index]) for c in columns))
    MEASURED_ULP[(name, dtype.__name__)] = worst
    assert worst[0] <= bound, f"{name} {dtype.__name__}: {worst[0]:.3g} ULP at inputs {worst[1]}"
