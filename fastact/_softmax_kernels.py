"""Softmax-family kernels: the math of one row, and the loops over rows (no validation here).

Every row is processed in chunks of ``CHUNK`` elements: chunk maxima, chunk
sums (double-double) and the output pass, each combined in chunk order. Short
rows (one chunk) run whole, in turn, each row's exp pass also finding the next
row's maximum (rows_in_turn), in blocks of rows over the threads; long rows run
chunk by chunk, and a few long rows run their chunks on several threads. Either
way every number comes from the same operations in the same order, so results
do not depend on the thread count nor on the serial/parallel choice (which the
wrappers make by size alone).

Inputs are float32 or float64 C-contiguous (rows, n) arrays; everything is
computed in float64, so a float32 row sums without a bound growing with n,
except a float32 row's maximum (int32 order keys, twice the vector lanes) and
its softmax's final scaling by 1/s (float32 lanes, still one rounding: scale_chunk). A
float32 row sums its terms plainly (plain_exp_sum: 2^-40), for log(sum) with its
maxima counted apart (exp_sum_apart_from_maxima); float64 rows sum exactly (exp_sum).
Each chunk loop calls prefer_wide_vectors, so it vectorizes with 512-bit
registers where the CPU has them (LLVM's default there is 256).
"""

import math
from collections import namedtuple

import numpy as np
from numba import njit, prange, types
from numba.extending import overload

from . import _elementary_float32 as single
from ._coefficients import EXP_CUBIC_TAIL, EXP_SINGLE_TAIL, INV_LN2
from ._elementary import (
    EXP_ARGUMENT_MIN,
    INF,
    LN2_REDUCTION,
    ROUNDING_SHIFTER,
    SHIFTER_BITS,
    clamp,
    dd_add,
    double_bits,
    double_from_bits,
    exp,
    fast_two_sum,
    fma,
    held,
    horner,
    kernel,
    log1p,
    power_of_two,
    reduce_by_ln2,
    scale_by_power_of_two,
    two_sum,
)
from ._loops import SOURCE_FINGERPRINT, clear_fp_status, prefer_wide_vectors

CHUNK = 4096  # elements: a float64 chunk (32 KiB) stays in cache between passes; <= 2^13 (exp_sum)
SPLIT_ROWS_BELOW = 4  # fewer rows than this, each longer than CHUNK: split every row over threads


def _cached_kernel(**options):
    """njit(cache=True) with the compiled sources' fingerprint in the name (hence the cache file's).

    Numba re-checks only this file's time stamp; the kernels also inline
    _elementary.py and friends, whose changes must not load stale code.
    """

    def decorate(function):
        function.__qualname__ = f"{function.__qualname__}_{SOURCE_FINGERPRINT}"
        # nogil: as a ufunc loop does, let other Python threads run meanwhile
        return njit(cache=True, error_model="numpy", nogil=True, **options)(function)

    return decorate


serial = _cached_kernel()
parallel = _cached_kernel(parallel=True)
# Only for sums whose value no order of the additions changes (exact) or whose order we do not need.
reassociable = njit(error_model="numpy", forceinline=True, fastmath={"reassoc"})

MAGNITUDE_BITS = 0x7FFF_FFFF_FFFF_FFFF
INF_BITS = 0x7FF0_0000_0000_0000
# v + QUANTIZER rounds v in [0, 1] to a multiple of ulp(QUANTIZER) = 2^-40, exactly undone by - QUANTIZER.
QUANTIZER = 1.5 * 2.0**12


# --- scalars ------------------------------------------------------------------


@kernel
def order_key(v):
    """An int64 ordered as the float64 values are (-0 < +0), every nan above +inf.

    Integer max reductions vectorize; float ones do not without fast-math,
    which would also make nan handling undefined.
    """
    bits = double_bits(np.float64(v))
    flipped = bits ^ ((bits >> 63) & MAGNITUDE_BITS)  # negative floats: reverse their order
    return INF_BITS + 1 if (bits & MAGNITUDE_BITS) > INF_BITS else flipped


@kernel
def from_order_key(key):
    return double_from_bits(key ^ ((key >> 63) & MAGNITUDE_BITS))


MINUS_INF_KEY = order_key(-INF)


@kernel
def nan_max(a, b):
    """max(a, b), nan if either is nan (as np.max), +0 above -0."""
    return from_order_key(max(order_key(a), order_key(b)))


@kernel
def shifted(x, m, inf=INF):
    """(d, d_err) with d + d_err = x - m exactly (TwoSum); d_err = 0 where d is infinite or nan."""
    d, d_err = two_sum(x, -m)
    return d, (d_err if abs(d) < inf else 0.0)


# exp_cubic_tail's Estrin tree is written out for exactly this many coefficients.
if len(EXP_CUBIC_TAIL) != 10:
    raise ImportError(f"exp_cubic_tail expects 10 coefficients, EXP_CUBIC_TAIL has {len(EXP_CUBIC_TAIL)}")


@kernel
def exp_cubic_tail(r, coefficients=EXP_CUBIC_TAIL):
    """(P(r), r^2): exp(r) = 1 + r + r^2/2 + r^3 P(r), P of EXP_CUBIC_TAIL by Estrin's scheme.

    Pairs of terms in r, then pairs of those in r^2 and r^4: four dependent FMAs after r^4, where
    polynomial's two Horner chains take six. The float64 exp loop is latency-bound where the
    CPU holds few iterations in flight (AVX2: 16 registers, its constants spill).
    """
    a = coefficients  # highest order first: a[9 - i] multiplies r^i
    s = r * r
    s2 = s * s
    low = fma(fma(a[6], r, a[7]), s, fma(a[8], r, a[9]))
    high = fma(fma(a[0], r, a[1]), s2, fma(fma(a[2], r, a[3]), s, fma(a[4], r, a[5])))
    return fma(high, s2, low), s


