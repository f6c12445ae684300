"""Slow, obviously correct reference implementations (test oracles).

Every compiled kernel in ``reservoir._kernels`` is checked against these plain
NumPy loops. They follow the model literally, one time step at a time, and
favour clarity over speed.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse


def activate(s, activation):
    """Apply a named activation function elementwise.

    Parameters
    ----------
    s : ndarray
        Pre-activations.
    activation : {'tanh', 'identity', 'relu', 'sigmoid'}
        Activation name.

    Returns
    -------
    ndarray
        ``f(s)``.
    """
    if activation == "tanh":
        return np.tanh(s)
    if activation == "identity":
        return s
    if activation == "relu":
        return np.maximum(s, 0.0)
    if activation == "sigmoid":
        return 1.0 / (1.0 + np.exp(-s))
    raise ValueError(f"unknown activation {activation!r}")


def esn_states(U, W, W_in, bias, leak, activation="tanh", x0=None):
    """Leaky-ESN states of one sequence, one step at a time, in float64.

    ``x_t = (1 - a) * x_{t-1} + a * f(u_t @ W_in + x_{t-1} @ W + b)``
    (row-vector convention).

    Parameters
    ----------
    U : array-like of shape (T, D)
        Input sequence.
    W : ndarray or scipy.sparse matrix of shape (N, N)
        Recurrent weights; state ``x`` (a row) maps to ``x @ W``.
    W_in : array-like of shape (D, N)
        Input weights.
    bias : array-like of shape (N,)
        Bias.
    leak : float or array-like of shape (N,)
        Leak rate ``a``, one value or one per unit.
    activation : {'tanh', 'identity', 'relu', 'sigmoid'}, default='tanh'
        Activation ``f``.
    x0 : array-like of shape (N,), default=None
        Initial state (zeros when None).

    Returns
    -------
    states : ndarray of shape (T, N)
        ``x_1 ... x_T``.
    """
    U = np.asarray(U, dtype=np.float64)
    W_in = np.asarray(W_in, dtype=np.float64)
    if scipy.sparse.issparse(W):
        W = W.toarray()
    W = np.asarray(W, dtype=np.float64)
    n_units = W.shape[0]
    bias = np.asarray(bias, dtype=np.float64)
    a = np.broadcast_to(np.asarray(leak, dtype=np.float64), (n_units,))
    x = np.zeros(n_units) if x0 is None else np.array(x0, dtype=np.float64)
    states = np.empty((U.shape[0], n_units))
    for t in range(U.shape[0]):
        s = U[t] @ W_in + x @ W + bias
        x = (1.0 - a) * x + a * activate(s, activation)
        states[t] = x
    return states
