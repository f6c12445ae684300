"""Forward and backward passes of the recurrent cells on minibatches.

Arrays are time-major: inputs ``X`` are ``(T, B, D)``, hidden states
``(T, B, N)``. Row-vector convention as in the rest of the package: one step
computes ``x_t @ W_in + h_(t-1) @ W + b``. The gate blocks of the LSTM and GRU
are stacked along the columns in PyTorch's order:

- LSTM ``[i, f, g, o]``: ``W_in`` is ``(D, 4N)``, ``W`` is ``(N, 4N)``.
- GRU ``[r, z, n]``: ``W_in`` is ``(D, 3N)``, ``W`` is ``(N, 3N)``, plus the
  separate recurrent bias ``b_hn`` of the candidate (PyTorch's ``b_hn``).

The input projection of all steps is one GEMM before the time loop, and the
weight gradients are one GEMM after the backward loop; the time loops
themselves (recurrent product and fused element-wise work) are the Numba
kernels of ``_kernels.py``. No validation here.
"""

from __future__ import annotations

import numpy as np

from . import _kernels
from ._kernels import ACTIVATION_CODES

__all__: list[str] = []

CELLS = ("elman", "lstm", "gru")
#: Gate blocks per cell (columns of ``W`` are ``n_blocks * N``).
N_BLOCKS = {"elman": 1, "lstm": 4, "gru": 3}


def _project(X: np.ndarray, W_in: np.ndarray, b: np.ndarray) -> np.ndarray:
    T, B, D = X.shape
    return (X.reshape(T * B, D) @ W_in + b).reshape(T, B, W_in.shape[1])


def _weight_grads(X, H_prev, dP, W_in, W):
    """dW_in, dW, db and dX from the pre-activation gradients ``dP``."""
    T, B, D = X.shape
    G = dP.shape[2]
    dP2 = dP.reshape(T * B, G)
    dW_in = X.reshape(T * B, D).T @ dP2
    dW = H_prev.reshape(T * B, -1).T @ dP2
    db = dP2.sum(axis=0)
    dX = (dP2 @ W_in.T).reshape(T, B, D)
    return dW_in, dW, db, dX


def _previous(H: np.ndarray, h0: np.ndarray) -> np.ndarray:
    """States ``h_(t-1)`` of every step: ``[h0, H[0], ..., H[T-2]]``."""
    H_prev = np.empty_like(H)
    H_prev[0] = h0
    H_prev[1:] = H[:-1]
    return H_prev


# ----------------------------------------------------------------------------
# Elman (leaky, any activation)


def _c(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64)


def elman_forward(X, state, p, activation, leak):
    """Leaky Elman layer: ``h_t = (1-a) h_(t-1) + a f(x_t W_in + h_(t-1) W + b)``.

    ``state`` is ``(h0,)`` with ``h0`` of shape ``(B, N)``; ``leak`` is None
    (all ones) or an ``(N,)`` array. With a skip connection through time
    (``p`` holds ``W_skip``), ``h_(t-d) W_skip`` joins the sum and the state
    is ``(hist,)``: the ``d`` states before the first step, ``(d, B, N)``.
    Returns ``(H, cache, final_state)``.
    """
    P = _project(X, p["W_in"], p["b"])
    H = np.empty_like(P)
    F = np.empty_like(P)
    use_leak = leak is not None
    leak_arr = _c(leak) if use_leak else np.ones(P.shape[2])
    code = ACTIVATION_CODES[activation]
    if "W_skip" in p:
        hist = _c(state[0])
        _kernels.elman_skip_forward(
            P, _c(p["W"]), _c(p["W_skip"]), hist, leak_arr, use_leak, code, H, F
        )
        d = hist.shape[0]
        return H, (X, hist, F, H), (np.concatenate([hist, H])[-d:],)
    h0 = _c(state[0])
    _kernels.elman_forward(P, _c(p["W"]), h0, leak_arr, use_leak, code, H, F)
    return H, (X, h0, F, H), (H[-1],)


def _incoming(dstate, k: int, like: np.ndarray) -> np.ndarray:
    """Gradient arriving at the final state (a writable copy), or zeros."""
    if dstate is None:
        return np.zeros_like(like)
    return np.array(dstate[k], dtype=np.float64)


