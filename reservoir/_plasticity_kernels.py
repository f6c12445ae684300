"""Numba kernel for intrinsic plasticity (plain arrays, no validation).

One pass over one sequence of the leaky reservoir whose unit ``j`` computes
``y_j = f(g_j s_j + c_j)`` from its net input ``s = u W_in + b + x W``, with
the gain ``g`` and shift ``c`` adapted online after every step:

* rule 0, ``f = tanh``, Gaussian target (Schrauwen et al. 2008)::

      dc = -eta (-mu / v + y / v (2 v + 1 - y^2 + mu y)),  v = sigma^2

* rule 1, ``f`` = logistic sigmoid, exponential target of mean ``mu``
  (Triesch 2005)::

      dc = eta (1 - (2 + 1 / mu) y + y^2 / mu)

and in both ``dg = eta / g + dc s``. The state then moves as usual,
``x_j <- (1 - a_j) x_j + a_j y_j``. ``gain`` and ``shift`` are updated in
place; the state starts at zero. Float64 throughout.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__: list[str] = []

GAUSSIAN_TANH = 0
EXPONENTIAL_SIGMOID = 1


@njit(cache=True, error_model="numpy")
def ip_pass(U, W_in, W, bias, leak, rule, mean, std, eta, gain, shift):
    """Adapt ``gain`` and ``shift`` over the steps of ``U`` (T, D), in place."""
    n_steps, n_features = U.shape
    n_units = W.shape[0]
    x = np.zeros(n_units)
    s = np.empty(n_units)
    var = std * std
    for t in range(n_steps):
        for j in range(n_units):
            s[j] = bias[j]
        for d in range(n_features):
            ud = U[t, d]
            for j in range(n_units):
                s[j] += ud * W_in[d, j]
        for i in range(n_units):
            xi = x[i]
            if xi != 0.0:
                for j in range(n_units):
                    s[j] += xi * W[i, j]
        for j in range(n_units):
            z = gain[j] * s[j] + shift[j]
            if rule == GAUSSIAN_TANH:
                y = math.tanh(z)
                dc = -eta * (
                    -mean / var + (y / var) * (2.0 * var + 1.0 - y * y + mean * y)
                )
            else:
                y = 1.0 / (1.0 + math.exp(-z))
                dc = eta * (1.0 - (2.0 + 1.0 / mean) * y + y * y / mean)
            gain[j] += eta / gain[j] + dc * s[j]
            shift[j] += dc
            x[j] = (1.0 - leak[j]) * x[j] + leak[j] * y
