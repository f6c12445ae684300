"""Numba kernel of the model-space representation: one ridge per sequence.

Plain arrays in, plain arrays out; no validation (``reservoir._model_space``
does it).

Sequence ``s`` owns rows ``starts[s]:stops[s]`` of the regressor rows ``Z``
and of the target rows ``Y``. Its ridge model predicts the next row of ``Y``
from the current row of ``Z``: regressors ``Z[a : b - 1]``, targets
``Y[a + 1 : b]`` (``n = b - a - 1`` pairs), with an unpenalised intercept, as
``sklearn.linear_model.Ridge(alpha, fit_intercept=True)`` fits it: the rows
are centred (two passes: the means, then the centred values) and

    coef = (Zc.T Zc + alpha I)^-1 Zc.T Yc      (primal, n > d)
         = Zc.T (Zc Zc.T + alpha I)^-1 Yc      (dual, n <= d)

whichever system is smaller (the two are the same matrix identity), solved
by a Cholesky factorisation (the matrix is symmetric positive definite for
``alpha > 0``). ``intercept = mean(Y) - mean(Z) coef``. Each sequence is
solved by one thread from start to end in a fixed order, so the results do
not depend on the thread count.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__: list[str] = []


@njit(cache=True)
def _cholesky_solve(A, B):
    """Solve ``A X = B`` in place for symmetric positive definite ``A``.

    ``A`` (m, m) is overwritten by its lower Cholesky factor and ``B`` (m, k)
    by the solution. Returns False when a pivot is not positive (not SPD).
    """
    m = A.shape[0]
    k = B.shape[1]
    for j in range(m):
        total = A[j, j]
        for p in range(j):
            total -= A[j, p] * A[j, p]
        if not total > 0.0:
            return False
        pivot = np.sqrt(total)
        A[j, j] = pivot
        for i in range(j + 1, m):
            value = A[i, j]
            for p in range(j):
                value -= A[i, p] * A[j, p]
            A[i, j] = value / pivot
    # forward substitution L Y = B
    for i in range(m):
        for c in range(k):
            value = B[i, c]
            for p in range(i):
                value -= A[i, p] * B[p, c]
            B[i, c] = value / A[i, i]
    # back substitution L.T X = Y
    for i in range(m - 1, -1, -1):
        for c in range(k):
            value = B[i, c]
            for p in range(i + 1, m):
                value -= A[p, i] * B[p, c]
            B[i, c] = value / A[i, i]
    return True


@njit(cache=True)
def _one_sequence(Z, Y, a, b, alpha, coef, intercept):
    """Ridge of ``Y[a+1:b]`` on ``Z[a:b-1]`` into ``coef`` (d, k) and
    ``intercept`` (k,); returns False when the system is not SPD."""
    n = b - a - 1
    d = Z.shape[1]
    k = Y.shape[1]
    mean_z = np.zeros(d)
    mean_y = np.zeros(k)
    for t in range(n):
        for j in range(d):
            mean_z[j] += Z[a + t, j]
        for c in range(k):
            mean_y[c] += Y[a + 1 + t, c]
    for j in range(d):
        mean_z[j] /= n
    for c in range(k):
        mean_y[c] /= n
    zc = np.empty((n, d))
    yc = np.empty((n, k))
    for t in range(n):
        for j in range(d):
            zc[t, j] = Z[a + t, j] - mean_z[j]
        for c in range(k):
            yc[t, c] = Y[a + 1 + t, c] - mean_y[c]
    if n <= d:
        # dual: (Zc Zc.T + alpha I) A = Yc, coef = Zc.T A
        K = np.empty((n, n))
        for t in range(n):
            for u in range(t + 1):
                value = 0.0
                for j in range(d):
                    value += zc[t, j] * zc[u, j]
                K[t, u] = value
                K[u, t] = value
            K[t, t] += alpha
        if not _cholesky_solve(K, yc):
            return False
        for j in range(d):
            for c in range(k):
                coef[j, c] = 0.0
        for t in range(n):
            for j in range(d):
                value = zc[t, j]
                for c in range(k):
                    coef[j, c] += value * yc[t, c]
    else:
        # primal: (Zc.T Zc + alpha I) coef = Zc.T Yc
        G = np.zeros((d, d))
        for t in range(n):
            for i in range(d):
                value = zc[t, i]
                for j in range(i + 1):
                    G[i, j] += value * zc[t, j]
        for i in range(d):
            for j in range(i):
                G[j, i] = G[i, j]
            G[i, i] += alpha
        for j in range(d):
            for c in range(k):
                coef[j, c] = 0.0
        for t in range(n):
            for j in range(d):
                value = zc[t, j]
                for c in range(k):
                    coef[j, c] += value * yc[t, c]
        if not _cholesky_solve(G, coef):
            return False
    for c in range(k):
        value = mean_y[c]
        for j in range(d):
            value -= mean_z[j] * coef[j, c]
        intercept[c] = value
    return True


@njit(cache=True, parallel=True)
def ridge_per_sequence(Z, Y, starts, stops, alpha, coef, intercept, solved):
    """One ridge model per sequence (see the module docstring).

    Parameters
    ----------
    Z : ndarray of shape (n_rows, d)
        Regressor rows of every sequence, one after the other.
    Y : ndarray of shape (n_rows, k)
        Target rows (may be ``Z`` itself).
    starts, stops : ndarray of shape (n_sequences,)
        Row range of each sequence (at least two rows each).
    alpha : float
        Ridge penalty (> 0).
    coef : ndarray of shape (n_sequences, d, k)
        Receives the coefficients.
    intercept : ndarray of shape (n_sequences, k)
        Receives the intercepts.
    solved : ndarray of bool of shape (n_sequences,)
        Receives whether each system was positive definite.
    """
    for s in prange(starts.shape[0]):
        solved[s] = _one_sequence(
            Z, Y, starts[s], stops[s], alpha, coef[s], intercept[s]
        )
