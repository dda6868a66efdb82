"""The logistic family: sigmoid (with a gain) and tanh.

Both are written through e = exp(-|z|) <= 1, so no intermediate overflows and
neither tail cancels: 1 - sigmoid(z) and 1 - tanh(z)^2 are never formed by
subtraction. tanh(z) = 2*sigmoid(2z) - 1 makes tanh' = 4*sigmoid'(2z) and
tanh'' = 8*sigmoid''(2z).
"""

import math

import numpy as np

from .. import _elementary_float32 as single
from .._elementary import (
    INF,
    exp,
    expm1,
    fast_two_sum,
    fma,
    horner,
    kernel,
    product_error,
    scale_by_clamped_power_of_two,
    split_exponent,
    tanh_parts,
    two_product,
)
from .._elementary import tanh as _tanh
from .._single import float32_backward_twin, float32_twin, untwinned
from ._parts import SCALED_EXP_PARTS_LIMIT, decay, one_plus, over_one_plus_power, times_parts

TINY = 2.0**-900  # below this, z^2 is negligible beside 1 in float64


@kernel
def at_most_a_quarter(slope, scale):
    """slope, but never beyond scale/4 = max scale sigma' (at z = 0), where the true value's
    correctly rounded result lies (1 - x^2 at tiny x rounds to 1; the formula can give 1 + ulp)."""
    cap = 0.25 * abs(scale)
    return math.copysign(cap, slope) if abs(slope) > cap else slope


@kernel
def logistic_slope(e, scale):
    # scale * sigmoid'(z) = scale e/(1+e)^2 with e = exp(-|z|): even in z, no cancellation.
    # Used with scale a power of two only (tanh), which keeps a subnormal e exact.
    q, q_low = one_plus(e)
    return at_most_a_quarter(over_one_plus_power(scale * e, q, q_low, 2), scale)


@kernel
def logistic_curvature(e, m, z, scale):
    # scale * sigmoid''(z) = scale sigmoid'(z)(1 - 2 sigmoid(z)) = -sign(z) scale e (1-e)/(1+e)^3,
    # with m = 1 - e = -expm1(-|z|) computed without cancellation near z = 0.
    q, q_low = one_plus(e)
    return math.copysign(over_one_plus_power((scale * e) * m, q, q_low, 3), -z)


@kernel
def decay_of_product(gain, x):
    """(z, k, hi, lo, e, m): z = fl(gain x); e = exp(-|gain x|) = 2^k (hi + lo); m = 1 - e.

    exp(-|z + d|) = e (1 - s), s = sign(z) d, to first order in the rounding
    error d of z: without it sigmoid(gain*x) near x = -700 would be off by ~|z|
    ULP. s is far below 2^-53, so it is applied as v - v s, never as 1 - s.
    |z| is clamped to SCALED_EXP_PARTS_LIMIT, not 800: the derivatives scale 2^k
    by gain or gain^2, which can keep a result nonzero to |z| = 2164.
    """
    z = gain * x
    if gain == 1.0:
        # z = x exactly, and e = exp(-|x|) is rounded once: no parts are needed (and the
        # float32 loops get their cheaper exp); LLVM drops the rest for the fixed forms.
        e = exp(-abs(z))
        return z, 0, e, 0.0, e, -expm1(-abs(z))
    d = product_error(gain, x, z) if abs(z) < SCALED_EXP_PARTS_LIMIT else 0.0
    s = d if z >= 0 else -d
    k, hi, lo, e = decay(abs(z), SCALED_EXP_PARTS_LIMIT)
    m = -expm1(-abs(z))
    return z, k, hi - hi * s, lo - lo * s, e - e * s, m + e * s


@kernel
def sigmoid(x, gain):
    z, k, hi, lo, e, _ = decay_of_product(gain, x)
    # 1/(1+exp(-z)) for z >= 0 and its mirror exp(z)/(1+exp(z)) for z < 0, 1 + e exact as q + q_low;
    # the numerator is chosen first, so the loop divides once.
    q, q_low = one_plus(e)
    numerator = 1.0 if z >= 0 else hi + lo
    return scale_by_clamped_power_of_two(over_one_plus_power(numerator, q, q_low, 1), 0 if z >= 0 else k)