# shifted_exp_float64's floating-point constants, which its loops hold (see held: measured 0.78x
# the float64 softmax's time in cache, 64 x 1000, on AVX2; its integer constants gain nothing).
ShiftedExpConstants = namedtuple("ShiftedExpConstants", "argument_min inf one half reduction tail")
SHIFTED_EXP = ShiftedExpConstants(EXP_ARGUMENT_MIN, INF, 1.0, 0.5, LN2_REDUCTION, EXP_CUBIC_TAIL)


@kernel
def shifted_exp_float64(x, m, constants=SHIFTED_EXP):
    """exp(x - m) for x <= m (m the row's maximum), the rounding of x - m included; nan for nan.

    x - m = d + d_err exactly (TwoSum), d = k ln2 + r + r_lo (reduce_by_ln2), so
    exp(x - m) = 2^k exp(r) (1 + c) + O(c^2) with c = d_err + r_lo (a spread of 700 makes d_err
    ~2^-44). exp(r) = hi + lo with hi + hi_err = 1 + r exactly and lo = hi_err + r^2 (1/2 + r P(r));
    c enters lo before the single final rounding. Measured: within 0.6 ULP of mpmath.
    """
    d, d_err = shifted(x, m, constants.inf)
    d = constants.argument_min if d < constants.argument_min else d  # d <= 0 (or nan): no upper clamp
    k, r, r_lo = reduce_by_ln2(d, constants.reduction)
    c = d_err + r_lo
    tail, r_squared = exp_cubic_tail(r, constants.tail)
    hi, hi_err = fast_two_sum(constants.one, r)
    lo = fma(r_squared, fma(r, tail, constants.half), hi_err)
    return scale_by_power_of_two(hi + fma(hi + lo, c, lo), k)


LN2 = math.log(2.0)


FLOAT32_EXP_ARGUMENT_MIN = -200.0  # exp(-200) < 2^-288: 0 in float32, and below 2^-90 of any sum


@kernel
def shifted_exp_float32(x, m):
    """exp(x - m) to ~2^-34, for float32 x and m: x - m is exact in float64 where exp matters.

    k = round(d/ln2) by the shifter trick, r = d - k ln2 in one FMA (ln2's own
    rounding costs k 2^-54 < 2^-45), exp(d) = 2^k exp(r) with 2^k in one factor and
    exp(r) = 1 + r T(r), T the minimax fit of the float32-accuracy exp (2^-34.3).
    """
    d = clamp(x - m, FLOAT32_EXP_ARGUMENT_MIN, 0.0)
    shifted = fma(d, INV_LN2, ROUNDING_SHIFTER)
    k_float = shifted - ROUNDING_SHIFTER
    k = double_bits(shifted) - SHIFTER_BITS
    r = fma(-k_float, LN2, d)
    return fma(r, horner(r, EXP_SINGLE_TAIL), 1.0) * power_of_two(k)


def shifted_exp(x, m, constants):
    """exp(x - m) accurate for x's dtype (compiled code only: the float32 form is half the work),
    ``constants`` SHIFTED_EXP held (the float32 form takes none: holding its constants cost the
    float32 softmax loop its unrolling, 1.19x its time)."""


@overload(shifted_exp, inline="always")
def _shifted_exp_for(x, m, constants):
    if x == types.float32:
        return lambda x, m, constants: shifted_exp_float32(x, m)
    return lambda x, m, constants: shifted_exp_float64(x, m, constants)


@kernel
def reciprocal(s_hi, s_lo):
    """1/(s_hi + s_lo) as (inv, inv_lo): 1/s = inv + inv (1 - inv s), the remainder exact by FMA."""
    inv = 1.0 / s_hi
    return inv, inv * (fma(-inv, s_hi, 1.0) - inv * s_lo)


@kernel
def log_of_sum(s_hi, s_lo):
    """log(s) for s = s_hi + s_lo >= 1 as (hi, lo), relative accuracy kept as s -> 1.

    log(s) = log1p(r) with r = s - 1 (exact by TwoSum); r's tail enters to
    first order, log1p(r_hi + r_lo) = log1p(r_hi) + r_lo/(1 + r_hi). With one
    dominant entry, s = 1 + (sum of the others): log1p never sees 1 + r rounded.
    """
    r_hi, r_err = two_sum(s_hi, -1.0)
    r_hi, r_lo = fast_two_sum(r_hi, r_err + s_lo)
    return log1p(r_hi), r_lo / (1.0 + r_hi)


@kernel
def log_normalizer(m, s_hi, s_lo):
    """m + log(s) as (hi, lo), the leading parts added exactly (TwoSum); nan unless m is finite."""
    log_hi, log_lo = log_of_sum(s_hi, s_lo)
    hi, error = two_sum(m, log_hi)
    return hi, error + log_lo


# --- chunks (1-D views; loops from 0 so LLVM drops the wraparound checks) -----


# The running maximum of a row as an order key: int64 keys for float64 rows, int32 keys for
# float32 ones (fastact._elementary_float32: 16 per 512-bit vector, where int64 keys fit 8). Where
# the row is None (a sum with no next row to scan) each step does nothing.


def lowest_key(xr):
    """The key below every entry of xr's dtype; 0 where xr is None (compiled code only)."""


@overload(lowest_key, inline="always")
def _lowest_key_for(xr):
    if isinstance(xr, types.NoneType):
        return lambda xr: 0
    if xr.dtype == types.float32:
        return lambda xr: single.MINUS_INF_KEY
    return lambda xr: MINUS_INF_KEY


def with_key_of(key, xr, i):
    """max(key, the order key of xr[i]); key where xr is None (compiled code only)."""


@overload(with_key_of, inline="always")
def _with_key_of_for(key, xr, i):
    if isinstance(xr, types.NoneType):
        return lambda key, xr, i: key
    if xr.dtype == types.float32:
        return lambda key, xr, i: max(key, single.order_key(xr[i]))
    return lambda key, xr, i: max(key, order_key(xr[i]))


def maximum_of_key(key, xr):
    """The float64 value of xr's key; -inf where xr is None (compiled code only)."""


@overload(maximum_of_key, inline="always")
def _maximum_of_key_for(key, xr):
    if isinstance(xr, types.NoneType):
        return lambda key, xr: -INF
    if xr.dtype == types.float32:
        return lambda key, xr: np.float64(single.from_order_key(key))
    return lambda key, xr: from_order_key(key)


