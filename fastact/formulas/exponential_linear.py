"""The exponential linear family: elu, selu, celu.

Each is linear for x > 0 and a scaled expm1 for x <= 0. The negative branch
goes through expm1, never exp(x) - 1, which cancels near 0 (the textbook
formula is 1e16 ULP off at x = -1e-20), and the scale is folded into expm1's
unevaluated sum so the result is rounded once. Derivatives follow PyTorch's
autograd at x = 0: the first derivative takes the negative branch (x <= 0),
the second derivative is 0 there (the mask is x < 0).
"""

import math

from .._elementary import (
    EXP_ARGUMENT_MAX,
    EXPM1_ARGUMENT_MIN,
    EXPM1_LINEAR_BELOW,
    clamp,
    exp_parts,
    fma,
    half_expm1_parts,
    kernel,
    scale_by_clamped_power_of_two,
    split_exponent,
)

NAN = math.nan

# PyTorch's constants, as float64 literals.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
# SELU_ALPHA * SELU_SCALE (the float64 values, multiplied exactly) as hi + lo.
SELU_NEGATIVE_HI = 1.7580993408473766
SELU_NEGATIVE_LO = 5.75014648756476e-17
SELU_NEGATIVE_RATIO = SELU_NEGATIVE_LO / SELU_NEGATIVE_HI
# a exp(z) / d with |a / d| up to 2^2098 (alpha = 1e300; exp(x/alpha)/alpha with alpha = 1e-320)
# is nonzero and finite somewhere below |z| = 2200 (2^-1075 / 2^2098 = exp(-2199.5)): exp's
# argument is clamped beyond that, not at exp's own -750.
SCALED_EXP_ARGUMENT_LIMIT = 2300.0
QUOTIENT_CORRECTED_BELOW = SCALED_EXP_ARGUMENT_LIMIT  # beyond, a exp(x/alpha) is 0 or inf


@kernel
def _scaled_expm1(z, r, a_hi, a_lo):
    """(a_hi + a_lo) expm1(z) + exp(z) r, rounded once (to ~2^-60 before it).

    r is a first-order correction for an argument that is really z + r/a (the
    rounding of celu's x/alpha). expm1(z) = 2(hi + lo) exactly split, so the
    scaled sum needs one FMA at the end; exp(z) = 1 + expm1(z) has no
    cancellation to worry about in a correction term.
    """
    if abs(z) < EXPM1_LINEAR_BELOW:
        return fma(a_hi, z, a_lo * z + r)
    hi, lo = half_expm1_parts(clamp(z, EXPM1_ARGUMENT_MIN, EXP_ARGUMENT_MAX))
    m_hi, m_lo = 2.0 * hi, 2.0 * lo
    return fma(a_hi, m_hi, a_hi * m_lo + a_lo * m_hi + r * (1.0 + m_hi))


@kernel
def _exp_times(z, a, c, divisor):
    """a exp(z) (1 + c) / divisor, rounded once (twice, within 1 ULP, for subnormal results).

    exp(z) = 2^k (hi + lo) (exp_parts; lo is up to ~r^2/2, not a rounding
    error) and a = m_a 2^g_a, divisor = m_d 2^g_d (split_exponent): the scaled
    value is formed near 1, its product and quotient errors recovered exactly
    by FMA, and 2^(k + g_a - g_d) applied last, so a subnormal exp(z) is never
    rounded before scaling (alpha exp(x) near x = -740 would otherwise be off
    by alpha/2 ULP) and a large a or small divisor never overflows before it.
    """
    a, a_exponent = split_exponent(a)
    divisor, divisor_exponent = split_exponent(divisor)
    k, hi, lo = exp_parts(clamp(z, -SCALED_EXP_ARGUMENT_LIMIT, SCALED_EXP_ARGUMENT_LIMIT))
    n = a * hi
    n_low = fma(a, hi, -n) + a * (lo + (hi + lo) * c)
    q = n / divisor
    quotient = q + (fma(-q, divisor, n) + n_low) / divisor
    return scale_by_clamped_power_of_two(quotient, k + a_exponent - divisor_exponent)


