"""Hard (piecewise) activations and softsign: relu6, hardtanh, hardsigmoid, hardswish, softsign.

Comparisons are ordered so that nan falls through to a branch that returns
it. At the kinks the derivatives are PyTorch's autograd values: 0 at both
ends of relu6/hardtanh/hardsigmoid (strict interior masks), x/3 + 1/2 at
hardswish's ends (closed interval [-3, 3]). Second derivatives are 0 at kinks.
"""

import math

from .._elementary import INF, fma, kernel, two_sum
from ._nan_masks import constant_inside, zero_keeping_nan


@kernel
def _sum_over_six(a, b):
    # (a + b)/6 rounded once: a + b = s + e exactly (TwoSum), s = 6 q + rem
    # exactly (FMA), so (a + b)/6 = q + (rem + e)/6 with only the small term rounded.
    s, e = two_sum(a, b)
    q = s / 6.0
    return q + (fma(-q, 6.0, s) + e) / 6.0


@kernel
def relu6(x):
    # min(max(x, 0), 6); "not x <= 0" lets nan through and maps -0.0 to +0.0.
    if x > 6:
        return 6.0
    return x if not x <= 0 else 0.0


@kernel
def drelu6(x):
    # 1 on the open interval (0, 6), 0 elsewhere, at both kinks too (PyTorch).
    return constant_inside(x, 0.0, 6.0, 1.0)


@kernel
def drelu6_from_output(y):
    # y is strictly inside (0, 6) exactly when x is.
    return drelu6(y)


@kernel
def d2relu6(x):
    return zero_keeping_nan(x)


@kernel
def hardtanh(x, min_val, max_val):
    # Clamp to [min_val, max_val]; a nan bound is no bound (it never compares true).
    if x < min_val:
        return min_val
    return max_val if x > max_val else x


@kernel
def dhardtanh(x, min_val, max_val):
    # 1 on the open interval (min_val, max_val), 0 elsewhere and at both kinks (PyTorch).
    return constant_inside(x, min_val, max_val, 1.0)


@kernel
def dhardtanh_from_output(y, min_val, max_val):
    # y is strictly inside (min_val, max_val) exactly when x is.
    return dhardtanh(y, min_val, max_val)


@kernel
def d2hardtanh(x, min_val, max_val):
    return zero_keeping_nan(x)


@kernel
def hardsigmoid(x):
    # relu6(x + 3)/6 = (x + 3)/6 on (-3, 3), rounded once; x + 3 is exact near -3 (Sterbenz).
    if x <= -3:
        return 0.0
    return 1.0 if x >= 3 else _sum_over_six(x, 3.0)


@kernel
def dhardsigmoid(x):
    # 1/6 on the open interval (-3, 3), 0 elsewhere and at both kinks (PyTorch).
    return constant_inside(x, -3.0, 3.0, 1.0 / 6.0)


@kernel
def dhardsigmoid_from_output(y):
    # y is strictly inside (0, 1) exactly when x is inside (-3, 3): the
    # smallest step away from -3 or 3 moves y off 0 or 1 (no rounding to the ends).
    return constant_inside(y, 0.0, 1.0, 1.0 / 6.0)


@kernel
def d2hardsigmoid(x):
    return zero_keeping_nan(x)


@kernel
def hardswish(x):
    # x relu6(x + 3)/6 = x (x + 3)/6 on (-3, 3), rounded once: x + 3 = s + e
    # exactly, x s = p + p_err exactly (FMA), then one division with its remainder.
    if x <= -3:
        return 0.0
    if x >= 3:
        return x
    s, e = two_sum(x, 3.0)
    p = x * s
    low = fma(x, s, -p) + x * e
    q = p / 6.0
    return q + (fma(-q, 6.0, p) + low) / 6.0


@kernel
def dhardswish(x):
    # PyTorch: 0 below -3, (2x + 3)/6 = x/3 + 1/2 on the closed [-3, 3] (so
    # -1/2 at -3 and 3/2 at 3), 1 above. 2x + 3 is exact where it cancels.
    if x < -3:
        return 0.0
    if x > 3:
        return 1.0
    return _sum_over_six(2.0 * x, 3.0)


@kernel
def d2hardswish(x):
    # 1/3 on the open interval (-3, 3), 0 elsewhere and at the kinks.
    return constant_inside(x, -3.0, 3.0, 1.0 / 3.0)


@kernel
def _one_plus_abs(x):
    """(d, e, t, delta): 1 + |x| = d + e exactly, t = fl(1/d), 1/(1 + |x|) = t (1 + delta) to first order.

    t d = 1 - rho exactly (FMA), so 1/(d + e) = t (1 + rho)(1 - e t): the
    corrections keep each softsign form to one rounding of a correct value.
    """
    d, e = two_sum(1.0, abs(x))
    t = 1.0 / d
    return d, e, t, fma(-t, d, 1.0) - e * t


@kernel
def softsign(x):
    # x/(1 + |x|) = q + (r - q e)/d with q = fl(x/d) and r = x - q d exact (FMA).
    if abs(x) == INF:
        return math.copysign(1.0, x)
    d, e, _, _ = _one_plus_abs(x)
    q = x / d
    return q + (fma(-q, d, x) - q * e) / d


@kernel
def dsoftsign(x):
    # 1/(1 + |x|)^2 = t^2 (1 + 2 delta): a product of reciprocals, never (1 + |x|)^2,
    # which overflows; t^2 is split exactly (FMA) so the sum rounds once.
    if abs(x) == INF:
        return 0.0
    _, _, t, delta = _one_plus_abs(x)
    t2 = t * t
    return t2 + (fma(t, t, -t2) + t2 * (2.0 * delta))


@kernel
def d2softsign(x):
    # -2 sign(x)/(1 + |x|)^3 = -sign(x) (2t) t t (1 + 3 delta); 2t first so a
    # subnormal result is rounded once. 0 at x = 0, where f' has a corner (PyTorch's sign(0) = 0).
    if abs(x) == INF or x == 0:
        return 0.0
    _, _, t, delta = _one_plus_abs(x)
    u = 2.0 * t
    u2 = u * t
    u3 = u2 * t
    u3_low = fma(u2, t, -u3) + fma(u, t, -u2) * t
    return math.copysign(u3 + (u3_low + u3 * (3.0 * delta)), -x)


@kernel
def dsoftsign_from_output(y):
    # 1/(1 + |x|)^2 = (1 - |y|)^2; 1 - |y| = s + e exactly (TwoSum), squared with FMA.
    s, e = two_sum(1.0, -abs(y))
    s2 = s * s
    return s2 + (fma(s, s, -s2) + 2.0 * s * e)
