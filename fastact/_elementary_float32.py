"""Elementary kernels in float32 arithmetic, for the float32 twins of the hottest formulas.

fastact._elementary and its float32-accuracy variants compute in float64: a
512-bit vector holds 8 lanes. These kernels take and return float32 and never
widen, so the same vector holds 16; they serve the float32 twins of sigmoid and
tanh and their derivatives (fastact/formulas/logistic.py, registered through
fastact._single.float32_twin), and their order keys the float32 softmax rows'
maximum (fastact/_softmax_kernels.py).

Every constant is a float32 (a Python float literal would promote the
arithmetic to float64; tests/test_elementary_float32.py checks the compiled
code has no double in it). Error bounds, in float32 ULP against mpmath, over
the whole float32 range: tests/test_elementary_float32.py.
"""

import math

import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from ._coefficients import EXP_FLOAT32_TAIL, INV_LN2, LN2_HI, TANH_FLOAT32_TAIL
from ._elementary import clamp, fast_two_sum, fma, horner, kernel  # type-generic: float32 stays float32

f32 = np.float32
ZERO = f32(0.0)
NEGATIVE_ZERO = f32(-0.0)  # x + (-0.0) is x for every x, so LLVM drops an absent low part
ONE = f32(1.0)
TWO = f32(2.0)
MAGNITUDE_BITS = 0x7FFFFFFF
INF_BITS = 0x7F800000

# Adding 1.5 * 2^23 to |t| < 2^22 rounds t to an integer, which then sits in the low
# mantissa bits: bits(t + SHIFTER) - bits(SHIFTER) is that integer.
ROUNDING_SHIFTER = f32(1.5 * 2.0**23)
SHIFTER_BITS = int(ROUNDING_SHIFTER.view(np.int32))
EXPONENT_BIAS = 127
EXPONENT_SHIFT = 23

INV_LN2_SINGLE = f32(INV_LN2)
LN2_HI_SINGLE = f32(LN2_HI)
# ln2 - LN2_HI_SINGLE, from the double pair: 2^-24 relative is all a float32 needs of it.
LN2_LO_SINGLE = f32(LN2_HI - float(LN2_HI_SINGLE))
EXP_TAIL = tuple(f32(c) for c in EXP_FLOAT32_TAIL)
TANH_TAIL = tuple(f32(c) for c in TANH_FLOAT32_TAIL)

# exp(-150) 2^36 < 2^-150 rounds to 0 and exp(89) > 2^128 to inf: clamping x there keeps
# k = round(x/ln2) in [-216, 128], and k + extra in times_power_of_two's range for |extra| <= 36.
EXP_ARGUMENT_MIN = f32(-150.0)
EXP_ARGUMENT_MAX = f32(89.0)
# A decaying exponential exp(x), x <= 0, is clamped here instead: 4 exp(-106) < 2^-150 still
# rounds to 0 (the most any caller scales it up is 2^2), and k >= -153 keeps
# times_small_power_of_two in range.
DECAY_ARGUMENT_MIN = f32(-106.0)
DECAY_EXPONENT_MIN = f32(-153.0)  # round(DECAY_ARGUMENT_MIN / ln2)
# times_small_power_of_two forms 2^(k + extra + SMALL_SCALE_OFFSET), a normal float32 for
# k + extra in [-188, 63], then multiplies by 2^-SMALL_SCALE_OFFSET.
SMALL_SCALE_OFFSET = 64
# Beyond 0.55, e = exp(-2|x|) <= 1/3, so t = 1/(1+e) >= 3/4 and tanh's 2t - 1 is exact (Sterbenz).
TANH_SERIES_BELOW = f32(0.55)


def _exponent_ir(builder, shifted, extra):
    """k + extra as an int32, k = bits(shifted) - bits(ROUNDING_SHIFTER) (Numba's own integer
    arithmetic would widen to int64 and halve the vector lanes)."""
    int32 = ir.IntType(32)
    return builder.add(builder.sub(builder.bitcast(shifted, int32), ir.Constant(int32, SHIFTER_BITS)), extra)


def _power_of_two_ir(builder, exponent, offset=0):
    """2^(exponent + offset), formed straight in its exponent field (normal results only)."""
    int32 = ir.IntType(32)
    biased = builder.add(exponent, ir.Constant(int32, EXPONENT_BIAS + offset))
    return builder.bitcast(builder.shl(biased, ir.Constant(int32, EXPONENT_SHIFT)), ir.FloatType())


SCALING_SIGNATURE = types.float32(types.float32, types.float32, types.int32)