@kernel
def chunk_max(xc):
    """max of the chunk, nan if it holds a nan, -inf if empty, as a float64."""
    key = lowest_key(xc)
    prefer_wide_vectors()
    for i in range(len(xc)):
        key = with_key_of(key, xc, i)
    return maximum_of_key(key, xc)


@reassociable
def add_in_any_order(a, b):
    return a + b


@kernel
def quantized_parts(v, quantizer=QUANTIZER):
    """(hi, lo) with hi + lo = v exactly, hi a multiple of 2^-40: for v in [0, 1], lo < 2^-40."""
    hi = (v + quantizer) - quantizer
    return hi, v - hi


@kernel
def dot(a, b):
    """sum(a * b) in float64 (a single rounded sum: a double-double with lo = 0)."""
    total = 0.0
    prefer_wide_vectors()
    for i in range(len(a)):
        total = add_in_any_order(total, np.float64(a[i]) * b[i])
    return total, 0.0


def store_term(dest, i, e):
    """dest[i] = e, or nothing where dest is None: a sum whose terms are not needed stores none
    (compiled code only)."""


@overload(store_term, inline="always")
def _store_term_for(dest, i, e):
    if isinstance(dest, types.NoneType):
        return lambda dest, i, e: None

    def store(dest, i, e):
        dest[i] = e

    return store


@kernel
def exp_sum(xc, m, dest, following):
    """(hi, lo, next_m): sum(exp(xc - m)) for at most 2^13 entries, as a double-double, ~2^-90
    relative; the terms are left in dest (float32 or float64), or nowhere for dest None; next_m
    is the maximum of ``following``, a row as long as xc (-inf for None), found in the same loop
    (rows_in_turn).

    Each term e in [0, 1] is split into a multiple of 2^-40 and a rest below
    2^-41 (quantized_parts): the multiples sum exactly in any order (every
    partial sum is a multiple of 2^-40 below 2^13), so the loop may
    vectorize; the rests' sum rounds, by ~n 2^-53 of its size <= n 2^-41,
    far below the total (>= 1 for softmax). One loop: a term is added as
    computed, in float64, not reloaded from dest (a float32 dest holds it rounded).
    """
    prefer_wide_vectors()
    constants, quantizer = held((SHIFTED_EXP, QUANTIZER))
    hi = lo = 0.0
    key = lowest_key(following)
    for i in range(len(xc)):
        e = shifted_exp(xc[i], m, constants)
        store_term(dest, i, e)
        e_hi, e_lo = quantized_parts(e, quantizer)
        hi = add_in_any_order(hi, e_hi)
        lo = add_in_any_order(lo, e_lo)
        key = with_key_of(key, following, i)
    return (*fast_two_sum(hi, lo), maximum_of_key(key, following))


@kernel
def plain_exp_sum(xc, m, dest, following):
    """exp_sum with the terms summed plainly in float64, in any order (vectorized): at most 2^13
    terms in [0, 1], each add rounding by 2^-53 of a partial sum no larger than the total, so the
    sum is within 2^-40 of exact. Enough for a float32 softmax (2^-16 of an ULP), where only the
    total matters, and a float32 log(sum) if the maxima are counted apart (exp_sum_apart_from_maxima).
    Terms and next_m as for exp_sum."""
    prefer_wide_vectors()
    constants = held(SHIFTED_EXP)
    total = 0.0
    key = lowest_key(following)
    for i in range(len(xc)):
        e = shifted_exp(xc[i], m, constants)
        store_term(dest, i, e)
        total = add_in_any_order(total, e)
        key = with_key_of(key, following, i)
    return total, 0.0, maximum_of_key(key, following)


def softmax_exp_sum(xc, m, dest, following):
    """The softmax's sum(exp(xc - m)), terms left in dest: plain_exp_sum for float32 chunks,
    exp_sum for float64 ones (a float64 result needs the exact sum; compiled code only)."""


@overload(softmax_exp_sum, inline="always")
def _softmax_exp_sum_for(xc, m, dest, following):
    if xc.dtype == types.float32:
        return lambda xc, m, dest, following: plain_exp_sum(xc, m, dest, following)
    return lambda xc, m, dest, following: exp_sum(xc, m, dest, following)


@kernel
def exp_sum_apart_from_maxima(xc, m, following):
    """sum(exp(xc - m)) of float32 entries as a double-double, for log(sum): the entries equal to
    m, the row's maximum, are counted and the others' terms summed plainly (as plain_exp_sum sums
    them), the count added exactly (TwoSum). So 1 + t keeps t to 2^-40 of itself, which log1p(t) needs when
    one entry dominates (t tiny); a sum that added the 1 into the lanes would round t away. One
    branch-free loop, where finding the maximum's index first cost as much as the sum. next_m as
    for exp_sum."""
    prefer_wide_vectors()
    constants = held(SHIFTED_EXP)
    maxima = others = 0.0
    key = lowest_key(following)
    for i in range(len(xc)):
        e = shifted_exp(xc[i], m, constants)
        at_maximum = xc[i] == m
        maxima = add_in_any_order(maxima, 1.0 if at_maximum else 0.0)  # exact in any order
        others = add_in_any_order(others, 0.0 if at_maximum else e)
        key = with_key_of(key, following, i)
    return (*two_sum(maxima, others), maximum_of_key(key, following))


def log_exp_sum(xc, m, following):
    """sum(exp(xc - m)) for log(sum), no term stored, and following's maximum: exp_sum_apart_from_maxima
    for float32 chunks, exp_sum for float64 ones (compiled code only).

    Storing the terms in the output row, which log_softmax's last pass overwrites, brings that
    row's cache lines in during the exp arithmetic: 0.91x the float32 time at 4096x1000 on a Zen 3
    CPU, but 1.02-1.08x on a Zen 5 one (float64: 0.96x, and 1.06-1.2x in cache, on Zen 3)."""


