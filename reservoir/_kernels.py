"""Numba kernels for reservoir state harvesting.

Plain arrays in, plain arrays out; no validation here (the public layer does
it). Row-vector convention: one step computes

    s_t = pre_t + x_{t-1} @ W,   x_t = (1 - a) * x_{t-1} + a * f(s_t)

where ``pre = U @ W_in + b`` is projected for all steps before the time loop.
The dense kernels take ``W`` itself (C order, rows are source units); the
sparse kernels take the CSR arrays of ``W.T`` (rows are target units), so each
unit gathers its inputs. Activations are integer codes (see ``ACTIVATION_CODES``).
Nothing is allocated inside a time loop.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

ACTIVATION_CODES = {"tanh": 0, "identity": 1, "relu": 2, "sigmoid": 3}

#: Sequences advanced together by one thread in the batched kernels. Fixed so
#: that results do not depend on the number of threads.
BLOCK_SIZE = 16


@njit(cache=True, inline="always")
def _leaky_activate(s, x_prev, leak, activation):
    """In place: s <- (1 - leak) * x_prev + leak * f(s) for a 1-D row."""
    n = s.shape[0]
    if activation == 0:
        for j in range(n):
            s[j] = (1.0 - leak[j]) * x_prev[j] + leak[j] * np.tanh(s[j])
    elif activation == 1:
        for j in range(n):
            s[j] = (1.0 - leak[j]) * x_prev[j] + leak[j] * s[j]
    elif activation == 2:
        for j in range(n):
            v = s[j] if s[j] > 0.0 else 0.0
            s[j] = (1.0 - leak[j]) * x_prev[j] + leak[j] * v
    else:
        for j in range(n):
            v = 1.0 / (1.0 + np.exp(-s[j]))
            s[j] = (1.0 - leak[j]) * x_prev[j] + leak[j] * v


@njit(cache=True)
def run_dense(pre, W, leak, activation, x0, out):
    """Run one sequence with a dense ``W``; write the states into ``out``.

    Parameters: pre (T, N), W (N, N), leak (N,), activation code, x0 (N,),
    out (T, N). ``out`` may not alias ``pre``.
    """
    n_steps, n_units = pre.shape
    for t in range(n_steps):
        x_prev = x0 if t == 0 else out[t - 1]
        s = out[t]
        s[:] = pre[t]
        for i in range(n_units):
            xi = x_prev[i]
            if xi != 0.0:
                row = W[i]
                for j in range(n_units):
                    s[j] += xi * row[j]
        _leaky_activate(s, x_prev, leak, activation)


@njit(cache=True, inline="always")
def _csr_row_dot(begin, end, indices, data, x):
    """sum(data[k] * x[indices[k]]) with four independent partial sums.

    One running sum is bound by floating-point add latency; four chains keep
    the core busy. The order is fixed, so results are reproducible.
    """
    acc0 = 0.0
    acc1 = 0.0
    acc2 = 0.0
    acc3 = 0.0
    k = begin
    while k + 3 < end:
        acc0 += data[k] * x[indices[k]]
        acc1 += data[k + 1] * x[indices[k + 1]]
        acc2 += data[k + 2] * x[indices[k + 2]]
        acc3 += data[k + 3] * x[indices[k + 3]]
        k += 4
    while k < end:
        acc0 += data[k] * x[indices[k]]
        k += 1
    return (acc0 + acc1) + (acc2 + acc3)


@njit(cache=True)
def run_csr(pre, indptr, indices, data, leak, activation, x0, out):
    """Run one sequence with a sparse ``W`` given as the CSR arrays of ``W.T``."""
    n_steps, n_units = pre.shape
    for t in range(n_steps):
        x_prev = x0 if t == 0 else out[t - 1]
        s = out[t]
        for j in range(n_units):
            s[j] = pre[t, j] + _csr_row_dot(
                indptr[j], indptr[j + 1], indices, data, x_prev
            )
        _leaky_activate(s, x_prev, leak, activation)


@njit(cache=True, inline="always")
def _leaky_activate_block(s, x_prev, leak, activation):
    """Block version of ``_leaky_activate``: s and x_prev are (N, B)."""
    n_units, n_seq = s.shape
    for j in range(n_units):
        a = leak[j]
        for b in range(n_seq):
            v = s[j, b]
            if activation == 0:
                v = np.tanh(v)
            elif activation == 2:
                v = v if v > 0.0 else 0.0
            elif activation == 3:
                v = 1.0 / (1.0 + np.exp(-v))
            s[j, b] = (1.0 - a) * x_prev[j, b] + a * v


@njit(cache=True)
def _block_dense(pre, W, leak, activation, x0, out, start, stop, x_cur, x_next):
    n_steps = pre.shape[1]
    n_units = pre.shape[2]
    n_seq = stop - start
    for b in range(n_seq):
        for j in range(n_units):
            x_cur[j, b] = x0[start + b, j]
    for t in range(n_steps):
        for j in range(n_units):
            for b in range(n_seq):
                x_next[j, b] = pre[start + b, t, j]
        for i in range(n_units):
            row = W[i]
            xi = x_cur[i]
            for j in range(n_units):
                w = row[j]
                if w != 0.0:
                    target = x_next[j]
                    for b in range(n_seq):
                        target[b] += w * xi[b]
        _leaky_activate_block(x_next, x_cur, leak, activation)
        for b in range(n_seq):
            for j in range(n_units):
                out[start + b, t, j] = x_next[j, b]
        x_cur, x_next = x_next, x_cur


@njit(cache=True)
def _block_csr(
    pre, indptr, indices, data, leak, activation, x0, out, start, stop, x_cur, x_next
):
    n_steps = pre.shape[1]
    n_units = pre.shape[2]
    n_seq = stop - start
    for b in range(n_seq):
        for j in range(n_units):
            x_cur[j, b] = x0[start + b, j]
    for t in range(n_steps):
        for j in range(n_units):
            target = x_next[j]
            for b in range(n_seq):
                target[b] = pre[start + b, t, j]
            for k in range(indptr[j], indptr[j + 1]):
                w = data[k]
                source = x_cur[indices[k]]
                for b in range(n_seq):
                    target[b] += w * source[b]
        _leaky_activate_block(x_next, x_cur, leak, activation)
        for b in range(n_seq):
            for j in range(n_units):
                out[start + b, t, j] = x_next[j, b]
        x_cur, x_next = x_next, x_cur


@njit(cache=True, parallel=True)
def run_dense_batch(pre, W, leak, activation, x0, out):
    """Run equal-length sequences together with a dense ``W``.

    pre (S, T, N), x0 (S, N), out (S, T, N). Blocks of ``BLOCK_SIZE`` sequences
    run in parallel; within a block the step is a matrix-matrix product.
    """
    n_seq = pre.shape[0]
    n_units = pre.shape[2]
    n_blocks = (n_seq + BLOCK_SIZE - 1) // BLOCK_SIZE
    for blk in prange(n_blocks):
        start = blk * BLOCK_SIZE
        stop = min(start + BLOCK_SIZE, n_seq)
        x_cur = np.empty((n_units, stop - start), dtype=pre.dtype)
        x_next = np.empty((n_units, stop - start), dtype=pre.dtype)
        _block_dense(pre, W, leak, activation, x0, out, start, stop, x_cur, x_next)


@njit(cache=True, parallel=True)
def run_csr_batch(pre, indptr, indices, data, leak, activation, x0, out):
    """Run equal-length sequences together with a sparse ``W`` (CSR of ``W.T``)."""
    n_seq = pre.shape[0]
    n_units = pre.shape[2]
    n_blocks = (n_seq + BLOCK_SIZE - 1) // BLOCK_SIZE
    for blk in prange(n_blocks):
        start = blk * BLOCK_SIZE
        stop = min(start + BLOCK_SIZE, n_seq)
        x_cur = np.empty((n_units, stop - start), dtype=pre.dtype)
        x_next = np.empty((n_units, stop - start), dtype=pre.dtype)
        _block_csr(
            pre,
            indptr,
            indices,
            data,
            leak,
            activation,
            x0,
            out,
            start,
            stop,
            x_cur,
            x_next,
        )
