"""NumPy reference for intrinsic plasticity (Triesch 2005; Schrauwen et al. 2008).

Written from the papers' update rules, one step at a time, vectorised over
the units.
"""

from __future__ import annotations

import numpy as np


def intrinsic_plasticity(sequences, W, W_in, bias, leak, activation, epochs, eta,
                         mean, std=None):  # fmt: skip
    """Gains and shifts after ``epochs`` passes over ``sequences``.

    Unit ``j`` outputs ``y = f(g s + c)`` with net input
    ``s = u W_in + b + x W``; after every step

    * tanh, Gaussian target N(mean, std^2):
      ``dc = -eta (-mean/std^2 + y/std^2 (2 std^2 + 1 - y^2 + mean y))``
    * sigmoid, exponential target of mean ``mean``:
      ``dc = eta (1 - (2 + 1/mean) y + y^2 / mean)``

    and ``dg = eta / g + dc s``; then ``x = (1 - a) x + a y``.
    """
    W = np.asarray(W.toarray() if hasattr(W, "toarray") else W, dtype=float)
    n = W.shape[0]
    leak = np.broadcast_to(np.asarray(leak, dtype=float), (n,))
    g, c = np.ones(n), np.zeros(n)
    for _ in range(epochs):
        for U in sequences:
            x = np.zeros(n)
            for u in np.asarray(U, dtype=float):
                s = u @ W_in + bias + x @ W
                z = g * s + c
                if activation == "tanh":
                    y = np.tanh(z)
                    v = std**2
                    dc = -eta * (-mean / v + (y / v) * (2 * v + 1 - y**2 + mean * y))
                else:
                    y = 1 / (1 + np.exp(-z))
                    dc = eta * (1 - (2 + 1 / mean) * y + y**2 / mean)
                g = g + eta / g + dc * s
                c = c + dc
                x = (1 - leak) * x + leak * y
    return g, c


def adapted_states(U, W, W_in, bias, leak, activation, g, c):
    """States of the adapted reservoir ``x = (1-a) x + a f(g s + c)``."""
    W = np.asarray(W.toarray() if hasattr(W, "toarray") else W, dtype=float)
    x = np.zeros(W.shape[0])
    out = []
    for u in np.asarray(U, dtype=float):
        z = g * (u @ W_in + bias + x @ W) + c
        y = np.tanh(z) if activation == "tanh" else 1 / (1 + np.exp(-z))
        x = (1 - leak) * x + leak * y
        out.append(x)
    return np.array(out)
