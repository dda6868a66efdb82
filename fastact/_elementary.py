"""Elementary scalar kernels every activation formula is built from.

Formulas call these, never ``math`` directly. Each is float64 in, float64 out,
within 1 ULP of the exact value over the whole float64 domain
(tests/test_elementary.py), and written so that a loop over it vectorizes:
no libm calls, and every condition is a choice between two computed values
(a select), never a branch around work. Range reduction is exact (FMA), and
the polynomials are minimax fits made by fastact/_fitting/fit_elementary.py.

Conventions: a pair ``(hi, lo)`` is an unevaluated sum hi + lo carrying bits
a double alone would round away; ``k`` is an integer power-of-two exponent.
"""

import math
from collections import namedtuple

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from ._coefficients import (
    ATANH_TAIL,
    ERF_TAIL,
    ERFC_FIRST,
    ERFC_LAST,
    ERFC_PIECE_BITS,
    ERFC_PIECES,
    EXP_CUBIC_TAIL,
    INV_LN2,
    LN2_HI,
    LN2_LO,
    TWO_OVER_SQRT_PI_HI,
    TWO_OVER_SQRT_PI_LO,
)

kernel = njit(error_model="numpy", forceinline=True)

INF = math.inf
NAN = math.nan


@intrinsic
def fma(typingctx, a, b, c):
    """a*b + c with a single rounding (LLVM's llvm.fma; a hardware FMA where there is one).

    float32 when all three are float32 (fastact._elementary_float32), float64 otherwise.
    """
    width = types.float32 if (a, b, c) == (types.float32,) * 3 else types.float64
    sig = width(width, width, width)

    def codegen(context, builder, sig, args):
        value = ir.FloatType() if width == types.float32 else ir.DoubleType()
        fnty = ir.FunctionType(value, [value] * 3)
        fn = builder.module.declare_intrinsic("llvm.fma", [value], fnty)
        return builder.call(fn, args)

    return sig, codegen


@intrinsic
def held(typingctx, constants):
    """``constants`` (a number, or a tuple of them, nested or named) unchanged, but no longer
    constants to LLVM: call it before a loop, never in one (a loop calling inline assembly does
    not vectorize).

    A vectorized loop that runs out of registers (AVX2 has 16) reloads a constant from the
    constant pool at each use: two instructions under Numba's large code model (movabsq,
    vbroadcastsd). A loop-invariant value that is not a constant is spilled once instead, and
    each use reads it as a memory operand at no instruction's cost. An empty inline-assembly
    statement makes each value such an invariant; it emits no code.
    """

    def hold(builder, value):
        kind = value.type
        if isinstance(kind, (ir.LiteralStructType, ir.ArrayType)):  # Numba's tuples
            members = kind.count if isinstance(kind, ir.ArrayType) else len(kind.elements)
            for j in range(members):
                value = builder.insert_value(value, hold(builder, builder.extract_value(value, j)), j)
            return value
        # through a general register ("r": every target has them), as an integer of the same size
        bits = kind if isinstance(kind, ir.IntType) else ir.IntType(64 if kind == ir.DoubleType() else 32)
        opaque = builder.asm(ir.FunctionType(bits, [bits]), "", "=r,0", [builder.bitcast(value, bits)], False)
        opaque.attributes.add("nounwind")
        opaque.attributes.add("readnone")
        return builder.bitcast(opaque, kind)

    def codegen(context, builder, sig, args):
        return hold(builder, args[0])

    return constants(constants), codegen


@intrinsic
def double_bits(typingctx, x):
    """The IEEE-754 bit pattern of float64 x, as an int64."""

    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


@intrinsic
def double_from_bits(typingctx, bits):
    """The float64 whose IEEE-754 bit pattern is int64 ``bits``."""

    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


def _bits(x):
    return int(np.float64(x).view(np.int64))


# Adding 1.5*2^52 to |t| < 2^51 rounds t to an integer, which then sits in the
# low mantissa bits: bits(t + SHIFTER) - bits(SHIFTER) is that integer.
ROUNDING_SHIFTER = 1.5 * 2.0**52
SHIFTER_BITS = _bits(ROUNDING_SHIFTER)
EXPONENT_SHIFT = 52
EXPONENT_BIAS = 1023