@overload(log_exp_sum, inline="always")
def _log_exp_sum_for(xc, m, following):
    if xc.dtype == types.float32:
        return lambda xc, m, following: exp_sum_apart_from_maxima(xc, m, following)
    return lambda xc, m, following: exp_sum(xc, m, None, following)


# A float64 row whose sum is 1 + t, t below its length times this (its other entries on average
# 23.6 or more below its maximum), is summed again (exact_when_dominant). exp_sum's rests, each
# below 2^-41, are summed plainly, rounding by up to a lane's term count times 2^-53 of their
# sum; from here up the rests are below 2^-7 of the terms (measured just above: <= 0.92 ULP),
# while rows of equal others 30 to 700 below took 9.7 to 101 ULP.
RESUM_BELOW = 2.0**-34


@kernel
def others_exp_sum(xc, m, grid):
    """sum(exp(xc - m)) over the entries other than m, as a double-double, for a sum of at most
    ``grid`` (a power of two): exp_sum with every grid size scaled by it, so the rests sum to
    ~2^-90 of the total, however small, where exp_sum's fixed 2^-40 grid holds them all."""
    prefer_wide_vectors()
    constants = held(SHIFTED_EXP)
    quantizer = QUANTIZER * grid
    hi = lo = 0.0
    for i in range(len(xc)):
        e = 0.0 if xc[i] == m else shifted_exp(xc[i], m, constants)
        e_hi, e_lo = quantized_parts(e, quantizer)
        hi = add_in_any_order(hi, e_hi)
        lo = add_in_any_order(lo, e_lo)
    return fast_two_sum(hi, lo)


def dominance_grid(xr, s_hi, s_lo):
    """For a float64 row whose sum s_hi + s_lo of exp(xr - m) is 1 + t with its maximum m
    dominating, t below its length times RESUM_BELOW: the power of two just above t, the grid for
    others_exp_sum; 0 for any other row (nan, no dominant entry, t = 0 exactly) and every float32
    row (they count their maxima apart, exp_sum_apart_from_maxima, and need nothing more).
    Compiled code only."""


@overload(dominance_grid, inline="always")
def _dominance_grid_for(xr, s_hi, s_lo):
    if xr.dtype == types.float32:
        return lambda xr, s_hi, s_lo: 0.0

    def grid(xr, s_hi, s_lo):
        t, t_err = two_sum(s_hi, -1.0)
        t += t_err + s_lo
        if not 0.0 < t < len(xr) * RESUM_BELOW:
            return 0.0
        return math.ldexp(1.0, math.frexp(t)[1])

    return grid


@kernel
def exact_when_dominant(xr, m, s_hi, s_lo):
    """(s_hi, s_lo), the sum of a row's exp(xr - m) for log(sum), or for a row whose maximum m
    dominates (dominance_grid), (1, t): t, the others' sum, summed again on a grid scaled to it
    (others_exp_sum), since -log1p(t), log_softmax at the maximum, needs t to its last bits (see
    RESUM_BELOW). One more exp pass for such rows: 1.5-2.2x the time of rows that need none.
    (1, t) is not normalized; log_of_sum takes it as it is."""
    grid = dominance_grid(xr, s_hi, s_lo)
    if grid == 0.0:
        return s_hi, s_lo
    hi = lo = 0.0
    for c in range(number_of_chunks(len(xr))):
        start, stop = chunk_bounds(len(xr), c)
        c_hi, c_lo = others_exp_sum(xr[start:stop], m, grid)
        hi, lo = dd_add(hi, lo, c_hi, c_lo)
    return 1.0, hi + lo


@kernel
def scale_chunk(yc, inv_hi, inv_lo, terms=None):
    """yc = terms / s, for 1/s = inv_hi + inv_lo, with one rounding per entry, in yc's own lanes;
    terms None: yc itself (yc *= 1/s), else a scratch row of yc's dtype (a softmax in place). Two
    loops: passed as ``terms``, yc would be an array LLVM may not prove the same, and its overlap
    check fails for equal pointers (the scalar loop then runs)."""
    # 1/s as h + low in yc's dtype, so e (h + low) = fma(e, h, e low) rounds once: float64 keeps
    # h = inv_hi, low = inv_lo; float32 has h + low = 1/s to ~2^-48 (far below its 2^-24), in
    # float32 lanes: 16 per 512-bit vector, not 8
    width = yc.dtype.type
    h = width(inv_hi)
    low = width((inv_hi - np.float64(h)) + inv_lo)
    prefer_wide_vectors()
    if terms is None:
        for i in range(len(yc)):
            e = yc[i]
            yc[i] = fma(e, h, e * low)
    else:
        for i in range(len(yc)):
            e = terms[i]
            yc[i] = fma(e, h, e * low)


@kernel
def copy_row(source, destination):
    """destination[:] = source: a row computed into a scratch row, for a kernel in place (its own
    last loop, writing the array it reads, LLVM would run scalar: see softmax_short_row_in_place)."""
    prefer_wide_vectors()
    for i in range(len(destination)):
        destination[i] = source[i]


@kernel
def log_softmax_chunk(xc, c_hi, c_lo, yc):
    # log y = x - c, c = m + log(s) = c_hi + c_lo. Near c, x - c_hi is exact (Sterbenz), so the
    # dominant entry's -log1p(sum of the others) comes whole from c_lo; elsewhere c_lo is far
    # below x - c_hi, and two roundings make at most 1.5 ULP in float64 (measured 1.18; with both
    # differences carried by TwoSum, 0.90, but the float64 log_softmax took 1.13x the time).
    prefer_wide_vectors()
    for i in range(len(xc)):
        yc[i] = (np.float64(xc[i]) - c_hi) - c_lo


@kernel
def softmax_backward_chunk(dyc, yc, s_hi, s_lo, out):
    # y (dy - sum(dy y)); the sum's tail is kept, so dy - s cancels only in dy's own bits
    prefer_wide_vectors()
    for i in range(len(dyc)):
        out[i] = np.float64(yc[i]) * ((np.float64(dyc[i]) - s_hi) - s_lo)


