"""Every fastact function behaves as a NumPy ufunc: dtypes, out=, where=, views, errors."""

import numpy as np
import pytest

import fastact
from fastact._grids import SPECIAL_VALUES

from conftest import ufunc

NAMES = list(fastact.UFUNCS)


def sample_inputs(name, dtype, shape=(7,)):
    """Ordinary inputs for every argument: x-like values in [-3, 3], parameters in (0, 1)."""
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    nin = fastact.UFUNCS[name].nin
    first = len(fastact.UFUNCS[name].array_input_names)
    arrays = [rng.uniform(-3, 3, shape).astype(dtype) for _ in range(first)]
    arrays += [rng.uniform(0.05, 0.95, shape).astype(dtype) for _ in range(nin - first)]
    return arrays


@pytest.mark.parametrize("name", NAMES)
def test_is_a_real_numpy_ufunc_with_float32_loop_first(name):
    u = ufunc(name)
    assert isinstance(u, np.ufunc)
    assert u.__name__ == name
    assert u.nin == fastact.UFUNCS[name].nin and u.nout == 1
    nin = u.nin
    assert u.types == ["f" * nin + "->f", "d" * nin + "->d"]
    assert name in u.__doc__ and len(u.__doc__.splitlines()) > 3


@pytest.mark.parametrize("name", NAMES)
def test_result_dtype_follows_input(name, dtype):
    u = ufunc(name)
    assert u(*sample_inputs(name, dtype)).dtype == dtype
    assert u(*sample_inputs(name, np.int64)).dtype == np.float64
    python_scalars = [0.5] * u.nin
    assert type(u(*python_scalars)) is np.float64


@pytest.mark.parametrize("name", NAMES)
def test_out_dtype_and_in_place(name, dtype):
    u = ufunc(name)
    inputs = sample_inputs(name, dtype)
    expected = u(*inputs)
    out = np.empty_like(expected)
    assert u(*inputs, out=out) is out
    np.testing.assert_array_equal(out, expected)
    as_float32 = u(*[a.astype(np.float64) for a in inputs], dtype=np.float32)
    assert as_float32.dtype == np.float32
    np.testing.assert_allclose(as_float32, u(*[a.astype(np.float32) for a in inputs]), rtol=1e-6)
    in_place = inputs[0].copy()
    u(in_place, *inputs[1:], out=in_place)
    np.testing.assert_array_equal(in_place, expected)


@pytest.mark.parametrize("name", NAMES)
def test_zero_d_empty_and_broadcast(name, dtype):
    u = ufunc(name)
    scalars = [a[0] for a in sample_inputs(name, dtype)]
    assert np.ndim(u(*scalars)) == 0
    assert u(*[np.asarray(s) for s in scalars]).dtype == dtype
    assert u(*[np.empty((3, 0), dtype) for _ in range(u.nin)]).shape == (3, 0)
    column = [a.reshape(-1, 1) for a in sample_inputs(name, dtype)]
    row = [a.reshape(1, -1) for a in sample_inputs(name, dtype, shape=(5,))]
    mixed = [column[0]] + row[1:] if u.nin > 1 else [column[0] * row[0]]
    assert u(*mixed).shape == (7, 5)


@pytest.mark.parametrize("name", NAMES)
def test_views_match_contiguous(name, dtype):
    u = ufunc(name)
    base = sample_inputs(name, dtype, shape=(6, 8))
    for view in (lambda a: a[::2, ::3], lambda a: a[::-1, ::-2], lambda a: a.T):
        views = [view(a) for a in base]
        np.testing.assert_array_equal(u(*views), u(*[np.ascontiguousarray(v) for v in views]))


@pytest.mark.parametrize("name", NAMES)
def test_where_leaves_masked_elements(name, dtype):
    u = ufunc(name)
    inputs = sample_inputs(name, dtype)
    mask = np.arange(7) % 2 == 0
    out = np.full(7, -7.0, dtype)
    u(*inputs, out=out, where=mask)
    np.testing.assert_array_equal(out[mask], u(*inputs)[mask])
    assert np.all(out[~mask] == -7.0)


@pytest.mark.parametrize("bad", [np.array([1 + 2j]), np.array(["a"]), np.array([object()], dtype=object)])
def test_unsupported_input_types_raise_type_error_naming_the_function(bad):
    for name in ("sigmoid", "prelu_backward"):
        u = ufunc(name)
        with pytest.raises(TypeError, match=name):
            u(*([bad] * u.nin))


LONGDOUBLE_IS_FLOAT64 = np.finfo(np.longdouble).eps == np.finfo(np.float64).eps


@pytest.mark.skipif(LONGDOUBLE_IS_FLOAT64, reason="longdouble is float64 here")
def test_longdouble_raises_unless_cast_to_float64():
    x = np.linspace(-3, 3, 5, dtype=np.longdouble)
    with pytest.raises(TypeError, match="sigmoid"):
        fastact.sigmoid(x)
    np.testing.assert_array_equal(fastact.sigmoid(x, dtype=np.float64), fastact.sigmoid(x.astype(np.float64)))


@pytest.mark.parametrize("name", NAMES)
def test_special_values_raise_no_floating_point_errors(name, dtype):
    u = ufunc(name)
    x = np.array(SPECIAL_VALUES)
    with np.errstate(over="ignore"):
        x = x.astype(dtype)
    arguments = [x] * u.nin
    with np.errstate(all="raise"):
        for parameter in (0.5, 0.0, -2.0, np.inf):
            result = u(*arguments[:1], *[np.full_like(x, parameter)] * (u.nin - 1))
            assert result.dtype == dtype
        result = u(*arguments)
    assert np.isnan(result[np.isnan(x)]).all()


@pytest.mark.parametrize("name", NAMES)
def test_nan_in_nan_out(name, dtype):
    """nan in x, y or grad gives nan; a nan parameter matters only where it is used."""
    u = ufunc(name)
    inputs = sample_inputs(name, dtype)
    for position in range(len(fastact.UFUNCS[name].array_input_names)):
        poisoned = [a.copy() for a in inputs]
        poisoned[position][0] = np.nan
        assert np.isnan(u(*poisoned)[0]), f"{name}: nan in argument {position} did not give nan"


# The forward functions that return -0.0 for -0.0 (odd at 0); the others return +0.0 (README).
MINUS_ZERO_KEPT = {"tanh", "tanhshrink", "silu", "mish", "gelu", "gelu_tanh", "leaky_relu", "hardtanh"}
NONZERO_AT_ZERO = {"step", "sigmoid", "softplus", "log_sigmoid", "hardsigmoid"}
ZERO_AT_ZERO = [
    name
    for name, spec in fastact.UFUNCS.items()
    if spec.role == "forward" and not spec.parametric and name not in NONZERO_AT_ZERO
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", ZERO_AT_ZERO)
def test_sign_of_the_result_at_minus_zero(name, dtype):
    for zero in (dtype(-0.0), np.full(3, -0.0, dtype=dtype)):
        result = np.asarray(ufunc(name)(zero))
        assert (result == 0).all()
        assert (np.signbit(result) == (name in MINUS_ZERO_KEPT)).all(), f"{name}({zero!r}) = {result!r}"


def test_lazy_names_and_dir():
    assert set(fastact.UFUNCS) <= set(dir(fastact))
    with pytest.raises(AttributeError, match="no attribute 'sigmoidd'"):
        fastact.sigmoidd  # noqa: B018