@kernel
def horner(t, coefficients):
    """The polynomial with ``coefficients`` (highest order first) at t, one FMA per step."""
    result = coefficients[0]
    for c in coefficients[1:]:
        result = fma(result, t, c)
    return result


@kernel
def polynomial(t, coefficients):
    """The polynomial with ``coefficients`` (highest order first) at t.

    p(t) = even(t^2) + t odd(t^2): two independent Horner chains halve the
    chain of dependent FMAs, which otherwise bounds a vectorized loop's speed.
    """
    t2 = t * t
    if len(coefficients) % 2 == 1:  # the last (constant) coefficient is at an even position
        return fma(t, horner(t2, coefficients[1::2]), horner(t2, coefficients[0::2]))
    return fma(t, horner(t2, coefficients[0::2]), horner(t2, coefficients[1::2]))


@kernel
def clamp(x, low, high):
    """x limited to [low, high]; nan stays nan (both comparisons are false for it)."""
    x = high if x > high else x
    return low if x < low else x


@kernel
def fast_two_sum(a, b):
    """(s, e) with s = fl(a + b) and s + e = a + b exactly, given |a| >= |b| or a = 0 (Dekker)."""
    s = a + b
    return s, b - (s - a)


@kernel
def two_sum(a, b):
    """(s, e) with s = fl(a + b) and s + e = a + b exactly, for any a, b (Knuth)."""
    s = a + b
    b_part = s - a
    a_part = s - b_part
    return s, (a - a_part) + (b - b_part)


@kernel
def product_error(a, b, p):
    """The rounding error a*b - p of p = fl(a*b): exact, by FMA (0 if p is not finite)."""
    if math.isfinite(p):
        return fma(a, b, -p)
    return 0.0


@kernel
def two_product(a, b):
    """(p, e) with p = fl(a*b) and p + e = a*b exactly (e = 0 where p is not finite)."""
    p = a * b
    return p, product_error(a, b, p)


@kernel
def dd_add(a, a_low, b, b_low):
    """(a + a_low) + (b + b_low) as a normalized double-double (exact leading sum by two_sum)."""
    s, error = two_sum(a, b)
    return fast_two_sum(s, error + (a_low + b_low))


@kernel
def dd_mul(a, a_low, b, b_low):
    """(a + a_low) (b + b_low) as a normalized double-double (exact leading product by FMA)."""
    p, error = two_product(a, b)
    return fast_two_sum(p, error + (a * b_low + a_low * b))


@kernel
def dd_affine(a, x, b):
    """a x + b as a normalized double-double, for doubles a, x, b."""
    p, p_error = two_product(a, x)
    s, s_error = two_sum(p, b)
    return fast_two_sum(s, s_error + p_error)


RECIPROCAL_MAGIC = 0x7FDE623822FC16E6  # 1/p by negating p's exponent in its bits: ~5% off


@kernel
def rough_reciprocal(p):
    """1/p to 0.3% for a positive normal p, without a division (one Newton step on the bit trick).

    For correction terms only: the correction of a quotient by a rounding error
    far below an ULP needs a few bits of 1/p, and a division costs more than the
    rest of a formula (it is the floor of the vectorized loops).
    """
    r = double_from_bits(RECIPROCAL_MAGIC - double_bits(p))
    return r * (2.0 - p * r)


@kernel
def power_of_two(k):
    """2^k for an integer -1022 <= k <= 1023, written straight into the exponent field.

    The mask keeps any k (even from a nan's bits) a defined bit pattern.
    """
    return double_from_bits(((k + EXPONENT_BIAS) & 0x7FF) << EXPONENT_SHIFT)


@kernel
def scale_by_power_of_two(v, k):
    """v * 2^k for |k| <= 2044, rounded once: 2^k as two normal factors, the first product exact."""
    half = k >> 1
    return v * power_of_two(half) * power_of_two(k - half)


# scale_by_power_of_two's range; beyond it v 2^k is 0 or inf for |v| in [2^-960, 2^960]
SCALE_EXPONENT_LIMIT = 2044


