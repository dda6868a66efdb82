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
# Away from every kink of the piecewise functions (0, +-0.5, +-1, +-3, 6).
POINTS = np.linspace(-7.05, 7.05, 283)


@pytest.mark.parametrize("name", [n for n in TORCH_FUNCTIONS if n in fastact.UFUNCS])
def test_forward_and_autograd_match_torch(name):
    x = torch.tensor(POINTS, dtype=torch.float64, requires_grad=True)
    y = TORCH_FUNCTIONS[name](x)
    (gradient,) = torch.autograd.grad(y.sum(), x)
    close = np.testing.assert_allclose
    close(getattr(fastact, name)(POINTS), y.detach().numpy(), rtol=1e-12, atol=ABSOLUTE)
    close(getattr(fastact, "d" + name)(POINTS), gradient.numpy(), rtol=1e-12, atol=ABSOLUTE)
