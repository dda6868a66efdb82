"""Piecewise-linear activations: step, relu, leaky relu.

Comparisons are ordered so that nan falls through to a branch that returns
it: every function here maps nan to nan.
"""

from .._elementary import kernel
from ._nan_masks import zero_keeping_nan

NAN = float("nan")


@kernel
def step(x):
    # Heaviside with H(0) = 1/2, the limit of sigmoid(k*x) as k -> inf.
    if x > 0:
        return 1.0
    if x < 0:
        return 0.0
    return 0.5 if x == 0 else x


@kernel
def dstep(x):
    return zero_keeping_nan(x)


@kernel
def d2step(x):
    return zero_keeping_nan(x)


@kernel
def relu(x):
    # "not x <= 0" lets nan through and maps -0.0 to +0.0.
    return x if not x <= 0 else 0.0


@kernel
def drelu(x):
    # Subgradient 0 at x = 0, as PyTorch's autograd.
    if x > 0:
        return 1.0
    return 0.0 if x <= 0 else x


@kernel
def d2relu(x):
    return zero_keeping_nan(x)


@kernel
def leaky_relu(x, slope):
    return x if x > 0 else slope * x


@kernel
def dleaky_relu(x, slope):
    # slope at x = 0, as PyTorch's autograd.
    if x > 0:
        return 1.0
    return slope if x <= 0 else x


@kernel
def d2leaky_relu(x, slope):
    return zero_keeping_nan(x)


@kernel
def dleaky_relu_from_output(y, slope):
    # y > 0 exactly when x > 0 only for slope >= 0; otherwise y cannot tell.
    if not slope >= 0:
        return NAN
    if y > 0:
        return 1.0
    return slope if y <= 0 else y