@kernel
def dsigmoid(x, gain):
    # gain e/(1+e)^2 = m 2^(g + k) (hi + lo)/(1+e)^2 with gain = m 2^g: the product formed near 1,
    # from e's unrounded parts, and scaled last (subnormal results, gains up to the largest double).
    _, k, hi, lo, e, _ = decay_of_product(gain, x)
    q, q_low = one_plus(e)
    gain_mantissa, gain_exponent = split_exponent(gain)
    numerator = e if gain == 1.0 else times_parts(gain_mantissa, hi, lo)
    slope = scale_by_clamped_power_of_two(over_one_plus_power(numerator, q, q_low, 2), k + gain_exponent)
    return at_most_a_quarter(slope, gain)


@kernel
def d2sigmoid(x, gain):
    z, k, hi, lo, e, m = decay_of_product(gain, x)
    gain_mantissa, gain_exponent = split_exponent(gain)
    if abs(z) < TINY:
        # sigmoid''(z) = -z/8 + O(z^3): for tiny z the rounding of gain*x to a subnormal would
        # dominate, so scale x once, by gain^3/8. From |gain| = 2^100 on (gain^3 overflows from
        # 5.6e102), by its mantissas' part and x 2^64 (exact and normal, for |x| < 2^-1000
        # here), then by their powers of two; below, directly, rounded once (and 0 for gain 0).
        cubed = gain_mantissa * gain_mantissa * gain_mantissa * 0.125
        huge_gain = scale_by_clamped_power_of_two(-cubed * (x * 2.0**64), 3 * gain_exponent - 64)
        return huge_gain if abs(gain) >= 2.0**100 else -(gain * gain * gain * 0.125) * x
    q, q_low = one_plus(e)
    numerator = (e if gain == 1.0 else times_parts(gain_mantissa * gain_mantissa, hi, lo)) * m
    curvature = over_one_plus_power(numerator, q, q_low, 3)
    return math.copysign(scale_by_clamped_power_of_two(curvature, k + 2 * gain_exponent), -z)


@kernel
def dsigmoid_from_output(y, gain):
    # sigmoid' = gain*y(1-y); 1-y is exact for y >= 1/2 (Sterbenz).
    return gain * (y * (1.0 - y))


@kernel
def tanh(x):
    return _tanh(x)


@kernel
def dtanh(x):
    e = exp(-2.0 * abs(x))
    return logistic_slope(e, 4.0)


@kernel
def d2tanh(x):
    e = exp(-2.0 * abs(x))
    m = -expm1(-2.0 * abs(x))
    return logistic_curvature(e, m, x, 8.0)


@kernel
def dtanh_from_output(y):
    # 1 - y^2 = (1-y)(1+y): each factor exact or nearly so, no cancellation at |y| -> 1.
    return (1.0 - y) * (1.0 + y)


# --- float32 twins: the same functions in float32 arithmetic, for the float32 loops ---------------
# e = exp(-|x|) comes as an unrounded pair (fastact/_elementary_float32.exp_parts, ~2^-26) and
# 1/(1+e) as a residual-corrected pair, so each result is one rounding of a product of pairs
# (no cancellation: every term is positive). Parametric forms with a gain other than 1 fall
# back to the float64 formula (gain * x is not exact in float32).

_sigmoid_any_gain = untwinned(sigmoid)
_dsigmoid_any_gain = untwinned(dsigmoid)


@kernel
def decay_and_logistic(x, lowest=single.DECAY_ARGUMENT_MIN):
    """(p, p_low, shifted, t, t_low): e = exp(-|x|) = 2^k (p + p_low) as single.decay_parts gives it
    (|x| clamped to -lowest), and 1/(1+e) = t + t_low (single.reciprocal_of_one_plus)."""
    p, p_low, shifted = single.decay_parts(-abs(x), lowest)
    shifted_for_q = shifted
    if lowest < single.DECAY_ARGUMENT_MIN:  # a constant once inlined: the test compiles away
        # 1 + e needs e only where it is not negligible: k held to >= -153 keeps 2^k in range
        shifted_for_q = max(shifted, single.ROUNDING_SHIFTER + single.DECAY_EXPONENT_MIN)
    e = single.times_small_power_of_two(p, shifted_for_q, np.int32(0))
    e_low = single.times_small_power_of_two(p_low, shifted_for_q, np.int32(0))
    t, t_low = single.reciprocal_of_one_plus(e, e_low)
    return p, p_low, shifted, t, t_low


@kernel
def times_pair(a, a_low, b, b_low):
    """(a + a_low)(b + b_low) rounded once (exact leading product inside the FMA)."""
    return fma(a, b, fma(a, b_low, a_low * b))