@intrinsic
def times_power_of_two(typingctx, v, shifted, extra):
    """v * 2^(k + extra), rounded once, where k sits in the low bits of ``shifted`` = k + ROUNDING_SHIFTER.

    For k + extra in [-252, 254]: 2^(k + extra) is formed as two normal powers
    of two, 2^floor((k + extra)/2) first; the first product is exact, the second rounds.
    """

    def codegen(context, builder, sig, args):
        value, shifted, extra = args
        k = _exponent_ir(builder, shifted, extra)
        half = builder.ashr(k, ir.Constant(ir.IntType(32), 1))
        value = builder.fmul(value, _power_of_two_ir(builder, half))
        return builder.fmul(value, _power_of_two_ir(builder, builder.sub(k, half)))

    return SCALING_SIGNATURE, codegen


@intrinsic
def times_normal_power_of_two(typingctx, v, shifted, extra):
    """times_power_of_two for k + extra in [-126, 127], where 2^(k + extra) is one normal float32."""

    def codegen(context, builder, sig, args):
        value, shifted, extra = args
        return builder.fmul(value, _power_of_two_ir(builder, _exponent_ir(builder, shifted, extra)))

    return SCALING_SIGNATURE, codegen


@intrinsic
def times_small_power_of_two(typingctx, v, shifted, extra):
    """times_power_of_two for k + extra in [-188, 63] and 1/4 <= |v| < 2, in fewer instructions
    (no split of k): the first product, by 2^(k + extra + 64), is then normal and exact, and only
    the second, by 2^-64, rounds. For a smaller v (a low part, only ever a correction) the first
    product can be subnormal and round too. Serves the decaying exponentials (DECAY_ARGUMENT_MIN), where
    k + extra <= 2."""

    def codegen(context, builder, sig, args):
        value, shifted, extra = args
        power = _power_of_two_ir(builder, _exponent_ir(builder, shifted, extra), SMALL_SCALE_OFFSET)
        return builder.fmul(builder.fmul(value, power), ir.Constant(ir.FloatType(), 2.0**-SMALL_SCALE_OFFSET))

    return SCALING_SIGNATURE, codegen


@intrinsic
def sign_bit_clear(typingctx, v):
    """Whether v's sign bit is clear (+0, positive numbers, +inf, nan with clear sign bit):
    one integer test, where LLVM would compare in float64 a float32 widened from a float64 load."""

    def codegen(context, builder, sig, args):
        int32 = ir.IntType(32)
        return builder.icmp_signed(">=", builder.bitcast(args[0], int32), ir.Constant(int32, 0))

    return types.boolean(types.float32), codegen


@intrinsic
def finite_nonzero(typingctx, v):
    """Whether v is finite and not ±0, in one unsigned compare: |bits| - 1 < bits(largest float32)
    (LLVM makes 0 < abs(v) < inf two range checks and a mask merge)."""

    def codegen(context, builder, sig, args):
        int32 = ir.IntType(32)
        magnitude = builder.and_(builder.bitcast(args[0], int32), ir.Constant(int32, MAGNITUDE_BITS))
        return builder.icmp_unsigned(
            "<", builder.sub(magnitude, ir.Constant(int32, 1)), ir.Constant(int32, INF_BITS - 1)
        )

    return types.boolean(types.float32), codegen


@kernel
def exp_parts(x, x_low):
    """(p, p_low, shifted): exp(x + x_low) = 2^k (p + p_low), p in [0.7, 1.5], p_low below
    ulp(p), k held by ``shifted`` (for times_power_of_two); relative error about 2^-26, for
    float32 x in [-150, 89] (clamped there) and |x_low| <= ulp(x). Scaling by 2^k last
    keeps p_low where e = 2^k p is near the subnormals.

    x = k ln2 + r, k = round(x/ln2): r = x - k LN2_HI is exact (one FMA: for k != 0, x and
    k LN2_HI are multiples of 2^-24 and |r| < 1/2); the rest of k ln2 (to 2^-44 for
    |k| <= 433), and x_low, form r_low. exp(r + r_low) = exp(r) (1 + r_low) to r_low^2
    (2^-37 for |x| <= 150; 2^-40 for x_low = 0, |x| <= 300), exp(r) = (1 + r) + r^2 T(r)
    with 1 + r split exactly (Fast2Sum).
    """
    return clamped_exp_parts(clamp(x, EXP_ARGUMENT_MIN, EXP_ARGUMENT_MAX), x_low)  # nan stays nan


@kernel
def decay_parts(x, lowest=DECAY_ARGUMENT_MIN):
    """exp_parts(x, 0) for x <= 0 (or nan), clamped at ``lowest`` only. With the default,
    k >= DECAY_EXPONENT_MIN, the range of times_small_power_of_two; a caller that scales in
    several steps may lower ``lowest`` to -300 (k >= -433)."""
    return clamped_exp_parts(lowest if x < lowest else x, NEGATIVE_ZERO)  # nan: the comparison fails


