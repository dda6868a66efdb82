"""What each benchmark compares: fastact, the textbook NumPy formula, and SciPy where it has the function."""

import importlib

import fastact
from fastact._schema import bind
from fastact._textbook import TEXTBOOK

IMPLEMENTATIONS = ("fastact", "numpy", "scipy")

# ufunc name -> "module.attribute" of the SciPy function computing the same thing.
SCIPY = {"sigmoid": "scipy.special.expit"}


def implementation(name, which):
    """The callable for ufunc ``name``, or NotImplementedError (asv's "skip") if there is none."""
    spec = fastact.UFUNCS[name]
    if which == "fastact":
        return getattr(fastact, name)
    if which == "numpy":
        return bind(spec, TEXTBOOK[spec.activation.name])
    if name not in SCIPY:
        raise NotImplementedError(f"SciPy has no {name}")
    module, attribute = SCIPY[name].rsplit(".", 1)
    return getattr(importlib.import_module(module), attribute)
