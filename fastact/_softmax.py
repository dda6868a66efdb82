"""The softmax family's public functions: validation, axis handling and out=, around the kernels.

Each call validates cheaply, views its input as C-contiguous (rows, n) with
the reduced axis last (copying only when the axis is not last or the input is
not contiguous float32/float64), and runs a compiled kernel: serial for small
work, since a parallel launch costs more than a small softmax does.
"""

import math
import os
import threading

import numpy as np

PARALLEL_MIN_ELEMENTS = 1 << 16  # below this a parallel launch costs more than it saves
AxisError = getattr(np, "exceptions", np).AxisError

# Numba's workqueue threading layer (its fallback) must not be entered by two threads at once.
_parallel_lock = threading.Lock()
# GNU OpenMP (Numba's omp layer) terminates a forked child that enters a parallel region; the
# serial kernels give the same bits, so a forked child uses only those.
_parallel_allowed = [True]


def _no_parallel_in_forked_child():
    _parallel_allowed[0] = False


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_no_parallel_in_forked_child)

_UNSUPPORTED_KINDS = {"c": "complex", "O": "object", "U": "string", "S": "string", "V": "structured"}


_KERNELS = {}  # kernel name -> (serial, parallel), filled on first use


def _kernels():
    """The compiled kernels, imported on first use so that ``import fastact`` compiles nothing."""
    if not _KERNELS:
        from ._softmax_kernels import KERNELS

        _KERNELS.update(KERNELS)
    return _KERNELS


def _float_dtype(name, dtype):
    """float32 (and narrower floats) stay float32; every other real dtype computes in float64."""
    if dtype.kind == "f":
        return np.dtype(np.float32) if dtype.itemsize <= 4 else np.dtype(np.float64)
    if dtype.kind in "biu":
        return np.dtype(np.float64)
    kind = _UNSUPPORTED_KINDS.get(dtype.kind, dtype.name)
    raise TypeError(f"fastact.{name} does not support {kind} input (got {dtype})")


def _normalized_axis(name, axis, ndim):
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"fastact.{name}: axis must be an integer (got {axis!r})")
    if not -ndim <= axis < ndim:
        raise AxisError(f"fastact.{name}: axis {axis} is out of bounds for array of dimension {ndim}")
    return int(axis) % ndim


def _as_array(name, x):
    """x as an ndarray; a masked array is refused, since its data alone would sum the masked
    entries in silently."""
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(
            f"fastact.{name} does not support masked arrays: pass x.filled(-np.inf) to leave the "
            "masked entries out of each row's sum, or np.asarray(x) to include them"
        )
    return np.asarray(x)


def _as_rows(name, x, axis, dtype=None):
    """(x as C-contiguous (rows, n) of ``dtype``, x's shape with the axis moved last, the axis)."""
    x = _as_array(name, x)
    dtype = _float_dtype(name, x.dtype) if dtype is None else dtype
    axis = _normalized_axis(name, axis, x.ndim)
    moved = x if axis == x.ndim - 1 else np.moveaxis(x, axis, -1)
    rows = np.ascontiguousarray(moved, dtype=dtype)
    return rows.reshape(math.prod(moved.shape[:-1]), moved.shape[-1]), moved.shape, axis


def _check_out(name, out, shape, dtype):
    if not isinstance(out, np.ndarray) or isinstance(out, np.ma.MaskedArray):
        raise TypeError(f"fastact.{name}: out must be a numpy.ndarray (got {type(out).__name__})")
    if out.shape != tuple(shape):
        raise ValueError(f"fastact.{name}: out has shape {out.shape}, expected {tuple(shape)}")
    if out.dtype != dtype:
        raise TypeError(f"fastact.{name}: out has dtype {out.dtype}, expected {dtype}")
    if not out.flags.writeable:
        raise ValueError(f"fastact.{name}: out is read-only")


# In place (out the very input), every kernel could run directly (each reads element i before it
# writes element i and never reads an input again afterwards), but LLVM does not vectorize a loop
# that writes the array it reads (its overlap check fails for equal pointers): directly in place,
# softmax took 4.3-5.9x and log_softmax_backward 4.1-5.8x their time (64x1000 and 4096x1000),
# log_softmax 1.2-1.8x and softmax_backward 0.85-3.2x; a temporary and its copy 1.2-1.8x. So each
# has kernels of its own in place, which compute a row into a scratch row (softmax: its terms)
# and then write it out.
IN_PLACE_VARIANTS = {
    name: f"{name}_in_place"
    for name in ("softmax", "log_softmax", "softmax_backward", "log_softmax_backward")
}


def _direct_target(kernel_name, out, axis, rows, inputs):
    """(kernel name, out viewed as (rows, n)) if a kernel may write into out directly, else None.

    Direct writing needs a C-contiguous out with the axis last, and no input overlapping it,
    except exactly (the very input, or both) for IN_PLACE_VARIANTS.
    """
    if out is None or axis != out.ndim - 1 or not out.flags.c_contiguous:
        return None
    target = out.reshape(rows.shape)
    in_place = False
    for array in inputs:
        if not np.may_share_memory(array, target):
            continue
        same = array.ctypes.data == target.ctypes.data and array.strides == target.strides
        if not same or kernel_name not in IN_PLACE_VARIANTS:
            return None
        in_place = True
    return (IN_PLACE_VARIANTS[kernel_name] if in_place else kernel_name), target