@kernel
def log_softmax_backward_chunk(dyc, logyc, s_hi, s_lo, out):
    prefer_wide_vectors()
    for i in range(len(dyc)):
        out[i] = np.float64(dyc[i]) - exp(np.float64(logyc[i])) * (s_hi + s_lo)


# --- rows: chunk results combined in chunk order ------------------------------


@kernel
def chunk_bounds(row_length, chunk):
    start = chunk * CHUNK
    return start, min(start + CHUNK, row_length)


@kernel
def number_of_chunks(row_length):
    return (row_length + CHUNK - 1) // CHUNK


@kernel
def row_max(xr):
    if len(xr) <= CHUNK:  # one chunk: no sub-views (each costs reference counting)
        return chunk_max(xr)
    m = -INF
    for c in range(number_of_chunks(len(xr))):
        start, stop = chunk_bounds(len(xr), c)
        m = nan_max(m, chunk_max(xr[start:stop]))
    return m


@kernel
def row_softmax_exp_sum(xr, m, dest):
    """softmax's sum(exp(xr - m)) for a row longer than CHUNK, chunk by chunk, as a double-double,
    the terms left in dest (as long as xr)."""
    hi = lo = 0.0
    for c in range(number_of_chunks(len(xr))):
        start, stop = chunk_bounds(len(xr), c)
        c_hi, c_lo, _ = softmax_exp_sum(xr[start:stop], m, dest[start:stop], None)
        hi, lo = dd_add(hi, lo, c_hi, c_lo)
    return hi, lo


@kernel
def row_log_exp_sum(xr, m):
    """sum(exp(xr - m)) for a row longer than CHUNK, chunk by chunk, as a double-double, to the
    accuracy log(sum) needs in xr's dtype."""
    hi = lo = 0.0
    for c in range(number_of_chunks(len(xr))):
        start, stop = chunk_bounds(len(xr), c)
        c_hi, c_lo, _ = log_exp_sum(xr[start:stop], m, None)
        hi, lo = dd_add(hi, lo, c_hi, c_lo)
    return exact_when_dominant(xr, m, hi, lo)


@kernel
def row_dot(a, b):
    if len(a) <= CHUNK:
        return dot(a, b)
    hi = lo = 0.0
    for c in range(number_of_chunks(len(a))):
        start, stop = chunk_bounds(len(a), c)
        c_hi, c_lo = dot(a[start:stop], b[start:stop])
        hi, lo = dd_add(hi, lo, c_hi, c_lo)
    return hi, lo


@kernel
def row_sum(a, ones):
    """sum(a) chunk by chunk as row_dot(a, ones) would; ones is min(len(a), CHUNK) long."""
    if len(a) <= CHUNK:
        return dot(a, ones)
    hi = lo = 0.0
    for c in range(number_of_chunks(len(a))):
        start, stop = chunk_bounds(len(a), c)
        c_hi, c_lo = dot(a[start:stop], ones[: stop - start])
        hi, lo = dd_add(hi, lo, c_hi, c_lo)
    return hi, lo


@kernel
def logsumexp_from(m, s_hi, s_lo):
    """m + log(s); m = -inf (all -inf, or empty) or +inf is the result."""
    hi, lo = log_normalizer(m, s_hi, s_lo)
    return hi + lo if abs(m) < INF else m  # nan (a nan entry) stays nan


# The same per-row steps, each chunk loop over threads (for a few very long rows).


@parallel
def split_max(xr):
    maxima = np.empty(number_of_chunks(len(xr)))
    for c in prange(len(maxima)):
        start, stop = chunk_bounds(len(xr), c)
        maxima[c] = chunk_max(xr[start:stop])
    m = -INF
    for c in range(len(maxima)):
        m = nan_max(m, maxima[c])
    return m


@kernel
def fold_sums(partials):
    hi = lo = 0.0
    for c in range(partials.shape[0]):
        hi, lo = dd_add(hi, lo, partials[c, 0], partials[c, 1])
    return hi, lo


@parallel
def split_exp_sum_kept(xr, m, dest):
    """row_softmax_exp_sum over threads, the terms left in dest (the whole row)."""
    partials = np.empty((number_of_chunks(len(xr)), 2))
    for c in prange(partials.shape[0]):
        start, stop = chunk_bounds(len(xr), c)
        partials[c, 0], partials[c, 1], _ = softmax_exp_sum(xr[start:stop], m, dest[start:stop], None)
    return fold_sums(partials)


@parallel
def split_log_exp_sum(xr, m):
    """row_log_exp_sum over threads (the same chunk sums, folded in the same order)."""
    partials = np.empty((number_of_chunks(len(xr)), 2))
    for c in prange(partials.shape[0]):
        start, stop = chunk_bounds(len(xr), c)
        partials[c, 0], partials[c, 1], _ = log_exp_sum(xr[start:stop], m, None)
    hi, lo = fold_sums(partials)
    grid = dominance_grid(xr, hi, lo)  # exact_when_dominant, its chunks over threads
    if grid == 0.0:
        return hi, lo
    for c in prange(partials.shape[0]):
        start, stop = chunk_bounds(len(xr), c)
        partials[c, 0], partials[c, 1] = others_exp_sum(xr[start:stop], m, grid)
    hi, lo = fold_sums(partials)
    return 1.0, hi + lo


@parallel
def split_dot(a, b):
    partials = np.empty((number_of_chunks(len(a)), 2))
    for c in prange(partials.shape[0]):
        start, stop = chunk_bounds(len(a), c)
        partials[c, 0], partials[c, 1] = dot(a[start:stop], b[start:stop])
    return fold_sums(partials)


@parallel
def split_sum(a, ones):
    partials = np.empty((number_of_chunks(len(a)), 2))
    for c in prange(partials.shape[0]):
        start, stop = chunk_bounds(len(a), c)
        partials[c, 0], partials[c, 1] = dot(a[start:stop], ones[: stop - start])
    return fold_sums(partials)


