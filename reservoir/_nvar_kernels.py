"""Numba kernels of the NVAR (next-generation reservoir computing) features.

Plain arrays in, plain arrays out; no validation (``reservoir.nvar`` does it).

The linear part of step ``t`` is the input row and its delayed copies,
``lin = [u_t, u_(t-s), ..., u_(t-(k-1)s)]`` (current first, each row's
features in order). The monomials are built one multiplication each, in the
order of ``itertools.combinations_with_replacement`` per degree: entry ``f``
of the full vector is ``full[parents[f]] * full[factors[f]]`` (the monomial
without its last factor, times that factor), for ``f >= len(lin)``. The
output row is ``[1] (with bias) + full[keep]``.

Rows before the start of a sequence come from ``history`` (the ``(k-1)s``
input rows that precede it, oldest first; zeros for a new sequence), so a
long series can be cut into chunks that each continue the last.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__: list[str] = []


@njit(cache=True, inline="always")
def _row(source, history, t, n_delays, stride, parents, factors, keep, bias, full, out):
    """Features of step ``t`` of ``source`` into ``out`` (``full`` is scratch)."""
    n_inputs = source.shape[1]
    n_history = history.shape[0]
    for j in range(n_delays):
        idx = t - j * stride
        base = j * n_inputs
        if idx >= 0:
            for d in range(n_inputs):
                full[base + d] = source[idx, d]
        else:
            for d in range(n_inputs):
                full[base + d] = history[n_history + idx, d]
    for f in range(n_delays * n_inputs, full.shape[0]):
        full[f] = full[parents[f]] * full[factors[f]]
    offset = 0
    if bias:
        out[0] = 1.0
        offset = 1
    for i in range(keep.shape[0]):
        out[offset + i] = full[keep[i]]


@njit(cache=True)
def nvar_features(U, history, n_delays, stride, parents, factors, keep, bias, out):
    """NVAR features of every row of ``U`` into ``out``.

    Parameters: U (T, D) inputs; history (H, D) the ``H = (k-1) s`` rows
    before ``U``, oldest first; n_delays ``k``; stride ``s``; parents,
    factors (M,) int64 monomial recipe (entries below ``k D`` unused); keep
    (F0,) int64 indices of the full vector that are output; bias (bool) a
    leading constant 1; out (T, F0 + bias) written.
    """
    full = np.empty(parents.shape[0])
    for t in range(U.shape[0]):
        _row(
            U, history, t, n_delays, stride, parents, factors, keep, bias, full, out[t]
        )


@njit(cache=True)
def nvar_generate(
    X_future,
    history,
    y0,
    n_delays,
    stride,
    parents,
    factors,
    keep,
    bias,
    W,
    b,
    increment,
    out,
):
    """Closed-loop NVAR forecast: each prediction is fed back at the next step.

    The input of step ``t`` is ``u_t = [X_future[t], y_(t-1)]`` (``y_(-1) =
    y0``, the last known value); its features (with ``history``, the ``H``
    input rows before the first step, oldest first) give ``p_t = feat @ W +
    b`` and ``y_t = y_(t-1) + p_t`` (``increment``) or ``y_t = p_t``.

    Parameters: X_future (T, E) exogenous inputs (E may be 0); history
    (H, E + K); y0 (K,); monomial recipe as in ``nvar_features``; W (F, K);
    b (K,); increment (bool); out (T, K) receives the forecast.
    """
    n_steps, n_exog = X_future.shape
    n_out = y0.shape[0]
    n_in = n_exog + n_out
    rows = np.empty((n_steps, n_in))
    full = np.empty(parents.shape[0])
    feat = np.empty(W.shape[0])
    for t in range(n_steps):
        for e in range(n_exog):
            rows[t, e] = X_future[t, e]
        for k in range(n_out):
            rows[t, n_exog + k] = y0[k] if t == 0 else out[t - 1, k]
        _row(
            rows, history, t, n_delays, stride, parents, factors, keep, bias, full, feat
        )
        for k in range(n_out):
            acc = b[k]
            for f in range(feat.shape[0]):
                acc += feat[f] * W[f, k]
            if increment:
                acc += rows[t, n_exog + k]
            out[t, k] = acc
