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

NONDECREASING = ["step", "sigmoid", "tanh", "relu", "leaky_relu"]


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
@given(values=st.lists(st.floats(width=32), min_size=4, max_size=4))
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