def _run(kernel_name, *arrays):
    serial, parallel = (_KERNELS or _kernels())[kernel_name]
    if arrays[0].size < PARALLEL_MIN_ELEMENTS or not _parallel_allowed[0]:
        serial(*arrays)
    else:
        with _parallel_lock:
            parallel(*arrays)


def _rowwise(name, kernel_name, inputs, moved_shape, axis, out):
    """Run a (rows, n) -> (rows, n) kernel; return the result in the caller's layout (or out)."""
    rows = inputs[0]
    axis_is_last = axis == len(moved_shape) - 1
    if out is None:  # the common case, kept short: small calls are dominated by this wrapper
        result = np.empty(rows.shape, rows.dtype)
        _run(kernel_name, *inputs, result)
        result = result.reshape(moved_shape)
        return result if axis_is_last else np.moveaxis(result, -1, axis)
    _check_out(name, out, moved_shape if axis_is_last else _unmoved(moved_shape, axis), rows.dtype)
    direct = _direct_target(kernel_name, out, axis, rows, inputs)
    if direct is not None:
        _run(direct[0], *inputs, direct[1])
        return out
    result = np.empty(rows.shape, rows.dtype)
    _run(kernel_name, *inputs, result)
    out[...] = np.moveaxis(result.reshape(moved_shape), -1, axis)
    return out


def _unmoved(moved_shape, axis):
    return (*moved_shape[:axis], moved_shape[-1], *moved_shape[axis:-1])


def softmax(x, axis=-1, out=None):
    """exp(x) / sum(exp(x)) along ``axis``, computed as exp(x - max) / sum(exp(x - max)).

    float32 stays float32 (sums in float64); integers give float64. A row with
    a nan or a +inf, or entirely -inf, gives nan throughout; -inf entries give 0.
    """
    return _softmax("softmax", x, axis, out)


def _softmax(name, x, axis, out):
    rows, moved_shape, axis = _as_rows(name, x, axis)
    return _rowwise(name, "softmax", (rows,), moved_shape, axis, out)


def log_softmax(x, axis=-1, out=None):
    """x - logsumexp(x) along ``axis``, relative accuracy kept for the dominant entry (-log1p(rest)).

    Same special values as ``softmax``; -inf entries give -inf.
    """
    rows, moved_shape, axis = _as_rows("log_softmax", x, axis)
    return _rowwise("log_softmax", "log_softmax", (rows,), moved_shape, axis, out)


def logsumexp(x, axis=-1, keepdims=False):
    """log(sum(exp(x))) along ``axis``: -inf for an empty or all -inf axis, +inf with a +inf entry,
    nan with a nan entry."""
    rows, moved_shape, axis = _as_rows("logsumexp", x, axis)
    result = np.empty(rows.shape[0], rows.dtype)
    _run("logsumexp", rows, result)
    result = result.reshape(moved_shape[:-1])
    if keepdims:
        result = np.expand_dims(result, axis)
    return result if result.ndim else result[()]


def _backward_inputs(name, dy, other, axis):
    dy, other = _as_array(name, dy), _as_array(name, other)
    if dy.shape != other.shape:
        raise ValueError(f"fastact.{name}: dy has shape {dy.shape}, but the output has shape {other.shape}")
    dtype = _float_dtype(name, dy.dtype)
    if other.dtype != dy.dtype:
        dtype = np.promote_types(dtype, _float_dtype(name, other.dtype))
    dy_rows, moved_shape, axis = _as_rows(name, dy, axis, dtype)
    other_rows, _, _ = _as_rows(name, other, axis, dtype)
    return dy_rows, other_rows, moved_shape, axis


def softmax_backward(dy, y, axis=-1, out=None):
    """The gradient in x of sum(dy * softmax(x)) from y = softmax(x): y * (dy - sum(dy * y)).

    J^T dy without forming the n x n Jacobian J.
    """
    dy_rows, y_rows, moved_shape, axis = _backward_inputs("softmax_backward", dy, y, axis)
    return _rowwise("softmax_backward", "softmax_backward", (dy_rows, y_rows), moved_shape, axis, out)


def log_softmax_backward(dy, logy, axis=-1, out=None):
    """The gradient in x of sum(dy * log_softmax(x)) from logy = log_softmax(x): dy - exp(logy) sum(dy)."""
    dy_rows, logy_rows, moved_shape, axis = _backward_inputs("log_softmax_backward", dy, logy, axis)
    inputs = (dy_rows, logy_rows)
    return _rowwise("log_softmax_backward", "log_softmax_backward", inputs, moved_shape, axis, out)


def softmax_jacobian(x, axis=-1):
    """The Jacobian of softmax along ``axis``: shape (..., n, n), ``...`` the other axes in order.

    J_ij = y_i (delta_ij - y_j). The diagonal is y_i * sum_{j != i} y_j, the
    negated sum of the row's other entries (exact rows summing to 0, and no
    cancellation in 1 - y_i when y_i is near 1).
    """
    x = _as_array("softmax_jacobian", x)
    y = np.moveaxis(_softmax("softmax_jacobian", x, axis, None), _normalized_axis("", axis, x.ndim), -1)
    with np.errstate(under="ignore", invalid="ignore"):
        jacobian = -y[..., :, None] * y[..., None, :]
        diagonal = np.arange(y.shape[-1])
        jacobian[..., diagonal, diagonal] = 0
        jacobian[..., diagonal, diagonal] = -jacobian.sum(axis=-1)
    return jacobian


SOFTMAX_FUNCTIONS = (
    "softmax",
    "log_softmax",
    "logsumexp",
    "softmax_jacobian",
    "softmax_backward",
    "log_softmax_backward",
)