@parallel
def split_map_softmax(yr, inv_hi, inv_lo, terms):
    for c in prange(number_of_chunks(len(yr))):
        start, stop = chunk_bounds(len(yr), c)
        if terms is None:
            scale_chunk(yr[start:stop], inv_hi, inv_lo)
        else:
            scale_chunk(yr[start:stop], inv_hi, inv_lo, terms[start:stop])


@parallel
def split_map_log_softmax(xr, c_hi, c_lo, yr):
    for c in prange(number_of_chunks(len(xr))):
        start, stop = chunk_bounds(len(xr), c)
        log_softmax_chunk(xr[start:stop], c_hi, c_lo, yr[start:stop])


@parallel
def split_map_softmax_backward(dyr, yr, s_hi, s_lo, out):
    for c in prange(number_of_chunks(len(dyr))):
        start, stop = chunk_bounds(len(dyr), c)
        softmax_backward_chunk(dyr[start:stop], yr[start:stop], s_hi, s_lo, out[start:stop])


@parallel
def split_map_log_softmax_backward(dyr, logyr, s_hi, s_lo, out):
    for c in prange(number_of_chunks(len(dyr))):
        start, stop = chunk_bounds(len(dyr), c)
        log_softmax_backward_chunk(dyr[start:stop], logyr[start:stop], s_hi, s_lo, out[start:stop])


@parallel
def split_copy(source, destination):
    for c in prange(number_of_chunks(len(destination))):
        start, stop = chunk_bounds(len(destination), c)
        copy_row(source[start:stop], destination[start:stop])


# --- the functions, per row ----------------------------------------------------
# Rows of at most CHUNK entries run in turn (rows_in_turn), each row's exp pass also finding the
# next row's maximum; longer rows run chunk by chunk, each pass on its own.


def rows_in_turn(short_row):
    """A kernel (x, y, start, stop) running short_row(x, y, r, m, x[r + 1]) for rows start..stop - 1
    of at most CHUNK entries (x[r] itself for the last), m row r's maximum, each call returning the
    maximum of the row it was given, found in row r's exp pass.

    On its own the maximum's pass is memory-bound (it reads the row in) and the exp pass
    compute-bound (on a row in cache): together the next row comes in while the exp arithmetic
    runs. On a Zen 5 CPU, against a pass of its own: 0.74-0.91x the float64 softmax, log_softmax
    and logsumexp time at 4096x1000; float32 0.88-1.03x there, 0.90-0.93x at 4096x100, but
    1.03-1.13x in cache (64x1000, int32 keys in float64's 8 lanes, not 16). Same bits. The last
    row scans itself again, so that every row runs the one loop.
    """

    @kernel
    def run(x, y, start, stop):
        m = row_max(x[start]) if start < stop else 0.0
        for r in range(start, stop):
            m = short_row(x, y, r, m, x[min(r + 1, stop - 1)])

    return run


@kernel
def softmax_short_row(x, y, r, m, following):
    s_hi, s_lo, next_m = softmax_exp_sum(x[r], m, y[r], following)
    scale_chunk(y[r], *reciprocal(s_hi, s_lo))
    return next_m


@kernel
def softmax_short_row_in_place(x, terms, r, m, following):
    """softmax_short_row for y = x: the terms go to a scratch row, the scaled results into x[r].
    Each loop then reads one array and writes another, which LLVM vectorizes (an exp loop that
    writes the row it reads it runs scalar: 4.3-5.9x the time). Out of place the terms stay in
    y[r], whose lines the exp pass brings into the cache while its arithmetic runs (through a
    scratch row, 1.2-1.3x the time at 4096x1000)."""
    s_hi, s_lo, next_m = softmax_exp_sum(x[r], m, terms, following)
    scale_chunk(x[r], *reciprocal(s_hi, s_lo), terms)
    return next_m


@kernel
def log_softmax_short_row(x, y, r, m, following):
    s_hi, s_lo, next_m = log_exp_sum(x[r], m, following)
    s_hi, s_lo = exact_when_dominant(x[r], m, s_hi, s_lo)
    log_softmax_chunk(x[r], *log_normalizer(m, s_hi, s_lo), y[r])
    return next_m


@kernel
def log_softmax_short_row_in_place(x, scratch, r, m, following):
    """log_softmax_short_row for y = x: into a scratch row, then copied into x[r] (see
    copy_row)."""
    s_hi, s_lo, next_m = log_exp_sum(x[r], m, following)
    s_hi, s_lo = exact_when_dominant(x[r], m, s_hi, s_lo)
    log_softmax_chunk(x[r], *log_normalizer(m, s_hi, s_lo), scratch)
    copy_row(scratch, x[r])
    return next_m


@kernel
def logsumexp_short_row(x, out, r, m, following):
    s_hi, s_lo, next_m = log_exp_sum(x[r], m, following)
    out[r] = logsumexp_from(m, *exact_when_dominant(x[r], m, s_hi, s_lo))
    return next_m


softmax_rows_in_turn = rows_in_turn(softmax_short_row)
softmax_rows_in_turn_in_place = rows_in_turn(softmax_short_row_in_place)  # its y: the scratch row
log_softmax_rows_in_turn = rows_in_turn(log_softmax_short_row)
log_softmax_rows_in_turn_in_place = rows_in_turn(log_softmax_short_row_in_place)  # y: a scratch row
logsumexp_rows_in_turn = rows_in_turn(logsumexp_short_row)


@kernel
def softmax_row(xr, yr, terms=None):
    """yr = softmax(xr), the terms exp(xr - m) kept in yr, or in ``terms``, a scratch row, where
    yr is xr (softmax_short_row_in_place)."""
    m = row_max(xr)
    if terms is None:
        inv_hi, inv_lo = reciprocal(*row_softmax_exp_sum(xr, m, yr))  # y = exp(x - m) / sum exp(x - m)
    else:
        inv_hi, inv_lo = reciprocal(*row_softmax_exp_sum(xr, m, terms))
    scale_chunk(yr, inv_hi, inv_lo, terms)


