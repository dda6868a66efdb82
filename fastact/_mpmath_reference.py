"""Independent mpmath references for every activation in the table.

These are textbook definitions evaluated at high precision, deliberately not
the kernels' formulas: where a textbook form cancels (1 - 2 sigmoid), an exact
identity from another route is used (-tanh(z/2)) so the reference stays right
at any precision. Keyed by activation name, then role; each takes mpf
arguments (x or y, then the parameters).
"""

import mpmath as mp

from ._schema import bind

PRECISION_BITS = 160


def _sigmoid(z):
    return 1 / (1 + mp.exp(-z))


def _heaviside(x):
    return mp.mpf(1) if x > 0 else mp.mpf(0) if x < 0 else mp.mpf(0.5)


def _indicator_positive(x, otherwise):
    return mp.mpf(1) if x > 0 else otherwise


# PyTorch's selu constants as float64 values; the reference multiplies them exactly.
_SELU_ALPHA = mp.mpf(1.6732632423543772848170429916717)
_SELU_SCALE = mp.mpf(1.0507009873554804934193349852946)


def _inside(x, low, high, slope=1):
    """slope on the open interval (low, high), 0 elsewhere (PyTorch's masks at the kinks)."""
    return mp.mpf(slope) if low < x < high else mp.mpf(0)


def _elu(x, a):
    return x if x > 0 else a * mp.expm1(x)


def _softsign(x):
    return mp.sign(x) if mp.isinf(x) else x / (1 + abs(x))


def _hardswish(x):
    return mp.mpf(0) if x <= -3 else x if x >= 3 else x * (x + 3) / 6


def _softsign_derivative(x, order):
    if order == 1:
        return 1 / (1 + abs(x)) ** 2
    return -2 * mp.sign(x) / (1 + abs(x)) ** 3


def _shrink_slope(x, lam):
    return mp.mpf(1) if (x > lam or x < -lam) else mp.mpf(0)


def _shrink_slope_from_output(y, lam):
    return mp.mpf(1) if (y != 0 or lam < 0) else mp.mpf(0)


