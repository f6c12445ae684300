"""Numba time loops of the recurrent cells (forward and backward).

The loops fuse the element-wise gate arithmetic of a step into one pass and
call BLAS (``np.dot``) for the recurrent product of the whole minibatch, which
removes the NumPy per-operation overhead that dominates at the sizes BPTT is
used with (``B x N`` of tens). Time-major arrays, C order; the projections of
the inputs and the weight gradients are GEMMs done outside (``_cells.py``).
No validation here. The LSTM and GRU gates use exp-based sigmoid and tanh
(three times faster than libm's tanh, absolute error about 1e-16); the Elman
cell uses ``np.tanh`` and the sigmoid of the reservoir kernels, so that a
network built from an ESN reproduces its states to rounding.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Elman activations (same codes as the reservoir kernels).
ACTIVATION_CODES = {"tanh": 0, "identity": 1, "relu": 2, "sigmoid": 3}


@njit(cache=True, inline="always")
def _sig(x):
    # inf in the denominator gives exactly 0: no overflow problem
    return 1.0 / (1.0 + np.exp(-x))


@njit(cache=True, inline="always")
def _tanh(x):
    # tanh through exp: about 3x faster than libm's tanh, absolute error ~1e-16
    return 1.0 - 2.0 / (np.exp(2.0 * x) + 1.0)


@njit(cache=True, inline="always")
def _act(s, code):
    if code == 0:
        return np.tanh(s)
    if code == 1:
        return s
    if code == 2:
        return s if s > 0.0 else 0.0
    return _sig(s)


@njit(cache=True, inline="always")
def _act_grad(f, code):
    if code == 0:
        return 1.0 - f * f
    if code == 1:
        return 1.0
    if code == 2:
        return 1.0 if f > 0.0 else 0.0
    return f * (1.0 - f)


@njit(cache=True)
def elman_forward(P, W, h0, leak, use_leak, code, H, F):
    """``P`` (T, B, N) is the input projection plus bias; fills H and F."""
    T, B, N = P.shape
    R = np.empty((B, N))
    for t in range(T):
        prev = h0 if t == 0 else H[t - 1]
        np.dot(prev, W, R)
        for b in range(B):
            for j in range(N):
                f = _act(P[t, b, j] + R[b, j], code)
                F[t, b, j] = f
                if use_leak:
                    H[t, b, j] = prev[b, j] + leak[j] * (f - prev[b, j])
                else:
                    H[t, b, j] = f


@njit(cache=True)
def elman_backward(dH, F, W_T, leak, use_leak, code, dP, dh):
    """Fill ``dP`` (pre-activation gradients).

    ``dh`` holds on entry the gradient arriving at the last state from later
    steps (zeros for a whole sequence) and ends as d loss / d h0.
    """
    T, B, N = dH.shape
    tmp = np.empty((B, N))
    for t in range(T - 1, -1, -1):
        for b in range(B):
            for j in range(N):
                d = dh[b, j] + dH[t, b, j]
                g = _act_grad(F[t, b, j], code)
                if use_leak:
                    dP[t, b, j] = d * leak[j] * g
                    dh[b, j] = d * (1.0 - leak[j])
                else:
                    dP[t, b, j] = d * g
                    dh[b, j] = 0.0
        np.dot(dP[t], W_T, tmp)
        dh += tmp


@njit(cache=True)
def lstm_forward(A, W, h0, c0, H, C, TC):
    """``A`` (T, B, 4N) holds the input projections and is overwritten with
    the activated gates i, f, g, o."""
    T, B, G = A.shape
    N = G // 4
    R = np.empty((B, G))
    for t in range(T):
        prev_h = h0 if t == 0 else H[t - 1]
        prev_c = c0 if t == 0 else C[t - 1]
        np.dot(prev_h, W, R)
        for b in range(B):
            for j in range(N):
                i = _sig(A[t, b, j] + R[b, j])
                f = _sig(A[t, b, N + j] + R[b, N + j])
                g = _tanh(A[t, b, 2 * N + j] + R[b, 2 * N + j])
                o = _sig(A[t, b, 3 * N + j] + R[b, 3 * N + j])
                A[t, b, j] = i
                A[t, b, N + j] = f
                A[t, b, 2 * N + j] = g
                A[t, b, 3 * N + j] = o
                c = f * prev_c[b, j] + i * g
                tc = _tanh(c)
                C[t, b, j] = c
                TC[t, b, j] = tc
                H[t, b, j] = o * tc


@njit(cache=True)
def lstm_backward(dH, A, C, TC, c0, W_T, dP, dh, dc):
    """Fill ``dP`` (T, B, 4N); ``dh``, ``dc`` hold on entry the gradients
    arriving at the last state (zeros for a whole sequence) and end as the
    gradients of h0, c0."""
    T, B, G = A.shape
    N = G // 4
    for t in range(T - 1, -1, -1):
        prev_c = c0 if t == 0 else C[t - 1]
        for b in range(B):
            for j in range(N):
                dht = dh[b, j] + dH[t, b, j]
                i = A[t, b, j]
                f = A[t, b, N + j]
                g = A[t, b, 2 * N + j]
                o = A[t, b, 3 * N + j]
                tc = TC[t, b, j]
                dct = dc[b, j] + dht * o * (1.0 - tc * tc)
                dP[t, b, j] = dct * g * i * (1.0 - i)
                dP[t, b, N + j] = dct * prev_c[b, j] * f * (1.0 - f)
                dP[t, b, 2 * N + j] = dct * i * (1.0 - g * g)
                dP[t, b, 3 * N + j] = dht * tc * o * (1.0 - o)
                dc[b, j] = dct * f
        np.dot(dP[t], W_T, dh)


@njit(cache=True)
def gru_forward(A, W, b_hn, h0, H, HN):
    """``A`` (T, B, 3N) holds the input projections and is overwritten with
    r, z, n; ``HN`` gets ``h W_hn + b_hn``."""
    T, B, G = A.shape
    N = G // 3
    R = np.empty((B, G))
    for t in range(T):
        prev = h0 if t == 0 else H[t - 1]
        np.dot(prev, W, R)
        for b in range(B):
            for j in range(N):
                r = _sig(A[t, b, j] + R[b, j])
                z = _sig(A[t, b, N + j] + R[b, N + j])
                hn = R[b, 2 * N + j] + b_hn[j]
                n = _tanh(A[t, b, 2 * N + j] + r * hn)
                A[t, b, j] = r
                A[t, b, N + j] = z
                A[t, b, 2 * N + j] = n
                HN[t, b, j] = hn
                H[t, b, j] = n + z * (prev[b, j] - n)


@njit(cache=True)
def gru_backward(dH, A, HN, H, h0, W_T, dPin, dPh, dh):
    """Fill the input-side and recurrent-side pre-activation gradients;
    ``dh`` as in ``elman_backward``."""
    T, B, G = A.shape
    N = G // 3
    tmp = np.empty((B, N))
    for t in range(T - 1, -1, -1):
        prev = h0 if t == 0 else H[t - 1]
        for b in range(B):
            for j in range(N):
                d = dh[b, j] + dH[t, b, j]
                r = A[t, b, j]
                z = A[t, b, N + j]
                n = A[t, b, 2 * N + j]
                dan = d * (1.0 - z) * (1.0 - n * n)
                dar = dan * HN[t, b, j] * r * (1.0 - r)
                daz = d * (prev[b, j] - n) * z * (1.0 - z)
                dPin[t, b, j] = dar
                dPin[t, b, N + j] = daz
                dPin[t, b, 2 * N + j] = dan
                dPh[t, b, j] = dar
                dPh[t, b, N + j] = daz
                dPh[t, b, 2 * N + j] = dan * r
                dh[b, j] = d * z
        np.dot(dPh[t], W_T, tmp)
        dh += tmp


@njit(cache=True)
def elman_skip_forward(P, W, W_skip, hist, leak, use_leak, code, H, F):
    """Elman layer with a skip connection through time ``d`` steps back.

    ``h_t = (1-a) h_(t-1) + a f(P_t + h_(t-1) W + h_(t-d) W_skip)``; ``hist``
    (d, B, N) holds the states before the first step, ``h_(-d) .. h_(-1)``.
    """
    T, B, N = P.shape
    d = hist.shape[0]
    R = np.empty((B, N))
    S = np.empty((B, N))
    for t in range(T):
        prev = hist[d - 1] if t == 0 else H[t - 1]
        back = hist[t] if t < d else H[t - d]
        np.dot(prev, W, R)
        np.dot(back, W_skip, S)
        for b in range(B):
            for j in range(N):
                f = _act(P[t, b, j] + R[b, j] + S[b, j], code)
                F[t, b, j] = f
                if use_leak:
                    H[t, b, j] = prev[b, j] + leak[j] * (f - prev[b, j])
                else:
                    H[t, b, j] = f


@njit(cache=True)
def elman_skip_backward(G, F, W_T, W_skip_T, leak, use_leak, code, dP, dh, dhist):
    """Backward pass of ``elman_skip_forward``.

    ``G`` (T, B, N) is the loss gradient w.r.t. the states and is overwritten
    (the skip connections add to earlier steps); ``dh`` as in
    ``elman_backward``; ``dhist`` (zeros on entry) gets the gradient of the
    states before the first step.
    """
    T, B, N = G.shape
    d = dhist.shape[0]
    tmp = np.empty((B, N))
    for t in range(T - 1, -1, -1):
        for b in range(B):
            for j in range(N):
                g = dh[b, j] + G[t, b, j]
                a = _act_grad(F[t, b, j], code)
                if use_leak:
                    dP[t, b, j] = g * leak[j] * a
                    dh[b, j] = g * (1.0 - leak[j])
                else:
                    dP[t, b, j] = g * a
                    dh[b, j] = 0.0
        np.dot(dP[t], W_T, tmp)
        dh += tmp
        np.dot(dP[t], W_skip_T, tmp)
        if t >= d:
            G[t - d] += tmp
        else:
            dhist[t] += tmp
    dhist[d - 1] += dh
