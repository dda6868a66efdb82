"""Error in units in the last place (ULP) of a result against an mpmath value."""

import math

import mpmath as mp
import numpy as np


@np.errstate(over="ignore")
def ulp_of(exact, dtype):
    """The spacing of ``dtype`` numbers in the binade of ``exact`` (subnormal spacing near 0)."""
    rounded = abs(dtype(float(exact)))
    if abs(exact) < rounded:  # exact lies just below a power of two
        rounded = np.nextafter(rounded, dtype(0))
    return float(np.spacing(rounded))


@np.errstate(over="ignore")
def ulp_error(computed, exact, dtype):
    """|computed - exact| in ULPs of ``dtype``; inf for a wrong nan, inf or sign of infinity."""
    computed = float(computed)
    if mp.isnan(exact) or math.isnan(computed):
        return 0.0 if (mp.isnan(exact) and math.isnan(computed)) else math.inf
    rounded = dtype(float(exact)) if not mp.isinf(exact) else dtype(exact > 0 and np.inf or -np.inf)
    if np.isinf(rounded) or math.isinf(computed):
        return 0.0 if computed == float(rounded) else math.inf
    return float(abs(mp.mpf(computed) - exact) / ulp_of(exact, dtype))


def max_ulp_error(computed, exacts, dtype):
    """(max error, index of the worst element)."""
    errors = [ulp_error(c, e, dtype) for c, e in zip(np.ravel(computed), exacts, strict=True)]
    worst = int(np.argmax(errors))
    return errors[worst], worst
