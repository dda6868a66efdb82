"""Weighted minimax (Remez exchange) fits in mpmath, for the elementary kernels' polynomials.

Discrete Remez: the error is sampled on a dense Chebyshev-spaced grid of the
interval, which locates its extrema to well within what float64 coefficients
can resolve.
"""

import mpmath as mp


def chebyshev_grid(a, b, size):
    """``size`` points of [a, b], both ends included, dense towards the ends like Chebyshev extrema."""
    middle, half = (a + b) / 2, (b - a) / 2
    return [middle - half * mp.cos(mp.pi * j / (size - 1)) for j in range(size)]


def _alternating_extrema(errors):
    """Indices of the largest |error| in each run of one sign, in order."""
    extrema = []
    for j, e in enumerate(errors):
        if e == 0:
            continue
        if extrema and (errors[extrema[-1]] > 0) == (e > 0):
            if abs(e) > abs(errors[extrema[-1]]):
                extrema[-1] = j
        else:
            extrema.append(j)
    return extrema


def _trim(extrema, errors, count):
    """Drop the smaller end until ``count`` remain: alternation and the global maximum survive."""
    extrema = list(extrema)
    while len(extrema) > count:
        if abs(errors[extrema[0]]) < abs(errors[extrema[-1]]):
            extrema.pop(0)
        else:
            extrema.pop()
    return extrema


def _combine(coefficients, columns, j):
    return mp.fsum(c * column[j] for c, column in zip(coefficients, columns, strict=True))


def remez(target, basis, weight, a, b, grid_size=2000, iterations=50):
    """Coefficients c minimizing max |weight(x) (target(x) - sum_i c_i basis[i](x))| on [a, b].

    Returns (coefficients, max weighted error on the grid).
    """
    grid = chebyshev_grid(mp.mpf(a), mp.mpf(b), grid_size)
    targets = [target(x) for x in grid]
    weights = [weight(x) for x in grid]
    columns = [[phi(x) for x in grid] for phi in basis]
    n = len(basis)
    reference = [round(j) for j in chebyshev_grid(0, grid_size - 1, n + 1)]
    coefficients, worst = None, mp.inf
    for _ in range(iterations):
        # Equioscillation on the reference: sum_i c_i phi_i(x_j) + (-1)^j E / w(x_j) = target(x_j).
        matrix = mp.matrix(n + 1, n + 1)
        rhs = mp.matrix(n + 1, 1)
        for row, j in enumerate(reference):
            for i in range(n):
                matrix[row, i] = columns[i][j]
            matrix[row, n] = (-1) ** row / weights[j]
            rhs[row] = targets[j]
        solution = mp.lu_solve(matrix, rhs)
        coefficients = [solution[i] for i in range(n)]
        level = abs(solution[n])
        errors = [weights[j] * (targets[j] - _combine(coefficients, columns, j)) for j in range(grid_size)]
        worst = max(abs(e) for e in errors)
        extrema = _alternating_extrema(errors)
        if len(extrema) < n + 1 or worst <= level * (1 + mp.mpf("1e-6")):
            break
        reference = _trim(extrema, errors, n + 1)
    return coefficients, worst


def max_weighted_error(approximation, target, weight, a, b, grid_size=4000):
    """max |weight (target - approximation)| on a grid, all in mpmath."""
    grid = chebyshev_grid(mp.mpf(a), mp.mpf(b), grid_size)
    return max(abs(weight(x) * (target(x) - approximation(x))) for x in grid)
