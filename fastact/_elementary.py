"""Elementary scalar kernels every activation formula is built from.

Formulas call these, never ``math`` directly, so that faster vectorizable
versions can replace them in one place. All work in float64.
"""

import math

from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

kernel = njit(error_model="numpy")


@intrinsic
def fma(typingctx, a, b, c):
    """a*b + c with a single rounding (LLVM's llvm.fma; a hardware FMA where there is one)."""
    sig = types.float64(types.float64, types.float64, types.float64)

    def codegen(context, builder, sig, args):
        fnty = ir.FunctionType(ir.DoubleType(), [ir.DoubleType()] * 3)
        fn = builder.module.declare_intrinsic("llvm.fma", [ir.DoubleType()], fnty)
        return builder.call(fn, args)

    return sig, codegen


@kernel
def exp(x):
    return math.exp(x)


@kernel
def expm1(x):
    return math.expm1(x)


@kernel
def log1p(x):
    return math.log1p(x)


@kernel
def tanh(x):
    return math.tanh(x)


@kernel
def product_error(a, b, p):
    """The rounding error a*b - p of p = fl(a*b): exact, by FMA (0 if p is not finite)."""
    if math.isfinite(p):
        return fma(a, b, -p)
    return 0.0
