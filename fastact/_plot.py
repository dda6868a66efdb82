"""``python -m fastact plot NAME``: f, f' and f'' on one figure."""

import sys

import numpy as np

import fastact


def plot(name, path, x_range=(-6.0, 6.0)):
    """Write the figure to ``path``; return the process exit status."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("fastact plot needs matplotlib: pip install 'fastact[plot]'", file=sys.stderr)
        return 2
    if name not in {a.name for a in fastact.ACTIVATIONS}:
        known = ", ".join(a.name for a in fastact.ACTIVATIONS)
        print(f"fastact plot: unknown activation {name!r}; one of: {known}", file=sys.stderr)
        return 2
    x = np.linspace(*x_range, 2001)
    figure, axes = plt.subplots(figsize=(7, 4.5))
    for prefix, label in (("", f"{name}(x)"), ("d", f"{name}'(x)"), ("d2", f"{name}''(x)")):
        axes.plot(x, getattr(fastact, prefix + name)(x), label=label)
    axes.axhline(0, color="grey", linewidth=0.5)
    axes.axvline(0, color="grey", linewidth=0.5)
    axes.set_xlabel("x")
    axes.set_title(f"fastact.{name} and its first two derivatives")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    print(path)
    return 0
