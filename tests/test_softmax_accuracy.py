"""Max error in ULPs of softmax, log_softmax and logsumexp against mpmath, on fixed rows.

Bounds (issue 3): <= 4 ULP whatever the row length or spread, log_softmax
relative to its own size including the dominant entry -exp(-gap).
"""

import mpmath as mp
import numpy as np
import pytest

import fastact
from fastact._mpmath_reference import PRECISION_BITS, logsumexp_reference, softmax_family_reference
from fastact._ulp import max_ulp_error

from conftest import DTYPES, MEASURED_SOFTMAX_ULP

BOUND_ULP = 4.0
FUNCTIONS = ("softmax", "log_softmax", "logsumexp")
LONG_ROW = 100_000
LONG_ROW_SAMPLES = 400


def gaussian_rows(dtype):
    return np.random.default_rng(1).normal(size=(6, 100)).astype(dtype)


def wide_spread_rows(dtype):
    half_spread = 350.0 if dtype == np.float64 else 40.0
    return np.random.default_rng(2).uniform(-half_spread, half_spread, size=(6, 200)).astype(dtype)


def dominant_entry_rows(dtype):
    """A row per gap: one entry, the others gap (+ noise) below it; log_softmax there is ~ -exp(-gap)."""
    gaps = (5.0, 20.0, 40.0, 300.0, 700.0) if dtype == np.float64 else (5.0, 15.0, 40.0, 80.0)
    rng = np.random.default_rng(3)
    rows = -np.asarray(gaps)[:, None] - rng.uniform(0, 3, size=(len(gaps), 16))
    rows[:, 5] = rng.uniform(-1, 1, len(gaps))
    return rows.astype(dtype), max(gaps)


ROW_KINDS = {
    "gaussian": lambda dtype: (gaussian_rows(dtype), 0.0),
    "wide spread": lambda dtype: (wide_spread_rows(dtype), 0.0),
    "dominant entry": dominant_entry_rows,
}


def computed(x):
    return {name: getattr(fastact, name)(x) for name in FUNCTIONS}


