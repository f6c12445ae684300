"""Reference model-space representation (Bianchi et al. 2021), one sequence at
a time in plain NumPy: the oracle of ``reservoir._model_space``."""

from __future__ import annotations

import numpy as np
from naive import esn_states


def stack_states(U, layers, leak):
    """States of a stack of reservoirs ``layers`` [(W, W_in, bias), ...] run
    over ``U``, layers side by side."""
    states, layer_input = [], U
    for W, W_in, bias in layers:
        layer_input = esn_states(layer_input, W, W_in, bias, leak)
        states.append(layer_input)
    return np.hstack(states)


def running_states(clf, U, washout):
    """Rows ``(states, inputs)`` of one sequence from ``washout`` on, each
    reservoir in the order it ran (the backward one over the reversed
    sequence)."""
    n_layers = clf.n_layers
    Ws = clf.W_ if isinstance(clf.W_, list) else [clf.W_]
    W_ins = clf.W_in_ if isinstance(clf.W_in_, list) else [clf.W_in_]
    biases = clf.bias_ if isinstance(clf.bias_, list) else [clf.bias_]
    layers = list(zip(Ws, W_ins, biases, strict=True))
    forward = stack_states(U, layers[:n_layers], clf.leak_rate)[washout:]
    if not clf.bidirectional:
        return forward, U[washout:]
    backward = stack_states(U[::-1], layers[n_layers:], clf.leak_rate)[washout:]
    return np.hstack([forward, backward]), np.hstack([U[washout:], U[::-1][washout:]])


def pca_components(rows_per_sequence, method, n_components):
    """``(components (N, k), mean (N,))`` from the SVD of the centred rows.

    'pca' centres on the mean row; 'tensor_pca' on the mean over sequences
    at each step (and projects without centring). Each component's largest
    entry in magnitude is made positive.
    """
    rows = np.vstack(rows_per_sequence)
    if method == "pca":
        mean = rows.mean(axis=0)
        centred = rows - mean
    else:
        longest = max(r.shape[0] for r in rows_per_sequence)
        centred = []
        for t in range(longest):
            at_t = np.array([r[t] for r in rows_per_sequence if r.shape[0] > t])
            centred.append(at_t - at_t.mean(axis=0))
        centred = np.vstack(centred)
        mean = np.zeros(rows.shape[1])
    _, _, Vt = np.linalg.svd(centred, full_matrices=False)
    V = Vt[:n_components].T
    for j in range(V.shape[1]):
        if V[np.argmax(np.abs(V[:, j])), j] < 0:
            V[:, j] = -V[:, j]
    return V, mean


def ridge(Z, Y, alpha):
    """Ridge with an unpenalised intercept (as sklearn's Ridge): returns the
    coefficients target by target, then the intercepts, as one vector."""
    mz, my = Z.mean(axis=0), Y.mean(axis=0)
    Zc, Yc = Z - mz, Y - my
    coef = np.linalg.solve(Zc.T @ Zc + alpha * np.eye(Z.shape[1]), Zc.T @ Yc)
    return np.concatenate([coef.T.ravel(), my - mz @ coef])


def model_space(clf, X, kind, alpha, washout, reduction=None):
    """Model-space vector of every sequence of ``X``; ``reduction`` is
    ``(components, mean)`` or None."""
    out = []
    for U in X:
        states, inputs = running_states(clf, np.asarray(U, dtype=float), washout)
        if reduction is not None:
            components, mean = reduction
            states = (states - mean) @ components
        target = states if kind == "reservoir_model_space" else inputs
        out.append(ridge(states[:-1], target[1:], alpha))
    return np.array(out)
