"""fastact._single.for_float32: every route from a formula to an elementary kernel is retargeted.

The float32 loops run each formula compiled against the float32-accuracy
elementary kernels; here each way a formula can reach exp or tanh (by name,
renamed, through the module, through a helper kernel, through a closure) is
checked to end at the variant, and kernels that need no change are kept.
"""

import numpy as np
import pytest
from numba import njit

from fastact import _elementary, _elementary_single
from fastact._build import ufunc_from_kernel
from fastact._elementary import exp as accurate_exp
from fastact._elementary import fma, kernel
from fastact._elementary import tanh as renamed_tanh
from fastact._single import for_float32, untwinned
from fastact.formulas import logistic

X = 0.3  # where the two exp kernels give different float64 results


@kernel
def _by_name(x):
    return accurate_exp(x)


@kernel
def _through_module(x):
    return _elementary.exp(x)


@kernel
def _through_helper(x):
    return 2.0 * _by_name(x)


@kernel
def _renamed(x):
    return renamed_tanh(x)


@kernel
def _no_elementary(x):
    return fma(x, x, 1.0)


def _closure_over(function):
    @kernel
    def wrapper(x):
        return function(x) + 0.0

    return wrapper


def test_the_variants_differ_at_x():
    assert _elementary.exp(X) != _elementary_single.exp(X)
    assert _elementary.tanh(X) != _elementary_single.tanh(X)


@pytest.mark.parametrize(
    "function, factor, variant",
    [
        (_by_name, 1.0, _elementary_single.exp),
        (_through_module, 1.0, _elementary_single.exp),
        (_through_helper, 2.0, _elementary_single.exp),
        (_renamed, 1.0, _elementary_single.tanh),
        (_closure_over(_through_helper), 2.0, _elementary_single.exp),
    ],
)
def test_for_float32_replaces_every_route(function, factor, variant):
    retargeted = for_float32(function)
    assert retargeted(X) == factor * variant(X)
    assert function(X) != retargeted(X)  # the original is untouched


def test_for_float32_keeps_what_needs_no_change():
    assert for_float32(_no_elementary) is _no_elementary
    assert for_float32(logistic.dsigmoid_from_output) is logistic.dsigmoid_from_output
    assert for_float32(_elementary.exp) is _elementary_single.exp
    assert for_float32(logistic.sigmoid) is for_float32(logistic.sigmoid)  # built once


def test_for_float32_reaches_helpers_at_depth():
    # d2tanh -> logistic_curvature needs no elementary kernel, but d2tanh itself calls exp and expm1.
    x = 0.7
    e, m = _elementary_single.exp(-2.0 * x), -_elementary_single.expm1(-2.0 * x)
    assert for_float32(logistic.d2tanh)(x) == logistic.logistic_curvature(e, m, x, 8.0)


def test_a_twin_replaces_only_the_ufuncs_own_formula():
    x = 0.7
    assert for_float32(logistic.dtanh)(x) == float(logistic.dtanh_single(np.float32(x)))
    # d2tanhshrink calls dtanh: there the float64-arithmetic build, not the twin
    dtanh = logistic.logistic_slope(_elementary_single.exp(-2.0 * x), 4.0)
    assert dtanh != float(logistic.dtanh_single(np.float32(x)))
    assert for_float32(logistic.d2tanhshrink)(x) == 2.0 * _elementary_single.tanh(x) * dtanh


def test_a_twin_falls_back_where_it_does_not_apply():
    x = 0.7
    assert for_float32(logistic.sigmoid)(x, 1.0) == float(logistic.sigmoid_single(np.float32(x)))
    assert for_float32(logistic.sigmoid)(x, 2.0) == for_float32(untwinned(logistic.sigmoid))(x, 2.0)


def test_for_float32_accepts_plain_njit_kernels():
    plain = njit(lambda x: accurate_exp(x))
    assert for_float32(plain)(X) == _elementary_single.exp(X)


def test_float32_loops_run_the_float32_kernels():
    # The float32 roundings of the two exp kernels differ at a few x in a thousand;
    # there the float32 loop must give the float32-accuracy kernel's value.
    x = np.random.default_rng(0).uniform(-80.0, 80.0, 100_000).astype(np.float32)
    wide = x.astype(np.float64)
    accurate = ufunc_from_kernel("probe_exp_f64", "", _by_name, 1, (np.float64,))(wide).astype(np.float32)
    single = ufunc_from_kernel("probe_single_f64", "", _elementary_single.exp, 1, (np.float64,))(wide)
    single = single.astype(np.float32)
    assert (accurate != single).any()
    loop = ufunc_from_kernel("probe_exp_f32", "", _by_name, 1, (np.float32,))
    np.testing.assert_array_equal(loop(x), single)
