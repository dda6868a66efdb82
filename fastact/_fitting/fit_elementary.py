"""Fit the constants and polynomials of fastact/_elementary.py in mpmath; write fastact/_coefficients.py.

    python -m fastact._fitting.fit_elementary   # a few minutes; needs mpmath

Every polynomial is a weighted minimax (Remez) fit of the function the kernel
needs, with relative error as the weight, computed at 256 bits and rounded to
float64. The printed log2 errors are for the rounded coefficients.
"""

import pathlib
import sys

import mpmath as mp
import numpy as np

from .remez import max_weighted_error, remez

mp.mp.prec = 256
OUTPUT = pathlib.Path(__file__).parents[1] / "_coefficients.py"

SERIES_TERMS = 90


def series(term):
    """t -> sum_k term(t, k): each function below is an alternating or fast series on its interval."""
    return lambda t: mp.fsum(term(t, k) for k in range(SERIES_TERMS))


# exp(r) = 1 + r + r^2/2 + r^3 EXP_CUBIC_TAIL(r), |r| <= ln2/2 (plus slack for the rounding of k).
EXP_CUBIC_TAIL = series(lambda r, k: r**k / mp.factorial(k + 3))
EXP_INTERVAL = mp.log(2) / 2 * (1 + mp.mpf(2) ** -20)
# log(1+f) = 2 atanh(s) = 2s + s^3 ATANH_TAIL(s^2), s = f/(2+f), |s| <= 3 - 2 sqrt 2.
ATANH_TAIL = series(lambda z, k: 2 * z**k / (2 * k + 3))
ATANH_INTERVAL = (3 - 2 * mp.sqrt(2)) ** 2 * (1 + mp.mpf(2) ** -20)
# erf(x) = x (2/sqrt(pi) + x^2 ERF_TAIL(x^2)), |x| <= 1/2.
TWO_OVER_SQRT_PI = 2 / mp.sqrt(mp.pi)
ERF_TAIL = series(
    lambda z, k: TWO_OVER_SQRT_PI * (-1) ** (k + 1) * z**k / (mp.factorial(k + 1) * (2 * k + 3))
)
ERF_SMALL_LIMIT = mp.mpf(0.5)
# float32-accuracy kernels (fastact/_elementary_single.py): low degrees, relative error ~2^-34.
# exp(r) = 1 + r EXP_SINGLE_TAIL(r), |r| <= ln2/2 (1 + 2^-20), weighted relative to exp(r).
EXP_SINGLE_TAIL = series(lambda r, k: r**k / mp.factorial(k + 1))
EXP_SINGLE_DEGREE = 6
# expm1(r) = r + r^2 EXPM1_SINGLE_TAIL(r), weighted so that the error is relative to expm1(r).
EXPM1_SINGLE_TAIL = series(lambda r, k: r**k / mp.factorial(k + 2))
EXPM1_SINGLE_DEGREE = 6
# float32-arithmetic kernels (fastact/_elementary_float32.py), coefficients rounded to float32.
# exp(r) = 1 + r + r^2 EXP_FLOAT32_TAIL(r) (the expm1 tail), weighted relative to exp(r):
# k = round(x/ln2) is formed in float32, so r may pass ln2/2 by ~150 * 2^-24 relative
# (|k| <= 150): the interval has 2^-12 of slack.
EXP_FLOAT32_INTERVAL = mp.log(2) / 2 * (1 + mp.mpf(2) ** -12)
EXP_FLOAT32_DEGREE = 4


def exp_square_tail_weight(r):
    return r * r / mp.exp(r)


# tanh(s) = s + s^3 TANH_FLOAT32_TAIL(s^2) for |s| < TANH_FLOAT32_SERIES_BELOW (tanh's Taylor
# coefficients are 2^2n (2^2n - 1) B_2n / (2n)!, converging for |s| < pi/2).
TANH_FLOAT32_SERIES_BELOW = mp.mpf(0.55)
TANH_FLOAT32_TAIL = series(
    lambda z, k: (
        2 ** (2 * k + 4) * (2 ** (2 * k + 4) - 1) * mp.bernoulli(2 * k + 4) * z**k / mp.factorial(2 * k + 4)
    )
)
TANH_FLOAT32_DEGREE = 5