@kernel
def scale_by_clamped_power_of_two(v, k):
    """v * 2^k for any integer k and 2^-960 <= |v| <= 2^960 (or v = 0, inf, nan), rounded once.

    For a result whose exponent is a sum of parts (exp's k, a parameter's exponent from
    split_exponent): the clamp changes only exponents where the product is 0 or inf anyway.
    """
    return scale_by_power_of_two(v, clamp(k, -SCALE_EXPONENT_LIMIT, SCALE_EXPONENT_LIMIT))


EXPONENT_FIELD = 0x7FF << EXPONENT_SHIFT
SIGN_AND_MANTISSA = np.int64(~EXPONENT_FIELD)
SUBNORMAL_SCALE_EXPONENT = 64
SMALLEST_NORMAL = 2.0**-1022


@kernel
def split_exponent(a):
    """(m, g): a = m 2^g exactly, 1 <= |m| < 2, for finite nonzero a (subnormal too); (a, 0) for
    0, ±inf and nan.

    A parameter of any size then enters a formula as m near 1 and g added to the result's
    power of two, applied last: alpha exp(x) with alpha = 1e300 would otherwise be formed near
    exp's 2^-1100 scale and off by many ULP, and gain^2 overflow before it is scaled down.
    """
    subnormal = abs(a) < SMALLEST_NORMAL
    normal = a * 2.0**SUBNORMAL_SCALE_EXPONENT if subnormal else a  # exact
    bits = double_bits(normal)
    field = (bits >> EXPONENT_SHIFT) & 0x7FF
    m = double_from_bits((bits & SIGN_AND_MANTISSA) | (EXPONENT_BIAS << EXPONENT_SHIFT))
    g = field - EXPONENT_BIAS - (SUBNORMAL_SCALE_EXPONENT if subnormal else 0)
    special = (field == 0) | (field == 0x7FF)  # 0 (subnormals are normal by now), inf and nan
    return (a if special else m), (0 if special else g)


@kernel
def integer_to_double(n):
    """float(n) for |n| < 2^51, by the shifter trick (AVX2 has no packed int64 -> double)."""
    return double_from_bits(n + SHIFTER_BITS) - ROUNDING_SHIFTER


# --- exp, expm1 ---------------------------------------------------------------

EXP_ARGUMENT_MIN = -750.0  # exp(-750) < 2^-1075: 0, and 2^k stays in scale_by_power_of_two's range
EXP_ARGUMENT_MAX = 710.0  # exp(710) > max double: inf


Ln2Reduction = namedtuple("Ln2Reduction", "inv_ln2 shifter ln2_hi ln2_lo")
LN2_REDUCTION = Ln2Reduction(INV_LN2, ROUNDING_SHIFTER, LN2_HI, LN2_LO)


@kernel
def reduce_by_ln2(x, constants=LN2_REDUCTION):
    """(k, r, r_lo): x = k ln2 + r + r_lo with k = round(x/ln2), |r| <= ln2/2 (1 + 2^-40), |x| < 2^50.

    x - k*LN2_HI is exact in one FMA: it is a multiple of min(ulp(x), 2^-53)
    below ln2/2 in size, hence needs at most 53 bits. Subtracting k*LN2_LO
    rounds; r_lo is that rounding error, again exact by FMA. A loop may pass
    ``constants`` held (see held).
    """
    c = constants
    shifted = fma(x, c.inv_ln2, c.shifter)
    k_float = shifted - c.shifter
    k = double_bits(shifted) - SHIFTER_BITS
    r_hi = fma(-k_float, c.ln2_hi, x)
    r = fma(-k_float, c.ln2_lo, r_hi)
    r_lo = fma(-k_float, c.ln2_lo, r_hi - r)
    return k, r, r_lo


