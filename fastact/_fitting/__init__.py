"""Developer tools that fit the kernels' constants in mpmath and write the generated modules.

Not imported by fastact; they need mpmath. Run as modules, from the repository root:
``python -m fastact._fitting.fit_elementary`` (fastact/_coefficients.py) and
``python -m fastact._fitting.fit_roots`` (fastact/_root_coefficients.py).
"""
