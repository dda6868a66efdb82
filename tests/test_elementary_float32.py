"""The float32-arithmetic kernels (fastact._elementary_float32) against mpmath, in float32 ULP.

Each kernel runs through a compiled float32 ufunc loop (the vectorized code is
what is measured) on the full float32 grid, a dense sweep of its active range,
and the points where its branches and range reduction switch. Bound: 1 ULP
over the whole float32 domain (issue #4), subnormal results included; special
values exactly. And every kernel compiles to float32 arithmetic only: a Python
float literal would silently widen it to float64.
"""

import functools
import math

import mpmath as mp
import numpy as np
import pytest
from numba import njit, types
from test_elementary import around, assert_max_ulp, assert_same_values, error_two_ulp_above_exp

from fastact import _elementary_float32 as single
from fastact._build import ufunc_from_kernel
from fastact._elementary import kernel
from fastact._grids import full_range_grid
from fastact._single import FLOAT32_BACKWARD_TWINS, FLOAT32_TWINS

BOUND_ULP = 1.0
PRECISION_BITS = 80
LN2 = math.log(2.0)
REFERENCES = {"exp": mp.exp, "tanh": mp.tanh}


def _exp(x):
    return float(single.exp(np.float32(x)))


def _tanh(x):
    return float(single.tanh(np.float32(x)))


WRAPPERS = {"exp": kernel(_exp), "tanh": kernel(_tanh)}


@functools.cache
def float32_ufunc(name):
    return ufunc_from_kernel(f"elementary_float32_{name}", "", WRAPPERS[name], 1, (np.float32,))


def _float32(points):
    return np.asarray(points, dtype=np.float64).astype(np.float32)


SPECIFIC_INPUTS = {
    "exp": lambda: [
        np.linspace(-104.0, 89.0, 40001),
        np.linspace(-103.98, -87.3, 4001),  # subnormal results
        # overflow, 2^-126, 2^-149, 2^-150
        around([88.72283, -87.33655, -103.27893, -103.97208], 8, np.float32),
        around((np.arange(-150, 129) + 0.5) * LN2, 2, np.float32),  # where the rounding of k = x/ln2 flips
        np.linspace(-1e-3, 1e-3, 1001),
    ],
    "tanh": lambda: [
        np.linspace(-10.0, 10.0, 40001),
        np.linspace(-0.6, 0.6, 12001),
        # series / exp switch; tanh = 1
        around([0.55, -0.55, 9.01, -9.01, 2.0**-12, -(2.0**-12)], 8, np.float32),
    ],
}


def inputs(name):
    x = np.concatenate([full_range_grid(np.float32), *(_float32(p) for p in SPECIFIC_INPUTS[name]())])
    return x[~np.isnan(x)]


@pytest.mark.parametrize("name", list(REFERENCES))
def test_max_ulp_error(name):
    x = inputs(name)
    with np.errstate(over="ignore"):
        computed = float32_ufunc(name)(x)
    label = f"{name} (float32 arithmetic)"
    assert_max_ulp(label, x, computed, REFERENCES[name], np.float32, BOUND_ULP, PRECISION_BITS)


def test_harness_sees_a_two_ulp_error():
    x = np.linspace(-5.0, 5.0, 101, dtype=np.float32)
    assert error_two_ulp_above_exp(float32_ufunc("exp"), x, PRECISION_BITS) > BOUND_ULP


INF, NAN = math.inf, math.nan
SMALLEST_SUBNORMAL = float(np.finfo(np.float32).smallest_subnormal)
SPECIAL_VALUES = {
    "exp": [
        (INF, INF),
        (-INF, 0.0),
        (NAN, NAN),
        (0.0, 1.0),
        (-0.0, 1.0),
        (SMALLEST_SUBNORMAL, 1.0),
        (89.0, INF),
        (1e30, INF),
        (-104.0, 0.0),
        (-1e30, 0.0),
    ],
    "tanh": [
        (INF, 1.0),
        (-INF, -1.0),
        (NAN, NAN),
        (0.0, 0.0),
        (-0.0, -0.0),
        (SMALLEST_SUBNORMAL, SMALLEST_SUBNORMAL),
        (-SMALLEST_SUBNORMAL, -SMALLEST_SUBNORMAL),
        (20.0, 1.0),
        (-1e30, -1.0),
    ],
}


@pytest.mark.parametrize("name", list(SPECIAL_VALUES))
def test_special_values(name):
    x, expected = (np.array(column, dtype=np.float32) for column in zip(*SPECIAL_VALUES[name], strict=True))
    with np.errstate(all="raise"):
        computed = float32_ufunc(name)(x)
    assert_same_values(name, x, computed, expected)


def test_exp_overflows_only_past_the_largest_float32():
    x = np.array([88.72283, np.nextafter(np.float32(88.72283), np.float32(np.inf))], dtype=np.float32)
    with np.errstate(over="ignore"):
        finite, overflowed = float32_ufunc("exp")(x)
    assert np.isfinite(finite) and np.isinf(overflowed)