@kernel
def exp_minus_one_minus_r(r, r_lo):
    """(hi, lo): exp(r + r_lo) - 1 - r = hi + lo to ~2^-60 relative, for |r| <= ln2/2, |r_lo| <= 2^-54.

    exp(r + r_lo) = (1 + r + r^2/2 + r^3 P(r)) (1 + r_lo) + O(r_lo^2); r^2/2
    is split exactly by FMA, so hi is a correctly rounded r^2/2.
    """
    half_r = 0.5 * r
    square = half_r * r
    square_error = fma(half_r, r, -square)
    # The polynomial finishes last: add it last, in one FMA, to shorten the dependency chain.
    return square, fma(r * (r * r), polynomial(r, EXP_CUBIC_TAIL), square_error + r_lo * (1.0 + r))


@kernel
def exp_parts(x):
    """(k, hi, lo): exp(x) = 2^k (hi + lo), |x| <= 750.

    exp(x) = 2^k exp(r), r = x - k ln2; hi = fl(1 + r) and lo the rest, so one
    final rounding of hi + lo gives the result.
    """
    k, r, r_lo = reduce_by_ln2(x)
    square, rest = exp_minus_one_minus_r(r, r_lo)
    hi, hi_error = fast_two_sum(1.0, r)
    return k, hi, hi_error + square + rest


@kernel
def exp(x):
    # A subnormal result is rounded twice (hi + lo to 53 bits, then to the
    # subnormal's fewer bits): within 0.75 ULP there, ~0.55 ULP elsewhere.
    k, hi, lo = exp_parts(clamp(x, EXP_ARGUMENT_MIN, EXP_ARGUMENT_MAX))
    return scale_by_power_of_two(hi + lo, k)


EXPM1_ARGUMENT_MIN = -50.0  # expm1(-50) = -1 + 2e-22 rounds to -1
EXPM1_LINEAR_BELOW = 2.0**-54  # expm1(x) = x (1 + x/2 + ...) rounds to x


@kernel
def half_expm1_parts(x):
    """(hi, lo): expm1(x)/2 = hi + lo to ~2^-60 relative, |lo| <= ulp(hi)/2, for -50 <= x <= 710.

    expm1(x)/2 = (2^(k-1) - 1/2) + 2^(k-1) r + 2^(k-1) (exp(r) - 1 - r). Each
    term scaled by s = 2^(k-1) is exact and halving keeps 2^1024 (x near 710)
    in range; the three leading terms are summed exactly (each smaller than
    the running sum), so only the small remainder rounds.
    """
    k, r, r_lo = reduce_by_ln2(x)
    square, rest = exp_minus_one_minus_r(r, r_lo)
    s = power_of_two(k - 1)
    base, base_error = two_sum(s, -0.5)
    hi, error_1 = fast_two_sum(base, s * r)
    hi, error_2 = fast_two_sum(hi, s * square)
    return fast_two_sum(hi, base_error + error_1 + error_2 + s * rest)


@kernel
def expm1(x):
    hi, lo = half_expm1_parts(clamp(x, EXPM1_ARGUMENT_MIN, EXP_ARGUMENT_MAX))
    result = 2.0 * (hi + lo)
    # Tiny x (subnormal ones too, which halving would round) and -0.0: x itself.
    return x if abs(x) < EXPM1_LINEAR_BELOW else result


# --- tanh ---------------------------------------------------------------------

TANH_SATURATION = 20.0  # tanh(20) = 1 - 8e-18 rounds to 1


@kernel
def tanh_parts(x):
    """(q, q_low): tanh|x| = q + q_low, to ~2^-60 relative.

    tanh|x| = h / (1 + h) with h = expm1(2|x|)/2 >= 0: no cancellation anywhere.
    h = h_hi + h_lo and 1 + h = d_hi + d_lo exactly; the quotient q of the
    leading parts is corrected by the exact remainder h_hi - q d_hi (FMA).
    """
    h_hi, h_lo = half_expm1_parts(clamp(2.0 * abs(x), 0.0, 2.0 * TANH_SATURATION))
    d_hi, d_lo = two_sum(1.0, h_hi)
    inverse = 1.0 / d_hi
    q = h_hi * inverse
    remainder = fma(-q, d_hi, h_hi)
    return q, (remainder + h_lo - q * (d_lo + h_lo)) * inverse


@kernel
def tanh(x):
    q, q_low = tanh_parts(x)
    return math.copysign(q + q_low, x)


