"""Numba kernels of the online readouts: RLS, LMS and FORCE.

Plain arrays in, plain arrays out; no validation (``reservoir.online`` does
it). Row-vector convention: a readout row ``z`` (features) predicts
``z @ W`` with ``W`` of shape ``(F, K)``.

Recursive least squares, one row ``(z, y)`` with forgetting factor ``λ``
(Haykin, Adaptive Filter Theory, ch. 10):

    π = P z,   d = λ + z·π,   e = y - z @ W   (a-priori error)
    W ← W + (π / d) eᵀ,   P ← (P - π πᵀ / d) / λ

``P`` starts at ``I / alpha``; with ``λ = 1`` after ``n`` rows
``W = (Zᵀ Z + alpha I)⁻¹ Zᵀ Y`` exactly (ridge with every weight penalised).
The covariance update is written ``P_ij ← P_ij / λ - w_i w_j`` with
``w = π / sqrt(d λ)``, so ``P`` stays bitwise symmetric (without it, RLS
with forgetting drifts away from the exact recursion). Over a block of rows,
two rows' covariance updates and ``π = P z`` of the next two share one pass
over ``P`` (O(F²) per row, one read and one write of ``P`` per two rows).

LMS / normalised LMS: ``W ← W + μ z eᵀ`` (``μ / (ε + z·z)`` when
normalised), O(F K) per row.

FORCE (Sussillo & Abbott 2009) runs a reservoir whose readout output is fed
back, with an RLS update of the readout every few steps (see
``force_run``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import _kernels
from ._generate import _cache_depends_on
from ._kernels import _csr_step, _dense_step

__all__: list[str] = []

#: ``force_run`` modes.
FORCE_TRAIN, FORCE_TEACHER, FORCE_FREE = 0, 1, 2
#: Floating-point freedoms of the RLS and LMS loops: sums may be reassociated
#: (vectorised) and multiply-adds fused. Deterministic for a given machine
#: and numba version; twice the speed of strict ordering.
FASTMATH = {"reassoc", "contract", "nsz"}


@njit(cache=True, inline="always", fastmath=FASTMATH)
def _matvec(P, z, out):
    """out = P @ z."""
    n = z.shape[0]
    for i in range(n):
        acc = 0.0
        row = P[i]
        for j in range(n):
            acc += row[j] * z[j]
        out[i] = acc


@njit(cache=True, inline="always", fastmath=FASTMATH)
def _rls_weights(z, y, W, Px, forgetting, pred):
    """A-priori prediction into ``pred``, weight update; returns ``1 / d``."""
    n_features, n_targets = W.shape
    d = forgetting
    for i in range(n_features):
        d += z[i] * Px[i]
    inv_d = 1.0 / d
    for k in range(n_targets):
        acc = 0.0
        for i in range(n_features):
            acc += z[i] * W[i, k]
        pred[k] = acc
    for i in range(n_features):
        gain = Px[i] * inv_d
        for k in range(n_targets):
            W[i, k] += gain * (y[k] - pred[k])
    return inv_d


@njit(cache=True, inline="always", fastmath=FASTMATH)
def _downdate(P, v, inv_d, inv_forgetting):
    """``P ← (P - v vᵀ inv_d) / λ``, written ``P λ⁻¹ - w wᵀ`` with ``w = v
    sqrt(inv_d / λ)`` so that ``P`` stays bitwise symmetric (``v`` is
    overwritten with ``w``)."""
    n = v.shape[0]
    scale = math.sqrt(inv_d * inv_forgetting)
    for i in range(n):
        v[i] *= scale
    for i in range(n):
        wi = v[i]
        row = P[i]
        for j in range(n):
            row[j] = row[j] * inv_forgetting - wi * v[j]


@njit(cache=True, fastmath=FASTMATH)
def rls_fit(Z, Y, W, P, forgetting, pred):
    """RLS over the rows of ``Z`` (T, F) and ``Y`` (T, K), in order.

    ``W`` (F, K) and ``P`` (F, F, symmetric) are updated in place; ``pred``
    (T, K) receives the a-priori prediction of every row (before its
    update).

    Rows go in pairs: with ``a = P z_1`` and ``b = P z_2`` known, row 1
    gives ``v_1 = a / sqrt(d_1)``, then ``P_1 z_2 = (b - v_1 (v_1·z_2)) /
    λ`` gives row 2 and ``v_2``, and one pass over ``P`` applies both
    downdates, ``P ← P / λ² - v_1 v_1ᵀ / λ² - v_2 v_2ᵀ / λ``, while
    computing ``P z`` for the next two rows (one read and one write of
    ``P`` per two rows). The scaled vectors make every update bitwise
    symmetric, which keeps RLS with forgetting from drifting.
    """
    n_rows, n_features = Z.shape
    if n_rows == 0:
        return
    inv_forgetting = 1.0 / forgetting
    inv_forgetting2 = inv_forgetting * inv_forgetting
    root_forgetting = math.sqrt(inv_forgetting)
    a = np.empty(n_features)
    b = np.empty(n_features)
    a_next = np.empty(n_features)
    b_next = np.empty(n_features)
    _matvec(P, Z[0], a)
    if n_rows > 1:
        _matvec(P, Z[1], b)
    t = 0
    while t + 1 < n_rows:
        z1, z2 = Z[t], Z[t + 1]
        inv_d = _rls_weights(z1, Y[t], W, a, forgetting, pred[t])
        scale = math.sqrt(inv_d)
        overlap = 0.0
        for i in range(n_features):
            a[i] *= scale
            overlap += a[i] * z2[i]
        for i in range(n_features):
            b[i] = (b[i] - a[i] * overlap) * inv_forgetting
        inv_d = _rls_weights(z2, Y[t + 1], W, b, forgetting, pred[t + 1])
        scale = math.sqrt(inv_d) * root_forgetting
        for i in range(n_features):
            a[i] *= inv_forgetting
            b[i] *= scale
        z3 = Z[t + 2] if t + 2 < n_rows else z1
        z4 = Z[t + 3] if t + 3 < n_rows else z1
        for i in range(n_features):
            ai = a[i]
            bi = b[i]
            row = P[i]
            acc3 = 0.0
            acc4 = 0.0
            for j in range(n_features):
                value = row[j] * inv_forgetting2 - ai * a[j] - bi * b[j]
                row[j] = value
                acc3 += value * z3[j]
                acc4 += value * z4[j]
            a_next[i] = acc3
            b_next[i] = acc4
        a, a_next = a_next, a
        b, b_next = b_next, b
        t += 2
    if t < n_rows:  # the last row of an odd count
        inv_d = _rls_weights(Z[t], Y[t], W, a, forgetting, pred[t])
        _downdate(P, a, inv_d, inv_forgetting)


@njit(cache=True, fastmath=FASTMATH)
def lms_fit(Z, Y, W, learning_rate, normalized, epsilon, pred):
    """(Normalised) LMS over the rows of ``Z`` (T, F) and ``Y`` (T, K).

    ``W`` (F, K) is updated in place; ``pred`` (T, K) receives the
    a-priori predictions.
    """
    n_rows, n_features = Z.shape
    n_targets = W.shape[1]
    for t in range(n_rows):
        z = Z[t]
        step = learning_rate
        if normalized:
            norm = epsilon
            for i in range(n_features):
                norm += z[i] * z[i]
            step = learning_rate / norm
        for k in range(n_targets):
            acc = 0.0
            for i in range(n_features):
                acc += z[i] * W[i, k]
            pred[t, k] = acc
        for i in range(n_features):
            zi = step * z[i]
            for k in range(n_targets):
                W[i, k] += zi * (Y[t, k] - pred[t, k])


@njit(cache=True, fastmath=FASTMATH)
def force_run(
    pre,
    sparse,
    W,
    indptr,
    indices,
    data,
    W_fb,
    leak,
    activation,
    x0,
    z0,
    Y,
    W_out,
    P,
    forgetting,
    update_every,
    mode,
    out,
    x_final,
):
    """Run a reservoir with its readout output fed back (FORCE learning).

    Step ``t``: ``s = pre_t + x_(t-1) W + f_(t-1) W_fb``, ``x_t = (1 - a)
    x_(t-1) + a f(s)`` (the kernels' ``_dense_step`` / ``_csr_step``), the
    output ``out_t = [1, x_t] @ W_out``. The fed-back value ``f_(t-1)`` is
    ``out_(t-1)`` in modes ``FORCE_TRAIN`` and ``FORCE_FREE``, ``Y[t-1]``
    in ``FORCE_TEACHER`` (``f_(-1) = z0``). In ``FORCE_TRAIN``, every
    ``update_every``-th step (t = update_every - 1, 2 update_every - 1, ...)
    updates ``W_out`` and ``P`` by RLS towards ``Y[t]`` after ``out_t`` was
    computed (the output fed back is the network's own, before the update).

    Parameters: pre (T, N) projected exogenous inputs plus bias; sparse
    (bool) whether ``W`` is given as the CSR arrays of ``W.T`` (indptr,
    indices, data) or dense ``W`` (N, N); W_fb (K, N); leak (N,); activation
    code; x0 (N,); z0 (K,); Y (T, K) targets (read in the train and teacher
    modes); W_out (N + 1, K) and P (N + 1, N + 1) updated in place in the
    train mode; forgetting; update_every (>= 1); mode; out (T, K) written;
    x_final (N,) receives the last state.
    """
    n_steps, n_units = pre.shape
    n_out = W_out.shape[1]
    x_prev = x0.copy()
    x_cur = x0.copy()
    s_pre = np.empty(n_units)
    r = np.empty(n_units + 1)
    r[0] = 1.0
    Px = np.empty(n_units + 1)
    pred = np.empty(n_out)
    inv_forgetting = 1.0 / forgetting
    for t in range(n_steps):
        for j in range(n_units):
            s_pre[j] = pre[t, j]
        for k in range(n_out):
            if t == 0:
                fed = z0[k]
            elif mode == FORCE_TEACHER:
                fed = Y[t - 1, k]
            else:
                fed = out[t - 1, k]
            row = W_fb[k]
            for j in range(n_units):
                s_pre[j] += fed * row[j]
        if sparse:
            _csr_step(
                s_pre,
                indptr,
                indices,
                data,
                x_prev,
                x_cur,
                leak,
                activation,
                0,
                n_units,
            )
        else:
            _dense_step(s_pre, W, x_prev, x_cur, leak, activation, 0, n_units)
        for j in range(n_units):
            r[j + 1] = x_cur[j]
        for k in range(n_out):
            acc = 0.0
            for i in range(n_units + 1):
                acc += r[i] * W_out[i, k]
            out[t, k] = acc
        if mode == FORCE_TRAIN and (t + 1) % update_every == 0:
            _matvec(P, r, Px)
            inv_d = _rls_weights(r, Y[t], W_out, Px, forgetting, pred)
            _downdate(P, Px, inv_d, inv_forgetting)
        x_prev, x_cur = x_cur, x_prev
    for j in range(n_units):
        x_final[j] = x_prev[j]


# force_run inlines the reservoir steps of _kernels
_cache_depends_on(force_run, _kernels.__file__)
