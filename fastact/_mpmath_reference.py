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
}

# Points where the derivative does not exist; numerical differentiation skips them.
KINKS = {"step": (0.0,), "relu": (0.0,), "leaky_relu": (0.0,)}

# Extra parameter values tested for the general (parametric) forms.
PARAMETER_SAMPLES = {
    "sigmoid": ((1.0,), (0.5,), (3.7,), (-2.3,)),
    "leaky_relu": ((0.01,), (0.2,), (1.5,), (-0.3,)),
}


def reference(spec):
    """The mpmath reference for a ufunc spec, a function of the ufunc's inputs."""
    return bind(spec, REFERENCES[spec.activation.name])


def logsumexp_reference(row):
    """log(sum(exp(x))) of a row of floats, from the definition, at mpmath's working precision."""
    return mp.log(mp.fsum(mp.exp(mp.mpf(float(v))) for v in row))


def softmax_family_reference(row):
    """(softmax, log_softmax, logsumexp) of a row of floats from the definitions, as mpf.

    log_softmax(x)_i = x_i - logsumexp(x) and softmax = exp(log_softmax); for a
    dominant entry the subtraction cancels, so callers raise the precision
    (log_softmax ~ -exp(-gap) needs ~gap/ln 2 more bits).
    """
    lse = logsumexp_reference(row)
    log_softmax = [mp.mpf(float(v)) - lse for v in row]
    return [mp.exp(v) for v in log_softmax], log_softmax, lse
