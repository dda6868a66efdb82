"""Property tests (hypothesis): monotonicity, bounds, symmetry, dtype consistency."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fastact

from conftest import ufunc

finite = st.floats(allow_nan=False, allow_infinity=False)
any_float = st.floats(allow_nan=True, allow_infinity=True)
positive_parameter = st.floats(min_value=1e-3, max_value=1e3)

MAX_INPUTS = max(spec.nin for spec in fastact.UFUNCS.values())
NONDECREASING = [
    "step",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "celu",
    "relu6",
    "hardtanh",
    "hardsigmoid",
    "softsign",
    "softshrink",
    "hardshrink",
    "threshold",
]


@pytest.mark.parametrize("name", NONDECREASING)
@given(a=finite, b=finite)
def test_nondecreasing(name, a, b):
    low, high = sorted((a, b))
    assert ufunc(name)(low) <= ufunc(name)(high)


@given(a=finite, b=finite, gain=positive_parameter, slope=st.floats(0, 1e3))
def test_parametric_forms_nondecreasing(a, b, gain, slope):
    low, high = sorted((a, b))
    assert fastact.sigmoid_gain(low, gain) <= fastact.sigmoid_gain(high, gain)
    assert fastact.prelu(low, slope) <= fastact.prelu(high, slope)


@given(x=any_float.filter(lambda v: not math.isnan(v)))
def test_bounds(x):
    assert 0 <= fastact.sigmoid(x) <= 1
    assert -1 <= fastact.tanh(x) <= 1
    assert 0 <= fastact.dsigmoid(x) <= 0.25
    assert 0 <= fastact.dtanh(x) <= 1
    assert abs(fastact.d2sigmoid(x)) <= 1 / (6 * math.sqrt(3)) * (1 + 1e-15)
    assert abs(fastact.d2tanh(x)) <= 4 / (3 * math.sqrt(3)) * (1 + 1e-15)
    assert fastact.relu(x) >= 0 and fastact.step(x) in (0.0, 0.5, 1.0)


@given(x=any_float)
def test_exact_symmetries(x):
    same = np.testing.assert_array_equal
    same(fastact.tanh(-x), -fastact.tanh(x))
    same(fastact.dsigmoid(-x), fastact.dsigmoid(x))
    same(fastact.dtanh(-x), fastact.dtanh(x))
    same(fastact.d2sigmoid(-x), -fastact.d2sigmoid(x))
    same(fastact.d2tanh(-x), -fastact.d2tanh(x))


@given(x=finite)
def test_sigmoid_reflection(x):
    assert abs(fastact.sigmoid(-x) - (1 - fastact.sigmoid(x))) <= 2.3e-16


@pytest.mark.parametrize("name", list(fastact.UFUNCS))
@given(values=st.lists(st.floats(width=32), min_size=MAX_INPUTS, max_size=MAX_INPUTS))
def test_float32_is_float64_rounded(name, values):
    """The float32 loop agrees with the float64 loop to within one float32 rounding."""
    u = ufunc(name)
    inputs32 = [np.float32(v) for v in values[: u.nin]]
    single = u(*inputs32)
    double = u(*[np.float64(v) for v in inputs32])
    with np.errstate(over="ignore"):
        rounded = np.float32(double)
    if np.isnan(rounded):
        assert np.isnan(single)
    else:
        assert single == rounded or abs(single - rounded) <= np.spacing(abs(rounded))


SMOOTH_NONDECREASING = ["softplus", "log_sigmoid", "tanhshrink"]


@pytest.mark.parametrize("name", SMOOTH_NONDECREASING)
@given(a=finite, b=finite)
def test_smooth_nondecreasing(name, a, b):
    low, high = sorted((a, b))
    assert ufunc(name)(low) <= ufunc(name)(high)


# Global minima of the self-gated activations (mpmath), and a relative slack for rounding.
GATED_MINIMA = {"silu": -0.2784645427610738, "mish": -0.3088434130172504, "gelu": -0.16997120747990366}


@given(x=any_float.filter(lambda v: not math.isnan(v)))
def test_gated_and_softplus_bounds(x):
    for name, minimum in GATED_MINIMA.items():
        assert ufunc(name)(x) >= minimum * (1 + 1e-15)
    assert fastact.softplus(x) >= max(x, 0.0)
    assert fastact.log_sigmoid(x) <= min(x, 0.0) + 0.0
    assert 0 <= fastact.dsoftplus(x) <= 1
    assert 0 <= fastact.dtanhshrink(x) <= 1


@given(x=any_float)
def test_gated_family_exact_symmetries(x):
    same = np.testing.assert_array_equal
    same(fastact.tanhshrink(-x), -fastact.tanhshrink(x))
    for name in ("d2silu", "d2gelu", "d2gelu_tanh", "dtanhshrink"):
        same(ufunc(name)(-x), ufunc(name)(x))


@given(x=st.floats(-30, 30))
def test_odd_parts_of_gated_functions(x):
    # f(x) - f(-x) = x for f = silu, gelu, gelu_tanh (the gates satisfy g(x) + g(-x) = 1).
    for name in ("silu", "gelu", "gelu_tanh"):
        assert math.isclose(ufunc(name)(x) - ufunc(name)(-x), x, rel_tol=4e-16, abs_tol=1e-300)


@given(
    a=finite,
    b=finite,
    alpha=positive_parameter,
    lambd=st.floats(0, 1e3),
    ends=st.lists(finite, min_size=2, max_size=2),
)
def test_piecewise_parametric_forms_nondecreasing(a, b, alpha, lambd, ends):
    low, high = sorted((a, b))
    min_val, max_val = sorted(ends)
    assert fastact.elu_alpha(low, alpha) <= fastact.elu_alpha(high, alpha)
    assert fastact.celu_alpha(low, alpha) <= fastact.celu_alpha(high, alpha)
    assert fastact.hardtanh_range(low, min_val, max_val) <= fastact.hardtanh_range(high, min_val, max_val)
    assert fastact.softshrink_lambd(low, lambd) <= fastact.softshrink_lambd(high, lambd)
    assert fastact.hardshrink_lambd(low, lambd) <= fastact.hardshrink_lambd(high, lambd)


SELU_FLOOR = -1.6732632423543772 * 1.0507009873554805  # -scale*alpha, the limit at -inf


@given(x=any_float.filter(lambda v: not math.isnan(v)))
def test_piecewise_bounds(x):
    assert fastact.elu(x) >= -1 and fastact.celu(x) >= -1
    assert fastact.selu(x) >= SELU_FLOOR * (1 + 1e-16)
    assert 0 <= fastact.relu6(x) <= 6
    assert -1 <= fastact.hardtanh(x) <= 1
    assert 0 <= fastact.hardsigmoid(x) <= 1
    assert fastact.hardswish(x) >= -0.375
    assert -1 <= fastact.softsign(x) <= 1
    if abs(x) < 2.0**52:
        assert -1 < fastact.softsign(x) < 1
    assert 0 <= fastact.delu(x) <= 1 and 0 <= fastact.dcelu(x) <= 1
    assert 0 <= fastact.dselu(x) <= -SELU_FLOOR
    assert -0.5 <= fastact.dhardswish(x) <= 1.5
    assert 0 <= fastact.dsoftsign(x) <= 1
    assert abs(fastact.d2softsign(x)) <= 2
    assert fastact.dhardsigmoid(x) in (0.0, 1 / 6)
    assert fastact.drelu6(x) in (0.0, 1.0) and fastact.dhardtanh(x) in (0.0, 1.0)
    assert abs(fastact.softshrink(x)) <= abs(x)
    assert fastact.hardshrink(x) in (0.0, x)


@given(x=any_float, half_width=st.floats(0, 1e300))
def test_piecewise_exact_symmetries(x, half_width):
    same = np.testing.assert_array_equal
    same(fastact.softsign(-x), -fastact.softsign(x))
    same(fastact.dsoftsign(-x), fastact.dsoftsign(x))
    same(fastact.d2softsign(-x), -fastact.d2softsign(x))
    same(fastact.hardtanh(-x), -fastact.hardtanh(x))
    low, high = -half_width, half_width
    same(fastact.hardtanh_range(-x, low, high), -fastact.hardtanh_range(x, low, high))
    same(fastact.softshrink_lambd(-x, half_width), -fastact.softshrink_lambd(x, half_width))
    same(fastact.hardshrink_lambd(-x, half_width), -fastact.hardshrink_lambd(x, half_width))
    same(fastact.dsoftshrink_lambd(-x, half_width), fastact.dsoftshrink_lambd(x, half_width))
    same(fastact.dhardsigmoid(-x), fastact.dhardsigmoid(x))
