"""What an activation is, and the names and docs of the ufuncs made from one.

Naming scheme, the same for every activation ``f``:

==================  =====================  ==========================================
ufunc               inputs                 value
==================  =====================  ==========================================
``f``               x, *params             f(x)
``df``              x, *params             f'(x)
``d2f``             x, *params             f''(x)
``df_from_output``  y, *params             f'(x) written in y = f(x)
``f_backward``      grad, x, *params       grad * f'(x), fused
``f_backward_from_output``  grad, y, *params  grad * f'(x) written in y, fused
==================  =====================  ==========================================

The two from-output forms exist only where the activation has ``derivative_from_output``.
An activation with parameters gives its ufuncs twice: under its own name
with the parameters fixed at their defaults (``leaky_relu(x)``), and under its
``general_name`` with the parameters as extra inputs (``prelu(x, slope)``).
"""

from collections.abc import Callable
from dataclasses import dataclass

ROLES = (
    "forward",
    "derivative",
    "second_derivative",
    "derivative_from_output",
    "backward",
    "backward_from_output",
)
FROM_OUTPUT_ROLES = ("derivative_from_output", "backward_from_output")
BACKWARD_ROLES = {"backward": "derivative", "backward_from_output": "derivative_from_output"}  # grad times it


@dataclass(frozen=True)
class Param:
    name: str
    default: float
    doc: str


@dataclass(frozen=True)
class Activation:
    """One table entry. Kernels are scalar float64 functions of (x, *params)."""

    name: str
    summary: str
    forward: Callable
    derivative: Callable
    second_derivative: Callable
    derivative_from_output: Callable | None = None
    params: tuple = ()
    general_name: str | None = None
    edges: str = ""
    family: str = ""

    def kernel(self, role):
        """The table's formula for ``role`` (a backward form's: the derivative grad multiplies)."""
        return getattr(self, BACKWARD_ROLES.get(role, role))

    def has_role(self, role):
        return role not in FROM_OUTPUT_ROLES or self.derivative_from_output is not None


@dataclass(frozen=True)
class UfuncSpec:
    """One public ufunc: which activation, which role, and whether parameters are inputs."""

    name: str
    activation: Activation
    role: str
    parametric: bool

    @property
    def base_name(self):
        return self.activation.general_name if self.parametric else self.activation.name

    @property
    def array_input_names(self):
        """The inputs before the parameters: x, y, or grad with x or y."""
        return {
            "derivative_from_output": ("y",),
            "backward": ("grad", "x"),
            "backward_from_output": ("grad", "y"),
        }.get(self.role, ("x",))

    @property
    def input_names(self):
        params = tuple(p.name for p in self.activation.params) if self.parametric else ()
        return self.array_input_names + params

    @property
    def nin(self):
        return len(self.input_names)

    @property
    def doc(self):
        return _doc(self)


def bind(spec, functions):
    """A function of the ufunc's inputs, from per-role functions of (x or y, *params).

    Used for the Python-level companions of each ufunc (mpmath references,
    NumPy textbook formulas): the backward form is grad times the derivative,
    and fixed forms append the parameter defaults.
    """
    defaults = () if spec.parametric else tuple(p.default for p in spec.activation.params)
    if spec.role in BACKWARD_ROLES:
        derivative = functions[BACKWARD_ROLES[spec.role]]
        return lambda grad, first, *params: grad * derivative(first, *params, *defaults)
    function = functions[spec.role]
    return lambda first, *params: function(first, *params, *defaults)


def ufunc_name(base, role):
    return {
        "forward": base,
        "derivative": f"d{base}",
        "second_derivative": f"d2{base}",
        "derivative_from_output": f"d{base}_from_output",
        "backward": f"{base}_backward",
        "backward_from_output": f"{base}_backward_from_output",
    }[role]


def ufunc_specs(activations):
    """Every public ufunc the table defines, by name, in table order."""
    specs = {}
    for activation in activations:
        forms = [False] + ([True] if activation.params else [])
        for parametric in forms:
            for role in ROLES:
                if not activation.has_role(role):
                    continue
                base = activation.general_name if parametric else activation.name
                spec = UfuncSpec(ufunc_name(base, role), activation, role, parametric)
                if spec.name in specs:
                    raise ValueError(f"activation table defines {spec.name!r} twice")
                specs[spec.name] = spec
    return specs


_ROLE_SENTENCES = {
    "forward": "{summary}",
    "derivative": "First derivative of `{base}` in x.",
    "second_derivative": "Second derivative of `{base}` in x.",
    "derivative_from_output": "First derivative of `{base}`, computed from its output y = {base}(x).",
    "backward": "Backward pass of `{base}`: grad * {base}'(x) in one pass.",
    "backward_from_output": "Backward pass of `{base}` from its output: grad * {base}'(x), "
    "written in y = {base}(x), in one pass.",
}


def _doc(spec):
    activation = spec.activation
    lines = [
        f"{spec.name}({', '.join(spec.input_names)})",
        "",
        _ROLE_SENTENCES[spec.role].format(summary=activation.summary, base=spec.base_name),
        "",
    ]
    if activation.params:
        if spec.parametric:
            lines.append("Parameters are ufunc inputs and broadcast like x:")
            lines += [
                f"    {p.name}: {p.doc} (`{activation.name}` fixes it at {p.default!r})"
                for p in activation.params
            ]
        else:
            fixed = ", ".join(f"{p.name}={p.default!r}" for p in activation.params)
            lines.append(f"With {fixed}; `{activation.general_name}` takes them as inputs.")
        lines.append("")
    if activation.edges:
        lines += [activation.edges, ""]
    lines.append(
        "float32 in, float32 out; float64 and integers give float64. Never sets "
        "floating-point warnings; nan in, nan out."
    )
    return "\n".join(lines)
