"""Helpers shared by the formulas built on a decaying exponential e = exp(-t) <= 1.

Such formulas take e as 2^k (hi + lo), its unrounded parts, and scale by 2^k
last: a subnormal result is then rounded once, where multiplying an already
rounded subnormal e by a factor c would be off by up to c/2 ULP.
"""

from .._elementary import (
    clamp,
    exp_parts,
    fast_two_sum,
    fma,
    horner,
    kernel,
    rough_reciprocal,
    scale_by_clamped_power_of_two,
    scale_by_power_of_two,
    two_product,
)

EXP_PARTS_LIMIT = 800.0  # exp(-800), times any factor below 2^50, scales by 2^k to 0
# With a parameter's exponent added to k (split_exponent), the factor is gain^2 <= 2^2048 at most:
# gain^2 exp(-t) is 0 in float64 from t = (1075 + 2048) ln 2 = 2164.7 on.
SCALED_EXP_PARTS_LIMIT = 2300.0


@kernel
def one_plus(e):
    """1 + e as an unevaluated sum q + q_low, exact (Fast2Sum, since 1 >= e >= 0)."""
    q = 1.0 + e
    return q, (1.0 - q) + e


@kernel
def decay(t, limit=EXP_PARTS_LIMIT):
    """(k, hi, lo, e): e = exp(-t) = 2^k (hi + lo), |lo| <= ulp(hi)/2, for t >= 0 (nan stays nan).

    t is clamped to ``limit``: EXP_PARTS_LIMIT, or SCALED_EXP_PARTS_LIMIT where 2^k is to be
    scaled by a parameter's power of two (k then reaches -3318).
    """
    k, hi, lo = exp_parts(-clamp(t, 0.0, limit))
    hi, lo = fast_two_sum(hi, lo)  # exp_parts' lo carries r^2/2 and more: normalize
    if limit > EXP_PARTS_LIMIT:  # a constant once inlined: the test compiles away
        return k, hi, lo, scale_by_clamped_power_of_two(hi + lo, k)
    return k, hi, lo, scale_by_power_of_two(hi + lo, k)


@kernel
def times_parts(x, hi, lo):
    """x (hi + lo) rounded once (two_product: exact leading product)."""
    p, p_error = two_product(x, hi)
    return p + (p_error + x * lo)


@kernel
def over_one_plus_power(numerator, q, q_low, n):
    """numerator / (q + q_low)^n for n = 1, 2, 3, rounded about once.

    The power is formed as P + P_error exactly to first order (FMA for the
    products' rounding, q_low by the binomial term), then
    numerator/(P + P_error) = quotient (1 - P_error/P) by one fma.
    """
    if n == 1:
        power, power_error = q, q_low
    elif n == 2:
        power, power_error = two_product(q, q)
        power_error += 2.0 * q * q_low
    else:
        square, square_error = two_product(q, q)
        power, power_error = two_product(square, q)
        power_error += square_error * q + 3.0 * square * q_low
    quotient = numerator / power
    correction = power_error * rough_reciprocal(power)  # 0.3% of a term below 2^-50: < 0.01 ULP
    return quotient if correction == 0 else fma(-quotient, correction, quotient)  # inf * 0 is nan


@kernel
def dd_quotient(n, n_low, d, d_low):
    """(n + n_low)/(d + d_low) rounded about once, for d >= 1 (d_low <= ulp(d)/2): the quotient
    of the leading parts corrected by its remainder (exact by FMA) and both low parts, over d by
    rough_reciprocal (0.3% of a correction below 2^-52 of the quotient). A correction of 0 leaves
    the quotient's sign (-0.0), a nan one (an infinite quotient) the quotient itself."""
    quotient = n / d
    correction = (fma(-quotient, d, n) + (n_low - quotient * d_low)) * rough_reciprocal(d)
    return quotient + correction if abs(correction) > 0 else quotient


@kernel
def near_root(x, patch, general):
    """A derivative from its Taylor patch around an interior root (fastact/_fitting/fit_roots.py) where
    x lies in the patch, else ``general``: x - x0 is exact there and the relative error stays
    about one ULP right up to the root, where any sum of O(1) terms cancels."""
    x0, half_width, coefficients = patch
    s = x - x0
    return horner(s, coefficients) if abs(s) < half_width else general
