"""float32-accuracy variants of elementary kernels, for the float32 loops.

A float32 loop widens its inputs to float64, runs the activation's float64
formula and rounds the result once to float32, so the formula's intermediate
values need only ~2^-30 relative accuracy, not the 1 ULP of float64 (2^-53)
that fastact._elementary pays for with double-double corrections and
high-degree polynomials. The kernels here are the same functions, float64 in
and out, with the same names, signatures and special values (inf, nan, signed
zeros), relative error at most 2^-32 (tests/test_elementary_single.py) and
about half the work. fastact._single compiles every formula a second time
against them, for the float32 loops; formulas do not import this module.

Exceptions to the relative bound, both far outside what a float32 can hold:
exp(x) below x = -708 (results under 2^-1021) is 0, and a result within
2^-32 of the largest double may overflow to inf.

An elementary kernel with no variant here (log, log1p, erf, erfc, ...) is
used as it is in both loops: correct, only not cheaper.
"""

import math

from ._coefficients import EXP_SINGLE_TAIL, EXPM1_SINGLE_TAIL, INV_LN2, LN2_HI
from ._elementary import (
    EXP_ARGUMENT_MAX,
    EXPM1_ARGUMENT_MIN,
    EXPM1_LINEAR_BELOW,
    ROUNDING_SHIFTER,
    SHIFTER_BITS,
    TANH_SATURATION,
    clamp,
    double_bits,
    fma,
    kernel,
    polynomial,
    power_of_two,
)

EXP_FLUSH_BELOW = -708.0  # exp(-708) = 3.3e-308: 2^(k-1) is still a normal double


@kernel
def reduce_by_ln2(x):
    """(k, r): x = k ln2 + r, k = round(x/ln2), |r| <= ln2/2 (1 + 2^-40), for |x| <= 750.

    x - k*LN2_HI is exact (one FMA, as in _elementary.reduce_by_ln2); the
    dropped k*LN2_LO is below 2^-45 relative to exp(r).
    """
    shifted = fma(x, INV_LN2, ROUNDING_SHIFTER)
    k = double_bits(shifted) - SHIFTER_BITS
    return k, fma(-(shifted - ROUNDING_SHIFTER), LN2_HI, x)


@kernel
def exp(x):
    # exp(x) = 2^(k-1) exp(r) * 2 with exp(r) = 1 + r P(r) (exactly 1 at x = 0):
    # k - 1 >= -1022 keeps 2^(k-1) normal down to the flush point, and k = 1024
    # (x just below the overflow at 709.78) in range.
    k, r = reduce_by_ln2(clamp(x, EXP_FLUSH_BELOW, EXP_ARGUMENT_MAX))
    result = fma(r, polynomial(r, EXP_SINGLE_TAIL), 1.0) * power_of_two(k - 1) * 2.0
    return 0.0 if x < EXP_FLUSH_BELOW else result  # nan fails the test and stays nan


@kernel
def expm1(x):
    # expm1(x) = 2 ((s - 1/2) + s q) with s = 2^(k-1) and q = expm1(r) = r + r^2 Q(r):
    # s - 1/2 is exact for k = 0 (0) and rounds once otherwise, where |expm1(x)| > 0.29
    # is no smaller than either term, so nothing cancels.
    k, r = reduce_by_ln2(clamp(x, EXPM1_ARGUMENT_MIN, EXP_ARGUMENT_MAX))
    q = fma(r * r, polynomial(r, EXPM1_SINGLE_TAIL), r)
    s = power_of_two(k - 1)
    result = 2.0 * fma(s, q, s - 0.5)
    # Tiny x (subnormal ones too) and -0.0: x itself.
    return x if abs(x) < EXPM1_LINEAR_BELOW else result


@kernel
def tanh(x):
    # tanh|x| = -m / (2 + m) with m = expm1(-2|x|) in (-1, 0]: the denominator is
    # at least 1 and m keeps relative accuracy at tiny x (where m = -2|x|).
    m = expm1(-2.0 * clamp(abs(x), 0.0, TANH_SATURATION))
    return math.copysign(-m / (2.0 + m), x)