@kernel
def sigmoid_single(x):
    # 1/(1+e) for x >= 0; e/(1+e) = 2^k (p + p_low)(t + t_low) for x < 0, rounded once before the
    # scaling (which rounds again only for a subnormal result).
    p, p_low, shifted, t, t_low = decay_and_logistic(x)
    mirrored = single.times_small_power_of_two(times_pair(p, p_low, t, t_low), shifted, np.int32(0))
    return t + t_low if single.sign_bit_clear(x) else mirrored  # -0: mirrored, 1/2; nan: nan either way


@kernel
def square_pair(t, t_low):
    """(t + t_low)^2 as a pair: the square's rounding error exact by FMA, t_low to first order."""
    square = t * t
    return square, fma(t, t, -square) + (t + t) * t_low


@kernel
def logistic_slope_single(x, extra):
    # 2^extra e/(1+e)^2 = 2^(k + extra) (p + p_low)(t + t_low)^2, the square as a pair (FMA).
    p, p_low, shifted, t, t_low = decay_and_logistic(x)
    square, square_low = square_pair(t, t_low)
    return single.times_small_power_of_two(times_pair(p, p_low, square, square_low), shifted, extra)


# exp(-200) times the largest float32 is below 2^-150: from |x| = 200 on, grad 2^extra e/(1+e)^2
# is 0 for any finite grad (extra <= 2), and exp's argument is clamped there.
SLOPE_TIMES_ARGUMENT_MIN = single.f32(-200.0)
# grad * slope is formed with the slope times 2^max(k + extra, -40), so that it is near grad
# (at least 2^-43 grad: grad times the slope's low part stays normal for |grad| > 2^-59) and at
# most grad.
SLOPE_SCALE_MIN = single.ROUNDING_SHIFTER - single.f32(40.0)
# The float64 formulas' e = exp(-|x|) rounds to 0 from 1075 ln2 on (below 2^-1075), so there the
# float64 backward form is grad * 0: nan for an infinite grad. The float32 twin does the same. The
# nearest float32 lies 2^-15 above the threshold, far beyond exp's error.
FLOAT64_SLOPE_VANISHES = single.f32(1075.0 * math.log(2.0))


@kernel
def logistic_slope_times_single(grad, x, extra):
    """grad 2^extra e/(1+e)^2, e = 2^k (p + p_low), within 1.25 ULP of its float64 value.

    The slope (p + p_low)(t + t_low)^2 is a pair (2^-26), exactly scaled by 2^max(k + extra, -40)
    (at most 1: grad times it overflows only where the result does). grad times that pair is
    rounded once, by one FMA; the rest of 2^(k + extra) scales it last, exactly unless the result
    is subnormal. So: 0.5 ULP + the pair's 0.22 for a normal result with |grad| > 2^-59; up to
    0.5 more near and below float32's normal range, from the second rounding of a subnormal
    result or, for smaller grads, the underflow of grad times the pair's low part (an
    independent review measured 1.18 at worst over 4e9 inputs, in that last case).
    """
    p, p_low, shifted, t, t_low = decay_and_logistic(x, SLOPE_TIMES_ARGUMENT_MIN)
    square, square_low = square_pair(t, t_low)
    slope = p * square
    slope_low = fma(p, square, -slope) + fma(p, square_low, p_low * square)
    head = max(shifted + single.f32(extra), SLOPE_SCALE_MIN)
    slope = single.times_normal_power_of_two(slope, head, np.int32(0))
    slope_low = single.times_normal_power_of_two(slope_low, head, np.int32(0))
    # grad * slope alone for grad = ±inf (inf * slope_low, of either sign, would make the sum nan)
    # and ±0 (-0 * slope + 0 * |slope_low| would be +0)
    product = fma(grad, slope, grad * slope_low) if single.finite_nonzero(grad) else grad * slope
    product = grad * single.ZERO if abs(x) >= FLOAT64_SLOPE_VANISHES else product  # nan x: product
    rest = (shifted - head) + single.ROUNDING_SHIFTER  # with extra: min(k + extra + 40, 0) >= -249
    return single.times_power_of_two(product, rest, extra)


@kernel
def dsigmoid_single(x):
    return logistic_slope_single(x, np.int32(0))


@kernel
def dtanh_single(x):
    # tanh'(x) = 4 sigmoid'(2x); 2|x| is exact.
    return logistic_slope_single(x + x, np.int32(2))


