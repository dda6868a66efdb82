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

A formula may also have a float32 twin (``float32_twin``): the same function
computed in float32 arithmetic (fastact._elementary_float32), 16 vector lanes
instead of 8, for the few functions where speed matters most (sigmoid, tanh and
their first derivatives). A float32 loop uses the twin in place of the ufunc's own
formula, never inside another formula that calls it (d2tanhshrink calls dtanh: its
bound was proved with the float64-arithmetic build) nor inside a backward form
(``no_twins_inside``): a backward form has a twin of its own where its derivative
registered one (``float32_backward_twin``: grad * f'(x) formed before rounding).
The twin's bound is its own (stated with it, tested in tests/test_float32_loops.py),
looser than that build's.

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
FLOAT32_TWINS = {}  # float64 formula (or _build's backward form) -> Twin(kernel, single, bound_ulp)
FLOAT32_BACKWARD_TWINS = {}  # float64 derivative formula -> Twin of grad * that derivative


class Twin:
    """A formula's float32 twin: ``kernel`` (float64 in and out, as the formula) wraps ``single``,
    the float32-arithmetic function, within ``bound_ulp`` float32 ULP of the float64 loop."""

    def __init__(self, kernel, single, bound_ulp):
        self.kernel, self.single, self.bound_ulp = kernel, single, bound_ulp


def _registering(registry, key, single, bound_ulp):
    def register(twin):
        registry[key] = Twin(twin, single, bound_ulp)
        return twin

    return register


def float32_twin(formula, single, bound_ulp):
    """Register the decorated kernel as ``formula``'s float32 twin (see the module docstring)."""
    return _registering(FLOAT32_TWINS, formula, single, bound_ulp)


def float32_backward_twin(derivative, single, bound_ulp):
    """Register the decorated kernel, of (grad, x, *params), as the float32 twin of grad times
    ``derivative``: the backward forms built on ``derivative`` use it (see _build)."""
    return _registering(FLOAT32_BACKWARD_TWINS, derivative, single, bound_ulp)


_TWIN_BARRIERS = set()  # kernels whose insides are never twinned


def no_twins_inside(kernel):
    """Mark ``kernel`` (a wrapper such as _build's backward form) so that the formulas it calls keep
    their float64-arithmetic build in float32 loops. The backward form needs it: grad * f'(x) with a
    large grad is a normal float32 where f'(x) alone is subnormal or below float32's range, so f'(x)
    must not be rounded to float32 first (1e30 * dsigmoid(100) would lose all but 5 bits)."""
    _TWIN_BARRIERS.add(kernel)
    return kernel


def untwinned(formula):
    """The formula itself under a second dispatcher, which float32 loops retarget but never twin:
    what a twin falls back to for the inputs it does not cover."""
    options = {key: value for key, value in formula.targetoptions.items() if key != "nopython"}
    return njit(**options)(formula.py_func)


# (dispatcher, twinned) -> its float32 counterpart (the dispatcher itself if nothing changed)
_retargeted = {}
_lock = threading.RLock()


def for_float32(kernel):
    """``kernel`` (a Numba dispatcher) compiled against the float32-accuracy elementary kernels,
    with the ufunc's own formula (``kernel``, or what the _build wrappers close over) replaced by
    its float32 twin if it has one."""
    with _lock:
        return _replacement(kernel, twinned=True)


def _replacement(value, twinned=False):
    """``twinned``: whether ``value`` is the ufunc's own formula (reached from the loop kernel
    through closures only). A formula that another formula calls is not twinned: that caller's
    bound was proved with the float64-arithmetic build."""
    if value is _elementary:
        return _ELEMENTARY_SINGLE_MODULE
    if not isinstance(value, CPUDispatcher):
        return value
    if value in VARIANTS:
        return VARIANTS[value]
    if twinned and value in FLOAT32_TWINS:
        value, twinned = FLOAT32_TWINS[value].kernel, False  # retargeted below: its fallback reaches exp
    if value in _TWIN_BARRIERS:
        twinned = False
    key = (value, twinned)
    if key not in _retargeted:
        _retargeted[key] = value  # a recursive kernel refers to itself unchanged
        _retargeted[key] = _recompiled(value, twinned)
    return _retargeted[key]


def _global_names(code):
    """Names a code object (and the code nested in it: comprehensions, closures) may look up."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _global_names(constant)
    return names


def _recompiled(dispatcher, twinned):
    function = dispatcher.py_func
    namespace = function.__globals__
    changed = {}
    for name in _global_names(function.__code__):
        if name in namespace:
            new = _replacement(namespace[name])
            if new is not namespace[name]:
                changed[name] = new
    cells = function.__closure__ or ()
    contents = [_replacement(cell.cell_contents, twinned) for cell in cells]
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
