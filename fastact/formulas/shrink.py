"""Shrinkage and thresholding: softshrink, hardshrink, threshold.

Piecewise linear with a dead zone; every value is one exact comparison and at
most one rounding (x - lambd is exact near the kink, by Sterbenz). At the
kinks the derivative is 0, as PyTorch's autograd (the masks |x| > lambd and
x > threshold are strict). A nan x gives nan; a nan lambd gives nan, since it
decides every branch.
"""

from .._elementary import kernel
from ._nan_masks import one_keeping_nan, zero_keeping_nan


@kernel
def _dead_zone(x, lambd):
    # 0 inside the dead zone, nan if x or lambd is nan.
    return 0.0 if (x == x and lambd == lambd) else x + lambd


@kernel
def _outside(x, lambd):
    # |x| > lambd, written as two comparisons so it is true for every x when lambd < 0.
    return x > lambd or x < -lambd


@kernel
def softshrink(x, lambd):
    # PyTorch: x - lambd above lambd, x + lambd below -lambd, 0 between.
    if x > lambd:
        return x - lambd
    if x < -lambd:
        return x + lambd
    return _dead_zone(x, lambd)


@kernel
def dshrink(x, lambd):
    # 1 where |x| > lambd, 0 on the closed dead zone (at both kinks too).
    return 1.0 if _outside(x, lambd) else _dead_zone(x, lambd)


@kernel
def d2shrink(x, lambd):
    return _dead_zone(x, lambd)


@kernel
def dshrink_from_output(y, lambd):
    # y != 0 exactly when |x| > lambd (x - lambd of distinct floats is never 0),
    # except for lambd < 0, where there is no dead zone and the slope is 1 everywhere.
    if y > 0 or y < 0:  # y != 0, but false for nan
        return 1.0 if lambd == lambd else lambd
    return 1.0 if lambd < 0 else _dead_zone(y, lambd)


@kernel
def hardshrink(x, lambd):
    # x where |x| > lambd, else 0 (nan if x or lambd is nan).
    return x if _outside(x, lambd) else _dead_zone(x, lambd)


@kernel
def threshold(x, threshold, value):
    # PyTorch: value where x <= threshold, else x; a nan x falls through to x.
    return value if x <= threshold else x


@kernel
def dthreshold(x, threshold, value):
    # 0 where x <= threshold (at the kink too), 1 above; nan for nan x.
    if x <= threshold:
        return 0.0
    return one_keeping_nan(x)


@kernel
def d2threshold(x, threshold, value):
    return zero_keeping_nan(x)
