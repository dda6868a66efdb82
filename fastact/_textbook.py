"""The textbook NumPy formula for every ufunc: what users write without fastact.

Benchmarks and the report compare against these; they are defined once, here,
keyed like the activation table (activation name, then role; functions of
(x or y, *params)). Backward forms are grad times the derivative (see
``_schema.bind``).
"""

import math

import numpy as np


def _sigmoid(x, gain):
    return 1 / (1 + np.exp(-gain * x))


def _zeros(x, *params):
    return np.zeros_like(x)


def _where_positive(x, slope):
    return np.where(x > 0, 1, slope).astype(np.result_type(x, np.float32))


def _erf(x):
    """NumPy has no erf: SciPy's where installed, else math.erf element by element."""
    try:
        from scipy.special import erf
    except ImportError:
        erf = np.vectorize(math.erf, otypes=[np.result_type(x, np.float32)])
    return erf(x)


def _normal_density(x):
    return np.exp(-x * x / 2) / np.sqrt(2 * np.pi)


def _mish_derivative(x):
    t, s = np.tanh(np.log1p(np.exp(x))), _sigmoid(x, 1)
    return t + x * (1 - t * t) * s


def _mish_second_derivative(x):
    t, s = np.tanh(np.log1p(np.exp(x))), _sigmoid(x, 1)
    return (1 - t * t) * s * (2 + x * (1 - s - 2 * t * s))


GELU_TANH_C = np.sqrt(2 / np.pi)


def _gelu_tanh_u(x):
    return GELU_TANH_C * (x + 0.044715 * x**3)


def _gelu_tanh_derivative(x):
    t, slope = np.tanh(_gelu_tanh_u(x)), GELU_TANH_C * (1 + 3 * 0.044715 * x**2)
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * slope


def _gelu_tanh_second_derivative(x):
    t, slope = np.tanh(_gelu_tanh_u(x)), GELU_TANH_C * (1 + 3 * 0.044715 * x**2)
    curvature = GELU_TANH_C * 6 * 0.044715 * x
    return (1 - t * t) * slope + 0.5 * x * (1 - t * t) * (curvature - 2 * t * slope**2)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _where_inside(x, low, high):
    return ((x > low) & (x < high)).astype(np.result_type(x, np.float32))


