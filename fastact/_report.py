"""The side-by-side report: fastact against the textbook NumPy formula, per ufunc.

For each ufunc: time ratio (median of repeats) at a small and a large size,
max ULP error of both against mpmath on a fixed grid, and whether either
raised floating-point warnings on the special values.
"""

import json
import os
import subprocess
import sys
import timeit
import warnings

import numpy as np

import fastact

from ._grids import SPECIAL_VALUES, full_range_grid, inputs_on
from ._schema import bind
from ._textbook import TEXTBOOK

REPEATS = 7
TARGET_SECONDS_PER_RUN = 0.004
REPORT_GRID_STRIDE = 8  # every 8th point of the full-range grid: ~500 points


DEFAULT_ROLES = ("forward", "derivative")


def select_ufuncs(names):
    """Ufunc names for a list of ufunc or activation names, or "all".

    None (the default) gives each activation's f and f' with the default
    parameters: a first run compiles what it reports (~1.5 s a loop), and
    these rows keep that first run under a minute.
    """
    if not names:
        return [n for n, s in fastact.UFUNCS.items() if s.role in DEFAULT_ROLES and not s.parametric]
    if names == ["all"]:
        return list(fastact.UFUNCS)
    chosen = []
    for name in names:
        matches = [n for n, s in fastact.UFUNCS.items() if name in (n, s.activation.name)]
        if not matches:
            raise SystemExit(f"fastact: unknown function {name!r}; see fastact.UFUNCS")
        chosen += [m for m in matches if m not in chosen]
    return chosen


def textbook(spec):
    return bind(spec, TEXTBOOK[spec.activation.name])


def default_params(spec):
    return [p.default for p in spec.activation.params] if spec.parametric else []


def median_seconds(function, inputs):
    timer = timeit.Timer(lambda: function(*inputs))
    once = min(timer.repeat(repeat=2, number=1))
    number = max(1, int(TARGET_SECONDS_PER_RUN / max(once, 1e-9)))
    return float(np.median(timer.repeat(repeat=REPEATS, number=number))) / number


def warning_count(function, inputs):
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        function(*inputs)
    return sum(issubclass(w.category, RuntimeWarning) for w in caught)


def accuracy(spec, dtype, fastact_function, numpy_function):
    """(max ULP of fastact, max ULP of the NumPy formula) on a thinned full-range grid."""
    import mpmath as mp

    from ._mpmath_reference import PRECISION_BITS, reference
    from ._ulp import max_ulp_error

    inputs = inputs_on(spec, full_range_grid(dtype)[::REPORT_GRID_STRIDE], default_params(spec))
    exact_function = reference(spec)
    with mp.workprec(PRECISION_BITS):
        columns = np.broadcast_arrays(*inputs)
        exacts = [exact_function(*(mp.mpf(float(c[i])) for c in columns)) for i in range(columns[0].size)]
    with np.errstate(all="ignore"):
        ours = fastact_function(*inputs)
        theirs = np.asarray(numpy_function(*inputs), dtype=dtype)
    return max_ulp_error(ours, exacts, dtype)[0], max_ulp_error(theirs, exacts, dtype)[0]


def measure(name, dtype, sizes, with_accuracy):
    spec = fastact.UFUNCS[name]
    ours, theirs = getattr(fastact, name), textbook(spec)
    row = {"function": name, "dtype": np.dtype(dtype).name}
    for size in sizes:
        x = np.random.default_rng(0).uniform(-5, 5, size).astype(dtype)
        inputs = inputs_on(spec, x, default_params(spec))
        with np.errstate(all="ignore"):
            row[f"ratio_{size}"] = median_seconds(ours, inputs) / median_seconds(theirs, inputs)
    with np.errstate(over="ignore"):
        specials = inputs_on(spec, np.asarray(SPECIAL_VALUES).astype(dtype), default_params(spec))
    row["warnings_fastact"] = warning_count(ours, specials)
    row["warnings_numpy"] = warning_count(theirs, specials)
    if with_accuracy:
        row["ulp_fastact"], row["ulp_numpy"] = accuracy(spec, dtype, ours, theirs)
    return row


def mpmath_available():
    try:
        import mpmath  # noqa: F401
    except ImportError:
        return False
    return True


def format_table(rows, sizes, with_accuracy):
    header = ["function"] + [f"time n={size:.0e}".replace("e+0", "e") for size in sizes]
    if with_accuracy:
        header += ["ULP fastact", "ULP numpy"]
    header += ["warn fastact", "warn numpy"]
    lines = []
    for row in rows:
        cells = [row["function"]] + [f"{row[f'ratio_{size}']:.2f}" for size in sizes]
        if with_accuracy:
            cells += [f"{row['ulp_fastact']:.3g}", f"{row['ulp_numpy']:.3g}"]
        cells += [str(row["warnings_fastact"]), str(row["warnings_numpy"])]
        lines.append(cells)
    widths = [max(len(r[i]) for r in [header, *lines]) for i in range(len(header))]

    def render_row(cells):
        first, *rest = zip(cells, widths, strict=True)
        return "  ".join([first[0].ljust(first[1])] + [c.rjust(w) for c, w in rest])

    render = [render_row(r) for r in [header, *lines]]
    return "\n".join([render[0], "-" * len(render[0]), *render[1:]])


def build_on_two_cores(names):
    """Build the ufuncs ``names`` (compile, or load from Numba's disk cache), every other one in a
    helper process: a cold build costs ~1.7 s a ufunc, and what the helper compiles reaches this
    process through the cache. If the helper fails, this process builds the rest itself."""
    mine, theirs = names[0::2], names[1::2]
    helper = None
    if len(names) > 4 and len(os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else ()) > 1:
        code = "import sys, fastact\nfor name in sys.argv[1:]:\n    getattr(fastact, name)"
        helper = subprocess.Popen(
            [sys.executable, "-c", code, *theirs], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    here = mine if helper else names
    for index, name in enumerate(here, 1):
        print(f"\r[building {index}/{len(here)}] {name:<40}", end="", file=sys.stderr, flush=True)
        getattr(fastact, name)
    if helper:
        helper.wait()


def run(names=None, dtype=np.float64, sizes=(1_000, 1_000_000), json_path=None, stream=sys.stdout):
    chosen = select_ufuncs(names)
    with_accuracy = mpmath_available()
    build_on_two_cores(chosen)
    rows = []
    for index, name in enumerate(chosen, 1):
        print(f"\r[{index}/{len(chosen)}] {name:<40}", end="", file=sys.stderr, flush=True)
        rows.append(measure(name, dtype, sizes, with_accuracy))
    print("\r" + " " * 60 + "\r", end="", file=sys.stderr, flush=True)
    print(f"fastact {fastact.__version__} vs the textbook NumPy formula, {np.dtype(dtype).name}", file=stream)
    print(
        "time n=N: fastact time / NumPy time at N elements (median of "
        f"{REPEATS}; < 1 means fastact is faster)",
        file=stream,
    )
    if with_accuracy:
        print("ULP: max error against mpmath on a fixed grid over the whole float range", file=stream)
    else:
        print("accuracy skipped: mpmath is not installed (pip install mpmath)", file=stream)
    print("warn: floating-point warnings on ±0, subnormals, ±700..800, ±1e308, ±inf, nan\n", file=stream)
    print(format_table(rows, sizes, with_accuracy), file=stream)
    if json_path:
        with open(json_path, "w") as handle:
            json.dump({"dtype": np.dtype(dtype).name, "sizes": list(sizes), "rows": rows}, handle, indent=1)
    return rows