@kernel
def dsigmoid_times_single(grad, x):
    return logistic_slope_times_single(grad, x, np.int32(0))


@kernel
def dtanh_times_single(grad, x):
    return logistic_slope_times_single(grad, x + x, np.int32(2))


@float32_twin(sigmoid, sigmoid_single, bound_ulp=1.0)
@kernel
def sigmoid_float32(x, gain):
    return float(sigmoid_single(np.float32(x))) if gain == 1.0 else _sigmoid_any_gain(x, gain)


@float32_twin(dsigmoid, dsigmoid_single, bound_ulp=1.0)
@kernel
def dsigmoid_float32(x, gain):
    return float(dsigmoid_single(np.float32(x))) if gain == 1.0 else _dsigmoid_any_gain(x, gain)


@float32_backward_twin(dsigmoid, dsigmoid_times_single, bound_ulp=1.25)
@kernel
def dsigmoid_times_float32(grad, x, gain):
    if gain == 1.0:
        return float(dsigmoid_times_single(np.float32(grad), np.float32(x)))
    return grad * _dsigmoid_any_gain(x, gain)


@float32_twin(tanh, single.tanh, bound_ulp=1.0)
@kernel
def tanh_float32(x):
    return float(single.tanh(np.float32(x)))


@float32_twin(dtanh, dtanh_single, bound_ulp=1.0)
@kernel
def dtanh_float32(x):
    return float(dtanh_single(np.float32(x)))


@float32_backward_twin(dtanh, dtanh_times_single, bound_ulp=1.25)
@kernel
def dtanh_times_float32(grad, x):
    return float(dtanh_times_single(np.float32(grad), np.float32(x)))


# x - tanh(x) = x^3/3 - 2x^5/15 + ... = x^3 (1/3 + z P(z)), z = x^2: the Taylor series (mpmath,
# highest order first, 1/3 last), truncated where its terms fall below 2^-56 of the sum for
# |x| < TANHSHRINK_SERIES_BELOW.
TANHSHRINK_SERIES = (
    6.451689215655431e-06,
    -1.5918905069328964e-05,
    3.927832388331683e-05,
    -9.691537956929451e-05,
    0.00023912911424355248,
    -0.000590027440945586,
    0.0014558343870513183,
    -0.003592128036572481,
    0.008863235529902197,
    -0.021869488536155203,
    0.05396825396825397,
    -0.13333333333333333,
    0.3333333333333333,
)
TANHSHRINK_SERIES_BELOW = 0.3
ONE_THIRD_LOW = 1.850371707708594e-17  # 1/3 - fl(1/3)


@kernel
def tanhshrink_series(x):
    """x^3 (1/3 + z P(z)) rounded about once: x^3 and 1/3 + z P(z) as double-doubles.

    Rounding x^2, x^3, the product and 1/3 separately cost up to 3.25 ULP (at x = 5.45e-6);
    z P(z) <= 0.013 of 1/3, so its own rounding stays below 2^-59 of the sum.
    """
    z, z_err = two_product(x, x)
    cube, cube_err = two_product(x, z)
    cube_err = fma(x, z_err, cube_err)
    rest = z * horner(z, TANHSHRINK_SERIES[:-1])
    s, s_err = fast_two_sum(TANHSHRINK_SERIES[-1], rest)
    s_err += ONE_THIRD_LOW
    return fma(cube, s, fma(cube, s_err, cube_err * s))


@kernel
def tanhshrink(x):
    # Beyond the series, x - tanh|x| cancels at most 33-fold (at 0.3): tanh in
    # double-double (~2^-60) keeps that below 2^-54; x - q is exact (Sterbenz) while q >= x/2.
    series = math.copysign(tanhshrink_series(x), x)  # odd: -0.0, and x^3 underflowing, keep x's sign
    q, q_low = tanh_parts(x)
    t = abs(x)
    direct = math.copysign((t - q) - q_low, x)
    result = series if t < TANHSHRINK_SERIES_BELOW else direct
    return x if t == INF else result


@kernel
def dtanhshrink(x):
    # 1 - sech^2 = tanh^2, no cancellation.
    q = _tanh(x)
    return q * q


@kernel
def d2tanhshrink(x):
    # d/dx tanh^2 = 2 tanh sech^2.
    return 2.0 * _tanh(x) * dtanh(x)
