"""The float32 loops' kernels: each formula compiled again against fastact._elementary_single.

A formula is written once, in float64, calling the elementary kernels of
fastact._elementary. For a float32 loop, ``for_float32`` returns the same
formula, from the same Python code object, with every elementary kernel it
reaches replaced by its float32-accuracy variant (same name in
fastact._elementary_single), so that LLVM sees cheaper exp, expm1 and tanh.

What is replaced, found by walking each kernel's globals and closure:

- an elementary kernel with a variant, however it is named in the formula
  module (``from .._elementary import exp``, ``tanh as _tanh``) or reached as
  ``_elementary.exp`` through the module;
- any other Numba dispatcher (a helper kernel such as logistic._slope, or the
  formula a wrapper closes over), which is recompiled the same way, so
  helpers at any depth are covered.

Everything else (intrinsics such as fma, constants, numpy, math) is kept.

Why the float32 bounds survive: a formula that meets the float64 bounds at
every input amplifies the relative error of each elementary value by a
bounded factor A (its float64 error is about A ULP per ULP of exp); with the
variants that error is A * 2^-32, below 2^-24 (one float32 ULP) by 2^8/A.
Formulas whose float64 accuracy needs more than one double per value
(double-double sums that cancel, e.g. near a root of a derivative) build
them from the ``*_parts`` kernels (exp_parts, half_expm1_parts, erfc_parts),
which have no variants on purpose and keep their full accuracy in both loops.
Formula authors do nothing: a kernel written with
``kernel = njit(error_model="numpy", forceinline=True)`` that calls
elementary kernels by name is retargeted automatically. Code Numba reaches
by other routes (``numba.extending.overload``, a dispatcher inside a tuple)
keeps the full-accuracy kernels: correct in float32, only not cheaper.
"""

import threading
import types

from numba import njit
from numba.core.registry import CPUDispatcher

from . import _elementary, _elementary_single

VARIANTS = {
    getattr(_elementary, name): getattr(_elementary_single, name) for name in ("exp", "expm1", "tanh")
}


def _single_module():
    module = types.ModuleType(_elementary.__name__, _elementary.__doc__)
    module.__dict__.update(vars(_elementary))
    for accurate, single in VARIANTS.items():
        setattr(module, accurate.py_func.__name__, single)
    return module


_ELEMENTARY_SINGLE_MODULE = _single_module()
_retargeted = {}  # dispatcher -> its float32 counterpart (the dispatcher itself if nothing changed)
_lock = threading.RLock()


def for_float32(kernel):
    """``kernel`` (a Numba dispatcher) compiled against the float32-accuracy elementary kernels."""
    with _lock:
        return _replacement(kernel)


def _replacement(value):
    if value is _elementary:
        return _ELEMENTARY_SINGLE_MODULE
    if not isinstance(value, CPUDispatcher):
        return value
    if value in VARIANTS:
        return VARIANTS[value]
    if value not in _retargeted:
        _retargeted[value] = value  # a recursive kernel refers to itself unchanged
        _retargeted[value] = _recompiled(value)
    return _retargeted[value]


def _global_names(code):
    """Names a code object (and the code nested in it: comprehensions, closures) may look up."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _global_names(constant)
    return names


def _recompiled(dispatcher):
    function = dispatcher.py_func
    namespace = function.__globals__
    changed = {}
    for name in _global_names(function.__code__):
        if name in namespace:
            new = _replacement(namespace[name])
            if new is not namespace[name]:
                changed[name] = new
    cells = function.__closure__ or ()
    contents = [_replacement(cell.cell_contents) for cell in cells]
    if not changed and all(new is cell.cell_contents for new, cell in zip(contents, cells, strict=True)):
        return dispatcher
    copy = types.FunctionType(
        function.__code__,
        {**namespace, **changed},
        function.__name__,
        function.__defaults__,
        tuple(types.CellType(value) for value in contents) if cells else None,
    )
    copy.__qualname__ = function.__qualname__
    copy.__doc__ = function.__doc__
    options = {key: value for key, value in dispatcher.targetoptions.items() if key != "nopython"}
    return njit(**options)(copy)  # njit implies nopython