@kernel
def clamped_exp_parts(x, x_low):
    """exp_parts for an x already clamped to [-300, 89]."""
    shifted = fma(x, INV_LN2_SINGLE, ROUNDING_SHIFTER)
    k = shifted - ROUNDING_SHIFTER
    r = fma(k, -LN2_HI_SINGLE, x)
    r_low = fma(k, -LN2_LO_SINGLE, x_low)
    head, head_low = fast_two_sum(ONE, r)
    tail = fma(r * r, horner(r, EXP_TAIL), head_low)
    tail = fma(r_low, head + tail, tail)  # |r_low| reaches 2^-18 (x_low of x - m): exp(r) in full
    p, p_low = fast_two_sum(head, tail)
    return p, p_low, shifted


@kernel
def exp(x):
    p, _, shifted = exp_parts(x, NEGATIVE_ZERO)
    return times_power_of_two(p, shifted, np.int32(0))


@kernel
def one_plus(e, e_low):
    """1 + (e + e_low) as q + q_low, q = fl(1 + e) (exact to 2^-48 for 0 <= e <= 1)."""
    q, q_low = fast_two_sum(ONE, e)
    return q, q_low + e_low


@kernel
def reciprocal_of_one_plus(e, e_low):
    """1/(1 + e + e_low) as t + t_low, to about 2^-46, for 0 <= e <= 1 and |e_low| <= ulp(e).

    1 + e = q + q_low exactly (Fast2Sum; e's rounding costs at most 2^-24 of q there), t = fl(1/q),
    and 1/(q + q_low) = t + t (1 - t q - t q_low) to first order, the residual 1 - t q exact by FMA.
    """
    q, q_low = one_plus(e, e_low)
    t = ONE / q
    return t, fma(-t, q_low, fma(-t, q, ONE)) * t


@kernel
def tanh(x):
    # Near 0 the odd series s + s^3 T(s^2) (minimax). Beyond, tanh|x| = 2/(1+e) - 1 with
    # e = exp(-2|x|) <= 1/3, 1/(1+e) = t + t_low a pair: 2t - 1 is exact (Sterbenz: 2t is in
    # [3/2, 2]), so the result is rounded once; e = 0 (|x| > 52, inf) gives exactly 1.
    s = abs(x)
    z = s * s
    series = fma(s * z, horner(z, TANH_TAIL), s)
    p, p_low, shifted = decay_parts(-(s + s))
    e = times_small_power_of_two(p, shifted, np.int32(0))
    t, t_low = reciprocal_of_one_plus(e, times_small_power_of_two(p_low, shifted, np.int32(0)))
    far = (TWO * t - ONE) + (t_low + t_low)
    return math.copysign(series if s < TANH_SERIES_BELOW else far, x)  # nan fails the test: far is nan


@intrinsic
def order_key(typingctx, v):
    """An int32 ordered as the float32 values are (-0 < +0), every nan above +inf: integer max
    reductions vectorize (float ones do not without fast-math, which would make nan undefined).
    Written in IR: Numba's own int32 arithmetic would widen to int64."""

    def codegen(context, builder, sig, args):
        int32 = ir.IntType(32)
        bits = builder.bitcast(args[0], int32)
        magnitude = ir.Constant(int32, MAGNITUDE_BITS)
        sign_fill = builder.and_(builder.ashr(bits, ir.Constant(int32, 31)), magnitude)
        flipped = builder.xor(bits, sign_fill)  # negative floats: reverse their order
        is_nan = builder.icmp_signed(">", builder.and_(bits, magnitude), ir.Constant(int32, INF_BITS))
        return builder.select(is_nan, ir.Constant(int32, INF_BITS + 1), flipped)

    return types.int32(types.float32), codegen


@intrinsic
def from_order_key(typingctx, key):
    """The float32 whose order_key is ``key`` (any nan key gives a nan)."""

    def codegen(context, builder, sig, args):
        int32 = ir.IntType(32)
        sign_fill = builder.and_(
            builder.ashr(args[0], ir.Constant(int32, 31)), ir.Constant(int32, MAGNITUDE_BITS)
        )
        return builder.bitcast(builder.xor(args[0], sign_fill), ir.FloatType())

    return types.float32(types.int32), codegen


MINUS_INF_KEY = np.int32(-(INF_BITS + 1))  # order_key(-inf): bits 0xFF800000 ^ 0x7FFFFFFF
