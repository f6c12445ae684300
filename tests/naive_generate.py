"""Plain NumPy reference implementations for the closed-loop generation tests.

Slow and obviously correct: one Python iteration per time step, no Numba.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse


def activate(s: np.ndarray, activation: str) -> np.ndarray:
    if activation == "tanh":
        return np.tanh(s)
    if activation == "identity":
        return s
    if activation == "relu":
        return np.maximum(s, 0.0)
    return 1.0 / (1.0 + np.exp(-s))


def closed_loop(pre, ro, W, W_fb, W_out_x, W_out_y, leak, activation, x0, y0):
    """Outputs (T, K) and the final state of the closed loop.

    s_t = pre_t + x_(t-1) W + y_(t-1) W_fb; x_t = (1-a) x_(t-1) + a f(s_t);
    y_t = ro_t + x_t W_out_x + y_(t-1) W_out_y.
    """
    W = W.toarray() if scipy.sparse.issparse(W) else np.asarray(W)
    x = np.array(x0, dtype=np.float64)
    y = np.array(y0, dtype=np.float64)
    out = []
    for t in range(pre.shape[0]):
        s = pre[t] + x @ W + y @ W_fb
        x = (1.0 - leak) * x + leak * activate(s, activation)
        y = ro[t] + x @ W_out_x + y @ W_out_y
        out.append(y)
    return np.array(out), x


def teacher_forced_states(U, W, W_in, bias, leak, activation, x0=None):
    """States (T, N) of the reservoir driven by the inputs U (T, D)."""
    W = W.toarray() if scipy.sparse.issparse(W) else np.asarray(W)
    x = np.zeros(W.shape[0]) if x0 is None else np.array(x0, dtype=np.float64)
    states = []
    for u in U:
        s = u @ W_in + x @ W + bias
        x = (1.0 - leak) * x + leak * activate(s, activation)
        states.append(x)
    return np.array(states)


def forecast(model, n_steps, context=None, X_future=None, X_context=None):
    """Closed-loop forecast of a fitted ESNForecaster, step by step in NumPy.

    Uses only the public fitted attributes (weights, readout, ``state_``).
    """
    K = model.n_features_in_
    D = model.n_exog_features_
    leak = np.broadcast_to(
        np.asarray(model.leak_rate, dtype=np.float64), (model.n_units,)
    )
    W_in = np.vstack([model.W_in_, model.W_fb_])
    if context is None:
        x, y = model.state_.copy(), model.last_value_.copy()
    else:
        ctx = np.asarray(context, dtype=np.float64).reshape(len(context), K)
        Xc = np.empty((len(ctx), 0)) if X_context is None else np.asarray(X_context)
        U = np.hstack([Xc[1:], ctx[:-1]])
        states = teacher_forced_states(
            U, model.W_, W_in, model.bias_, leak, model.activation
        )
        x = states[-1] if len(states) else np.zeros(model.n_units)
        y = ctx[-1].copy()
    Xf = np.empty((n_steps, 0)) if X_future is None else np.asarray(X_future)
    W = model.W_.toarray() if scipy.sparse.issparse(model.W_) else model.W_
    coef = model.coef_.T  # (F, K)
    out = []
    for t in range(n_steps):
        u = np.concatenate([Xf[t], y])
        s = u @ W_in + x @ W + model.bias_
        x = (1.0 - leak) * x + leak * activate(s, model.activation)
        z = np.concatenate([u, x]) if model.include_input else x
        y = z @ coef[:, :K] + model.intercept_[:K]
        out.append(y)
    assert D == Xf.shape[1]
    return np.array(out)
