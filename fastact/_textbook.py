"""The textbook NumPy formula for every ufunc: what users write without fastact.

Benchmarks and the report compare against these; they are defined once, here,
keyed like the activation table (activation name, then role; functions of
(x or y, *params)). Backward forms are grad times the derivative (see
``_schema.bind``).
"""

import numpy as np


def _sigmoid(x, gain):
    return 1 / (1 + np.exp(-gain * x))


def _zeros(x, *params):
    return np.zeros_like(x)


def _where_positive(x, slope):
    return np.where(x > 0, 1, slope).astype(np.result_type(x, np.float32))


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
