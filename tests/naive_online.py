"""NumPy reference implementations (test oracles) of the NVAR and online kernels.

Plain loops, one time step at a time, written from the equations in
``reservoir/_nvar_kernels.py`` and ``reservoir/_online_kernels.py``.
"""

from __future__ import annotations

from itertools import combinations_with_replacement

import numpy as np
from naive import activate


def nvar_features(U, n_delays, stride, degrees, bias, history=None):
    """NVAR features: [1], linear part, monomials of the given degrees."""
    n_history = (n_delays - 1) * stride
    if history is None:
        history = np.zeros((n_history, U.shape[1]))
    padded = np.vstack([history, U])
    rows = []
    for t in range(U.shape[0]):
        now = n_history + t
        lin = np.concatenate([padded[now - j * stride] for j in range(n_delays)])
        row = [1.0] if bias else []
        row.extend(lin)
        for degree in degrees:
            for combo in combinations_with_replacement(range(lin.size), degree):
                row.append(np.prod(lin[list(combo)]))
        rows.append(row)
    return np.array(rows).reshape(U.shape[0], -1)


def nvar_generate(X_future, history, y0, n_delays, stride, degrees, bias, W, b, inc):
    """Closed-loop NVAR: feed each prediction back as the next input."""
    n_history = (n_delays - 1) * stride
    rows = list(np.asarray(history, dtype=float))
    y_prev = np.asarray(y0, dtype=float)
    out = []
    for t in range(X_future.shape[0]):
        u = np.concatenate([X_future[t], y_prev])
        before = np.array(rows[len(rows) - n_history :]).reshape(n_history, u.size)
        feat = nvar_features(u[None], n_delays, stride, degrees, bias, before)[0]
        rows.append(u)
        y = feat @ W + b + (y_prev if inc else 0.0)
        out.append(y)
        y_prev = y
    return np.array(out)


def rls(Z, Y, forgetting, alpha, W=None, P=None):
    """Recursive least squares, textbook form; returns W, P, a-priori preds."""
    n = Z.shape[1]
    W = np.zeros((n, Y.shape[1])) if W is None else W.copy()
    P = np.eye(n) / alpha if P is None else P.copy()
    preds = []
    for z, y in zip(Z, Y, strict=True):
        pi = P @ z
        d = forgetting + z @ pi
        pred = z @ W
        preds.append(pred)
        W = W + np.outer(pi / d, y - pred)
        P = (P - np.outer(pi, pi) / d) / forgetting
    return W, P, np.array(preds)


def lms(Z, Y, learning_rate, normalized, epsilon):
    """(Normalised) LMS; returns W and the a-priori predictions."""
    W = np.zeros((Z.shape[1], Y.shape[1]))
    preds = []
    for z, y in zip(Z, Y, strict=True):
        pred = z @ W
        preds.append(pred)
        step = learning_rate / (epsilon + z @ z) if normalized else learning_rate
        W = W + step * np.outer(z, y - pred)
    return W, np.array(preds)


def force(pre, W, W_fb, leak, activation, x0, z0, Y, W_out, P, lam, every, mode):
    """FORCE loop: mode 0 train, 1 teacher-forced, 2 free. Returns outputs,
    final state, W_out, P."""
    x = np.asarray(x0, dtype=float).copy()
    W_out, P = W_out.copy(), P.copy()
    outputs = []
    for t in range(pre.shape[0]):
        if t == 0:
            fed = z0
        elif mode == 1:
            fed = Y[t - 1]
        else:
            fed = outputs[-1]
        s = pre[t] + x @ W + fed @ W_fb
        x = (1 - leak) * x + leak * activate(s, activation)
        r = np.concatenate([[1.0], x])
        z = r @ W_out
        outputs.append(z)
        if mode == 0 and (t + 1) % every == 0:
            pi = P @ r
            d = lam + r @ pi
            W_out = W_out + np.outer(pi / d, Y[t] - z)
            P = (P - np.outer(pi, pi) / d) / lam
    return np.array(outputs), x, W_out, P


def paper_ngrc_fit(series, start, n_train, degree, bias, alpha):
    """The NG-RC recipe of Gauthier et al. (2021), as in the authors' code.

    Two delays (``lin_t = [y_t, y_(t-1)]``), a constant (with ``bias``) and
    the monomials of one ``degree`` in nested-loop order ``i <= j (<= l)``;
    the feature matrix is ``(n_features, n_train)``, the targets the
    increments ``series[start:start + n_train] - series[start - 1:...]``, and
    ``W_out = T Z' pinv(Z Z' + alpha I)`` of shape ``(n_outputs, n_features)``.
    """
    end = start + n_train
    lin = np.vstack([series[start - 1 : end - 1].T, series[start - 2 : end - 2].T])
    rows = [np.ones(n_train)] if bias else []
    rows.extend(lin)
    for combo in combinations_with_replacement(range(lin.shape[0]), degree):
        product = lin[combo[0]]
        for i in combo[1:]:
            product = product * lin[i]
        rows.append(product)
    Z = np.array(rows)
    T = series[start:end].T - series[start - 1 : end - 1].T
    return T @ Z.T @ np.linalg.pinv(Z @ Z.T + alpha * np.eye(Z.shape[0])), Z


def paper_ngrc_rollout(W_out, last, before, n_points, degree, bias):
    """The authors' closed loop: ``n_points`` rows, the known ``last`` first."""
    out = [np.asarray(last, dtype=float)]
    before = np.asarray(before, dtype=float)
    for _ in range(n_points - 1):
        lin = np.concatenate([out[-1], before])
        feat = [1.0] if bias else []
        feat.extend(lin)
        for combo in combinations_with_replacement(range(lin.size), degree):
            product = lin[combo[0]]
            for i in combo[1:]:
                product = product * lin[i]
            feat.append(product)
        before = out[-1]
        out.append(out[-1] + W_out @ np.array(feat))
    return np.array(out)


def exact_ridge(Z, T, alpha):
    """Ridge solution of the float64 data ``Z``, ``T`` in rational arithmetic."""
    from fractions import Fraction

    m = Z.shape[1]
    Zf = [[Fraction(v) for v in row] for row in Z]
    Tf = [[Fraction(v) for v in row] for row in T]
    rows = []
    for i in range(m):
        row = [sum(z[i] * z[j] for z in Zf) for j in range(m)]
        row[i] += Fraction(alpha)
        row += [
            sum(z[i] * t[j] for z, t in zip(Zf, Tf, strict=True))
            for j in range(T.shape[1])
        ]
        rows.append(row)
    for c in range(m):  # Gauss-Jordan; the matrix is positive definite
        pivot = rows[c][c]
        rows[c] = [v / pivot for v in rows[c]]
        for r in range(m):
            if r != c and rows[r][c] != 0:
                f = rows[r][c]
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[c], strict=True)]
    return np.array([[float(v) for v in row[m:]] for row in rows])
