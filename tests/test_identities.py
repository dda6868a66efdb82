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


def test_backward_from_output_is_grad_times_derivative_from_output_exactly():
    # float64: both sides are one rounding of the same product
    rng = np.random.default_rng(4)
    grad, x = rng.normal(size=(2, 1000))
    checked = []
    for name, spec in fastact.UFUNCS.items():
        if spec.role != "backward_from_output":
            continue
        params = [rng.uniform(0.1, 2.0, 1000) for _ in range(spec.nin - 2)]
        y = ufunc(spec.base_name)(x, *params)
        derivative = ufunc(f"d{spec.base_name}_from_output")(y, *params)
        np.testing.assert_array_equal(ufunc(name)(grad, y, *params), grad * derivative)
        checked.append(name)
    assert {"sigmoid_backward_from_output", "tanh_backward_from_output", "relu_backward_from_output"} <= set(
        checked
    )
    assert "silu_backward_from_output" not in fastact.UFUNCS  # silu has no from-output form


def test_piecewise_functions_agree_with_their_special_cases(dtype):
    x = full_range_grid(dtype)
    same = np.testing.assert_array_equal
    for role in ("", "d", "d2"):
        same(ufunc(role + "relu6")(x), ufunc(role + "hardtanh_range")(x, dtype(0), dtype(6)))
        same(ufunc(role + "celu_alpha")(x, dtype(1)), ufunc(role + "elu")(x))
        same(ufunc(role + "threshold")(x), ufunc(role + "relu")(x))
        same(ufunc(role + "hardtanh")(x), ufunc(role + "hardtanh_range")(x, dtype(-1), dtype(1)))
    finite = x[np.isfinite(x)]
    same(fastact.softshrink(finite), finite - fastact.hardtanh_range(finite, dtype(-0.5), dtype(0.5)))


def test_hardswish_is_x_times_hardsigmoid(dtype):
    x = full_range_grid(dtype)
    x = x[np.abs(x) < 1e30]
    hardswish, product = fastact.hardswish(x), x * fastact.hardsigmoid(x)
    assert np.all(np.abs(hardswish - product) <= 2 * np.spacing(np.abs(hardswish)))


def test_piecewise_kinks_follow_pytorch_autograd():
    """PyTorch's autograd values where the derivative jumps (see the table's edges texts)."""
    at = lambda name, *args: float(ufunc(name)(*args))  # noqa: E731
    assert at("drelu6", 0.0) == at("drelu6", 6.0) == 0.0
    assert at("dhardtanh", -1.0) == at("dhardtanh", 1.0) == 0.0
    assert at("dhardsigmoid", -3.0) == at("dhardsigmoid", 3.0) == 0.0
    assert at("dhardsigmoid", -2.999) == 1 / 6
    assert (at("dhardswish", -3.0), at("dhardswish", 3.0)) == (-0.5, 1.5)
    assert (at("dhardswish", -3.0001), at("dhardswish", 3.0001)) == (0.0, 1.0)
    assert at("d2hardswish", -3.0) == at("d2hardswish", 3.0) == 0.0
    assert at("dsoftshrink", 0.5) == at("dsoftshrink", -0.5) == at("dhardshrink", 0.5) == 0.0
    assert at("dthreshold_value", 1.0, 1.0, 5.0) == 0.0
    assert (at("delu", 0.0), at("delu_alpha", 0.0, 2.5), at("dcelu_alpha", 0.0, 2.5)) == (1.0, 2.5, 1.0)
    assert at("dselu", 0.0) == 1.6732632423543772 * 1.0507009873554805
    for name in ("d2elu", "d2selu", "d2celu", "d2softsign"):
        assert at(name, 0.0) == 0.0
    assert at("delu_alpha_from_output", -0.5, -1.0) != at("delu_alpha_from_output", -0.5, -1.0)  # nan
    assert at("dhardshrink_lambd_from_output", 0.0, -1.0) == 1.0


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
    # mp.diff differences values of size ~1 to find derivatives as small as phi(30) ~ 2^-650:
    # it needs that many bits more than the reference's usual precision.
    analytic = REFERENCES[activation.name][spec.role]
    with mp.workprec(PRECISION_BITS + 1024):
        exacts = [mp.diff(lambda t: forward(t, *params), mp.mpf(float(v)), order) for v in x]
        # On a linear piece f'' is exactly 0, but finite differences of a formula that
        # rounds (hardsigmoid's /6) leave noise of ~2^-140: there the ufunc must give 0.
        exacts = [
            mp.mpf(0) if analytic(mp.mpf(float(v)), *params) == 0 and abs(e) < 2.0**-64 else e
            for v, e in zip(x, exacts, strict=True)
        ]
    error, worst = max_ulp_error(ufunc(name)(x), exacts, np.float64)
    assert error <= NUMERICAL_DERIVATIVE_BOUND_ULP, f"{name}: {error:.3g} ULP at x = {x[worst]}"
