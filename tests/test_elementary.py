"""The elementary kernels against mpmath: at most 1 ULP over the whole float64 domain.

Each kernel runs through the same compiled loop as the ufuncs (the vectorized
code is what is measured), on the full-range grid plus inputs chosen per
function: dense near 0 and near its overflow, underflow and saturation edges,
its own internal boundaries, subnormals, and log-uniform random samples from
fixed seeds. Special values are checked exactly, signed zeros included.
"""

import functools
import os

import mpmath as mp
import numpy as np
import pytest

from fastact import _elementary
from fastact._build import ufunc_from_kernel
from fastact._grids import full_range_grid
from fastact._ulp import max_ulp_error

from conftest import MEASURED_ELEMENTARY_ULP

PRECISION_BITS = 160
BOUND_ULP = 1.0
RANDOM_SAMPLES = 6000
INF, NAN = np.inf, np.nan


def _log(x):
    return mp.log(x) if x > 0 else (mp.ninf if x == 0 else mp.nan)


def _log1p(x):
    return mp.log1p(x) if x > -1 else (mp.ninf if x == -1 else mp.nan)


# mpmath's erf and erfc overflow internally for huge x; beyond |x| = 40 both
# are within 2^-2000 of their limits, far below any float64 spacing there.
ERF_FLAT = 40


def _erf(x):
    return mp.erf(mp.sign(x) * min(abs(x), ERF_FLAT))


def _erfc(x):
    return mp.erfc(mp.sign(x) * min(abs(x), ERF_FLAT))


REFERENCES = {
    "exp": mp.exp,
    "expm1": mp.expm1,
    "log": _log,
    "log1p": _log1p,
    "tanh": mp.tanh,
    "erf": _erf,
    "erfc": _erfc,
}


@functools.cache
def elementary_ufunc(name):
    return ufunc_from_kernel(f"elementary_{name}", "", getattr(_elementary, name), 1, (np.float64,))


def log_uniform(seed, lowest_exponent, highest_exponent, signed=True, size=RANDOM_SAMPLES):
    """|x| = 2^u with u uniform in [lowest_exponent, highest_exponent]; random signs if ``signed``."""
    rng = np.random.default_rng(seed)
    magnitudes = np.exp2(rng.uniform(lowest_exponent, highest_exponent, size))
    return magnitudes * rng.choice([-1.0, 1.0], size) if signed else magnitudes


def around(points, ulps=16, dtype=np.float64):
    """Each point (rounded to ``dtype``) and its ``ulps`` ``dtype`` neighbours on either side."""
    points = np.asarray(points, dtype=np.float64).astype(dtype)
    steps = np.arange(-ulps, ulps + 1, dtype=dtype)
    spacing = np.spacing(np.abs(points))[:, None]
    return (points[:, None] + steps * spacing).ravel()


LN2 = float(mp.log(2))
# exp reduces by k ln2: its rounding of k flips at (j + 1/2) ln2.
REDUCTION_EDGES = (np.arange(-1080, 1025, 5) + 0.5) * LN2

