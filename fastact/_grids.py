"""Fixed input grids over the whole range of a float dtype."""

import numpy as np


def full_range_grid(dtype):
    """Finite and infinite values of ``dtype``: subnormals to the maximum, both signs.

    Dense where activations change fastest (|x| < 40), dense again where
    exp(-|x|) leaves the normal range and underflows (the saturated tails),
    logarithmically spaced elsewhere, plus the special values. nan is tested
    on its own.
    """
    dtype = np.dtype(dtype).type
    info = np.finfo(dtype)
    exponents = np.linspace(np.log2(float(info.smallest_subnormal)), np.log2(float(info.max)), 700)
    magnitudes = np.exp2(exponents[:-1])  # the last would round past max
    underflow_edge = -np.log(float(info.smallest_subnormal))  # 745 (float64), 103 (float32)
    normal_edge = -np.log(float(info.tiny))  # 708 (float64), 87 (float32)
    tails = np.linspace(normal_edge - 20, underflow_edge + 20, 401)
    specials = [
        0.0,
        info.smallest_subnormal,
        info.tiny,
        info.eps,
        0.5,
        1.0,
        2.0,
        np.sqrt(float(info.max)),
        info.max,
        np.nextafter(info.max, dtype(0)),
        np.inf,
    ]
    positive = np.concatenate([magnitudes, tails, np.asarray(specials, dtype=np.float64)])
    with np.errstate(over="ignore"):
        positive = positive.astype(dtype)
    dense = np.linspace(-40, 40, 1601).astype(dtype)
    grid = np.unique(np.concatenate([positive, -positive, dense]))
    return np.concatenate([grid, np.array([-0.0], dtype=dtype)])  # unique() folds -0.0 into 0.0


def log_uniform_sample(dtype, size=3000, low=1e-10, high=60.0, seed=20261204):
    """``size`` magnitudes log-uniform in [low, high], fixed by ``seed``, with both signs: dense
    where formulas switch between series, cancellation-free forms and tails."""
    rng = np.random.default_rng(seed)
    magnitudes = np.exp(rng.uniform(np.log(low), np.log(high), size))
    return np.concatenate([magnitudes, -magnitudes]).astype(dtype)


def parameter_scaled_grid(scale):
    """Points x where gain x, x or x / alpha (for a parameter ``scale``) runs densely through
    [-2300, 2300], where a parameter of any size can move a tail's last nonzero value, plus
    0, ±inf, the smallest subnormal and the largest double, both signs."""
    z = np.concatenate([np.linspace(-2300, 2300, 461), np.linspace(-40, 40, 81)])
    specials = [0.0, 5e-324, np.finfo(np.float64).max, np.inf]
    with np.errstate(over="ignore", under="ignore"):
        points = np.concatenate([z, z / scale, z * scale, specials, np.negative(specials)])
    return np.unique(points[~np.isnan(points)])


SPECIAL_VALUES = [
    0.0,
    -0.0,
    5e-324,
    -5e-324,
    1e-310,
    -1e-310,
    1e-45,
    -1e-45,
    700.0,
    -700.0,
    745.0,
    -745.0,
    800.0,
    -800.0,
    1e308,
    -1e308,
    np.inf,
    -np.inf,
    np.nan,
]


def inputs_on(spec, x, params=(), grad=None):
    """A ufunc's inputs built on the points ``x``: x itself, or y = f(x) for the
    from-output forms, after ``grad`` for the backward forms (by default fixed,
    uniform in [-3, 3]), then ``params`` as ``x.dtype`` scalars for the parametric forms."""
    import fastact

    dtype = x.dtype.type
    param_values = tuple(dtype(p) for p in params)
    names = spec.array_input_names
    first = getattr(fastact, spec.base_name)(x, *param_values) if "y" in names else x
    if "grad" not in names:
        return (first, *param_values)
    if grad is None:
        grad = np.random.default_rng(0).uniform(-3, 3, x.shape).astype(dtype)
    return (grad, first, *param_values)
