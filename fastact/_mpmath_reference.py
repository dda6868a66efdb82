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


def _softplus(x):
    return mp.log1p(mp.exp(x))


# Beyond |x| = 1e4 the normal CDF is 0 or 1 and the density 0, to ~e^(-5e7): mpmath's ncdf
# overflows a float conversion for |x| near 1e308.
NORMAL_SATURATION = 10**4


def _ncdf(x):
    return mp.ncdf(x) if abs(x) < NORMAL_SATURATION else mp.mpf(x > 0)


def _npdf(x):
    return mp.npdf(x) if abs(x) < NORMAL_SATURATION else mp.mpf(0)


def _x_minus_tanh(x):
    # x - tanh(x) = x^3/3 - 2x^5/15 + ... cancels for small x: enough extra bits to absorb it.
    extra = int(3 * max(0, -mp.log(abs(x), 2))) + 64 if x != 0 else 0
    with mp.extraprec(extra):
        return x - mp.tanh(x)


# gelu_tanh = x sigmoid(v), v = 2u = 2 sqrt(2/pi) (x + 0.044715 x^3): 1 + tanh(u) = 2 sigmoid(2u).
def _gelu_tanh_v(x):
    return 2 * mp.sqrt(2 / mp.pi) * (x + mp.mpf("0.044715") * x**3)


def _gelu_tanh_slopes(x):
    c = 2 * mp.sqrt(2 / mp.pi)
    return c * (1 + 3 * mp.mpf("0.044715") * x**2), c * 6 * mp.mpf("0.044715") * x


def _gelu_tanh_derivative(x):
    v = _gelu_tanh_v(x)
    slope, _ = _gelu_tanh_slopes(x)
    return _sigmoid(v) + x * slope * _sigmoid(v) * _sigmoid(-v)


def _gelu_tanh_second_derivative(x):
    v = _gelu_tanh_v(x)
    slope, curvature = _gelu_tanh_slopes(x)
    density = _sigmoid(v) * _sigmoid(-v)  # sigma'(v); sigma''(v) = -sigma'(v) tanh(v/2)
    return density * (2 * slope + x * curvature - x * slope**2 * mp.tanh(v / 2))


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
    "tanhshrink": {
        "forward": lambda x: _x_minus_tanh(x),
        "derivative": lambda x: mp.tanh(x) ** 2,
        "second_derivative": lambda x: 2 * mp.tanh(x) * mp.sech(x) ** 2,
    },
    "softplus": {
        "forward": lambda x, b, threshold: mp.log1p(mp.exp(b * x)) / b,
        "derivative": lambda x, b, threshold: _sigmoid(b * x),
        "second_derivative": lambda x, b, threshold: b * _sigmoid(b * x) * _sigmoid(-b * x),
        "derivative_from_output": lambda y, b, threshold: -mp.expm1(-b * y),
    },
    "log_sigmoid": {
        "forward": lambda x: -mp.log1p(mp.exp(-x)),
        "derivative": lambda x: _sigmoid(-x),
        "second_derivative": lambda x: -_sigmoid(x) * _sigmoid(-x),
        "derivative_from_output": lambda y: -mp.expm1(y),
    },
    "silu": {
        "forward": lambda x: x * _sigmoid(x),
        "derivative": lambda x: _sigmoid(x) * (1 + x * _sigmoid(-x)),
        "second_derivative": lambda x: _sigmoid(x) * _sigmoid(-x) * (2 - x * mp.tanh(x / 2)),
    },
    "mish": {
        "forward": lambda x: x * mp.tanh(_softplus(x)),
        "derivative": lambda x: mp.tanh(_softplus(x)) + x * mp.sech(_softplus(x)) ** 2 * _sigmoid(x),
        "second_derivative": lambda x: (
            mp.sech(_softplus(x)) ** 2
            * _sigmoid(x)
            * (2 + x * (_sigmoid(-x) - 2 * mp.tanh(_softplus(x)) * _sigmoid(x)))
        ),
    },
    "gelu": {
        "forward": lambda x: x * _ncdf(x),
        "derivative": lambda x: _ncdf(x) + x * _npdf(x),
        "second_derivative": lambda x: _npdf(x) * (2 - x * x),
    },
    "gelu_tanh": {
        "forward": lambda x: x * _sigmoid(_gelu_tanh_v(x)),
        "derivative": lambda x: _gelu_tanh_derivative(x),
        "second_derivative": lambda x: _gelu_tanh_second_derivative(x),
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
    "sigmoid": ((1.0,), (0.5,), (3.7,), (-2.3,), (100.0,)),
    "leaky_relu": ((0.01,), (0.2,), (1.5,), (-0.3,)),
    "softplus": ((1.0, 20.0), (0.5, 20.0), (3.0, 5.0), (0.1, 20.0)),
    "elu": ((1.0,), (0.5,), (2.75,), (-0.3,)),
    "celu": ((1.0,), (0.5,), (3.7,), (0.01,)),
    "hardtanh": ((-1.0, 1.0), (0.0, 6.0), (-2.5, 0.5), (-0.1, 3.3)),
    "softshrink": ((0.5,), (0.0,), (1.25,), (3.7,)),
    "hardshrink": ((0.5,), (0.0,), (1.25,), (3.7,)),
    "threshold": ((0.0, 0.0), (1.0, -2.0), (-0.5, 0.25), (3.7, 3.7)),
}

# Parameters near the ends of float64's range (float64 only: float32 cannot hold them). A formula
# must not let such a factor overflow, or keep a tail that should vanish nonzero (alpha exp(x)
# with exp's argument clamped at -750), before the result is scaled.
EXTREME_PARAMETER_SAMPLES = {
    "sigmoid": ((1e300,), (-1e150,), (1e-300,)),
    "leaky_relu": ((1e300,), (-1e-300,)),
    "softplus": ((1e300, 20.0), (1e-300, 20.0)),
    "elu": ((1e300,), (1e-300,)),
    "celu": ((1e300,), (1e-300,)),
    "hardtanh": ((-1e300, 1e300), (-1e-300, 1e-300)),
    "softshrink": ((1e300,), (1e-300,)),
    "hardshrink": ((1e300,), (1e-300,)),
    "threshold": ((1e300, -1e300), (-1e-300, 1e300)),
}


# Stands in for an infinite input where a formula gives nan (x sigmoid(x) at -inf is -inf * 0):
# the function's limit, to far below any float's resolution.
HUGE = mp.mpf(2) ** 4096


def reference(spec):
    """The mpmath reference for a ufunc spec, a function of the ufunc's inputs."""
    function = bind(spec, REFERENCES[spec.activation.name])

    def limit_at_infinity(*args):
        value = function(*args)
        if mp.isnan(value) and any(mp.isinf(a) for a in args) and not any(mp.isnan(a) for a in args):
            value = function(*(mp.sign(a) * HUGE if mp.isinf(a) else a for a in args))
        return value

    return limit_at_infinity


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