def exp_tail_weight(r):
    return abs(r) / mp.exp(r)


def expm1_tail_weight(r):
    return r * r / abs(mp.expm1(r)) if r != 0 else mp.mpf(0)


def tanh_tail_weight(z):
    """An error in the tail at z = s^2 moves tanh(s) by s^3 times it: weight s^3 / tanh(s)."""
    s = mp.sqrt(z)
    return z * s / mp.tanh(s) if z != 0 else mp.mpf(0)


# erfc(x) = exp(-x^2) F(x) for x >= 1/2, F a polynomial in x - center on each piece.
ERFC_PIECE_BITS = 4  # pieces split each binade [2^e, 2^(e+1)) into 2^4 equal parts
ERFC_FIRST, ERFC_LAST = mp.mpf(0.5), mp.mpf(27.5)  # erfc(27.5) < 2^-1075 rounds to 0
ERFC_DEGREE = 9


def scaled_erfc(x):
    return mp.exp(x * x) * mp.erfc(x)


def double(value):
    return float(value)


def single(value):
    """The float32 nearest value (through the nearest double: a double rounding off by at most
    2^-53 relative, far below what the float32 fits resolve), as a Python float."""
    return float(np.float32(float(value)))


def double_pair(value):
    """(hi, lo): hi the double nearest value, lo the double nearest the rest."""
    hi = double(value)
    return hi, double(value - hi)


def relative(function):
    return lambda t: 1 / abs(function(t))


def fit_power_series(function, a, b, degree, grid_size=800, weight=None, rounding=double):
    """Minimax coefficients (lowest order first, rounded by ``rounding``) and the rounded fit's log2 error.

    ``weight`` defaults to relative error, 1/|function|.
    """
    weight = weight or relative(function)
    basis = [(lambda t, i=i: t**i) for i in range(degree + 1)]
    coefficients, _ = remez(function, basis, weight, a, b, grid_size)
    rounded = [rounding(c) for c in coefficients]
    error = max_weighted_error(lambda t: mp.polyval(rounded[::-1], t), function, weight, a, b)
    return rounded, float(mp.log(error, 2))


def erfc_pieces():
    """For each piece: (a0_hi, a0_lo, a1, ..., a_degree) with F(center + t) ~ a0_hi + a0_lo + sum a_i t^i."""
    starts, rows, worst = [], [], -mp.inf
    step = mp.mpf(2) ** -ERFC_PIECE_BITS
    start = ERFC_FIRST
    while start < ERFC_LAST:
        binade = mp.mpf(2) ** mp.floor(mp.log(start, 2))
        end = start + binade * step
        center = (start + end) / 2
        piece = lambda t, center=center: scaled_erfc(center + t)  # noqa: E731
        basis = [(lambda t, i=i: t**i) for i in range(ERFC_DEGREE + 1)]
        coefficients, _ = remez(piece, basis, relative(piece), start - center, end - center, 300)
        a0_hi, a0_lo = double_pair(coefficients[0])
        rounded = [a0_hi, a0_lo] + [double(c) for c in coefficients[1:]]
        exact = [mp.mpf(a0_hi) + a0_lo] + rounded[2:]
        error = max_weighted_error(
            lambda t, exact=exact: mp.polyval(exact[::-1], t),
            piece,
            relative(piece),
            start - center,
            end - center,
            600,
        )
        worst = max(worst, error)
        rows.append(tuple(rounded))
        starts.append(start)
        start = end
    return starts, rows, float(mp.log(worst, 2))


def constants():
    ln2_hi, ln2_lo = double_pair(mp.log(2))
    c_hi, c_lo = double_pair(TWO_OVER_SQRT_PI)
    return {
        "LN2_HI": ln2_hi,
        "LN2_LO": ln2_lo,
        "INV_LN2": double(1 / mp.log(2)),
        "TWO_OVER_SQRT_PI_HI": c_hi,
        "TWO_OVER_SQRT_PI_LO": c_lo,
    }


