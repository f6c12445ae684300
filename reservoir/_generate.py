"""Numba kernels for closed-loop generation (the readout inside the time loop).

Plain arrays in, plain arrays out; no validation (the public layer does it).
Row-vector convention. One closed-loop step ``t`` computes

    s_t = pre_t + x_{t-1} @ W + y_{t-1} @ W_fb
    x_t = (1 - a) * x_{t-1} + a * f(s_t)
    y_t = ro_t + phi(x_t) @ W_out_x + [x_t ** 2 @ W_out_sq]
          + [y_{t-1}, ..., y_{t-p}] @ W_out_y

where ``pre = U @ W_in_u + b`` (the exogenous inputs, if any, projected for
every step before the loop) and ``ro = b_out + U @ W_out_u`` (their readout
contribution, also precomputed). The network's own output ``y_t`` is fed back
at the next step, and its last ``p`` outputs (lags ``1..p``, most recent
first, ``W_out_y`` of shape ``(p * K, K)``) enter the readout; before the
first step they come from ``y_hist`` (``p`` rows, most recent first). This
covers both closed-loop forms (and the readout features of
``_readout_features.readout_rows``: ``phi`` is the identity, or squares
every second unit for ``'even_squared'``; the bracketed squared-state term is
there only for ``'squared'``):

- output feedback (Jaeger): ``W_fb`` is the feedback matrix and ``W_out_y``
  is zero (the readout sees only the states and the exogenous inputs);
- autonomous generation (the output becomes the next input): ``W_fb`` holds
  the input weights of the fed-back series and ``W_out_y`` the readout
  weights of that input.

The dense kernel takes ``W`` itself (C order, rows are source units); the
sparse kernel takes the CSR arrays of ``W.T`` (rows are target units), as in
``_kernels``. The two state buffers are allocated once, before the time loop;
nothing is allocated inside it.

Deep stacks
-----------
``generate_deep`` runs ``L`` stacked reservoirs in closed loop. Layer 1 gets
``pre_t + y_{t-1} @ W_fb`` as above; layer ``l > 1`` gets
``x^{l-1}_t @ W_in^l + b^l`` (the new state of the layer below, summed over
its units in order, then the bias); the readout sees all layers,
``[x^1_t, ..., x^L_t] @ W_out_x``. Each layer's recurrent product,
activation and leak are ``_kernels._dense_step`` / ``_kernels._csr_step``,
the very steps of ``run_dense`` / ``run_csr``: given the same pre-activation
a layer's new state has the bits of teacher forcing with ``_kernels``. The
layers' weights come packed into flat arrays with offsets (dense and CSR
layers may be mixed); the states of all layers sit side by side in one
vector.
"""

from __future__ import annotations

import os

import numpy as np
from numba import njit

from . import _kernels
from ._kernels import _activate_leak, _csr_row_dot, _csr_step, _dense_step
from ._readout_features import READOUT_FEATURES

__all__: list[str] = []

#: Integer code of every ``readout_features`` value, as the kernels take it.
FEATURE_CODES = {name: code for code, name in enumerate(READOUT_FEATURES)}


@njit(cache=True, inline="always")
def _add_feedback(s, y_prev, W_fb):
    """In place: s += y_prev @ W_fb."""
    n_out, n_units = W_fb.shape
    for k in range(n_out):
        yk = y_prev[k]
        row = W_fb[k]
        for j in range(n_units):
            s[j] += yk * row[j]


@njit(cache=True, inline="always")
def _readout(x, out, t, y_hist, ro_t, W_out_x, W_out_y, W_out_sq, features, y_t):
    """y_t = ro_t + phi(x) @ W_out_x + [x ** 2] @ W_out_sq
    + [y_(t-1), ..., y_(t-p)] @ W_out_y.

    ``features`` is the readout-feature code (``FEATURE_CODES``): 0 takes the
    state as it is, 1 also the squared state (weights ``W_out_sq``, same
    shape as ``W_out_x``), 2 squares units 1, 3, 5, ... (0-based) of the
    state in ``phi`` (Pathak et al. 2018); ``W_out_sq`` is only read with 1.
    Lag ``l`` (1-based) is ``out[t - l]`` once the loop has produced it, else
    ``y_hist[l - 1 - t]``; ``y_t`` must not alias ``out[:t]`` or ``y_hist``.
    """
    n_units, n_out = W_out_x.shape
    n_lags = y_hist.shape[0]
    for k in range(n_out):
        y_t[k] = ro_t[k]
    for i in range(n_units):
        xi = x[i]
        if features == 2 and i % 2 == 1:
            xi = xi * xi
        row = W_out_x[i]
        for k in range(n_out):
            y_t[k] += xi * row[k]
    if features == 1:
        for i in range(n_units):
            xi = x[i] * x[i]
            row = W_out_sq[i]
            for k in range(n_out):
                y_t[k] += xi * row[k]
    for lag in range(n_lags):
        y_lag = out[t - 1 - lag] if t > lag else y_hist[lag - t]
        for i in range(n_out):
            yi = y_lag[i]
            row = W_out_y[lag * n_out + i]
            for k in range(n_out):
                y_t[k] += yi * row[k]