@kernel
def elu(x, alpha):
    # alpha expm1(x) for x <= 0: expm1 keeps relative accuracy near 0.
    return x if x > 0 else _scaled_expm1(x, 0.0, alpha, 0.0)


@kernel
def delu(x, alpha):
    # alpha exp(x) on x <= 0, including x = 0 (PyTorch's autograd); 1 above.
    return 1.0 if x > 0 else _exp_times(x, alpha, 0.0, 1.0)


@kernel
def d2elu(x, alpha):
    # alpha exp(x) on x < 0; 0 on x >= 0 (at the kink too, as PyTorch's double backward).
    if x < 0:
        return _exp_times(x, alpha, 0.0, 1.0)
    return 0.0 if x >= 0 else x


@kernel
def delu_from_output(y, alpha):
    # alpha exp(x) = y + alpha on y <= 0. y <= 0 exactly when x <= 0 needs
    # alpha >= 0 (for alpha < 0 the negative branch is positive): nan otherwise.
    if not alpha >= 0:
        return NAN
    return 1.0 if y > 0 else y + alpha


@kernel
def selu(x):
    # scale x above 0; scale alpha expm1(x) below, with scale*alpha as hi + lo.
    if x > 0:
        return SELU_SCALE * x
    return _scaled_expm1(x, 0.0, SELU_NEGATIVE_HI, SELU_NEGATIVE_LO)


@kernel
def dselu(x):
    # scale alpha exp(x) on x <= 0 (scale alpha at 0, as PyTorch's autograd).
    return SELU_SCALE if x > 0 else _exp_times(x, SELU_NEGATIVE_HI, SELU_NEGATIVE_RATIO, 1.0)


@kernel
def d2selu(x):
    if x < 0:
        return _exp_times(x, SELU_NEGATIVE_HI, SELU_NEGATIVE_RATIO, 1.0)
    return 0.0 if x >= 0 else x


@kernel
def dselu_from_output(y):
    # scale alpha exp(x) = y + scale alpha on y <= 0. y + hi is exact where it
    # cancels (Sterbenz, y in [-2 hi, -hi/2]), so lo is added to an exact value.
    return SELU_SCALE if y > 0 else (y + SELU_NEGATIVE_HI) + SELU_NEGATIVE_LO


@kernel
def _quotient(x, alpha):
    """(z, r): z = fl(x/alpha) and r = x - z alpha exactly (FMA); r = 0 where |z| >= 1000.

    x/alpha = z + r/alpha: exp(x/alpha) = exp(z)(1 + r/alpha) to first order,
    which matters in the tail, where |z| ~ 700 turns the rounding of z into
    ~700 ULP of exp(z).
    """
    z = x / alpha
    if abs(z) < QUOTIENT_CORRECTED_BELOW:
        return z, fma(-z, alpha, x)
    return z, 0.0  # exp(z) and expm1(z) are saturated there (and z may be inf)


@kernel
def celu(x, alpha):
    # alpha expm1(x/alpha) for x <= 0; the rounding of x/alpha enters as
    # exp(z) r, so the result is rounded once.
    if x > 0:
        return x
    z, r = _quotient(x, alpha)
    return _scaled_expm1(z, r, alpha, 0.0)


@kernel
def dcelu(x, alpha):
    # exp(x/alpha) = exp(z)(1 + r/alpha) on x <= 0 (1 at x = 0); 1 above.
    if x > 0:
        return 1.0
    z, r = _quotient(x, alpha)
    return _exp_times(z, 1.0, r / alpha, 1.0)


@kernel
def d2celu(x, alpha):
    # exp(x/alpha)/alpha on x < 0; 0 on x >= 0 (at the kink too).
    if x < 0:
        z, r = _quotient(x, alpha)
        return _exp_times(z, 1.0, r / alpha, alpha)
    return 0.0 if x >= 0 else x


@kernel
def dcelu_from_output(y, alpha):
    # exp(x/alpha) = 1 + y/alpha = (y + alpha)/alpha on y <= 0, exactly when x <= 0
    # for any alpha != 0. y + alpha is exact where it cancels (Sterbenz).
    return 1.0 if y > 0 else (y + alpha) / alpha
