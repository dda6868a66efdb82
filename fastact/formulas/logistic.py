"""The logistic family: sigmoid (with a gain) and tanh.

Both are written through e = exp(-|z|) <= 1, so no intermediate overflows and
neither tail cancels: 1 - sigmoid(z) and 1 - tanh(z)^2 are never formed by
subtraction. tanh(z) = 2*sigmoid(2z) - 1 makes tanh' = 4*sigmoid'(2z) and
tanh'' = 8*sigmoid''(2z).
"""

import math

from .._elementary import exp, expm1, horner, kernel, product_error
from .._elementary import tanh as _tanh

TINY = 2.0**-900  # below this, z^2 is negligible beside 1 in float64


@kernel
def _one_plus(e):
    """1 + e as an unevaluated sum q + q_low, exact (Fast2Sum, since 1 >= e >= 0)."""
    q = 1.0 + e
    return q, (1.0 - q) + e


@kernel
def _rough_inverse_of_one_plus(e):
    """1/(1+e) to 1% for 0 <= e <= 1 (a quadratic fit), for correction terms.

    q_low/q with q = 1+e is below 2^-52: 1% of it is below 0.02 ULP, and a
    division would cost more than the rest of the formula.
    """
    return horner(e, (0.3232, -0.808, 0.9899))


@kernel
def _slope(e, scale):
    # scale * sigmoid'(z) = scale e/(1+e)^2 with e = exp(-|z|): even in z, no
    # cancellation. 1/(q + q_low)^2 = (1 - 2 q_low/q)/q^2 to first order removes
    # the rounding of 1+e; scaling the numerator first keeps subnormal results
    # to one rounding.
    q, q_low = _one_plus(e)
    return (scale * e) / (q * q) * (1.0 - 2.0 * q_low * _rough_inverse_of_one_plus(e))


@kernel
def _curvature(e, m, z, scale):
    # scale * sigmoid''(z) = scale sigmoid'(z)(1 - 2 sigmoid(z)) = -sign(z) scale e (1-e)/(1+e)^3,
    # with m = 1 - e = -expm1(-|z|) computed without cancellation near z = 0.
    q, q_low = _one_plus(e)
    return math.copysign(
        (scale * e) * m / (q * q * q) * (1.0 - 3.0 * q_low * _rough_inverse_of_one_plus(e)), -z
    )


@kernel
def _scaled_exp(gain, x):
    """(z, e, m): z = gain*x rounded, e = exp(-|gain*x|), m = 1 - e for the exact product.

    exp(-|z + d|) = e (1 - sign(z) d) to first order in the rounding error d
    of z: without it sigmoid(gain*x) near x = -700 would be off by ~|z| ULP.
    """
    z = gain * x
    d = product_error(gain, x, z)
    e = exp(-abs(z))
    m = -expm1(-abs(z))
    if gain == 1.0:  # z = x exactly; with gain the constant default, LLVM drops the correction
        return z, e, m
    correction = (d if z >= 0 else -d) * e
    return z, e - correction, m + correction


@kernel
def sigmoid(x, gain):
    z, e, _ = _scaled_exp(gain, x)
    # 1/(1+exp(-z)) for z >= 0 and its mirror exp(z)/(1+exp(z)) for z < 0.
    return 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)


@kernel
def dsigmoid(x, gain):
    _, e, _ = _scaled_exp(gain, x)
    return _slope(e, gain)


@kernel
def d2sigmoid(x, gain):
    z, e, m = _scaled_exp(gain, x)
    if abs(z) < TINY:
        # sigmoid''(z) = -z/8 + O(z^3): for tiny z the rounding of gain*x to a
        # subnormal would dominate, so scale x once, by gain^3/8.
        return -(gain * gain * gain * 0.125) * x
    return _curvature(e, m, z, gain * gain)


@kernel
def dsigmoid_from_output(y, gain):
    # sigmoid' = gain*y(1-y); 1-y is exact for y >= 1/2 (Sterbenz).
    return gain * (y * (1.0 - y))


@kernel
def tanh(x):
    return _tanh(x)


@kernel
def dtanh(x):
    e = exp(-2.0 * abs(x))
    return _slope(e, 4.0)


@kernel
def d2tanh(x):
    e = exp(-2.0 * abs(x))
    m = -expm1(-2.0 * abs(x))
    return _curvature(e, m, x, 8.0)


@kernel
def dtanh_from_output(y):
    # 1 - y^2 = (1-y)(1+y): each factor exact or nearly so, no cancellation at |y| -> 1.
    return (1.0 - y) * (1.0 + y)
