"""fastact._elementary.held: constants pass through unchanged, and kernels given held constants
compute the same bits as with their defaults (held changes only where the loop keeps them)."""

import numpy as np
from numba import njit

from fastact._elementary import LN2_REDUCTION, held, reduce_by_ln2
from fastact._softmax_kernels import SHIFTED_EXP, shifted_exp_float64


@njit
def _held(value):
    return held(value)


@njit
def _shifted_exp_both(x, m):
    constants = held(SHIFTED_EXP)
    out = np.empty((2, len(x)))
    for i in range(len(x)):
        out[0, i] = shifted_exp_float64(x[i], m)
        out[1, i] = shifted_exp_float64(x[i], m, constants)
    return out


@njit
def _reduce_both(x):
    constants = held(LN2_REDUCTION)
    out = np.empty((2, 3, len(x)))
    for i in range(len(x)):
        out[0, 0, i], out[0, 1, i], out[0, 2, i] = reduce_by_ln2(x[i])
        out[1, 0, i], out[1, 1, i], out[1, 2, i] = reduce_by_ln2(x[i], constants)
    return out


def test_held_returns_its_argument():
    assert _held(SHIFTED_EXP) == SHIFTED_EXP  # nested, named, with an infinity
    assert type(_held(SHIFTED_EXP)) is type(SHIFTED_EXP)
    assert _held((np.float32(1.5), np.int32(-7), 2**40 + 1, -0.0)) == (1.5, -7, 2**40 + 1, 0.0)
    assert np.signbit(_held(-0.0))
    assert np.isnan(_held(np.nan))


def test_held_constants_give_the_same_bits():
    rng = np.random.default_rng(0)
    special = [0.0, -0.0, -1e-310, -5e-324, -700.0, -745.2, -800.0, -np.inf, np.nan, 1.0]
    x = np.concatenate([special, -np.abs(rng.standard_normal(2000)) * 50, -rng.uniform(0, 1e-3, 500)])
    for m in (0.0, 3.0, -2.5):
        plain, with_held = _shifted_exp_both(x + m, m)
        np.testing.assert_array_equal(plain.view(np.int64), with_held.view(np.int64))
    plain, with_held = _reduce_both(np.concatenate([x, -x, rng.uniform(-1e6, 1e6, 500)]))
    np.testing.assert_array_equal(plain.view(np.int64), with_held.view(np.int64))