def format_row(start, row, per_line=4):
    lines = [f"    (  # piece starting at {double(start)!r}"]
    for i in range(0, len(row), per_line):
        lines.append("        " + " ".join(f"{v!r}," for v in row[i : i + per_line]))
    return lines + ["    ),"]


def format_tuple(values, indent="    "):
    return "(\n" + "".join(f"{indent}{v!r},\n" for v in values) + indent[:-4] + ")"


def main():
    lines = [
        '"""Constants and minimax coefficients for fastact._elementary.',
        "",
        "Generated by fastact/_fitting/fit_elementary.py (mpmath, 256-bit Remez fits); do not edit.",
        "Polynomials are highest order first, for Horner's rule.",
        '"""',
        "",
    ]
    for name, value in constants().items():
        lines.append(f"{name} = {value!r}")
    fits = {
        "EXP_CUBIC_TAIL": (EXP_CUBIC_TAIL, -EXP_INTERVAL, EXP_INTERVAL, 9),
        "ATANH_TAIL": (ATANH_TAIL, 0, ATANH_INTERVAL, 7),
        "ERF_TAIL": (ERF_TAIL, 0, ERF_SMALL_LIMIT**2, 8),
        "EXP_SINGLE_TAIL": (EXP_SINGLE_TAIL, -EXP_INTERVAL, EXP_INTERVAL, EXP_SINGLE_DEGREE, exp_tail_weight),
        "EXPM1_SINGLE_TAIL": (
            EXPM1_SINGLE_TAIL,
            -EXP_INTERVAL,
            EXP_INTERVAL,
            EXPM1_SINGLE_DEGREE,
            expm1_tail_weight,
        ),
    }
    float32_fits = {
        "EXP_FLOAT32_TAIL": (
            EXPM1_SINGLE_TAIL,
            -EXP_FLOAT32_INTERVAL,
            EXP_FLOAT32_INTERVAL,
            EXP_FLOAT32_DEGREE,
            exp_square_tail_weight,
        ),
        "TANH_FLOAT32_TAIL": (
            TANH_FLOAT32_TAIL,
            mp.mpf(2) ** -40,  # the weight vanishes at 0, where Remez divides by it
            TANH_FLOAT32_SERIES_BELOW**2,
            TANH_FLOAT32_DEGREE,
            tanh_tail_weight,
        ),
    }
    fits = {name: (*fit, double) for name, fit in fits.items()}
    fits |= {name: (*fit, single) for name, fit in float32_fits.items()}
    for name, (function, a, b, degree, *weight, rounding) in fits.items():
        weight = weight[0] if weight else None
        coefficients, log2_error = fit_power_series(function, a, b, degree, weight=weight, rounding=rounding)
        print(f"{name}: degree {degree}, max relative error 2^{log2_error:.1f}", file=sys.stderr)
        lines += ["", f"# relative error of the rounded fit: 2^{log2_error:.1f}"]
        lines.append(f"{name} = {format_tuple(coefficients[::-1])}")
    starts, rows, log2_error = erfc_pieces()
    print(f"ERFC_PIECES: {len(rows)} pieces, max relative error 2^{log2_error:.1f}", file=sys.stderr)
    lines += [
        "",
        f"ERFC_PIECE_BITS = {ERFC_PIECE_BITS}",
        f"ERFC_FIRST = {double(ERFC_FIRST)!r}",
        f"ERFC_LAST = {double(ERFC_LAST)!r}",
        f"# Rows (a0_hi, a0_lo, a1, ..., a{ERFC_DEGREE}), lowest order first, one per piece [start, end).",
        f"# Relative error of F on every piece: at most 2^{log2_error:.1f}.",
        "# fmt: off",
        "ERFC_PIECES = (",
        *[line for start, row in zip(starts, rows, strict=True) for line in format_row(start, row)],
        ")",
        "# fmt: on",
    ]
    OUTPUT.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
