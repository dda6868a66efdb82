"""The softplus family: softplus (with beta) and log_sigmoid.

softplus_b(x) = log(1 + exp(b x))/b is written as max(x, 0) + log1p(exp(-|b x|))/b,
which never overflows and never cancels: the log1p term is the small correction
on the linear part for x > 0 and the whole (positive) value for x < 0. Its
derivatives are the logistic sigmoid and its slope, so they reuse the logistic
kernels. PyTorch's ``threshold`` (return x once b x > threshold) is accepted and
ignored: the formula above is exact for every x, where PyTorch's switch costs up
to 5.8e5 ULP just above the threshold.
"""

from .._elementary import exp, expm1, kernel, log1p, scale_by_clamped_power_of_two, split_exponent
from . import logistic


@kernel
def softplus(x, beta, threshold):
    # exp(-|b x|) = 2^k (hi + lo) = e, corrected for the rounding of b x (logistic.decay_of_product).
    # Below 2^-60, log1p(e)/b = e/b: from 2^k (hi + lo), divided by b's mantissa and scaled last by
    # 2^k over b's power of two, a subnormal result is rounded once (e/b would round it twice) and
    # a tiny b does not overflow the quotient before it is scaled down.
    z, k, hi, lo, e, _ = logistic.decay_of_product(beta, x)
    beta_mantissa, beta_exponent = split_exponent(beta)
    small_tail = scale_by_clamped_power_of_two((hi + lo) / beta_mantissa, k - beta_exponent)
    tail = small_tail if e < 2.0**-60 else log1p(e) / beta
    return (x if z > 0 else 0.0) + tail


@kernel
def dsoftplus(x, beta, threshold):
    return logistic.sigmoid(x, beta)


@kernel
def d2softplus(x, beta, threshold):
    return logistic.dsigmoid(x, beta)


@kernel
def dsoftplus_from_output(y, beta, threshold):
    # exp(b y) = 1 + exp(b x), so sigmoid(b x) = 1 - exp(-b y) = -expm1(-b y): no cancellation.
    return -expm1(-beta * y)


@kernel
def log_sigmoid(x):
    # log sigmoid(x) = -softplus(-x) = min(x, 0) - log1p(exp(-|x|)).
    e = exp(-abs(x))
    return (x if x < 0 else 0.0) - log1p(e)


@kernel
def dlog_sigmoid(x):
    return logistic.sigmoid(-x, 1.0)


@kernel
def d2log_sigmoid(x):
    return -logistic.dsigmoid(x, 1.0)


@kernel
def dlog_sigmoid_from_output(y):
    # y = log sigmoid(x): 1 - sigmoid(x) = 1 - exp(y) = -expm1(y), exact as y -> 0.
    return -expm1(y)
