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
(fixed forms, and parametric ones at the default parameters), and so is a
backward form whose derivative has a backward twin (float32_backward_twin).
"""

import numpy as np
import pytest

import fastact
from fastact._grids import inputs_on
from fastact._mpmath_reference import PARAMETER_SAMPLES
from fastact._single import FLOAT32_BACKWARD_TWINS, FLOAT32_TWINS
from fastact.formulas import logistic

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
    below_max = np.minimum(rounded, np.nextafter(np.finfo(np.float32).max, 0))  # max's spacing is not inf
    spacing = np.where(
        rounded < SMALLEST_NORMAL, SMALLEST_SUBNORMAL, np.spacing(below_max).astype(np.float64)
    )
    return np.abs(result32[finite] - reference) / spacing


def bound_ulp(spec, params):
    twins = FLOAT32_BACKWARD_TWINS if spec.role == "backward" else FLOAT32_TWINS  # none from output
    twin = twins.get(spec.activation.kernel(spec.role))
    defaults = tuple(p.default for p in spec.activation.params)
    if twin is None or (spec.parametric and tuple(params) != defaults):
        return BOUND_ULP
    return twin.bound_ulp


def test_twins_are_tested_where_they_apply():
    twinned = [name for name, spec in fastact.UFUNCS.items() if bound_ulp(spec, ()) != BOUND_ULP]
    assert {"sigmoid", "dsigmoid", "tanh", "dtanh", "sigmoid_backward", "tanh_backward"} <= set(twinned)
    for name in ("sigmoid_gain", "sigmoid_gain_backward"):
        spec = fastact.UFUNCS[name]
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
    assert errors.max() <= bound_ulp(fastact.UFUNCS[name], ())


@pytest.mark.parametrize(("name", "x_scale"), [("sigmoid_backward", 1.0), ("tanh_backward", 0.5)])
def test_backward_matches_float64_loop_for_every_grad_and_edge(name, x_scale):
    """Every float32 grad magnitude (with 0, inf and nan) times x through the float32 twins' edges
    (in units of the slope's argument, |x| or 2|x|): the float32 subnormal range of f'(x), the
    clamp of exp's argument at 200, where grad_max * f'(x) underflows (192.7), and where the
    float64 f'(x) itself rounds to 0, after which an infinite grad gives nan as in float64."""
    vanishes = logistic.FLOAT64_SLOPE_VANISHES
    arguments = [0.0, 1e-30, 0.3, 1.0, 5.0, 17.0, 40.0, 41.0, 83.0, 88.0, 103.0, 104.0, 150.0]
    arguments += [180.0, 192.0, 193.0, 199.99, 200.0, 200.01, 400.0, np.nextafter(vanishes, 0), vanishes]
    arguments += [1e4, np.inf, np.nan]
    magnitudes = np.exp2(np.arange(-149.0, 128.0, 0.37))
    grads = np.concatenate([magnitudes, [0.0, np.finfo(np.float32).max, np.inf, np.nan]])
    grad, argument = np.meshgrid(np.concatenate([grads, -grads]), arguments)
    x = np.float32(x_scale) * np.concatenate([argument, -argument]).astype(np.float32)
    grad = np.concatenate([grad, grad]).astype(np.float32)
    f = getattr(fastact, name)
    with np.errstate(over="ignore"):
        expected = f(grad.astype(np.float64), x.astype(np.float64))
        in_range = ~(np.isfinite(expected) & (np.abs(expected) > float(np.finfo(np.float32).max)))
    slope_argument, infinite = np.abs(x) / np.float32(x_scale), np.isinf(grad)  # exact
    assert np.isnan(expected[infinite & (slope_argument == vanishes)]).all()
    assert np.isinf(expected[infinite & (slope_argument == np.nextafter(vanishes, 0))]).all()
    result = f(grad, x)
    errors = float32_ulp_errors(result[in_range], expected[in_range])
    assert errors.max() <= bound_ulp(fastact.UFUNCS[name], ())
    zero = expected == 0  # the IEEE product's sign: -0 * f'(x) is -0
    assert (np.signbit(result[zero]) == np.signbit(expected[zero])).all()


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
            # a finite float64 result beyond float32's range is inf in float32; inf and nan must match
            reference_in_range = ~(
                np.isfinite(result64) & (np.abs(result64) > float(np.finfo(np.float32).max))
            )
        errors = float32_ulp_errors(f(*inputs32)[reference_in_range], result64[reference_in_range])
        worst = int(np.argmax(errors)) if errors.size else 0
        assert errors.size == 0 or errors[worst] <= bound, (
            f"{name}{params}: {errors[worst]:.3g} float32 ULP from the float64 loop"
        )


def test_harness_sees_a_one_ulp_error():
    result64 = fastact.sigmoid(X.astype(np.float64))
    off = np.nextafter(result64.astype(np.float32), np.float32(np.inf))
    assert float32_ulp_errors(off, result64).max() > BOUND_ULP