@njit(cache=True)
def generate_dense(
    pre,
    ro,
    W,
    W_fb,
    W_out_x,
    W_out_y,
    W_out_sq,
    features,
    leak,
    activation,
    x0,
    y_hist,
    out,
    x_final,
):
    """Closed loop with a dense ``W``; write the outputs into ``out``.

    Parameters: pre (T, N), ro (T, K), W (N, N), W_fb (K, N), W_out_x (N, K),
    W_out_y (p * K, K), W_out_sq (N, K) the weights of the squared state
    (read only with ``features == 1``; may be empty otherwise), features the
    readout-feature code (``FEATURE_CODES``), leak (N,), activation code, x0
    (N,) the warmed-up
    state, y_hist (p, K) the last ``p`` known outputs (most recent first),
    out (T, K), x_final (N,) receives the state after the last step. ``out``
    and ``x_final`` may not alias inputs.
    """
    n_steps, n_units = pre.shape
    x_prev = x0.copy()
    x_cur = x0.copy()
    for t in range(n_steps):
        y_prev = y_hist[0] if t == 0 else out[t - 1]
        s = x_cur
        for j in range(n_units):
            s[j] = pre[t, j]
        for i in range(n_units):
            xi = x_prev[i]
            if xi != 0.0:
                row = W[i]
                for j in range(n_units):
                    s[j] += xi * row[j]
        _add_feedback(s, y_prev, W_fb)
        _activate_leak(s, x_prev, leak, activation)
        _readout(s, out, t, y_hist, ro[t], W_out_x, W_out_y, W_out_sq, features, out[t])
        x_prev, x_cur = x_cur, x_prev
    for j in range(n_units):
        x_final[j] = x_prev[j]


@njit(cache=True)
def generate_csr(
    pre,
    ro,
    indptr,
    indices,
    data,
    W_fb,
    W_out_x,
    W_out_y,
    W_out_sq,
    features,
    leak,
    activation,
    x0,
    y_hist,
    out,
    x_final,
):
    """Closed loop with a sparse ``W`` given as the CSR arrays of ``W.T``.

    Same contract as ``generate_dense``.
    """
    n_steps, n_units = pre.shape
    x_prev = x0.copy()
    x_cur = x0.copy()
    for t in range(n_steps):
        y_prev = y_hist[0] if t == 0 else out[t - 1]
        s = x_cur
        for j in range(n_units):
            s[j] = pre[t, j] + _csr_row_dot(
                indptr[j], indptr[j + 1], indices, data, x_prev
            )
        _add_feedback(s, y_prev, W_fb)
        _activate_leak(s, x_prev, leak, activation)
        _readout(s, out, t, y_hist, ro[t], W_out_x, W_out_y, W_out_sq, features, out[t])
        x_prev, x_cur = x_cur, x_prev
    for j in range(n_units):
        x_final[j] = x_prev[j]


