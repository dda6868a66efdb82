"""The table of activations: one entry each. Everything else is generated from it."""

from ._schema import Activation, Param
from .formulas import logistic, rectifier

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
)