def _float32_code(function, nargs):
    compiled = njit(error_model="numpy")(function.py_func)
    compiled.compile((types.float32,) * nargs)
    return compiled.inspect_llvm(compiled.signatures[0])


def _float64_instructions(llvm):
    """Lines of the function's own code (not Numba's Python wrapper) that use double."""
    body = llvm.split("define ")
    own = [part for part in body if "cpython" not in part.split("(")[0]]
    return [line for part in own for line in part.splitlines() if "double" in line]


SINGLE_KERNELS = {"exp": single.exp, "tanh": single.tanh} | {
    f"{twin.single.py_func.__name__}": twin.single
    for twin in [*FLOAT32_TWINS.values(), *FLOAT32_BACKWARD_TWINS.values()]
}


@pytest.mark.parametrize("name", list(SINGLE_KERNELS))
def test_compiles_to_float32_arithmetic_only(name):
    function = SINGLE_KERNELS[name]
    assert not _float64_instructions(_float32_code(function, function.py_func.__code__.co_argcount))


def test_harness_sees_a_float64_literal():
    @kernel
    def widened(x):
        return x * 0.5

    assert _float64_instructions(_float32_code(widened, 1))


ORDERED_FLOAT32 = np.array(
    [
        -np.inf,
        -3.4e38,
        -1.0,
        -1e-38,
        -SMALLEST_SUBNORMAL,
        -0.0,
        0.0,
        SMALLEST_SUBNORMAL,
        1e-38,
        1.0,
        3.4e38,
        np.inf,
    ],
    dtype=np.float32,
)


@njit
def _keys(values):
    return [single.order_key(v) for v in values]


@njit
def _from_keys(keys):
    return [single.from_order_key(k) for k in keys]


def test_order_keys_sort_as_the_floats_and_round_trip():
    keys = np.array(_keys(ORDERED_FLOAT32))
    assert (np.diff(keys) > 0).all()
    assert keys[0] == single.MINUS_INF_KEY
    back = np.array(_from_keys(keys), dtype=np.float32)
    assert (back.view(np.int32) == ORDERED_FLOAT32.view(np.int32)).all()  # -0.0 and +0.0 kept apart
    nans = np.array([np.nan, -np.nan, np.float32(np.nan) * -1], dtype=np.float32)
    nan_keys = np.array(_keys(nans))
    assert (nan_keys > keys[-1]).all() and np.isnan(_from_keys(nan_keys)).all()


@njit
def _small_scaled(values, exponents):
    shifted = [single.ROUNDING_SHIFTER + np.float32(k) for k in exponents]
    return [single.times_small_power_of_two(v, s, np.int32(0)) for v in values for s in shifted]


def test_small_power_of_two_rounds_once_over_its_range():
    # Over k in [-188, 63], v 2^k for |v| >= 1/4 is one correct rounding: the float64 product is
    # exact, so its rounding to float32 is the reference (subnormal and zero results included).
    rng = np.random.default_rng(7)
    values = np.concatenate(
        [[0.25, -0.25, 0.7, 1.0, 1.5, -1.999999], rng.uniform(0.25, 2.0, 40) * rng.choice([-1, 1], 40)]
    ).astype(np.float32)
    exponents = np.arange(-188, 64)
    computed = np.array(_small_scaled(values, exponents), dtype=np.float32)
    expected = np.ldexp(values.astype(np.float64)[:, None], exponents[None, :]).astype(np.float32).ravel()
    assert (computed.view(np.int32) == expected.view(np.int32)).all()


@njit
def _sign_bits_clear(values):
    return [single.sign_bit_clear(v) for v in values]


def test_sign_bit_clear():
    nans = np.array([np.nan, -np.nan], dtype=np.float32)
    values = np.concatenate([ORDERED_FLOAT32, nans])
    assert _sign_bits_clear(values) == list(~np.signbit(values))


@njit
def _finite_nonzero(values):
    return [single.finite_nonzero(v) for v in values]


def test_finite_nonzero():
    nans = np.array([np.nan, -np.nan], dtype=np.float32)
    largest = np.finfo(np.float32).max
    values = np.concatenate([ORDERED_FLOAT32, nans, np.array([largest, -largest], dtype=np.float32)])
    assert _finite_nonzero(values) == list(np.isfinite(values) & (values != 0))


@njit
def _decay_and_exp_parts(values):
    return [(single.decay_parts(v), single.exp_parts(v, single.NEGATIVE_ZERO)) for v in values]


def test_decay_parts_is_exp_parts_for_non_positive_arguments():
    # Above its clamp, decay_parts is exp_parts (its one clamp replaces exp_parts' two);
    # below, it holds x at DECAY_ARGUMENT_MIN, where k is DECAY_EXPONENT_MIN.
    x = np.concatenate([-np.geomspace(1e-30, 106.0, 3001), [0.0, -0.0]]).astype(np.float32)
    for decay, parts in _decay_and_exp_parts(x):
        assert decay == parts
    (_, _, shifted), _ = _decay_and_exp_parts(np.array([-np.inf, -500.0], dtype=np.float32))[0]
    assert shifted - single.ROUNDING_SHIFTER == single.DECAY_EXPONENT_MIN