def record(function, dtype, kind, error):
    """The worst error seen for (function, dtype) on rows of this kind, over every test that records it."""
    measured = MEASURED_SOFTMAX_ULP.setdefault((function, dtype.__name__), {})
    measured[kind] = max(error, measured.get(kind, 0.0))


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("kind", list(ROW_KINDS))
def test_max_ulp_error_on_fixed_rows(kind, dtype):
    rows, gap = ROW_KINDS[kind](dtype)
    results = computed(rows)
    worst = dict.fromkeys(FUNCTIONS, 0.0)
    # Dominant entries: x_max - logsumexp cancels ~gap/ln2 bits, so the reference carries them.
    with mp.workprec(PRECISION_BITS + int(gap / np.log(2)) + 64):
        for r, row in enumerate(rows):
            exact = dict(zip(FUNCTIONS, softmax_family_reference(row), strict=True))
            for name in ("softmax", "log_softmax"):
                worst[name] = max(worst[name], max_ulp_error(results[name][r], exact[name], dtype)[0])
            lse_error = max_ulp_error([results["logsumexp"][r]], [exact["logsumexp"]], dtype)[0]
            worst["logsumexp"] = max(worst["logsumexp"], lse_error)
    for name, error in worst.items():
        record(name, dtype, kind, error)
    assert max(worst.values()) <= BOUND_ULP, worst


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_max_ulp_error_on_a_long_row(dtype):
    """One 1e5-long Gaussian row (sum of every entry exact in mpmath), a sample of entries checked."""
    row = np.random.default_rng(4).normal(scale=3.0, size=LONG_ROW).astype(dtype)
    results = computed(row)
    sample = np.random.default_rng(5).choice(LONG_ROW, LONG_ROW_SAMPLES, replace=False)
    sample[0] = int(np.argmax(row))
    with mp.workprec(PRECISION_BITS):
        lse = logsumexp_reference(row)
        log_softmax = [mp.mpf(float(row[i])) - lse for i in sample]
        exact = {"softmax": [mp.exp(v) for v in log_softmax], "log_softmax": log_softmax}
        worst = {name: max_ulp_error(results[name][sample], exact[name], dtype)[0] for name in exact}
        worst["logsumexp"] = max_ulp_error([results["logsumexp"]], [lse], dtype)[0]
    for name, error in worst.items():
        record(name, dtype, "1e5-long row", error)
    assert max(worst.values()) <= BOUND_ULP, worst


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("position", [0, 4095, 4096, 4499], ids=lambda p: f"maximum at {p}")
def test_dominant_entry_on_a_two_chunk_row(position, dtype):
    """Rows of two chunks whose others sum to t = 2^-6 ... 2^-46 of the dominant entry, wherever it
    is: a float32 row sums the others apart from its maximum (exp_sum_apart_from_maxima)."""
    length = 4500
    rng = np.random.default_rng(6)
    gaps = np.arange(12.0, 40.0, 2.0)
    rows = -(gaps[:, None] + rng.uniform(0, 1, size=(len(gaps), length)))
    rows[:, position] = 0.0
    rows = rows.astype(dtype)
    results = {"log_softmax": fastact.log_softmax(rows)[:, position], "logsumexp": fastact.logsumexp(rows)}
    worst = dict.fromkeys(results, 0.0)
    with mp.workprec(PRECISION_BITS):
        for r, row in enumerate(rows):
            others = mp.fsum(mp.exp(mp.mpf(float(v))) for i, v in enumerate(row) if i != position)
            exact = {"log_softmax": -mp.log1p(others), "logsumexp": mp.log1p(others)}
            for name, computed_values in results.items():
                error = max_ulp_error([computed_values[r]], [exact[name]], dtype)[0]
                worst[name] = max(worst[name], error)
    for name, error in worst.items():
        record(name, dtype, "dominant, 2 chunks", error)
    assert max(worst.values()) <= BOUND_ULP, worst


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("shape", [(8, 1000), (4, 4500), (1, 100_000)], ids=lambda s: "x".join(map(str, s)))
def test_dominant_entry_over_equal_others(shape, dtype):
    """One entry 30 to 700 above all the others, which are equal: their terms' rounding errors
    add up rather than cancel, so a sum of rests that rounds by n 2^-53 of itself (up to 101 ULP
    of t at 1e5 entries, before exact_when_dominant) shows; short, long and split rows."""
    rows, length = shape
    gaps = (30.0, 40.0, 100.0, 700.0) if dtype == np.float64 else (20.0, 40.0, 80.0)
    x = np.empty((rows * len(gaps), length))
    for g, gap in enumerate(gaps):
        x[g * rows : (g + 1) * rows] = -gap
    positions = np.arange(len(x)) % 2 * (length - 1)  # the maximum first or last
    x[np.arange(len(x)), positions] = 0.0
    x = x.astype(dtype)
    results = {
        "log_softmax": fastact.log_softmax(x)[np.arange(len(x)), positions],
        "logsumexp": fastact.logsumexp(x),
    }
    worst = dict.fromkeys(results, 0.0)
    with mp.workprec(PRECISION_BITS):
        for r in range(len(x)):
            others = (length - 1) * mp.exp(mp.mpf(float(x[r, length - 1 - positions[r]])))
            exact = {"log_softmax": -mp.log1p(others), "logsumexp": mp.log1p(others)}
            for name, values in results.items():
                worst[name] = max(worst[name], max_ulp_error([values[r]], [exact[name]], dtype)[0])
    for name, error in worst.items():
        record(name, dtype, "dominant, equal others", error)
    assert max(worst.values()) <= BOUND_ULP, worst


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_tied_maxima_in_two_chunks(dtype):
    """Two maxima (3), one per chunk, the others far below: log_softmax ~ -log(2) at both, logsumexp
    ~ 3 + log(2)."""
    row = np.full(4500, -60.0, dtype=dtype)
    row[[10, 4400]] = 3.0
    with mp.workprec(PRECISION_BITS):
        lse = logsumexp_reference(row)
        errors = [
            max_ulp_error(fastact.log_softmax(row)[[10, 4400]], [3 - lse] * 2, dtype)[0],
            max_ulp_error([fastact.logsumexp(row)], [lse], dtype)[0],
        ]
    assert max(errors) <= BOUND_ULP, errors