REFERENCES = {
    "step": {
        "forward": _heaviside,
        "derivative": lambda x: mp.mpf(0),
        "second_derivative": lambda x: mp.mpf(0),
        "derivative_from_output": lambda y: mp.mpf(0),
    },
    "sigmoid": {
        "forward": lambda x, a: _sigmoid(a * x),
        "derivative": lambda x, a: a * _sigmoid(a * x) * _sigmoid(-a * x),
        "second_derivative": lambda x, a: -a * a * _sigmoid(a * x) * _sigmoid(-a * x) * mp.tanh(a * x / 2),
        "derivative_from_output": lambda y, a: a * y * (1 - y),
    },
    "tanh": {
        "forward": mp.tanh,
        "derivative": lambda x: mp.sech(x) ** 2,
        "second_derivative": lambda x: -2 * mp.tanh(x) * mp.sech(x) ** 2,
        "derivative_from_output": lambda y: 1 - y * y,
    },
    "relu": {
        "forward": lambda x: x if x > 0 else mp.mpf(0),
        "derivative": lambda x: _indicator_positive(x, mp.mpf(0)),
        "second_derivative": lambda x: mp.mpf(0),
        "derivative_from_output": lambda y: _indicator_positive(y, mp.mpf(0)),
    },
    "leaky_relu": {
        "forward": lambda x, s: x if x > 0 else s * x,
        "derivative": lambda x, s: _indicator_positive(x, s),
        "second_derivative": lambda x, s: mp.mpf(0),
        "derivative_from_output": lambda y, s: _indicator_positive(y, s) if s >= 0 else mp.nan,
    },
    "elu": {
        "forward": _elu,
        "derivative": lambda x, a: mp.mpf(1) if x > 0 else a * mp.exp(x),
        "second_derivative": lambda x, a: a * mp.exp(x) if x < 0 else mp.mpf(0),
        "derivative_from_output": lambda y, a: (mp.mpf(1) if y > 0 else y + a) if a >= 0 else mp.nan,
    },
    "selu": {
        "forward": lambda x: _SELU_SCALE * _elu(x, _SELU_ALPHA),
        "derivative": lambda x: _SELU_SCALE if x > 0 else _SELU_SCALE * _SELU_ALPHA * mp.exp(x),
        "second_derivative": lambda x: _SELU_SCALE * _SELU_ALPHA * mp.exp(x) if x < 0 else mp.mpf(0),
        "derivative_from_output": lambda y: _SELU_SCALE if y > 0 else y + _SELU_SCALE * _SELU_ALPHA,
    },
    "celu": {
        # max(0, x) + min(0, alpha expm1(x/alpha)), which is piecewise for either sign of alpha.
        "forward": lambda x, a: x if x > 0 else a * mp.expm1(x / a),
        "derivative": lambda x, a: mp.mpf(1) if x > 0 else mp.exp(x / a),
        "second_derivative": lambda x, a: mp.exp(x / a) / a if x < 0 else mp.mpf(0),
        "derivative_from_output": lambda y, a: mp.mpf(1) if y > 0 else 1 + y / a,
    },
    "relu6": {
        "forward": lambda x: min(max(x, mp.mpf(0)), mp.mpf(6)),
        "derivative": lambda x: _inside(x, 0, 6),
        "second_derivative": lambda x: mp.mpf(0),
        "derivative_from_output": lambda y: _inside(y, 0, 6),
    },
    "hardtanh": {
        "forward": lambda x, low, high: min(max(x, low), high),
        "derivative": _inside,
        "second_derivative": lambda x, low, high: mp.mpf(0),
        "derivative_from_output": _inside,
    },
    "hardsigmoid": {
        "forward": lambda x: min(max(x + 3, mp.mpf(0)), mp.mpf(6)) / 6,
        "derivative": lambda x: _inside(x, -3, 3, mp.mpf(1) / 6),
        "second_derivative": lambda x: mp.mpf(0),
        "derivative_from_output": lambda y: _inside(y, 0, 1, mp.mpf(1) / 6),
    },
    "hardswish": {
        "forward": _hardswish,
        "derivative": lambda x: mp.mpf(0) if x < -3 else mp.mpf(1) if x > 3 else x / 3 + mp.mpf(1) / 2,
        "second_derivative": lambda x: _inside(x, -3, 3, mp.mpf(1) / 3),
    },
    "softsign": {
        "forward": _softsign,
        "derivative": lambda x: _softsign_derivative(x, 1),
        "second_derivative": lambda x: _softsign_derivative(x, 2),
        "derivative_from_output": lambda y: (1 - abs(y)) ** 2,
    },
    "softshrink": {
        "forward": lambda x, lam: x - lam if x > lam else x + lam if x < -lam else mp.mpf(0),
        "derivative": _shrink_slope,
        "second_derivative": lambda x, lam: mp.mpf(0),
        "derivative_from_output": _shrink_slope_from_output,
    },
    "hardshrink": {
        "forward": lambda x, lam: x if (x > lam or x < -lam) else mp.mpf(0),
        "derivative": _shrink_slope,
        "second_derivative": lambda x, lam: mp.mpf(0),
        "derivative_from_output": _shrink_slope_from_output,
    },
    "threshold": {
        "forward": lambda x, t, v: x if x > t else v,
        "derivative": lambda x, t, v: mp.mpf(1) if x > t else mp.mpf(0),
        "second_derivative": lambda x, t, v: mp.mpf(0),
    },
}

# Points where the derivative does not exist; numerical differentiation skips them.
KINKS = {
    "step": (0.0,),
    "relu": (0.0,),
    "leaky_relu": (0.0,),
    "elu": (0.0,),
    "selu": (0.0,),
    "celu": (0.0,),
    "relu6": (0.0, 6.0),
    "hardtanh": (-1.0, 1.0),
    "hardsigmoid": (-3.0, 3.0),
    "hardswish": (-3.0, 3.0),
    "softsign": (0.0,),
    "softshrink": (-0.5, 0.5),
    "hardshrink": (-0.5, 0.5),
    "threshold": (0.0,),
}

# Extra parameter values tested for the general (parametric) forms.
PARAMETER_SAMPLES = {
    "sigmoid": ((1.0,), (0.5,), (3.7,), (-2.3,)),
    "leaky_relu": ((0.01,), (0.2,), (1.5,), (-0.3,)),
    "elu": ((1.0,), (0.5,), (2.75,), (-0.3,)),
    "celu": ((1.0,), (0.5,), (3.7,), (0.01,)),
    "hardtanh": ((-1.0, 1.0), (0.0, 6.0), (-2.5, 0.5), (-0.1, 3.3)),
    "softshrink": ((0.5,), (0.0,), (1.25,), (3.7,)),
    "hardshrink": ((0.5,), (0.0,), (1.25,), (3.7,)),
    "threshold": ((0.0, 0.0), (1.0, -2.0), (-0.5, 0.25), (3.7, 3.7)),
}


def reference(spec):
    """The mpmath reference for a ufunc spec, a function of the ufunc's inputs."""
    return bind(spec, REFERENCES[spec.activation.name])