@serial  # its steps are the parallel ones
def softmax_split_row(xr, yr, terms=None):
    m = split_max(xr)
    if terms is None:
        inv_hi, inv_lo = reciprocal(*split_exp_sum_kept(xr, m, yr))
    else:
        inv_hi, inv_lo = reciprocal(*split_exp_sum_kept(xr, m, terms))
    split_map_softmax(yr, inv_hi, inv_lo, terms)


@kernel
def log_softmax_row(xr, yr):
    # log y = x - (m + log sum exp(x - m)); the sum stores no term (log_exp_sum), so yr may be xr
    m = row_max(xr)
    c_hi, c_lo = log_normalizer(m, *row_log_exp_sum(xr, m))
    log_softmax_chunk(xr, c_hi, c_lo, yr)


@serial  # its steps are the parallel ones
def log_softmax_split_row(xr, yr):
    m = split_max(xr)
    c_hi, c_lo = log_normalizer(m, *split_log_exp_sum(xr, m))
    split_map_log_softmax(xr, c_hi, c_lo, yr)


@kernel
def logsumexp_row(xr):
    m = row_max(xr)
    return logsumexp_from(m, *row_log_exp_sum(xr, m))


@serial  # its steps are the parallel ones
def logsumexp_split_row(xr):
    m = split_max(xr)
    return logsumexp_from(m, *split_log_exp_sum(xr, m))


# Backward forms: softmax y (dy - sum(dy y)), log_softmax dy - exp(log y) sum(dy). Separate
# kernels, not one with a flag: a runtime flag in the row loop costs 15x on short rows.


@kernel
def softmax_backward_row(dyr, yr, out):
    softmax_backward_chunk(dyr, yr, *row_dot(dyr, yr), out)


@serial  # its steps are the parallel ones
def softmax_backward_split_row(dyr, yr, out):
    split_map_softmax_backward(dyr, yr, *split_dot(dyr, yr), out)


@kernel
def log_softmax_backward_row(dyr, logyr, out, ones):
    log_softmax_backward_chunk(dyr, logyr, *row_sum(dyr, ones), out)


@serial  # its steps are the parallel ones
def log_softmax_backward_split_row(dyr, logyr, out, ones):
    split_map_log_softmax_backward(dyr, logyr, *split_sum(dyr, ones), out)


# --- the loops over rows: serial for small work, parallel for large -----------


@kernel
def split_rows(rows, n):
    return rows < SPLIT_ROWS_BELOW and n > CHUNK


# Blocks of rows in turn over the threads (rows_in_turn), which do not change the results: few, as
# each reads its first row once more, but at least 24 (1, 2, 3, 4, 6, 8 or 12 threads share those
# evenly) and one per 16 rows (so that many threads find work).
BLOCKS_MIN = 24
ROWS_PER_BLOCK_MAX = 16