@njit(cache=True, error_model="numpy")
def generate_deep(
    pre,
    ro,
    W_fb,
    W_out_x,
    W_out_y,
    W_out_sq,
    features,
    bounds,
    sparse,
    activations,
    dense,
    dense_off,
    indptr,
    ptr_off,
    indices,
    data,
    W_in,
    in_off,
    bias,
    leak,
    x0,
    y_hist,
    out,
    x_final,
):
    """Closed loop through a stack of ``L`` reservoirs; outputs into ``out``.

    Parameters: pre (T, N_1) layer 1's projected exogenous inputs plus its
    bias, ro (T, K), W_fb (K, N_1), W_out_x (N, K) on all layers' states
    (``N = N_1 + ... + N_L``), W_out_y (p * K, K), W_out_sq (N, K) and
    features as in ``generate_dense`` (on all layers' states); per layer
    ``l``: units ``bounds[l]:bounds[l + 1]`` of the state (int64, L + 1 entries),
    ``sparse[l]`` (bool), ``activations[l]`` (activation code); dense ``W``
    of layer ``l`` in ``dense[dense_off[l]:dense_off[l + 1]]`` (C order,
    empty for a sparse layer); a sparse layer's CSR row pointers of ``W.T``
    in ``indptr[ptr_off[l]:ptr_off[l] + N_l + 1]`` (uint64, pointing into the
    shared ``indices`` (uint32) and ``data``; empty for a dense layer);
    input weights ``W_in^l`` (N_(l-1), N_l) in ``W_in[in_off[l]:in_off[l +
    1]]`` (empty for layer 1); bias (N,) and leak (N,) of all layers (layer
    1's bias is already in ``pre``); x0 (N,) the warmed-up states, y_hist
    (p, K) the last ``p`` known outputs (most recent first), out (T, K),
    x_final (N,) receives the states after the last step. ``out`` and
    ``x_final`` may not alias inputs.
    """
    n_steps = pre.shape[0]
    n_layers = bounds.shape[0] - 1
    n_total = x0.shape[0]
    widest = 0
    for layer in range(n_layers):
        widest = max(widest, bounds[layer + 1] - bounds[layer])
    x_prev = x0.copy()
    x_cur = x0.copy()
    drive = np.empty(widest, dtype=x0.dtype)  # pre-activation of one layer
    zero = x0.dtype.type(0)
    for t in range(n_steps):
        y_prev = y_hist[0] if t == 0 else out[t - 1]
        for layer in range(n_layers):
            lo = bounds[layer]
            hi = bounds[layer + 1]
            n = hi - lo
            p = drive[:n]
            if layer == 0:
                for j in range(n):
                    p[j] = pre[t, j]
                _add_feedback(p, y_prev, W_fb)
            else:
                below = bounds[layer - 1]
                W_in_l = W_in[in_off[layer] : in_off[layer + 1]]
                W_in_l = W_in_l.reshape((lo - below, n))
                for j in range(n):
                    p[j] = zero
                for i in range(lo - below):
                    xi = x_cur[below + i]
                    row = W_in_l[i]
                    for j in range(n):
                        p[j] += xi * row[j]
                for j in range(n):
                    p[j] += bias[lo + j]
            if sparse[layer]:
                first = ptr_off[layer]
                _csr_step(
                    p,
                    indptr[first : first + n + 1],
                    indices,
                    data,
                    x_prev[lo:hi],
                    x_cur[lo:hi],
                    leak[lo:hi],
                    activations[layer],
                    0,
                    n,
                )
            else:
                W = dense[dense_off[layer] : dense_off[layer + 1]].reshape((n, n))
                _dense_step(
                    p,
                    W,
                    x_prev[lo:hi],
                    x_cur[lo:hi],
                    leak[lo:hi],
                    activations[layer],
                    0,
                    n,
                )
        _readout(
            x_cur,
            out,
            t,
            y_hist,
            ro[t],
            W_out_x,
            W_out_y,
            W_out_sq,
            features,
            out[t],
        )
        x_prev, x_cur = x_cur, x_prev
    for j in range(n_total):
        x_final[j] = x_prev[j]


def _cache_depends_on(dispatcher, *paths: str) -> None:
    """Make ``dispatcher``'s on-disk cache stale when ``paths`` change too.

    numba checks a cached kernel against the stamp (modification time and
    size) of the file that defines it, but these kernels inline functions of
    ``_kernels``: after an edit there, a stale copy would load and give other
    bits than the harvesting kernels. The stamps of ``paths`` are added to
    the one numba compares. Without numba's cache internals (another numba
    version, ``NUMBA_DISABLE_JIT``) nothing changes.
    """
    try:
        cache_file = dispatcher._cache._cache_file
        extra = tuple((os.stat(p).st_mtime, os.stat(p).st_size) for p in paths)
        cache_file._source_stamp = (cache_file._source_stamp, extra)
    except (AttributeError, OSError):  # pragma: no cover - no cache to extend
        pass


for _dispatcher in (generate_dense, generate_csr, generate_deep):
    _cache_depends_on(_dispatcher, _kernels.__file__)
