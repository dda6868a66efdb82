"""The float32-accuracy elementary kernels (fastact._elementary_single) against mpmath.

Each variant runs through a compiled float64 loop (the vectorized code is what
is measured) on the full float64 grid plus inputs dense near its internal
boundaries and edges. The promise (fastact/_elementary_single.py): relative
error at most 2^-32 wherever the exact result is a normal double, the same
special values as the full-accuracy kernel, and exp flushed to 0 below -708.
"""

import functools

import mpmath as mp
import numpy as np
import pytest
from test_elementary import SPECIAL_VALUES, around, assert_same_values, log_uniform

from fastact import _elementary_single
from fastact._build import ufunc_from_kernel
from fastact._grids import full_range_grid

from conftest import MEASURED_SINGLE_RELATIVE

PRECISION_BITS = 160
RELATIVE_BOUND = 2.0**-32
SMALLEST_NORMAL = 2.0**-1022
OVERFLOW_MARGIN = np.finfo(np.float64).max * (1 - RELATIVE_BOUND)
LN2 = float(mp.log(2))
REDUCTION_EDGES = (np.arange(-1080, 1025, 1) + 0.5) * LN2
REFERENCES = {"exp": mp.exp, "expm1": mp.expm1, "tanh": mp.tanh}

SPECIFIC_INPUTS = {
    "exp": lambda: [
        log_uniform(21, -1074, 9.55),
        np.linspace(-708.5, -707.5, 1001),  # the flush point
        np.linspace(700.0, 709.79, 1001),
        around([709.782712893384, -708.0]),
        around(REDUCTION_EDGES, 2),
        np.linspace(-1e-3, 1e-3, 1001),
    ],
    "expm1": lambda: [
        log_uniform(22, -1074, 9.55),
        np.linspace(-60.0, 3.0, 6001),
        np.linspace(709.0, 709.79, 501),
        around([LN2 / 2, -LN2 / 2, 1.5 * LN2, -1.5 * LN2, 2.0**-54, -(2.0**-54), 709.782712893384]),
        around(REDUCTION_EDGES[1020:1100], 2),
    ],
    "tanh": lambda: [
        log_uniform(23, -1074, 5),
        np.linspace(-21.0, 21.0, 6001),
        around([19.06, -19.06, 0.3466, -0.3466, 2.0**-27, 2.0**-55]),
    ],
}


@functools.cache
def single_ufunc(name):
    kernel = getattr(_elementary_single, name)
    return ufunc_from_kernel(f"elementary_single_{name}", "", kernel, 1, (np.float64,))


def inputs(name):
    x = np.concatenate([full_range_grid(np.float64), *SPECIFIC_INPUTS[name]()])
    return x[np.isfinite(x) | np.isinf(x)]


def max_relative_error(name, x, computed):
    """(max relative error, worst x) over the inputs whose exact result is a normal, finite double
    (and, for exp, above the flush point)."""
    worst = (0.0, None)
    with mp.workprec(PRECISION_BITS):
        for value, result in zip(x, computed, strict=True):
            if name == "exp" and value < _elementary_single.EXP_FLUSH_BELOW:
                assert result == 0.0, f"exp({value!r}) = {result!r}, not flushed to 0"
                continue
            exact = REFERENCES[name](mp.mpf(float(value)))
            if not SMALLEST_NORMAL <= abs(exact) <= OVERFLOW_MARGIN:
                continue  # zero, subnormal, or within the bound of overflowing
            error = float(abs(mp.mpf(float(result)) - exact) / abs(exact)) if np.isfinite(result) else np.inf
            if error > worst[0]:
                worst = (error, float(value))
    return worst


@pytest.mark.parametrize("name", list(REFERENCES))
def test_relative_error(name):
    x = inputs(name)
    error, worst = max_relative_error(name, x, single_ufunc(name)(x))
    MEASURED_SINGLE_RELATIVE[name] = (error, worst, x.size)
    assert error <= RELATIVE_BOUND, f"{name}: relative error 2^{np.log2(error):.1f} at x = {worst!r}"


FLUSHED = [(-708.1, 0.0), (-745.0, 0.0), (-746.0, 0.0), (-1e308, 0.0)]


@pytest.mark.parametrize("name", list(REFERENCES))
def test_special_values(name):
    cases = [
        (x, y)
        for x, y in SPECIAL_VALUES[name]
        if not (-746.0 < x < -708.0 or 709.78 < x < 709.79)  # flushed; within the bound of overflow
    ] + (FLUSHED if name == "exp" else [])
    x, expected = (np.array(column) for column in zip(*cases, strict=True))
    with np.errstate(all="raise"):
        computed = single_ufunc(name)(x)
    assert_same_values(name, x, computed, expected)


def test_near_overflow_is_finite_or_inf_only_at_the_edge():
    x = np.linspace(709.0, 709.78, 101)
    assert np.isfinite(single_ufunc("exp")(x)).all()
    assert np.isfinite(single_ufunc("expm1")(x)).all()
