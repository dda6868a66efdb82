import math
import os

import numpy as np
import pytest
from hypothesis import settings

import fastact

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=200)
settings.register_profile("dev", deadline=None, max_examples=200)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

DTYPES = (np.float32, np.float64)

# (ufunc name, dtype) -> (max ULP error, worst input), filled by test_accuracy.
MEASURED_ULP = {}
# elementary kernel name -> (max ULP error, worst input, inputs tested), filled by test_elementary.
MEASURED_ELEMENTARY_ULP = {}
# (softmax-family function, dtype) -> {row kind: max ULP error}, filled by test_softmax_accuracy.
MEASURED_SOFTMAX_ULP = {}
# float32-accuracy kernel name -> (max relative error, worst input, inputs tested), by test_elementary_single.
MEASURED_SINGLE_RELATIVE = {}


def ufunc(name):
    return getattr(fastact, name)


def softmax_summary(terminalreporter):
    terminalreporter.section("softmax family: max ULP error against mpmath (fixed rows)")
    kinds = list(dict.fromkeys(kind for errors in MEASURED_SOFTMAX_ULP.values() for kind in errors))
    header = " ".join(f"{kind:>15s}" for kind in kinds)
    terminalreporter.write_line(f"{'function':22s} {'dtype':8s} {header}")
    for (name, dtype), errors in sorted(MEASURED_SOFTMAX_ULP.items()):
        cells = [f"{errors[kind]:15.3f}" if kind in errors else f"{'-':>15s}" for kind in kinds]
        terminalreporter.write_line(f"{name:22s} {dtype:8s} " + " ".join(cells))


def pytest_terminal_summary(terminalreporter):
    if MEASURED_SOFTMAX_ULP:
        softmax_summary(terminalreporter)
    if MEASURED_ELEMENTARY_ULP:
        terminalreporter.section("elementary kernels: max ULP error against mpmath (in their own dtype)")
        for name, (error, worst, count) in MEASURED_ELEMENTARY_ULP.items():
            terminalreporter.write_line(f"{name:16s} {error:6.3f} ULP  at x = {worst!r:24s} ({count} inputs)")
    if MEASURED_SINGLE_RELATIVE:
        terminalreporter.section("float32-accuracy elementary kernels: max relative error against mpmath")
        for name, (error, worst, count) in MEASURED_SINGLE_RELATIVE.items():
            exponent = f"2^{math.log2(error):.1f}" if error > 0 else "0"
            terminalreporter.write_line(f"{name:16s} {exponent:>8s}  at x = {worst!r:24s} ({count} inputs)")
    if not MEASURED_ULP:
        return
    terminalreporter.section("max ULP error against mpmath (full-range grids)")
    names = sorted({name for name, _ in MEASURED_ULP}, key=list(fastact.UFUNCS).index)
    terminalreporter.write_line(f"{'ufunc':32s} {'float32':>9s} {'float64':>9s}")
    for name in names:
        cells = []
        for dtype in DTYPES:
            value = MEASURED_ULP.get((name, dtype.__name__))
            cells.append(f"{value[0]:9.3f}" if value else f"{'-':>9s}")
        terminalreporter.write_line(f"{name:32s} {' '.join(cells)}")


@pytest.fixture(params=DTYPES, ids=lambda d: d.__name__)
def dtype(request):
    return request.param
