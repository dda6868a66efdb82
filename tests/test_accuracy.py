"""Max error in ULPs of every ufunc against mpmath, float32 and float64.

Bounds (the foundation issue): forward <= 2 ULP, every derivative form <= 4 ULP,
over the whole float range of each dtype.
"""

import mpmath as mp
import numpy as np
import pytest

import fastact
from fastact._grids import full_range_grid, inputs_on, log_uniform_sample, parameter_scaled_grid
from fastact._mpmath_reference import EXTREME_PARAMETER_SAMPLES, PARAMETER_SAMPLES, PRECISION_BITS, reference
from fastact._ulp import max_ulp_error

from conftest import DTYPES, MEASURED_ULP, ufunc

BOUND_ULP = {"forward": 2.0}
DERIVATIVE_BOUND_ULP = 4.0


def parameter_sets(spec):
    return PARAMETER_SAMPLES[spec.activation.name] if spec.parametric else [()]


def worst_error(name, points, samples=None):
    """(max ULP error, inputs where it occurs) of ufunc ``name`` built on ``points``, over every
    parameter sample (``samples``, by default PARAMETER_SAMPLES')."""
    spec = fastact.UFUNCS[name]
    dtype = points.dtype.type
    exact_function = reference(spec)
    worst = (0.0, None)
    with mp.workprec(PRECISION_BITS):
        for params in parameter_sets(spec) if samples is None else samples:
            inputs = inputs_on(spec, points, params)
            computed = ufunc(name)(*inputs)
            assert computed.dtype == dtype
            columns = np.broadcast_arrays(*inputs)
            exacts = [exact_function(*(mp.mpf(float(c[i])) for c in columns)) for i in range(computed.size)]
            error, index = max_ulp_error(computed, exacts, dtype)
            if error >= worst[0]:
                worst = (error, tuple(float(c[index]) for c in columns))
    return worst


def bound_of(name):
    return BOUND_ULP.get(fastact.UFUNCS[name].role, DERIVATIVE_BOUND_ULP)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", list(fastact.UFUNCS))
def test_max_ulp_error(name, dtype):
    worst = worst_error(name, full_range_grid(dtype))
    MEASURED_ULP[(name, dtype.__name__)] = worst
    assert worst[0] <= bound_of(name), f"{name} {dtype.__name__}: {worst[0]:.3g} ULP at inputs {worst[1]}"


FORWARDS = [name for name, spec in fastact.UFUNCS.items() if spec.role == "forward"]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", FORWARDS)
def test_forward_max_ulp_error_on_dense_sample(name, dtype):
    """The full-range grid has about three points per binade below 40: a forward formula's
    worst case between them (tanhshrink's series, 3.25 ULP at 5.45e-6) passed it unseen."""
    worst = worst_error(name, log_uniform_sample(dtype))
    assert worst[0] <= bound_of(name), f"{name} {dtype.__name__}: {worst[0]:.3g} ULP at inputs {worst[1]}"


PARAMETRIC = [name for name, spec in fastact.UFUNCS.items() if spec.parametric]


def test_every_parametric_activation_has_extreme_samples():
    activations = {fastact.UFUNCS[name].activation.name for name in PARAMETRIC}
    assert activations == set(EXTREME_PARAMETER_SAMPLES)


@pytest.mark.parametrize("name", PARAMETRIC)
def test_max_ulp_error_with_extreme_parameters(name):
    """Parameters of 1e300 and 1e-300 (dsigmoid_gain(-1, 1e300) was 3.7e-48, not 0; delu_alpha
    was nonzero at x = -inf from alpha = 2^20 on): each on points where its product with x, x
    itself and x over it run through every tail."""
    for params in EXTREME_PARAMETER_SAMPLES[fastact.UFUNCS[name].activation.name]:
        worst = worst_error(name, parameter_scaled_grid(params[0]), [params])
        assert worst[0] <= bound_of(name), f"{name}: {worst[0]:.3g} ULP at inputs {worst[1]}"


# float64 inputs where an earlier formula broke its bound (found by denser searches than the grids).
FOUND_ABOVE_BOUND = {
    "tanhshrink": [5.450439552611995e-06, 1.0975794140910895e-05, 3.232733238434382e-08],
    "mish": [-2.0575231243416163],
}


# float64 (x, parameters) where an earlier parametric formula broke its bound (found by review:
# gain 0 times x 2^64 overflowing to nan).
FOUND_ABOVE_BOUND_WITH_PARAMETERS = {
    "d2sigmoid_gain": [(1e300, (0.0,)), (-1e300, (-0.0,)), (np.finfo(np.float64).max, (0.0,))],
}


@pytest.mark.parametrize("name", list(FOUND_ABOVE_BOUND_WITH_PARAMETERS))
def test_within_bound_where_an_earlier_parametric_formula_was_not(name):
    for x, params in FOUND_ABOVE_BOUND_WITH_PARAMETERS[name]:
        worst = worst_error(name, np.array([x]), [params])
        assert worst[0] <= bound_of(name), f"{name}: {worst[0]:.3g} ULP at inputs {worst[1]}"


@pytest.mark.parametrize("name", list(FOUND_ABOVE_BOUND))
def test_within_bound_where_an_earlier_formula_was_not(name):
    worst = worst_error(name, np.array(FOUND_ABOVE_BOUND[name]))
    assert worst[0] <= bound_of(name), f"{name}: {worst[0]:.3g} ULP at inputs {worst[1]}"
