"""Independent NumPy references for the capacity and diagnostics metrics.

Written from the definitions (Jaeger 2002; Dambre et al. 2012), without any
code from ``reservoir.capacity``: states from the plain loop of
``tests/naive.py``, readouts by least squares (``numpy.linalg.lstsq`` on
``[1, x]``), capacities by ``numpy.corrcoef``.
"""

from __future__ import annotations

import numpy as np
from naive import esn_states


def delayed_capacities(states, u, delays, washout, n_train):
    """Squared test correlation of the least-squares recall of ``u(t - k)``."""
    X = np.hstack([np.ones((states.shape[0], 1)), states])
    rows = np.arange(washout, states.shape[0])
    targets = np.stack([u[rows - k] for k in delays], axis=1)
    train, test = rows[:n_train], rows[n_train:]
    # one least-squares solve, a column per delay
    w, *_ = np.linalg.lstsq(X[train], targets[:n_train], rcond=None)
    predicted = X[test] @ w
    return np.array(
        [
            np.corrcoef(predicted[:, j], targets[n_train:, j])[0, 1] ** 2
            for j in range(targets.shape[1])
        ]
    )


def memory_capacity(W, W_in, bias, leak, activation, u, max_delay, washout, n_train):
    """Capacity per delay 1..max_delay of the reservoir driven by ``u`` (T,)."""
    states = esn_states(u[:, None], W, W_in, bias, leak, activation)
    return delayed_capacities(states, u, range(1, max_delay + 1), washout, n_train)


def legendre(d, x):
    """Normalised Legendre polynomial ``sqrt(2d + 1) P_d(x)``, d <= 3."""
    p = [np.ones_like(x), x, (3 * x**2 - 1) / 2, (5 * x**3 - 3 * x) / 2][d]
    return np.sqrt(2 * d + 1) * p


def basis_capacities(states, u, basis, washout, n_train):
    """Squared test correlation for every product of Legendre polynomials.

    Each element of ``basis`` is a tuple of ``(delay, degree)`` pairs; one
    least-squares solve serves every target (a column each).
    """
    rows = np.arange(washout, states.shape[0])
    targets = np.ones((rows.size, len(basis)))
    for j, function in enumerate(basis):
        for k, d in function:
            targets[:, j] *= legendre(d, u[rows - k])
    X = np.hstack([np.ones((rows.size, 1)), states[rows]])
    w, *_ = np.linalg.lstsq(X[:n_train], targets[:n_train], rcond=None)
    predicted = X[n_train:] @ w
    return np.array(
        [
            np.corrcoef(predicted[:, j], targets[n_train:, j])[0, 1] ** 2
            for j in range(len(basis))
        ]
    )
