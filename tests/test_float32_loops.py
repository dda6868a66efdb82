"""The float32 loops (float32-accuracy elementary kernels) against the float64 loops, densely.

The mpmath tests check every ufunc on a full-range grid; this checks many
more points, cheaply: on 400000 random float32 inputs (uniform in the
active range, in the tails, and log-uniform down to the subnormals) each
float32 result must be within 0.55 float32 ULP of the float64 loop's result
for the same inputs. The float64 result is within 4 float64 ULP of exact,
so this bounds the float32 loop's own error by the final rounding (0.5 ULP)
plus what the cheaper kernels add; it would catch a formula whose float32
build loses accuracy between the grid's points.

A formula with a float32 twin (fastact._single.float32_twin: float32
arithmetic) is held to the twin's own bound instead, where the twin applies
(fixed forms, and parametric ones at the default parameters; not backward
forms, which keep the float64-arithmetic derivative).
"""

import numpy as np
import pytest

import fastact
from fastact._grids import inputs_on
from fastact._mpmath_reference import PARAMETER_SAMPLES
from fastact._single import FLOAT32_TWINS

BOUND_ULP = 0.55
SMALLEST_SUBNORMAL = float(np.finfo(np.float32).smallest_subnormal)
SMALLEST_NORMAL = float(np.finfo(np.float32).tiny)


def random_float32_inputs(size=100_000):
    rng = np.random.default_rng(32)
    parts = [
        rng.uniform(-20.0, 20.0, 2 * size),
        rng.uniform(-110.0, 110.0, size),
        np.exp2(rng.uniform(-149.0, 7.0, size)) * rng.choice([-1.0, 1.0], size),
    ]
    return np.concatenate(parts).astype(np.float32)


X = random_float32_inputs()


def float32_ulp_errors(result32, result64):
    """|float32 result - float64 result| in float32 ULPs (subnormal spacing below the normal range)."""
    result32 = result32.astype(np.float64)
    finite = np.isfinite(result64)
    assert (np.isnan(result32) == np.isnan(result64)).all()
    assert (result32[~finite & ~np.isnan(result64)] == result64[~finite & ~np.isnan(result64)]).all()
    reference = result64[finite]
    rounded = np.abs(reference.astype(np.float32))
    spacing = np.where(rounded < SMALLEST_NORMAL, SMALLEST_SUBNORMAL, np.spacing(rounded).astype(np.float64))
    return np.abs(result32[finite] - reference) / spacing


def bound_ulp(spec, params):
    twin = FLOAT32_TWINS.get(spec.activation.kernel(spec.role))
    defaults = tuple(p.default for p in spec.activation.params)
    if twin is None or spec.role == "backward" or (spec.parametric and tuple(params) != defaults):
        return BOUND_ULP
    return twin.bound_ulp


def test_twins_are_tested_where_they_apply():
    twinned = [name for name, spec in fastact.UFUNCS.items() if bound_ulp(spec, ()) != BOUND_ULP]
    assert {"sigmoid", "dsigmoid", "tanh", "dtanh"} <= set(twinned)
    spec = fastact.UFUNCS["sigmoid_gain"]
    assert bound_ulp(spec, (1.0,)) != BOUND_ULP and bound_ulp(spec, (2.0,)) == BOUND_ULP


@pytest.mark.parametrize(("name", "x_scale"), [("sigmoid_backward", 1.0), ("tanh_backward", 0.5)])
def test_backward_keeps_large_gradients_times_tiny_derivatives(name, x_scale):
    # f'(x) is subnormal or below float32's range, grad * f'(x) is not: the product must not be
    # formed from a float32-rounded f'(x) (the twins' output), and an infinite grad stays infinite.
    grad = np.array([1e30, 3e38, -1e35, np.inf, 1e20, 1.0], dtype=np.float32)
    x = (x_scale * np.array([100.0, 150.0, -120.0, 104.0, 80.0, 90.0])).astype(
        np.float32
    )  # tanh' ~ 4 e^-2|x|
    f = getattr(fastact, name)
    expected = f(grad.astype(np.float64), x.astype(np.float64))
    result = f(grad, x)
    assert (result[:-1] != 0).all() and np.isinf(result[3])
    errors = float32_ulp_errors(result[np.isfinite(expected)], expected[np.isfinite(expected)])
    assert errors.max() <= BOUND_ULP


@pytest.mark.parametrize("name", list(fastact.UFUNCS))
def test_float32_loop_matches_float64_loop(name):
    spec = fastact.UFUNCS[name]
    f = getattr(fastact, name)
    samples = PARAMETER_SAMPLES[spec.activation.name] if spec.parametric else [()]
    for params in samples:
        bound = bound_ulp(spec, params)
        inputs32 = inputs_on(spec, X, params)
        inputs64 = [np.asarray(a, dtype=np.float64) for a in inputs32]
        with np.errstate(over="ignore"):
            result64 = f(*inputs64)
            reference_in_range = np.abs(result64) <= float(np.finfo(np.float32).max)
        errors = float32_ulp_errors(f(*inputs32)[reference_in_range], result64[reference_in_range])
        worst = int(np.argmax(errors)) if errors.size else 0
        assert errors.size == 0 or errors[worst] <= bound, (
            f"{name}{params}: {errors[worst]:.3g} float32 ULP from the float64 loop"
        )


def test_harness_sees_a_one_ulp_error():
    result64 = fastact.sigmoid(X.astype(np.float64))
    off = np.nextafter(result64.astype(np.float32), np.float32(np.inf))
    assert float32_ulp_errors(off, result64).max() > BOUND_ULP
