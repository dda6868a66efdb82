"""The table of activations: one entry each. Everything else is generated from it."""

from ._schema import Activation, Param
from .formulas import exponential_linear, gated, hard, logistic, rectifier, shrink, softplus

ACTIVATIONS = (
    Activation(
        name="step",
        family="rectifier",
        summary="Heaviside step: 1 for x > 0, 0 for x < 0, 1/2 at x = ±0.",
        forward=rectifier.step,
        derivative=rectifier.dstep,
        second_derivative=rectifier.d2step,
        derivative_from_output=rectifier.dstep,
        edges="Derivatives are 0 everywhere, including x = 0 where the step jumps.",
    ),
    Activation(
        name="sigmoid",
        family="logistic",
        summary="Logistic sigmoid 1/(1 + exp(-gain*x)).",
        forward=logistic.sigmoid,
        derivative=logistic.dsigmoid,
        second_derivative=logistic.d2sigmoid,
        derivative_from_output=logistic.dsigmoid_from_output,
        params=(Param("gain", 1.0, "slope a of sigmoid(a*x)"),),
        general_name="sigmoid_gain",
        edges="Exact in both tails: 1 - sigmoid is never formed by subtraction.",
    ),
    Activation(
        name="tanh",
        family="logistic",
        summary="Hyperbolic tangent.",
        forward=logistic.tanh,
        derivative=logistic.dtanh,
        second_derivative=logistic.d2tanh,
        derivative_from_output=logistic.dtanh_from_output,
        edges="dtanh is sech(x)^2, exact in the tails where 1 - tanh(x)**2 is 0.",
    ),
    Activation(
        name="tanhshrink",
        family="logistic",
        summary="tanhshrink: x - tanh(x).",
        forward=logistic.tanhshrink,
        derivative=logistic.dtanhshrink,
        second_derivative=logistic.d2tanhshrink,
        edges="Exact near 0, where x - tanh(x) = x^3/3 cancels (its Taylor series for abs(x) < 0.3).",
    ),
    Activation(
        name="softplus",
        family="softplus",
        summary="Softplus log(1 + exp(beta*x))/beta.",
        forward=softplus.softplus,
        derivative=softplus.dsoftplus,
        second_derivative=softplus.d2softplus,
        derivative_from_output=softplus.dsoftplus_from_output,
        params=(
            Param("beta", 1.0, "sharpness beta"),
            Param("threshold", 20.0, "accepted for PyTorch compatibility; ignored"),
        ),
        general_name="softplus_beta",
        edges=(
            "Exact for every x: PyTorch returns x once beta*x > threshold (up to 5.8e5 ULP off "
            "just above it); fastact accepts threshold and ignores it."
        ),
    ),
    Activation(
        name="log_sigmoid",
        family="softplus",
        summary="Log-sigmoid log(1/(1 + exp(-x))) = -softplus(-x).",
        forward=softplus.log_sigmoid,
        derivative=softplus.dlog_sigmoid,
        second_derivative=softplus.d2log_sigmoid,
        derivative_from_output=softplus.dlog_sigmoid_from_output,
        edges="The from-output form is -expm1(y): exact as y -> 0, where 1 - exp(y) cancels.",
    ),
    Activation(
        name="silu",
        family="gated",
        summary="SiLU (swish) x*sigmoid(x).",
        forward=gated.silu,
        derivative=gated.dsilu,
        second_derivative=gated.d2silu,
        edges="No from-output form: silu is not one-to-one.",
    ),
    Activation(
        name="mish",
        family="gated",
        summary="Mish x*tanh(softplus(x)).",
        forward=gated.mish,
        derivative=gated.dmish,
        second_derivative=gated.d2mish,
        edges="No from-output form: mish is not one-to-one.",
    ),
    Activation(
        name="gelu",
        family="gated",
        summary="GELU x*Phi(x), Phi the standard normal CDF (PyTorch's approximate='none').",
        forward=gated.gelu,
        derivative=gated.dgelu,
        second_derivative=gated.d2gelu,
        edges="Phi(x) comes from erfc, so the negative tail keeps full relative accuracy.",
    ),
    Activation(
        name="gelu_tanh",
        family="gated",
        summary="GELU, tanh approximation: x/2*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x^3))).",
        forward=gated.gelu_tanh,
        derivative=gated.dgelu_tanh,
        second_derivative=gated.d2gelu_tanh,
        edges="Written x*sigmoid(2u): 1 + tanh(u) is never formed, so the negative tail does not cancel.",
    ),
    Activation(
        name="relu",
        family="rectifier",
        summary="Rectified linear unit max(x, 0); relu(-0.0) is +0.0.",
        forward=rectifier.relu,
        derivative=rectifier.drelu,
        second_derivative=rectifier.d2relu,
        derivative_from_output=rectifier.drelu,
        edges="drelu(0) = 0, the subgradient PyTorch's autograd uses.",
    ),
    Activation(
        name="leaky_relu",
        family="rectifier",
        summary="Leaky ReLU: x for x > 0, slope*x otherwise.",
        forward=rectifier.leaky_relu,
        derivative=rectifier.dleaky_relu,
        second_derivative=rectifier.d2leaky_relu,
        derivative_from_output=rectifier.dleaky_relu_from_output,
        params=(Param("slope", 0.01, "slope for x <= 0"),),
        general_name="prelu",
        edges=(
            "The derivative at x = 0 is slope, as PyTorch's autograd. The from-output "
            "form needs slope >= 0 (else y cannot tell the sign of x) and returns nan otherwise."
        ),
    ),
    Activation(
        name="elu",
        family="exponential_linear",
        summary="Exponential linear unit: x for x > 0, alpha*expm1(x) otherwise.",
        forward=exponential_linear.elu,
        derivative=exponential_linear.delu,
        second_derivative=exponential_linear.d2elu,
        derivative_from_output=exponential_linear.delu_from_output,
        params=(Param("alpha", 1.0, "value approached as x -> -inf is -alpha"),),
        general_name="elu_alpha",
        edges=(
            "At x = 0 the derivative is alpha (the x <= 0 branch) and the second derivative 0, "
            "as PyTorch's autograd. From the output: y + alpha for y <= 0, which needs "
            "alpha >= 0 (returns nan otherwise)."
        ),
    ),
    Activation(
        name="selu",
        family="exponential_linear",
        summary="Scaled ELU: scale*x for x > 0, scale*alpha*expm1(x) otherwise (PyTorch's constants).",
        forward=exponential_linear.selu,
        derivative=exponential_linear.dselu,
        second_derivative=exponential_linear.d2selu,
        derivative_from_output=exponential_linear.dselu_from_output,
        edges=(
            "alpha = 1.6732632423543772, scale = 1.0507009873554805 (float64); scale*alpha is "
            "carried to 106 bits. At x = 0 the derivative is scale*alpha, the second derivative 0."
        ),
    ),
    Activation(
        name="celu",
        family="exponential_linear",
        summary="Continuously differentiable ELU: max(0, x) + min(0, alpha*expm1(x/alpha)).",
        forward=exponential_linear.celu,
        derivative=exponential_linear.dcelu,
        second_derivative=exponential_linear.d2celu,
        derivative_from_output=exponential_linear.dcelu_from_output,
        params=(Param("alpha", 1.0, "scale of the negative branch, nonzero"),),
        general_name="celu_alpha",
        edges=(
            "The rounding of x/alpha is corrected, so the tail stays exact. The derivative is 1 "
            "at x = 0, the second derivative 0 there. From the output: (y + alpha)/alpha for y <= 0."
        ),
    ),
    Activation(
        name="relu6",
        family="hard",
        summary="ReLU capped at 6: min(max(x, 0), 6); relu6(-0.0) is +0.0.",
        forward=hard.relu6,
        derivative=hard.drelu6,
        second_derivative=hard.d2relu6,
        derivative_from_output=hard.drelu6_from_output,
        edges="The derivative is 1 on 0 < x < 6 and 0 elsewhere, at both kinks too (PyTorch).",
    ),
    Activation(
        name="hardtanh",
        family="hard",
        summary="Hard tanh: x clamped to [min_val, max_val].",
        forward=hard.hardtanh,
        derivative=hard.dhardtanh,
        second_derivative=hard.d2hardtanh,
        derivative_from_output=hard.dhardtanh_from_output,
        params=(
            Param("min_val", -1.0, "lower end of the linear region"),
            Param("max_val", 1.0, "upper end of the linear region"),
        ),
        general_name="hardtanh_range",
        edges=(
            "The derivative is 1 on min_val < x < max_val and 0 elsewhere, at both kinks too "
            "(PyTorch). A nan bound acts as no bound."
        ),
    ),
    Activation(
        name="hardsigmoid",
        family="hard",
        summary="Hard sigmoid relu6(x + 3)/6, rounded once.",
        forward=hard.hardsigmoid,
        derivative=hard.dhardsigmoid,
        second_derivative=hard.d2hardsigmoid,
        derivative_from_output=hard.dhardsigmoid_from_output,
        edges="The derivative is 1/6 on -3 < x < 3 and 0 elsewhere, at both kinks too (PyTorch).",
    ),
    Activation(
        name="hardswish",
        family="hard",
        summary="Hard swish x*relu6(x + 3)/6, rounded once.",
        forward=hard.hardswish,
        derivative=hard.dhardswish,
        second_derivative=hard.d2hardswish,
        edges=(
            "As PyTorch: the derivative is 0 for x < -3, x/3 + 1/2 on -3 <= x <= 3 (-1/2 at -3, "
            "3/2 at 3), 1 for x > 3; the second derivative is 1/3 on -3 < x < 3, else 0."
        ),
    ),
    Activation(
        name="softsign",
        family="hard",
        summary="Softsign x/(1 + abs(x)).",
        forward=hard.softsign,
        derivative=hard.dsoftsign,
        second_derivative=hard.d2softsign,
        derivative_from_output=hard.dsoftsign_from_output,
        edges=(
            "Derivatives are products of reciprocals: no overflow of (1 + abs(x))^3. The second "
            "derivative is 0 at x = 0, where it jumps from 2 to -2 (PyTorch's sign(0) = 0)."
        ),
    ),
    Activation(
        name="softshrink",
        family="shrink",
        summary="Soft shrinkage: x - lambd for x > lambd, x + lambd for x < -lambd, else 0.",
        forward=shrink.softshrink,
        derivative=shrink.dshrink,
        second_derivative=shrink.d2shrink,
        derivative_from_output=shrink.dshrink_from_output,
        params=(Param("lambd", 0.5, "half-width of the dead zone, >= 0"),),
        general_name="softshrink_lambd",
        edges="The derivative is 1 where abs(x) > lambd and 0 elsewhere, at x = ±lambd too (PyTorch).",
    ),
    Activation(
        name="hardshrink",
        family="shrink",
        summary="Hard shrinkage: x where abs(x) > lambd, else 0.",
        forward=shrink.hardshrink,
        derivative=shrink.dshrink,
        second_derivative=shrink.d2shrink,
        derivative_from_output=shrink.dshrink_from_output,
        params=(Param("lambd", 0.5, "half-width of the dead zone"),),
        general_name="hardshrink_lambd",
        edges="The derivative is 1 where abs(x) > lambd and 0 elsewhere, at x = ±lambd too (PyTorch).",
    ),
    Activation(
        name="threshold",
        family="shrink",
        summary="Threshold: x where x > threshold, else value.",
        forward=shrink.threshold,
        derivative=shrink.dthreshold,
        second_derivative=shrink.d2threshold,
        params=(
            Param("threshold", 0.0, "x at or below it is replaced"),
            Param("value", 0.0, "the replacement"),
        ),
        general_name="threshold_value",
        edges=(
            "PyTorch has no defaults: `threshold` fixes threshold = 0, value = 0. The derivative "
            "is 0 where x <= threshold (at the kink too), 1 above. No from-output form: y cannot "
            "tell value from an x above the threshold."
        ),
    ),
)
