"""The softmax family: layouts, dtypes, out=, errors, special values, identities, thread counts."""

import hashlib
import math
import os
import subprocess
import sys
import textwrap
import threading
import tracemalloc

import numba
import numpy as np
import pytest
import scipy.special
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import fastact
from fastact._softmax import PARALLEL_MIN_ELEMENTS, AxisError

from conftest import DTYPES

ROWWISE = ("softmax", "log_softmax")
SCIPY = {"softmax": scipy.special.softmax, "log_softmax": scipy.special.log_softmax}
TOLERANCE = {np.float32: 1e-6, np.float64: 1e-14}


def random(shape, dtype=np.float64, seed=0, scale=3.0):
    return (np.random.default_rng(seed).normal(size=shape) * scale).astype(dtype)


# --- agreement with SciPy over shapes, axes and layouts --------------------------------------


@pytest.mark.parametrize("name", ROWWISE)
@pytest.mark.parametrize(
    "shape, axis", [((7,), 0), ((3, 5), -1), ((3, 5), 0), ((2, 3, 4, 5), 1), ((2, 3, 4), -2)]
)
def test_rowwise_matches_scipy_on_any_axis(name, shape, axis, dtype):
    x = random(shape, dtype)
    result = getattr(fastact, name)(x, axis=axis)
    assert result.dtype == dtype and result.shape == x.shape
    expected = SCIPY[name](x.astype(np.float64), axis=axis)
    # SciPy's log_softmax near 0 carries the rounding of x - logsumexp (absolute, ~eps * |x|).
    atol = TOLERANCE[dtype] * np.abs(x).max() if name == "log_softmax" else 0
    np.testing.assert_allclose(result, expected, rtol=TOLERANCE[dtype], atol=atol)