# --- log, log1p ---------------------------------------------------------------

SQRT_HALF_BITS = _bits(math.sqrt(0.5))
SMALLEST_NORMAL = 2.0**-1022
SUBNORMAL_EXPONENT = 54
SUBNORMAL_SCALE = 2.0**SUBNORMAL_EXPONENT
LOG1P_LINEAR_BELOW = 2.0**-54


@kernel
def exponent_and_fraction(u):
    """(e, f) with u = 2^e (1 + f), 1 + f in [sqrt(1/2), sqrt 2), for a positive normal finite u.

    Integer arithmetic on the bits; f = m - 1 is exact (Sterbenz).
    """
    bits = double_bits(u)
    e = (bits - SQRT_HALF_BITS) >> EXPONENT_SHIFT
    return e, double_from_bits(bits - (e << EXPONENT_SHIFT)) - 1.0


@kernel
def log_from_parts(e, f, correction):
    """e ln2 + log(1 + f) + correction, for 1 + f in [sqrt(1/2), sqrt 2), |correction| <= 2^-50.

    log(1+f) = 2 atanh(s), s = f/(2+f), and 2s = f - f s give
    log(1+f) = f - f^2/2 + s (f^2/2 + s^2 T(s^2)): e ln2 (split by FMA), f and
    f^2/2 (split by FMA) carry the size and are summed exactly; the rounded s
    enters only a term below f^3/12.
    """
    k = integer_to_double(e)
    s = f / (2.0 + f)
    z = s * s
    half_f = 0.5 * f
    half_square = half_f * f
    half_square_error = fma(half_f, f, -half_square)
    k_ln2_hi = k * LN2_HI
    k_ln2_error = fma(k, LN2_HI, -k_ln2_hi) + k * LN2_LO
    hi, error_1 = fast_two_sum(k_ln2_hi, f)  # |k ln2| >= ln2 > |f| unless k = 0
    hi, error_2 = fast_two_sum(hi, -half_square)  # f^2/2 <= |f|/4 and <= |k ln2 + f|
    small = s * (half_square + z * polynomial(z, ATANH_TAIL)) - half_square_error
    return hi + (error_1 + error_2 + k_ln2_error + small + correction)


@kernel
def log(x):
    subnormal = x < SMALLEST_NORMAL
    e, f = exponent_and_fraction(x * SUBNORMAL_SCALE if subnormal else x)
    result = log_from_parts(e - SUBNORMAL_EXPONENT if subnormal else e, f, 0.0)
    if x > 0.0 and x < INF:
        return result
    return -INF if x == 0.0 else (x if x > 0.0 else NAN)  # +inf stays; negative or nan: nan


@kernel
def log1p(x):
    # u = fl(1 + x) = 2^e (1 + f) and u + u_error = 1 + x exactly. For e = 0,
    # f + u_error = x exactly, so f = x; otherwise log(u + u_error) = log(u) +
    # u_error/u to far below an ULP of a result >= log(sqrt 2).
    u, u_error = two_sum(1.0, x)
    e, f = exponent_and_fraction(u)
    result = log_from_parts(e, x if e == 0 else f, 0.0 if e == 0 else u_error / u)
    if abs(x) < LOG1P_LINEAR_BELOW:
        return x  # log1p(x) = x (1 - x/2 + ...) rounds to x; keeps -0.0
    if x > -1.0 and x < INF:
        return result
    return -INF if x == -1.0 else (x if x > 0.0 else NAN)  # +inf stays; below -1 or nan: nan


# --- erf, erfc ----------------------------------------------------------------

ERF_SMALL_LIMIT = 0.5  # below: erf by its odd series fit; above: 1 - erfc (erfc(1/2) < 1/2)
ERFC_TABLE = np.array(ERFC_PIECES)
ERFC_PIECE_SHIFT = EXPONENT_SHIFT - ERFC_PIECE_BITS  # bits(x) >> this: exponent and piece in the binade
ERFC_FIRST_PIECE = _bits(ERFC_FIRST) >> ERFC_PIECE_SHIFT
ERFC_LAST_PIECE = len(ERFC_PIECES) - 1
ERFC_PIECE_MIDDLE_BIT = 1 << (ERFC_PIECE_SHIFT - 1)