TEXTBOOK = {
    "step": {
        "forward": lambda x: np.heaviside(x, 0.5),
        "derivative": _zeros,
        "second_derivative": _zeros,
        "derivative_from_output": _zeros,
    },
    "sigmoid": {
        "forward": _sigmoid,
        "derivative": lambda x, a: a * _sigmoid(x, a) * (1 - _sigmoid(x, a)),
        "second_derivative": lambda x, a: (
            a * a * _sigmoid(x, a) * (1 - _sigmoid(x, a)) * (1 - 2 * _sigmoid(x, a))
        ),
        "derivative_from_output": lambda y, a: a * y * (1 - y),
    },
    "tanh": {
        "forward": np.tanh,
        "derivative": lambda x: 1 - np.tanh(x) ** 2,
        "second_derivative": lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2),
        "derivative_from_output": lambda y: 1 - y**2,
    },
    "tanhshrink": {
        "forward": lambda x: x - np.tanh(x),
        "derivative": lambda x: np.tanh(x) ** 2,
        "second_derivative": lambda x: 2 * np.tanh(x) * (1 - np.tanh(x) ** 2),
    },
    "softplus": {
        "forward": lambda x, b, threshold: np.log1p(np.exp(b * x)) / b,
        "derivative": lambda x, b, threshold: _sigmoid(x, b),
        "second_derivative": lambda x, b, threshold: b * _sigmoid(x, b) * (1 - _sigmoid(x, b)),
        "derivative_from_output": lambda y, b, threshold: 1 - np.exp(-b * y),
    },
    "log_sigmoid": {
        "forward": lambda x: -np.log1p(np.exp(-x)),
        "derivative": lambda x: 1 - _sigmoid(x, 1),
        "second_derivative": lambda x: -_sigmoid(x, 1) * (1 - _sigmoid(x, 1)),
        "derivative_from_output": lambda y: 1 - np.exp(y),
    },
    "silu": {
        "forward": lambda x: x * _sigmoid(x, 1),
        "derivative": lambda x: _sigmoid(x, 1) * (1 + x * (1 - _sigmoid(x, 1))),
        "second_derivative": lambda x: (
            _sigmoid(x, 1) * (1 - _sigmoid(x, 1)) * (2 + x * (1 - 2 * _sigmoid(x, 1)))
        ),
    },
    "mish": {
        "forward": lambda x: x * np.tanh(np.log1p(np.exp(x))),
        "derivative": _mish_derivative,
        "second_derivative": _mish_second_derivative,
    },
    "gelu": {
        "forward": lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))),
        "derivative": lambda x: 0.5 * (1 + _erf(x / np.sqrt(2))) + x * _normal_density(x),
        "second_derivative": lambda x: _normal_density(x) * (2 - x * x),
    },
    "gelu_tanh": {
        "forward": lambda x: 0.5 * x * (1 + np.tanh(_gelu_tanh_u(x))),
        "derivative": _gelu_tanh_derivative,
        "second_derivative": _gelu_tanh_second_derivative,
    },
    "relu": {
        "forward": lambda x: np.maximum(x, 0),
        "derivative": lambda x: _where_positive(x, 0),
        "second_derivative": _zeros,
        "derivative_from_output": lambda y: _where_positive(y, 0),
    },
    "leaky_relu": {
        "forward": lambda x, s: np.where(x > 0, x, s * x),
        "derivative": _where_positive,
        "second_derivative": _zeros,
        "derivative_from_output": _where_positive,
    },
    "elu": {
        "forward": lambda x, a: np.where(x > 0, x, a * (np.exp(x) - 1)),
        "derivative": lambda x, a: np.where(x > 0, 1, a * np.exp(x)),
        "second_derivative": lambda x, a: np.where(x < 0, a * np.exp(x), 0),
        "derivative_from_output": lambda y, a: np.where(y > 0, 1, y + a),
    },
    "selu": {
        "forward": lambda x: _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * (np.exp(x) - 1)),
        "derivative": lambda x: _SELU_SCALE * np.where(x > 0, 1, _SELU_ALPHA * np.exp(x)),
        "second_derivative": lambda x: np.where(x < 0, _SELU_SCALE * _SELU_ALPHA * np.exp(x), 0),
        "derivative_from_output": lambda y: np.where(y > 0, _SELU_SCALE, y + _SELU_SCALE * _SELU_ALPHA),
    },
    "celu": {
        "forward": lambda x, a: np.maximum(0, x) + np.minimum(0, a * (np.exp(x / a) - 1)),
        "derivative": lambda x, a: np.where(x > 0, 1, np.exp(x / a)),
        "second_derivative": lambda x, a: np.where(x < 0, np.exp(x / a) / a, 0),
        "derivative_from_output": lambda y, a: np.where(y > 0, 1, y / a + 1),
    },
    "relu6": {
        "forward": lambda x: np.minimum(np.maximum(x, 0), 6),
        "derivative": lambda x: _where_inside(x, 0, 6),
        "second_derivative": _zeros,
        "derivative_from_output": lambda y: _where_inside(y, 0, 6),
    },
    "hardtanh": {
        "forward": np.clip,
        "derivative": _where_inside,
        "second_derivative": _zeros,
        "derivative_from_output": _where_inside,
    },
    "hardsigmoid": {
        "forward": lambda x: np.clip(x / 6 + 0.5, 0, 1),
        "derivative": lambda x: _where_inside(x, -3, 3) / 6,
        "second_derivative": _zeros,
        "derivative_from_output": lambda y: _where_inside(y, 0, 1) / 6,
    },
    "hardswish": {
        "forward": lambda x: x * np.clip(x + 3, 0, 6) / 6,
        "derivative": lambda x: np.where(x < -3, 0, np.where(x > 3, 1, x / 3 + 0.5)),
        "second_derivative": lambda x: _where_inside(x, -3, 3) / 3,
    },
    "softsign": {
        "forward": lambda x: x / (1 + np.abs(x)),
        "derivative": lambda x: 1 / (1 + np.abs(x)) ** 2,
        "second_derivative": lambda x: -2 * np.sign(x) / (1 + np.abs(x)) ** 3,
        "derivative_from_output": lambda y: (1 - np.abs(y)) ** 2,
    },
    "softshrink": {
        "forward": lambda x, lam: np.where(x > lam, x - lam, np.where(x < -lam, x + lam, 0)),
        "derivative": lambda x, lam: _where_positive(np.abs(x) - lam, 0),
        "second_derivative": _zeros,
        "derivative_from_output": lambda y, lam: _where_positive(np.abs(y), 0),
    },
    "hardshrink": {
        "forward": lambda x, lam: np.where(np.abs(x) > lam, x, 0),
        "derivative": lambda x, lam: _where_positive(np.abs(x) - lam, 0),
        "second_derivative": _zeros,
        "derivative_from_output": lambda y, lam: _where_positive(np.abs(y), 0),
    },
    "threshold": {
        "forward": lambda x, t, v: np.where(x > t, x, v),
        "derivative": lambda x, t, v: _where_positive(x - t, 0),
        "second_derivative": _zeros,
    },
}


# The softmax family as users write it in NumPy (max-subtracting, three passes), keyed by function name.
def _softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _logsumexp(x, axis=-1, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    total = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return total if keepdims else np.squeeze(total, axis=axis)


SOFTMAX_TEXTBOOK = {
    "softmax": _softmax,
    "log_softmax": lambda x, axis=-1: x - _logsumexp(x, axis=axis, keepdims=True),
    "logsumexp": _logsumexp,
    "softmax_backward": lambda dy, y, axis=-1: y * (dy - np.sum(dy * y, axis=axis, keepdims=True)),
    "log_softmax_backward": lambda dy, logy, axis=-1: (
        dy - np.exp(logy) * np.sum(dy, axis=axis, keepdims=True)
    ),
}
