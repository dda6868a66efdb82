"""The Taylor patches around derivatives' interior roots (fastact/_root_coefficients.py) are
current: each x0 sits next to a root of the mpmath reference, and each polynomial matches the
reference across its patch."""

import mpmath as mp
import numpy as np
import pytest

from fastact import _root_coefficients
from fastact._fitting.fit_roots import PATCHES
from fastact._mpmath_reference import REFERENCES


@pytest.mark.parametrize("constant", list(PATCHES))
def test_patch_matches_its_reference(constant):
    activation, role, _, half_width = PATCHES[constant]
    x0, stored_width, coefficients = getattr(_root_coefficients, constant)
    assert stored_width == half_width
    function = REFERENCES[activation][role]
    with mp.workprec(256):
        root = mp.findroot(function, mp.mpf(x0))
        assert abs(root - x0) <= np.spacing(abs(x0))
        for s in np.linspace(-half_width, half_width, 9):
            exact = function(mp.mpf(x0) + mp.mpf(s))
            if exact == 0:
                continue
            ascending = [mp.mpf(c) for c in reversed(coefficients)]
            patch = mp.fsum(c * mp.mpf(s) ** j for j, c in enumerate(ascending))
            # Coefficients rounded to doubles: ~1 ULP of float64 (2^-53) at most, the truncation below.
            assert abs(patch / exact - 1) < 2.0**-52, (constant, s)
