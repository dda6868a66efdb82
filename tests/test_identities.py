"""Seed identities, and derivatives checked against mpmath's numerical differentiation."""

import mpmath as mp
import numpy as np
import pytest

import fastact
from fastact._grids import full_range_grid
from fastact._mpmath_reference import KINKS, PRECISION_BITS, REFERENCES
from fastact._ulp import max_ulp_error

from conftest import ufunc

NUMERICAL_DERIVATIVE_BOUND_ULP = 4.0


def test_sigmoid_of_x_plus_sigmoid_of_minus_x_is_one(dtype):
    x = full_range_grid(dtype)
    x = x[np.isfinite(x)]
    total = fastact.sigmoid(x) + fastact.sigmoid(-x)
    assert np.max(np.abs(total - 1)) <= np.finfo(dtype).eps


def test_sigmoid_centre_and_maximum_slope(dtype):
    assert fastact.sigmoid(dtype(0)) == dtype(0.5)
    assert fastact.dsigmoid(dtype(0)) == dtype(0.25)
    assert fastact.dtanh(dtype(0)) == dtype(1)
    x = np.linspace(-10, 10, 20001).astype(dtype)
    assert fastact.dsigmoid(x).max() == dtype(0.25)
    assert x[np.argmax(fastact.dsigmoid(x))] == 0


def test_from_output_forms_agree_with_from_x_forms(dtype):
    x = np.linspace(-3, 3, 601).astype(dtype)
    tolerance = 64 * np.finfo(dtype).eps
    for name, spec in fastact.UFUNCS.items():
        if spec.role != "derivative_from_output" or spec.parametric:
            continue
        forward, derivative = ufunc(spec.base_name), ufunc("d" + spec.base_name)
        np.testing.assert_allclose(ufunc(name)(forward(x)), derivative(x), rtol=tolerance, atol=tolerance)


def test_backward_is_grad_times_derivative_exactly():
    rng = np.random.default_rng(3)
    grad, x = rng.normal(size=(2, 1000))
    for name, spec in fastact.UFUNCS.items():
        if spec.role != "backward":
            continue
        params = [rng.uniform(0.1, 2.0, 1000) for _ in range(spec.nin - 2)]
        derivative = ufunc("d" + spec.base_name)(x, *params)
        np.testing.assert_array_equal(ufunc(name)(grad, x, *params), grad * derivative)


def _numerical_derivative_cases():
    for name, spec in fastact.UFUNCS.items():
        if spec.role in ("derivative", "second_derivative") and not spec.parametric:
            yield name


@pytest.mark.parametrize("name", list(_numerical_derivative_cases()))
def test_derivatives_match_mpmath_numerical_differentiation(name):
    """Derivative ufuncs against mp.diff of the reference forward function (float64)."""
    spec = fastact.UFUNCS[name]
    activation = spec.activation
    order = 1 if spec.role == "derivative" else 2
    params = [mp.mpf(p.default) for p in activation.params]
    forward = REFERENCES[activation.name]["forward"]
    x = np.linspace(-30.3, 30.3, 40)  # avoids 0, where kinks sit and where f'' crosses 0
    x = x[~np.isin(x, KINKS.get(activation.name, ()))]
    analytic = REFERENCES[activation.name][spec.role]
    with mp.workprec(PRECISION_BITS):
        exacts = [mp.diff(lambda t: forward(t, *params), mp.mpf(float(v)), order) for v in x]
        # On a linear piece f'' is exactly 0, but finite differences of a formula that
        # rounds (hardsigmoid's /6) leave noise of ~2^-140: there the ufunc must give 0.
        exacts = [
            mp.mpf(0) if analytic(mp.mpf(float(v)), *params) == 0 and abs(e) < 2.0**-64 else e
            for v, e in zip(x, exacts, strict=True)
        ]
    error, worst = max_ulp_error(ufunc(name)(x), exacts, np.float64)
    assert error <= NUMERICAL_DERIVATIVE_BOUND_ULP, f"{name}: {error:.3g} ULP at x = {x[worst]}"