@kernel
def erf_small_parts(x):
    """(hi, lo): erf(x) = hi + lo for |x| <= 1/2, hi = fl(x (2/sqrt pi)_hi) and the rest exact by FMA."""
    z = x * x
    hi = x * TWO_OVER_SQRT_PI_HI
    lo = fma(x, TWO_OVER_SQRT_PI_HI, -hi) + x * (TWO_OVER_SQRT_PI_LO + z * polynomial(z, ERF_TAIL))
    return hi, lo


@kernel
def scaled_erfc_parts(x):
    """(hi, lo, t): exp(x^2) erfc(x) = hi + lo + t for 1/2 <= x <= 27.5 (x nan gives nan).

    The range is cut into 2^ERFC_PIECE_BITS equal pieces per binade, found from
    the bits of x; on each, a degree-9 minimax polynomial in t = x - middle
    (exact: same binade) whose constant term is stored as hi + lo.
    """
    bits = double_bits(x)
    piece = (bits >> ERFC_PIECE_SHIFT) - ERFC_FIRST_PIECE
    piece = piece if piece < ERFC_LAST_PIECE else ERFC_LAST_PIECE  # nan's bits stay in the table
    middle = double_from_bits(((bits >> ERFC_PIECE_SHIFT) << ERFC_PIECE_SHIFT) | ERFC_PIECE_MIDDLE_BIT)
    t = x - middle
    row = ERFC_TABLE[piece]
    p = row[-1]
    for i in range(len(row) - 2, 1, -1):
        p = fma(p, t, row[i])
    return row[0], row[1], t * p


@kernel
def erfc_parts(x):
    """(k, hi, lo): erfc(x) = 2^k (hi + lo) for 1/2 <= x <= 27.5, to ~2^-58 relative.

    erfc(x) = exp(-x^2) F(x): x^2 is split exactly by FMA so exp sees all of
    it: exp(-x^2) = exp(-square) (1 - square_error) to 2^-88. The leading
    product of exp's and F's leading parts is exact (FMA).
    """
    square = x * x
    e_k, e_hi, e_lo = exp_parts(-square)
    e_lo -= (e_hi + e_lo) * fma(x, x, -square)
    f_hi, f_lo, f_rest = scaled_erfc_parts(x)
    hi = e_hi * f_hi
    lo = fma(e_hi, f_hi, -hi) + e_hi * (f_lo + f_rest) + e_lo * (f_hi + f_rest)
    return e_k, hi, lo


@kernel
def erfc(x):
    k, hi, lo = erfc_parts(clamp(abs(x), ERF_SMALL_LIMIT, ERFC_LAST))
    tail = scale_by_power_of_two(hi + lo, k)  # erfc(|x|); rounded twice if subnormal, as in exp
    erf_hi, erf_lo = erf_small_parts(clamp(x, -ERF_SMALL_LIMIT, ERF_SMALL_LIMIT))
    one_minus, one_minus_error = fast_two_sum(1.0, -erf_hi)
    middle = one_minus + (one_minus_error - erf_lo)
    if x >= ERF_SMALL_LIMIT:
        return tail
    return 2.0 - tail if x <= -ERF_SMALL_LIMIT else middle  # erfc(x) = 2 - erfc(-x)


@kernel
def erf(x):
    k, hi, lo = erfc_parts(clamp(abs(x), ERF_SMALL_LIMIT, ERFC_LAST))
    tail_hi = scale_by_power_of_two(hi, k)  # exact while erfc is normal, and beyond it negligible
    tail_lo = scale_by_power_of_two(lo, k)
    one_minus, one_minus_error = fast_two_sum(1.0, -tail_hi)
    large = math.copysign(one_minus + (one_minus_error - tail_lo), x)
    erf_hi, erf_lo = erf_small_parts(x)
    small = math.copysign(erf_hi + erf_lo, x)  # the sign only matters for x = -0.0
    return small if abs(x) < ERF_SMALL_LIMIT else large