@kernel
def number_of_blocks(rows):
    return max(BLOCKS_MIN, rows // ROWS_PER_BLOCK_MAX)


@kernel
def block_bounds(rows, blocks, b):
    """Rows start..stop - 1 of block b of ``blocks``: runs of near equal length (differing by one
    at most)."""
    return b * rows // blocks, (b + 1) * rows // blocks


@serial
def softmax_serial(x, y):
    if x.shape[1] <= CHUNK:
        softmax_rows_in_turn(x, y, 0, x.shape[0])
    else:
        for r in range(x.shape[0]):
            softmax_row(x[r], y[r])
    clear_fp_status()


@parallel
def softmax_parallel(x, y):
    if split_rows(*x.shape):
        for r in range(x.shape[0]):
            softmax_split_row(x[r], y[r])
    elif x.shape[1] <= CHUNK:
        blocks = number_of_blocks(x.shape[0])
        for b in prange(blocks):
            softmax_rows_in_turn(x, y, *block_bounds(x.shape[0], blocks, b))
    else:
        for r in prange(x.shape[0]):
            softmax_row(x[r], y[r])
    clear_fp_status()


@serial
def softmax_in_place_serial(x, y):
    """softmax_serial for y = x (the wrapper passes the one array twice), through a scratch row:
    the same results."""
    terms = np.empty(x.shape[1], x.dtype)
    if x.shape[1] <= CHUNK:
        softmax_rows_in_turn_in_place(x, terms, 0, x.shape[0])
    else:
        for r in range(x.shape[0]):
            softmax_row(x[r], x[r], terms)
    clear_fp_status()


@parallel
def softmax_in_place_parallel(x, y):
    """softmax_parallel for y = x, through a scratch row per block, long row or split rows."""
    if split_rows(*x.shape):
        terms = np.empty(x.shape[1], x.dtype)
        for r in range(x.shape[0]):
            softmax_split_row(x[r], x[r], terms)
    elif x.shape[1] <= CHUNK:
        blocks = number_of_blocks(x.shape[0])
        for b in prange(blocks):
            terms = np.empty(x.shape[1], x.dtype)
            softmax_rows_in_turn_in_place(x, terms, *block_bounds(x.shape[0], blocks, b))
    else:
        for r in prange(x.shape[0]):
            softmax_row(x[r], x[r], np.empty(x.shape[1], x.dtype))
    clear_fp_status()


@serial
def log_softmax_serial(x, y):
    if x.shape[1] <= CHUNK:
        log_softmax_rows_in_turn(x, y, 0, x.shape[0])
    else:
        for r in range(x.shape[0]):
            log_softmax_row(x[r], y[r])
    clear_fp_status()


@parallel
def log_softmax_parallel(x, y):
    if split_rows(*x.shape):
        for r in range(x.shape[0]):
            log_softmax_split_row(x[r], y[r])
    elif x.shape[1] <= CHUNK:
        blocks = number_of_blocks(x.shape[0])
        for b in prange(blocks):
            log_softmax_rows_in_turn(x, y, *block_bounds(x.shape[0], blocks, b))
    else:
        for r in prange(x.shape[0]):
            log_softmax_row(x[r], y[r])
    clear_fp_status()


@serial
def logsumexp_serial(x, out):
    if x.shape[1] <= CHUNK:
        logsumexp_rows_in_turn(x, out, 0, x.shape[0])
    else:
        for r in range(x.shape[0]):
            out[r] = logsumexp_row(x[r])
    clear_fp_status()


@parallel
def logsumexp_parallel(x, out):
    if split_rows(*x.shape):
        for r in range(x.shape[0]):
            out[r] = logsumexp_split_row(x[r])
    elif x.shape[1] <= CHUNK:
        blocks = number_of_blocks(x.shape[0])
        for b in prange(blocks):
            logsumexp_rows_in_turn(x, out, *block_bounds(x.shape[0], blocks, b))
    else:
        for r in prange(x.shape[0]):
            out[r] = logsumexp_row(x[r])
    clear_fp_status()


@serial
def softmax_backward_serial(dy, y, out):
    for r in range(dy.shape[0]):
        softmax_backward_row(dy[r], y[r], out[r])
    clear_fp_status()


@parallel
def softmax_backward_parallel(dy, y, out):
    if split_rows(*dy.shape):
        for r in range(dy.shape[0]):
            softmax_backward_split_row(dy[r], y[r], out[r])
    else:
        for r in prange(dy.shape[0]):
            softmax_backward_row(dy[r], y[r], out[r])
    clear_fp_status()


@serial
def log_softmax_backward_serial(dy, logy, out):
    ones = np.ones(min(dy.shape[1], CHUNK))
    for r in range(dy.shape[0]):
        log_softmax_backward_row(dy[r], logy[r], out[r], ones)
    clear_fp_status()


@parallel
def log_softmax_backward_parallel(dy, logy, out):
    ones = np.ones(min(dy.shape[1], CHUNK))
    if split_rows(*dy.shape):
        for r in range(dy.shape[0]):
            log_softmax_backward_split_row(dy[r], logy[r], out[r], ones)
    else:
        for r in prange(dy.shape[0]):
            log_softmax_backward_row(dy[r], logy[r], out[r], ones)
    clear_fp_status()


# In place (out is an input, passed as both): each row into a scratch row, then copied out (copy_row).


@serial
def log_softmax_in_place_serial(x, y):
    scratch = np.empty(x.shape[1], x.dtype)
    if x.shape[1] <= CHUNK:
        log_softmax_rows_in_turn_in_place(x, scratch, 0, x.shape[0])
    else:
        for r in range(x.shape[0]):
            log_softmax_row(x[r], scratch)
            copy_row(scratch, x[r])
    clear_fp_status()


@parallel
def log_softmax_in_place_parallel(x, y):
    if split_rows(*x.shape):
        scratch = np.empty(x.shape[1], x.dtype)
        for r in range(x.shape[0]):
            log_softmax_split_row(x[r], scratch)
            split_copy(scratch, x[r])
    elif x.shape[1] <= CHUNK:
        blocks = number_of_blocks(x.shape[0])
        for b in prange(blocks):
            scratch = np.empty(x.shape[1], x.dtype)
            log_softmax_rows_in_turn_in_place(x, scratch, *block_bounds(x.shape[0], blocks, b))
    else:
        for r in prange(x.shape[0]):
            scratch = np.empty(x.shape[1], x.dtype)
            log_softmax_row(x[r], scratch)
            copy_row(scratch, x[r])
    clear_fp_status()


@serial
def softmax_backward_in_place_serial(dy, y, out):
    scratch = np.empty(dy.shape[1], out.dtype)
    for r in range(dy.shape[0]):
        softmax_backward_row(dy[r], y[r], scratch)
        copy_row(scratch, out[r])
    clear_fp_status()


@parallel
def softmax_backward_in_place_parallel(dy, y, out):
    if split_rows(*dy.shape):
        scratch = np.empty(dy.shape[1], out.dtype)
        for r in range(dy.shape[0]):
            softmax_backward_split_row(dy[r], y[r], scratch)
            split_copy(scratch, out[r])
    else:
        blocks = number_of_blocks(dy.shape[0])
        for b in prange(blocks):
            scratch = np.empty(dy.shape[1], out.dtype)
            for r in range(*block_bounds(dy.shape[0], blocks, b)):
                softmax_backward_row(dy[r], y[r], scratch)
                copy_row(scratch, out[r])
    clear_fp_status()


@serial
def log_softmax_backward_in_place_serial(dy, logy, out):
    ones = np.ones(min(dy.shape[1], CHUNK))
    scratch = np.empty(dy.shape[1], out.dtype)
    for r in range(dy.shape[0]):
        log_softmax_backward_row(dy[r], logy[r], scratch, ones)
        copy_row(scratch, out[r])
    clear_fp_status()


@parallel
def log_softmax_backward_in_place_parallel(dy, logy, out):
    ones = np.ones(min(dy.shape[1], CHUNK))
    if split_rows(*dy.shape):
        scratch = np.empty(dy.shape[1], out.dtype)
        for r in range(dy.shape[0]):
            log_softmax_backward_split_row(dy[r], logy[r], scratch, ones)
            split_copy(scratch, out[r])
    else:
        blocks = number_of_blocks(dy.shape[0])
        for b in prange(blocks):
            scratch = np.empty(dy.shape[1], out.dtype)
            for r in range(*block_bounds(dy.shape[0], blocks, b)):
                log_softmax_backward_row(dy[r], logy[r], scratch, ones)
                copy_row(scratch, out[r])
    clear_fp_status()


KERNELS = {
    "softmax": (softmax_serial, softmax_parallel),
    "softmax_in_place": (softmax_in_place_serial, softmax_in_place_parallel),
    "log_softmax": (log_softmax_serial, log_softmax_parallel),
    "log_softmax_in_place": (log_softmax_in_place_serial, log_softmax_in_place_parallel),
    "logsumexp": (logsumexp_serial, logsumexp_parallel),
    "softmax_backward": (softmax_backward_serial, softmax_backward_parallel),
    "softmax_backward_in_place": (softmax_backward_in_place_serial, softmax_backward_in_place_parallel),
    "log_softmax_backward": (log_softmax_backward_serial, log_softmax_backward_parallel),
    "log_softmax_backward_in_place": (
        log_softmax_backward_in_place_serial,
        log_softmax_backward_in_place_parallel,
    ),
}