def elman_backward(dH, cache, p, activation, leak, dstate=None):
    """Gradients of an Elman layer; ``dH`` is the loss gradient w.r.t. ``H``
    and ``dstate`` (optional) the gradient w.r.t. the final state.

    Returns ``(grads, dX, dstate0)``.
    """
    X, h0, F, H = cache
    use_leak = leak is not None
    leak_arr = _c(leak) if use_leak else np.ones(F.shape[2])
    code = ACTIVATION_CODES[activation]
    dP = np.empty_like(F)
    if "W_skip" in p:
        hist = h0
        d = hist.shape[0]
        G = np.array(dH, dtype=np.float64)
        dh = np.zeros_like(hist[0])
        if dstate is not None:  # the final history: last d of [hist, H]
            T = G.shape[0]
            G[max(T - d, 0) :] += dstate[0][max(d - T, 0) :]
        dhist = np.zeros_like(hist)
        if dstate is not None and d > G.shape[0]:
            dhist[G.shape[0] :] += dstate[0][: d - G.shape[0]]
        _kernels.elman_skip_backward(
            G,
            F,
            _c(p["W"].T),
            _c(p["W_skip"].T),
            leak_arr,
            use_leak,
            code,
            dP,
            dh,
            dhist,
        )
        both = np.concatenate([hist, H])
        T_B = F.shape[0] * F.shape[1]
        dP2 = dP.reshape(T_B, -1)
        T = F.shape[0]
        grads = {
            "W_in": X.reshape(T_B, -1).T @ dP2,
            "W": both[d - 1 : d - 1 + T].reshape(T_B, -1).T @ dP2,
            "W_skip": both[:T].reshape(T_B, -1).T @ dP2,
            "b": dP2.sum(axis=0),
        }
        dX = (dP2 @ p["W_in"].T).reshape(X.shape)
        return grads, dX, (dhist,)
    dh = _incoming(dstate, 0, h0)
    _kernels.elman_backward(_c(dH), F, _c(p["W"].T), leak_arr, use_leak, code, dP, dh)
    dW_in, dW, db, dX = _weight_grads(X, _previous(H, h0), dP, p["W_in"], p["W"])
    return {"W_in": dW_in, "W": dW, "b": db}, dX, (dh,)


# ----------------------------------------------------------------------------
# LSTM


def lstm_forward(X, state, p):
    """LSTM layer (PyTorch equations, gate order i, f, g, o).

    ``state`` is ``(h0, c0)``. Returns ``(H, cache, final_state)``.
    """
    A = _project(X, p["W_in"], p["b"])
    T, B, G = A.shape
    N = G // 4
    H = np.empty((T, B, N))
    C = np.empty((T, B, N))
    TC = np.empty((T, B, N))
    h0, c0 = _c(state[0]), _c(state[1])
    _kernels.lstm_forward(A, _c(p["W"]), h0, c0, H, C, TC)
    return H, (X, h0, c0, A, C, TC, H), (H[-1], C[-1])


def lstm_backward(dH, cache, p, dstate=None):
    """Gradients of an LSTM layer. Returns ``(grads, dX, (dh0, dc0))``."""
    X, h0, c0, A, C, TC, H = cache
    dP = np.empty_like(A)
    dh = _incoming(dstate, 0, h0)
    dc = _incoming(dstate, 1, c0)
    _kernels.lstm_backward(_c(dH), A, C, TC, c0, _c(p["W"].T), dP, dh, dc)
    dW_in, dW, db, dX = _weight_grads(X, _previous(H, h0), dP, p["W_in"], p["W"])
    return {"W_in": dW_in, "W": dW, "b": db}, dX, (dh, dc)


# ----------------------------------------------------------------------------
# GRU


def gru_forward(X, state, p):
    """GRU layer (PyTorch equations, gate order r, z, n).

    ``r = s(x W_r + b_r + h W_hr)``, ``z = s(x W_z + b_z + h W_hz)``,
    ``n = tanh(x W_n + b_n + r * (h W_hn + b_hn))``,
    ``h' = (1 - z) * n + z * h``. ``state`` is ``(h0,)``.
    """
    A = _project(X, p["W_in"], p["b"])
    T, B, G = A.shape
    N = G // 3
    H = np.empty((T, B, N))
    HN = np.empty((T, B, N))
    h0 = _c(state[0])
    _kernels.gru_forward(A, _c(p["W"]), _c(p["b_hn"]), h0, H, HN)
    return H, (X, h0, A, HN, H), (H[-1],)


def gru_backward(dH, cache, p, dstate=None):
    """Gradients of a GRU layer. Returns ``(grads, dX, (dh0,))``."""
    X, h0, A, HN, H = cache
    T, B, G = A.shape
    N = G // 3
    dPin = np.empty_like(A)
    dPh = np.empty_like(A)
    dh = _incoming(dstate, 0, h0)
    _kernels.gru_backward(_c(dH), A, HN, H, h0, _c(p["W"].T), dPin, dPh, dh)
    T_B = T * B
    dPh2 = dPh.reshape(T_B, G)
    dPin2 = dPin.reshape(T_B, G)
    grads = {
        "W_in": X.reshape(T_B, -1).T @ dPin2,
        "W": _previous(H, h0).reshape(T_B, N).T @ dPh2,
        "b": dPin2.sum(axis=0),
        "b_hn": dPh2[:, 2 * N :].sum(axis=0),
    }
    dX = (dPin2 @ p["W_in"].T).reshape(X.shape)
    return grads, dX, (dh,)


def layer_forward(cell, X, state, p, activation="tanh", leak=None):
    """Dispatch to the forward pass of ``cell``."""
    if cell == "elman":
        return elman_forward(X, state, p, activation, leak)
    if cell == "lstm":
        return lstm_forward(X, state, p)
    return gru_forward(X, state, p)


def layer_backward(cell, dH, cache, p, activation="tanh", leak=None, dstate=None):
    """Dispatch to the backward pass of ``cell``; ``dstate`` is the gradient
    arriving at the final state (None: zero)."""
    if cell == "elman":
        return elman_backward(dH, cache, p, activation, leak, dstate)
    if cell == "lstm":
        return lstm_backward(dH, cache, p, dstate)
    return gru_backward(dH, cache, p, dstate)


def n_states(cell: str) -> int:
    """Number of state arrays the cell carries (2 for the LSTM's h and c)."""
    return 2 if cell == "lstm" else 1
