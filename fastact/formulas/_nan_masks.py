"""Piecewise-constant pieces of the piecewise formulas' derivatives, each passing nan through.

A derivative mask written as "return 1.0" would turn a nan x into 1: every
constant here is chosen by x == x, which is false only for nan.
"""

from .._elementary import kernel


@kernel
def zero_keeping_nan(x):
    return 0.0 if x == x else x


@kernel
def one_keeping_nan(x):
    return 1.0 if x == x else x


@kernel
def constant_inside(x, low, high, value):
    """value on the open interval (low, high), 0 elsewhere and at both ends (PyTorch's strict
    masks), nan for a nan x; a nan bound never compares true, so it is no bound."""
    if x <= low or x >= high:
        return 0.0
    return value if x == x else x
