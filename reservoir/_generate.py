"""Numba kernels for closed-loop generation (the readout inside the time loop).

Plain arrays in, plain arrays out; no validation (the public layer does it).
Row-vector convention. One closed-loop step ``t`` computes

    s_t = pre_t + x_{t-1} @ W + y_{t-1} @ W_fb
    x_t = (1 - a) * x_{t-1} + a * f(s_t)
    y_t = ro_t + x_t @ W_out_x + y_{t-1} @ W_out_y

where ``pre = U @ W_in_u + b`` (the exogenous inputs, if any, projected for
every step before the loop) and ``ro = b_out + U @ W_out_u`` (their readout
contribution, also precomputed). The network's own output ``y_t`` is fed back
at the next step, which covers both closed-loop forms:

- output feedback (Jaeger): ``W_fb`` is the feedback matrix and ``W_out_y``
  is zero (the readout sees only the states and the exogenous inputs);
- autonomous generation (the output becomes the next input): ``W_fb`` holds
  the input weights of the fed-back series and ``W_out_y`` the readout
  weights of that input.

The dense kernel takes ``W`` itself (C order, rows are source units); the
sparse kernel takes the CSR arrays of ``W.T`` (rows are target units), as in
``_kernels``. The two state buffers are allocated once, before the time loop;
nothing is allocated inside it.
"""

from __future__ import annotations

from numba import njit

from ._kernels import _csr_row_dot, _leaky_activate

__all__: list[str] = []


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
def _readout(x, y_prev, ro_t, W_out_x, W_out_y, y_t):
    """y_t = ro_t + x @ W_out_x + y_prev @ W_out_y (y_t must not alias y_prev)."""
    n_units, n_out = W_out_x.shape
    for k in range(n_out):
        y_t[k] = ro_t[k]
    for i in range(n_units):
        xi = x[i]
        row = W_out_x[i]
        for k in range(n_out):
            y_t[k] += xi * row[k]
    for i in range(n_out):
        yi = y_prev[i]
        row = W_out_y[i]
        for k in range(n_out):
            y_t[k] += yi * row[k]


@njit(cache=True)
def generate_dense(
    pre, ro, W, W_fb, W_out_x, W_out_y, leak, activation, x0, y0, out, x_final
):
    """Closed loop with a dense ``W``; write the outputs into ``out``.

    Parameters: pre (T, N), ro (T, K), W (N, N), W_fb (K, N), W_out_x (N, K),
    W_out_y (K, K), leak (N,), activation code, x0 (N,) the warmed-up state,
    y0 (K,) the last known output, out (T, K), x_final (N,) receives the
    state after the last step. ``out`` and ``x_final`` may not alias inputs.
    """
    n_steps, n_units = pre.shape
    x_prev = x0.copy()
    x_cur = x0.copy()
    for t in range(n_steps):
        y_prev = y0 if t == 0 else out[t - 1]
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
        _leaky_activate(s, x_prev, leak, activation)
        _readout(s, y_prev, ro[t], W_out_x, W_out_y, out[t])
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
    leak,
    activation,
    x0,
    y0,
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
        y_prev = y0 if t == 0 else out[t - 1]
        s = x_cur
        for j in range(n_units):
            s[j] = pre[t, j] + _csr_row_dot(
                indptr[j], indptr[j + 1], indices, data, x_prev
            )
        _add_feedback(s, y_prev, W_fb)
        _leaky_activate(s, x_prev, leak, activation)
        _readout(s, y_prev, ro[t], W_out_x, W_out_y, out[t])
        x_prev, x_cur = x_cur, x_prev
    for j in range(n_units):
        x_final[j] = x_prev[j]