SPECIFIC_INPUTS = {
    "exp": lambda: [
        log_uniform(1, -1074, 9.55),
        np.linspace(-745.2, -708.3, 4001),  # subnormal results
        np.linspace(700.0, 709.79, 1001),
        around([709.782712893384, -745.1332191019411, -708.3964185322641, -744.4400719213812]),
        around(REDUCTION_EDGES, 2),
        np.linspace(-1e-3, 1e-3, 1001),
    ],
    "expm1": lambda: [
        log_uniform(2, -1074, 9.55),
        np.linspace(-40.0, 3.0, 4001),
        np.linspace(709.0, 709.79, 501),
        around([709.782712893384, LN2 / 2, -LN2 / 2, 1.5 * LN2, -1.5 * LN2, 2.0**-54, -(2.0**-54)]),
    ],
    "log": lambda: [
        log_uniform(3, -1074, 1024, signed=False),
        log_uniform(4, -1074, -1022, signed=False, size=1000),
        np.linspace(0.5, 2.0, 3001),
        1.0 + log_uniform(5, -53, -1, size=2000),
        around([np.sqrt(0.5), np.sqrt(2.0), 1.0, 2.2250738585072014e-308]),
    ],
    "log1p": lambda: [
        log_uniform(6, -1074, 1024, signed=False),
        -log_uniform(7, -1074, 0, signed=False),
        -1.0 + log_uniform(8, -53, -1, signed=False, size=2000),
        -1.0 + 2.0**-53 * np.arange(1, 1001),
        np.linspace(-0.5, 1.5, 3001),
        around([np.sqrt(0.5) - 1, np.sqrt(2.0) - 1, 2.0**-54, -(2.0**-54)]),
    ],
    "tanh": lambda: [
        log_uniform(9, -1074, 5),
        np.linspace(-20.0, 20.0, 4001),
        around([19.06, -19.06, 0.3466, -0.3466, 2.0**-27]),
    ],
    "erf": lambda: [
        log_uniform(10, -1074, 3),
        np.linspace(-6.5, 6.5, 4001),
        around([0.5, -0.5, 5.9215871957945, -5.9215871957945]),
    ],
    "erfc": lambda: [
        log_uniform(11, -1074, 4.8),
        np.linspace(-6.5, 28.0, 6001),
        np.linspace(26.5, 27.3, 2001),  # subnormal results
        around([0.5, -0.5, 26.5432, 27.2257]),
        around(np.arange(0.5, 27.5, 1 / 16.0), 1),  # the erfc table's piece boundaries
    ],
}


def inputs(name):
    x = np.concatenate([full_range_grid(np.float64), *SPECIFIC_INPUTS[name]()])
    return x[np.isfinite(x) | np.isinf(x)]


def assert_max_ulp(label, x, computed, reference, dtype, bound, precision=PRECISION_BITS):
    """Max ULP error (in ``dtype``) of ``computed`` against mpmath's ``reference`` at x: recorded for
    the summary under ``label``, and at most ``bound``."""
    with mp.workprec(precision):
        exacts = [reference(mp.mpf(float(v))) for v in x]
    error, index = max_ulp_error(computed, exacts, dtype)
    MEASURED_ELEMENTARY_ULP[label] = (error, float(x[index]), x.size)
    assert error <= bound, f"{label}: {error:.3g} ULP at x = {float(x[index])!r}"


def assert_same_values(name, x, computed, expected):
    """computed == expected exactly: signed zeros told apart, nan matching nan."""
    same = (computed == expected) & (np.signbit(computed) == np.signbit(expected))
    same |= np.isnan(computed) & np.isnan(expected)
    assert same.all(), f"{name}: x = {x[~same]} gave {computed[~same]}, expected {expected[~same]}"


@pytest.mark.parametrize("name", list(REFERENCES))
def test_max_ulp_error(name):
    x = inputs(name)
    assert_max_ulp(name, x, elementary_ufunc(name)(x), REFERENCES[name], np.float64, BOUND_ULP)


# Dense random sweeps (100000 points per range; ~2 minutes): FASTACT_SLOW_TESTS=1 pytest ...
SWEEP_SIZE = 100_000
SWEEPS = {
    "exp": (-745.14, 709.78),
    "expm1": (-40.0, 709.78),
    "log": (0.5, 2.0),
    "log1p": (-0.5, 1.5),
    "tanh": (-20.0, 20.0),
    "erf": (-6.0, 6.0),
    "erfc": (-6.0, 27.3),
}


@pytest.mark.skipif(not os.environ.get("FASTACT_SLOW_TESTS"), reason="set FASTACT_SLOW_TESTS=1")
@pytest.mark.parametrize("name", list(SWEEPS))
def test_max_ulp_error_random_sweep(name):
    low, high = SWEEPS[name]
    x = np.random.default_rng(sorted(SWEEPS).index(name)).uniform(low, high, SWEEP_SIZE)
    assert_max_ulp(f"{name} (sweep)", x, elementary_ufunc(name)(x), REFERENCES[name], np.float64, BOUND_ULP)