@pytest.mark.parametrize("shape, axis", [((7,), 0), ((3, 5), 0), ((2, 3, 4), 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp_matches_scipy(shape, axis, keepdims, dtype):
    x = random(shape, dtype)
    result = fastact.logsumexp(x, axis=axis, keepdims=keepdims)
    expected = scipy.special.logsumexp(x.astype(np.float64), axis=axis, keepdims=keepdims)
    assert np.shape(result) == np.shape(expected) and result.dtype == dtype
    np.testing.assert_allclose(result, expected, rtol=TOLERANCE[dtype])


def layouts(dtype):
    base = random((6, 40), dtype, seed=4)
    return {
        "strided": base[::2, ::3],
        "negative strides": base[::-1, ::-2],
        "fortran order": np.asfortranarray(base),
        "transposed": base.T,
    }


@pytest.mark.parametrize("name", [*ROWWISE, "logsumexp"])
def test_non_contiguous_input_gives_the_contiguous_result(name, dtype):
    for layout, x in layouts(dtype).items():
        np.testing.assert_array_equal(
            getattr(fastact, name)(x), getattr(fastact, name)(np.ascontiguousarray(x)), err_msg=layout
        )


@pytest.mark.parametrize("name", ROWWISE)
def test_large_inputs_take_the_parallel_kernels_and_agree_with_scipy(name, dtype):
    for shape in [(PARALLEL_MIN_ELEMENTS // 100 + 1, 100), (2, 50_000)]:  # rows in parallel; split rows
        x = random(shape, dtype, seed=5)
        expected = SCIPY[name](x.astype(np.float64), axis=-1)
        np.testing.assert_allclose(getattr(fastact, name)(x), expected, rtol=TOLERANCE[dtype] * 10, atol=0)


def test_integer_input_gives_float64_and_float16_gives_float32():
    assert fastact.softmax(np.arange(5)).dtype == np.float64
    assert fastact.logsumexp(np.arange(5, dtype=np.uint8)).dtype == np.float64
    assert fastact.log_softmax(np.arange(5, dtype=np.float16)).dtype == np.float32
    assert fastact.softmax([1.0, 2.0]).dtype == np.float64


# --- out= ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ROWWISE)
def test_out_contiguous_strided_and_in_place(name, dtype):
    function = getattr(fastact, name)
    x = random((4, 9), dtype)
    expected = function(x)
    out = np.empty_like(x)
    assert function(x, out=out) is out
    np.testing.assert_array_equal(out, expected)
    strided = np.empty((4, 18), dtype)[:, ::2]
    function(x, out=strided)
    np.testing.assert_array_equal(strided, expected)
    in_place = x.copy()
    function(in_place, out=in_place)
    np.testing.assert_array_equal(in_place, expected)
    transposed = x.T.copy()
    function(transposed, axis=0, out=transposed)
    np.testing.assert_array_equal(transposed, expected.T)


# Shapes that reach every kernel path in place: short rows in parallel, long rows in parallel,
# long rows serial, split rows (each chunk of a row over threads).
LARGE_SHAPES = [
    (PARALLEL_MIN_ELEMENTS // 100 + 1, 100),
    (PARALLEL_MIN_ELEMENTS // 5000 + 4, 5000),
    (3, 5000),
    (2, 50_000),
]
BACKWARD_FORWARD = {"softmax_backward": "softmax", "log_softmax_backward": "log_softmax"}


@pytest.mark.parametrize("name", ROWWISE)
def test_in_place_on_large_inputs(name, dtype):
    # a kernel that stored anything in the output row before its last read of the input row
    # would fail here
    function = getattr(fastact, name)
    for shape in LARGE_SHAPES:
        x = random(shape, dtype, seed=6)
        expected = function(x)
        assert function(x, out=x) is x
        np.testing.assert_array_equal(x, expected)


@pytest.mark.parametrize("overwritten", ["dy", "forward output"])
@pytest.mark.parametrize("name", list(BACKWARD_FORWARD))
def test_backward_in_place_on_large_inputs(name, overwritten, dtype):
    function, forward = getattr(fastact, name), getattr(fastact, BACKWARD_FORWARD[name])
    for shape in LARGE_SHAPES:
        dy, y = random(shape, dtype, seed=8), forward(random(shape, dtype, seed=6))
        expected = function(dy, y)
        target = dy if overwritten == "dy" else y
        assert function(dy, y, out=target) is target
        np.testing.assert_array_equal(target, expected)


def traced_peak(call):
    call()  # compiled before tracing
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name", [*ROWWISE, *BACKWARD_FORWARD])
@pytest.mark.parametrize("shape", [(2000, 100), (5, 20_000), (60, 20_000), (2, 50_000)], ids=str)
def test_in_place_allocates_no_temporary(name, shape, dtype):
    # in place, each kernel computes a row into a scratch row (one per thread at a time; softmax
    # keeps its terms there), not the whole result into a temporary
    function = getattr(fastact, name)
    x = random(shape, dtype, seed=7)
    if name in BACKWARD_FORWARD:
        y = getattr(fastact, BACKWARD_FORWARD[name])(random(shape, dtype, seed=8))
        peak = traced_peak(lambda: function(x, y, out=x))
    else:
        peak = traced_peak(lambda: function(x, out=x))
    row_bytes = x.nbytes // x.shape[0]
    threads = max(fastact.get_num_threads(), numba.config.NUMBA_NUM_THREADS)
    assert peak <= (threads + 1) * row_bytes + 64 * 1024, (peak, row_bytes)  # and ones[:4096]


def test_out_overlapping_the_input_gives_the_fresh_result():
    buffer = random((4, 10))
    x = buffer[:, :9]
    expected = fastact.softmax(x)
    fastact.softmax(x, out=buffer[:, 1:])
    np.testing.assert_array_equal(buffer[:, 1:], expected)


@pytest.mark.parametrize("name", ROWWISE)
def test_out_is_validated(name):
    function = getattr(fastact, name)
    x = random((3, 5))
    with pytest.raises(ValueError, match=rf"^fastact\.{name}: out has shape \(3, 4\), expected \(3, 5\)$"):
        function(x, out=np.empty((3, 4)))
    with pytest.raises(TypeError, match=rf"fastact\.{name}: out has dtype float32, expected float64"):
        function(x, out=np.empty((3, 5), np.float32))
    read_only = np.empty((3, 5))
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match=rf"fastact\.{name}: out is read-only"):
        function(x, out=read_only)
    with pytest.raises(TypeError, match="out must be a numpy.ndarray"):
        function(x, out=[[0.0] * 5] * 3)


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", fastact.SOFTMAX_FUNCTIONS)
@pytest.mark.parametrize(
    "bad, kind",
    [
        (np.ones(3, np.complex128), "complex"),
        (np.array([None, 1.0]), "object"),
        (np.array(["a", "b"]), "string"),
    ],
)
def test_unsupported_input_raises_a_type_error_naming_the_function(name, bad, kind):
    arguments = (bad, bad) if name.endswith("backward") else (bad,)
    with pytest.raises(TypeError, match=rf"^fastact\.{name} does not support {kind} input \(got "):
        getattr(fastact, name)(*arguments)


@pytest.mark.parametrize("name", fastact.SOFTMAX_FUNCTIONS)
def test_masked_input_or_out_raises_a_type_error(name):
    masked = np.ma.masked_array(np.ones((2, 3)), mask=[[0, 1, 0], [0, 0, 0]])
    arguments = (masked, masked) if name.endswith("backward") else (masked,)
    with pytest.raises(TypeError, match=rf"^fastact\.{name} does not support masked arrays"):
        getattr(fastact, name)(*arguments)
    if name in ROWWISE:
        plain = (np.ones((2, 3)),) * len(arguments)
        with pytest.raises(TypeError, match="out must be a numpy.ndarray"):
            getattr(fastact, name)(*plain, out=np.ma.masked_array(np.empty((2, 3))))


@pytest.mark.parametrize("name", [*ROWWISE, "logsumexp", "softmax_jacobian"])
def test_axis_out_of_bounds(name):
    with pytest.raises(AxisError, match=rf"fastact\.{name}: axis 2 is out of bounds"):
        getattr(fastact, name)(np.ones((2, 3)), axis=2)
    with pytest.raises(AxisError):
        getattr(fastact, name)(np.float64(1.0))  # 0-d: no axis to reduce
    with pytest.raises(TypeError, match="axis must be an integer"):
        getattr(fastact, name)(np.ones(3), axis=None)


def test_backward_shapes_must_match():
    with pytest.raises(ValueError, match=r"fastact\.softmax_backward: dy has shape \(2, 3\)"):
        fastact.softmax_backward(np.ones((2, 3)), np.ones((2, 4)))


# --- special values (under errstate(all="raise"): no floating-point warnings) -------------------

INF = np.inf
NAN = np.nan


@pytest.fixture
def raise_on_floating_point_warnings():
    with np.errstate(all="raise"):
        yield


SPECIAL_ROWS = {
    # row: (softmax, log_softmax, logsumexp)
    "some -inf": ([0.0, -INF, 0.0], [0.5, 0.0, 0.5], [-np.log(2), -INF, -np.log(2)], np.log(2)),
    "all -inf": ([-INF, -INF], [NAN, NAN], [NAN, NAN], -INF),
    "lone -inf": ([-INF], [NAN], [NAN], -INF),
    "one +inf": ([1.0, INF, 2.0], [NAN, NAN, NAN], [NAN, NAN, NAN], INF),
    "lone +inf": ([INF], [NAN], [NAN], INF),
    "+inf and nan": ([INF, NAN], [NAN, NAN], [NAN, NAN], NAN),
    "nan": ([1.0, NAN, 2.0], [NAN, NAN, NAN], [NAN, NAN, NAN], NAN),
    "constant": ([3.0] * 4, [0.25] * 4, [-np.log(4)] * 4, 3.0 + np.log(4)),
    "huge constant": ([1e308] * 2, [0.5] * 2, [-np.log(2)] * 2, 1e308),
    "dominant": ([0.0, -800.0], [1.0, 0.0], [0.0, -800.0], 0.0),
}


@pytest.mark.parametrize("case", list(SPECIAL_ROWS))
def test_special_rows(raise_on_floating_point_warnings, case, dtype):
    row, softmax, log_softmax, lse = SPECIAL_ROWS[case]
    if dtype == np.float32 and case == "huge constant":
        row, lse = [1e38] * 2, np.float32(1e38)
    x = np.array(row, dtype)
    np.testing.assert_allclose(fastact.softmax(x), np.array(softmax, dtype), rtol=1e-6)
    np.testing.assert_allclose(fastact.log_softmax(x), np.array(log_softmax, dtype), rtol=1e-6)
    np.testing.assert_allclose(fastact.logsumexp(x), dtype(lse), rtol=1e-6)


def test_empty_axis_and_empty_rows(raise_on_floating_point_warnings, dtype):
    empty_axis = np.empty((3, 0), dtype)
    assert fastact.softmax(empty_axis).shape == (3, 0)
    assert fastact.log_softmax(empty_axis).shape == (3, 0)
    np.testing.assert_array_equal(fastact.logsumexp(empty_axis), np.full(3, -INF, dtype))
    assert fastact.softmax_jacobian(empty_axis).shape == (3, 0, 0)
    no_rows = np.empty((0, 4), dtype)
    assert fastact.softmax(no_rows).shape == (0, 4)
    assert fastact.logsumexp(no_rows).shape == (0,)
    assert fastact.softmax_backward(no_rows, no_rows).shape == (0, 4)


def test_no_warnings_on_extreme_rows_and_their_gradients(raise_on_floating_point_warnings, dtype):
    x = np.array([[0.0, -INF, 700.0, -700.0], [1e30, -1e30, 0.0, 5.0]], dtype)
    y, logy = fastact.softmax(x), fastact.log_softmax(x)
    fastact.softmax_backward(np.ones_like(x), y)
    fastact.log_softmax_backward(np.ones_like(x), logy)
    fastact.softmax_jacobian(x)
    assert np.all(np.isfinite(y)) and np.all(logy <= 0)


# --- identities ---------------------------------------------------------------------------------


def test_two_entries_are_sigmoids_of_the_difference(dtype):
    # x1 - x2 is exact for these (multiples of 1/8 below 2^10), so both sides see the same argument.
    rng = np.random.default_rng(8)
    pairs = (rng.integers(-4000, 4000, size=(200, 2)) / 8).astype(dtype)
    difference = pairs[:, 0] - pairs[:, 1]
    expected = np.stack([fastact.sigmoid(difference), fastact.sigmoid(-difference)], axis=-1)
    np.testing.assert_array_max_ulp(fastact.softmax(pairs), expected, maxulp=2)


def test_jacobian_is_symmetric_with_rows_summing_to_zero(dtype):
    x = random((3, 2, 6), dtype)
    jacobian = fastact.softmax_jacobian(x)
    assert jacobian.shape == (3, 2, 6, 6) and jacobian.dtype == dtype
    np.testing.assert_array_equal(jacobian, np.swapaxes(jacobian, -1, -2))
    np.testing.assert_allclose(jacobian.sum(axis=-1), 0, atol=10 * np.finfo(dtype).eps)


def test_jacobian_along_another_axis_puts_the_matrix_last():
    x = random((4, 3))
    np.testing.assert_array_equal(fastact.softmax_jacobian(x, axis=0), fastact.softmax_jacobian(x.T))


def test_softmax_backward_is_the_transposed_jacobian_times_dy(dtype):
    x, dy = random((5, 7), dtype), random((5, 7), dtype, seed=1)
    expected = np.einsum("rij,ri->rj", fastact.softmax_jacobian(x.astype(np.float64)), dy.astype(np.float64))
    np.testing.assert_allclose(fastact.softmax_backward(dy, fastact.softmax(x)), expected, atol=1e-6)


def central_difference(function, x, h=1e-6):
    """d function(x) / d x_j for every j, from (f(x + h e_j) - f(x - h e_j)) / 2h; shape (n, outputs)."""
    columns = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = h
        columns.append((function(x + step) - function(x - step)) / (2 * h))
    return np.array(columns)


def test_jacobian_and_backward_forms_agree_with_finite_differences():
    x, dy = random(6, scale=1.0), random(6, seed=2)
    numeric = central_difference(fastact.softmax, x)  # numeric[j, i] = d y_i / d x_j
    np.testing.assert_allclose(fastact.softmax_jacobian(x), numeric.T, atol=1e-8)
    np.testing.assert_allclose(fastact.softmax_backward(dy, fastact.softmax(x)), numeric @ dy, atol=1e-8)
    numeric_log = central_difference(fastact.log_softmax, x)
    log_backward = fastact.log_softmax_backward(dy, fastact.log_softmax(x))
    np.testing.assert_allclose(log_backward, numeric_log @ dy, atol=1e-7)


def test_backward_accepts_out_and_other_axes():
    x, dy = random((4, 6)), random((4, 6), seed=3)
    out = np.empty((6, 4))
    fastact.softmax_backward(dy.T, fastact.softmax(x).T, axis=0, out=out)
    np.testing.assert_array_equal(out, fastact.softmax_backward(dy, fastact.softmax(x)).T)
    mixed = fastact.log_softmax_backward(dy.astype(np.float32), fastact.log_softmax(x))
    assert mixed.dtype == np.float64
    pairs = [(fastact.softmax_backward, fastact.softmax), (fastact.log_softmax_backward, fastact.log_softmax)]
    for function, forward in pairs:
        expected, in_place = function(dy, forward(x)), dy.copy()
        assert function(in_place, forward(x), out=in_place) is in_place
        np.testing.assert_array_equal(in_place, expected)


# --- properties ---------------------------------------------------------------------------------

rows = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=30),
    elements=st.floats(-700, 700, allow_nan=False),
)


@given(rows)
def test_softmax_is_a_distribution(x):
    y = fastact.softmax(x)
    assert np.all((y >= 0) & (y <= 1))
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=x.shape[-1] * 2**-52)


@given(rows)
def test_log_softmax_is_at_most_zero_and_logsumexp_at_least_the_max(x):
    assert np.all(fastact.log_softmax(x) <= 0)
    assert np.all(fastact.logsumexp(x) >= x.max(axis=-1))


@given(rows, st.integers(-300, 300))
def test_adding_a_constant_changes_nothing(x, shift):
    x = np.round(x)  # integers: x + shift is exact
    np.testing.assert_allclose(fastact.softmax(x + shift), fastact.softmax(x), rtol=4 * 2**-52, atol=1e-300)
    # lse(x) + shift is itself rounded, by up to half an ULP of the larger of lse(x) and shift
    scale = np.maximum(np.abs(fastact.logsumexp(x)), abs(shift))
    difference = np.abs(fastact.logsumexp(x + shift) - (fastact.logsumexp(x) + shift))
    np.testing.assert_array_less(difference, 4 * 2**-52 * scale + 1e-300)


@given(
    st.integers(1, 9000),
    st.floats(0, 1),
    st.floats(0, 60),
    st.floats(-30, 30),
    st.integers(0, 2**32 - 1),
)
def test_float32_log_softmax_of_the_maximum_keeps_relative_accuracy(length, where, gap, offset, seed):
    """Any float32 row length (across chunks), maximum position and gap to the others: log_softmax
    at the maximum, -log1p(sum of the others' exp(x - m)), within 4 float32 ULP of a float64
    reference (x - m is exact in float64, the sum exact by fsum; a tie for the maximum is one of
    the others, its term 1)."""
    rng = np.random.default_rng(seed)
    x = (offset - gap - rng.exponential(2.0, length)).astype(np.float32)
    position = min(int(where * length), length - 1)
    x[position] = np.float32(offset)
    m = float(x.max())
    others = math.fsum(np.exp(np.delete(x, position).astype(np.float64) - m))
    expected = np.float64(x[position]) - m - math.log1p(others)
    computed = fastact.log_softmax(x)[position]
    assert abs(float(computed) - expected) <= 4 * float(np.spacing(np.float32(abs(expected)))) + 1e-45


# --- thread counts ------------------------------------------------------------------------------

DIGEST_SCRIPT = textwrap.dedent(
    """
    import hashlib, numpy as np, fastact
    digest = hashlib.sha256()
    rng = np.random.default_rng(9)
    for shape in [(700, 300), (1, 100_000), (3, 60_000)]:
        for dtype in (np.float32, np.float64):
            x = rng.normal(size=shape) * 5
            x[::3, 1:] -= 60  # rows whose first entry dominates: float64 sums those again
            x = x.astype(dtype)
            dy = rng.normal(size=shape).astype(dtype)
            y, logy = fastact.softmax(x), fastact.log_softmax(x)
            for result in (y, logy, fastact.logsumexp(x), fastact.softmax_backward(dy, y),
                           fastact.log_softmax_backward(dy, logy)):
                digest.update(np.ascontiguousarray(result).tobytes())
    print(digest.hexdigest())
    """
)


def digest_with_threads(threads):
    environment = dict(os.environ, NUMBA_NUM_THREADS=str(threads))
    completed = subprocess.run(
        [sys.executable, "-c", DIGEST_SCRIPT], env=environment, capture_output=True, text=True, check=True
    )
    return completed.stdout.strip()


def test_results_do_not_depend_on_the_thread_count():
    one, two = digest_with_threads(1), digest_with_threads(2)
    assert len(one) == len(hashlib.sha256().hexdigest())
    assert one == two


def test_serial_and_parallel_kernels_give_the_same_bits():
    from fastact._softmax_kernels import KERNELS

    rng = np.random.default_rng(10)
    for shape in [(300, 200), (2, 9000)]:  # rows over threads; chunks of each row over threads
        for dtype in DTYPES:
            x = rng.normal(size=shape) * 5
            x[::2, 1:] -= 60  # rows whose first entry dominates (exact_when_dominant)
            x = x.astype(dtype)
            y = fastact.softmax(x)
            for name, kernels in KERNELS.items():
                inputs = (rng.normal(size=shape).astype(dtype), y) if "backward" in name else (x,)
                results = []
                for kernel in kernels:
                    if name.endswith("_in_place"):  # out is the first input, passed again
                        results.append(inputs[0].copy())
                        kernel(results[-1], *inputs[1:], results[-1])
                        continue
                    results.append(np.empty(shape[:1] if name == "logsumexp" else shape, dtype))
                    kernel(*inputs, results[-1])
                np.testing.assert_array_equal(results[0], results[1], err_msg=f"{name} {shape} {dtype}")
                if name.endswith("_in_place"):
                    out_of_place = np.empty(shape, dtype)
                    KERNELS[name.removesuffix("_in_place")][0](*inputs, out_of_place)
                    np.testing.assert_array_equal(results[0], out_of_place, err_msg=f"{name} {shape} {dtype}")


def test_a_rows_result_does_not_depend_on_the_rows_around_it(raise_on_floating_point_warnings, dtype):
    # short rows run in turn, each row's exp pass finding the next row's maximum: every row, first
    # or last of its block or neither, next to special rows or not, gives what it gives alone
    rng = np.random.default_rng(11)
    x = (rng.normal(size=(PARALLEL_MIN_ELEMENTS // 200 + 100, 200)) * 5).astype(dtype)
    x[5, 7], x[17, 3], x[40], x[41], x[42, :100] = np.nan, np.inf, -np.inf, 2.5, -np.inf
    for name in ["softmax", "log_softmax", "logsumexp"]:
        function = getattr(fastact, name)
        for rows in [x, x[:30]]:  # the parallel kernel; the serial one
            alone = np.array([function(row) for row in rows])
            np.testing.assert_array_equal(function(rows), alone, err_msg=name)


FORK_SCRIPT = textwrap.dedent(
    """
    import os, numpy as np, fastact
    x = np.random.default_rng(0).normal(size=(1000, 200))
    expected = fastact.softmax(x)  # the parallel kernels, in the parent
    pid = os.fork()
    if pid == 0:
        os._exit(0 if np.array_equal(fastact.softmax(x), expected) else 3)
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
    """
)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_computes_the_same_result():
    command = [sys.executable, "-c", FORK_SCRIPT]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "0", completed.stderr


def test_many_python_threads_get_the_single_threaded_results():
    rng = np.random.default_rng(12)
    inputs = [rng.normal(size=shape) for shape in [(64, 10), (700, 300), (2, 50_000)]]
    expected = [(fastact.softmax(x), fastact.logsumexp(x)) for x in inputs]
    failures = []

    def worker(seed):
        order = np.random.default_rng(seed)
        for _ in range(20):
            k = int(order.integers(len(inputs)))
            softmax, lse = fastact.softmax(inputs[k]), fastact.logsumexp(inputs[k])
            if not (np.array_equal(softmax, expected[k][0]) and np.array_equal(lse, expected[k][1])):
                failures.append(k)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
