"""Every path through the ufunc inner loop gives what the contiguous out-of-place path gives.

The loop has a contiguous path, an in-place path (out= one of the inputs, run
in stack blocks), and a strided path; NumPy adds where= and broadcasting on
top. Sizes straddle the in-place block length.
"""

import re

import llvmlite.binding as llvm
import numpy as np
import pytest

from fastact import UFUNCS
from fastact._build import scalar_kernel
from fastact._loops import BLOCK, WIDE_VECTORS, compile_loop

from conftest import ufunc

SIZES = (1, 7, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 5)
NAMES = ("sigmoid", "dtanh", "leaky_relu", "sigmoid_backward", "prelu", "prelu_backward")


def arguments(name, size, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-30, 30, size).astype(dtype) for _ in range(ufunc(name).nin)]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", NAMES)
def test_in_place_matches_out_of_place(name, size, dtype):
    f = ufunc(name)
    args = arguments(name, size, dtype)
    expected = f(*args)
    for position in range(f.nin):
        inputs = [a.copy() for a in args]
        result = f(*inputs, out=inputs[position])
        assert result is inputs[position]
        np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize("name", NAMES)
def test_strided_broadcast_and_where_match_contiguous(name, dtype):
    f = ufunc(name)
    size = 2 * BLOCK + 3
    args = arguments(name, 2 * size, dtype, seed=1)
    expected = f(*(a[::2].copy() for a in args))
    np.testing.assert_array_equal(f(*(a[::2] for a in args)), expected)  # strided inputs
    out = np.zeros(2 * size, dtype)
    f(*(a[::2] for a in args), out=out[::2])  # strided output
    np.testing.assert_array_equal(out[::2], expected)
    scalar_last = [a[::2].copy() for a in args[:-1]] + [args[-1][0]]  # last input broadcast
    np.testing.assert_array_equal(f(*scalar_last), f(*scalar_last[:-1], np.full(size, args[-1][0])))
    mask = np.arange(size) % 3 == 0
    out = np.full(size, -7.0, dtype)
    f(*(a[::2].copy() for a in args), out=out, where=mask)
    np.testing.assert_array_equal(out, np.where(mask, expected, dtype(-7.0)))


def _has_avx512():
    llvm.initialize_native_target()
    return bool(llvm.get_host_cpu_features().get("avx512f"))


@pytest.mark.parametrize("dtype_char", ["f", "d"])
def test_loops_ask_llvm_for_the_widest_vectors(dtype_char):
    """The loop function carries prefer_wide_vectors' attribute, and on AVX-512 CPUs its
    arithmetic runs in 512-bit registers (LLVM's default there is 256)."""
    loop = compile_loop(scalar_kernel(UFUNCS["sigmoid"]), 1, np.dtype(dtype_char), "wide_check", cache=False)
    ir = loop._library.get_llvm_str()
    assert WIDE_VECTORS in ir
    if _has_avx512():
        assert re.search(r"\bv\w+p[sd]\s[^\n]*%zmm", loop._library.get_asm_str())
