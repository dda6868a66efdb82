"""Cross-check against PyTorch where it is installed (never a dependency): forward values and
autograd's first derivative on ordinary inputs, float64. Skipped without torch."""

import numpy as np
import pytest

import fastact

torch = pytest.importorskip("torch")
F = torch.nn.functional

# fastact name -> the torch function with the same defaults.
TORCH_FUNCTIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leaky_relu": F.leaky_relu,
    "silu": F.silu,
    "mish": F.mish,
    "gelu": F.gelu,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "softplus": F.softplus,
    "log_sigmoid": F.logsigmoid,
    "tanhshrink": F.tanhshrink,
    "elu": F.elu,
    "selu": F.selu,
    "celu": F.celu,
    "relu6": F.relu6,
    "hardtanh": F.hardtanh,
    "hardsigmoid": F.hardsigmoid,
    "hardswish": F.hardswish,
    "softsign": F.softsign,
    "softshrink": F.softshrink,
    "hardshrink": F.hardshrink,
}
# PyTorch forms 1 + tanh(u) and 1 - tanh(u)^2, exact to ~1e-16 absolute but not relative in the
# tails (gelu_tanh at x = -7 is 8% off), so the comparison allows an absolute 1e-14 as well.
ABSOLUTE = 1e-14
# Away from every kink of the piecewise functions, where the derivative is a convention (at x = -3,
# torch's hardswish' is 0 and fastact's is the right-hand -0.5): the grid has step 0.05 and hits them.
KINKS = np.array([0.0, -0.5, 0.5, -1.0, 1.0, -3.0, 3.0, 6.0])
GRID = np.linspace(-7.05, 7.05, 283)
POINTS = GRID[np.abs(GRID[:, None] - KINKS).min(axis=1) > 1e-3]
# PyTorch 2.13's hardsigmoid backward multiplies a float64 gradient by 1/6 rounded to float32
# (0.1666666716337204): its derivative is 3e-8 off in float64, so it is compared at float32's rtol.
# fastact's own derivative is checked against mpmath in test_accuracy.
GRADIENT_RTOL = {"hardsigmoid": 2.0**-23}


@pytest.mark.parametrize("name", [n for n in TORCH_FUNCTIONS if n in fastact.UFUNCS])
def test_forward_and_autograd_match_torch(name):
    x = torch.tensor(POINTS, dtype=torch.float64, requires_grad=True)
    y = TORCH_FUNCTIONS[name](x)
    (gradient,) = torch.autograd.grad(y.sum(), x)
    close = np.testing.assert_allclose
    close(getattr(fastact, name)(POINTS), y.detach().numpy(), rtol=1e-12, atol=ABSOLUTE)
    rtol = GRADIENT_RTOL.get(name, 1e-12)
    close(getattr(fastact, "d" + name)(POINTS), gradient.numpy(), rtol=rtol, atol=ABSOLUTE)