def error_two_ulp_above_exp(exp, x, precision=PRECISION_BITS):
    """The max ULP error measured for ``exp``'s values at x moved up by 2 ULP (in x's dtype)."""
    up = x.dtype.type(INF)
    off = np.nextafter(np.nextafter(exp(x), up), up)
    with mp.workprec(precision):
        error, _ = max_ulp_error(off, [mp.exp(mp.mpf(float(v))) for v in x], x.dtype.type)
    return error


def test_harness_sees_a_two_ulp_error():
    """The measurement would catch a kernel 2 ULP off: the bound above can fail."""
    assert error_two_ulp_above_exp(elementary_ufunc("exp"), np.linspace(-5.0, 5.0, 101)) > BOUND_ULP


SMALLEST_SUBNORMAL = 5e-324
SPECIAL_VALUES = {
    "exp": [
        (INF, INF),
        (-INF, 0.0),
        (NAN, NAN),
        (0.0, 1.0),
        (-0.0, 1.0),
        (709.782712893384, 1.7976931348622732e308),
        (709.7827128933841, INF),
        (710.0, INF),
        (1e308, INF),
        (-745.1332191019411, SMALLEST_SUBNORMAL),
        (-746.0, 0.0),
        (-1e308, 0.0),
    ],
    "expm1": [
        (INF, INF),
        (-INF, -1.0),
        (NAN, NAN),
        (0.0, 0.0),
        (-0.0, -0.0),
        (-50.0, -1.0),
        (SMALLEST_SUBNORMAL, SMALLEST_SUBNORMAL),
        (-SMALLEST_SUBNORMAL, -SMALLEST_SUBNORMAL),
        (710.0, INF),
    ],
    "log": [
        (INF, INF),
        (-INF, NAN),
        (NAN, NAN),
        (0.0, -INF),
        (-0.0, -INF),
        (1.0, 0.0),
        (-1.0, NAN),
        (SMALLEST_SUBNORMAL, -744.4400719213812),
        (1.7976931348623157e308, 709.782712893384),
    ],
    "log1p": [
        (INF, INF),
        (-INF, NAN),
        (NAN, NAN),
        (0.0, 0.0),
        (-0.0, -0.0),
        (-1.0, -INF),
        (-1.5, NAN),
        (SMALLEST_SUBNORMAL, SMALLEST_SUBNORMAL),
        (-SMALLEST_SUBNORMAL, -SMALLEST_SUBNORMAL),
        (1.7976931348623157e308, 709.782712893384),
    ],
    "tanh": [
        (INF, 1.0),
        (-INF, -1.0),
        (NAN, NAN),
        (0.0, 0.0),
        (-0.0, -0.0),
        (20.0, 1.0),
        (-1e308, -1.0),
        (SMALLEST_SUBNORMAL, SMALLEST_SUBNORMAL),
        (-SMALLEST_SUBNORMAL, -SMALLEST_SUBNORMAL),
    ],
    "erf": [
        (INF, 1.0),
        (-INF, -1.0),
        (NAN, NAN),
        (0.0, 0.0),
        (-0.0, -0.0),
        (6.0, 1.0),
        (-1e308, -1.0),
        (SMALLEST_SUBNORMAL, SMALLEST_SUBNORMAL),
    ],
    "erfc": [
        (INF, 0.0),
        (-INF, 2.0),
        (NAN, NAN),
        (0.0, 1.0),
        (-0.0, 1.0),
        (27.3, 0.0),
        (1e308, 0.0),
        (-6.0, 2.0),
        (SMALLEST_SUBNORMAL, 1.0),
    ],
}


@pytest.mark.parametrize("name", list(SPECIAL_VALUES))
def test_special_values(name):
    x, expected = (np.array(column) for column in zip(*SPECIAL_VALUES[name], strict=True))
    with np.errstate(all="raise"):  # the loop leaves no floating-point flag behind
        computed = elementary_ufunc(name)(x)
    assert_same_values(name, x, computed, expected)
