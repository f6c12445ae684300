"""Plain NumPy reference implementations for the closed-loop generation tests.

Slow and obviously correct: one Python iteration per time step, no Numba.
"""

from __future__ import annotations

import itertools

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


def state_features(x: np.ndarray, features: str) -> np.ndarray:
    """The readout's state part for ``readout_features``, written out per
    unit: ``x`` (``'linear'``), ``[x, x ** 2]`` (``'squared'``), or ``x``
    with units 2, 4, ... (1-based) squared (``'even_squared'``)."""
    if features == "squared":
        return np.concatenate([x, [v * v for v in x]])
    if features == "even_squared":
        return np.array([v * v if j % 2 == 1 else v for j, v in enumerate(x)])
    assert features == "linear"
    return x


def closed_loop(
    pre, ro, W, W_fb, W_out_x, W_out_y, leak, activation, x0, y0,
    W_out_sq=None, features="linear",
):  # fmt: skip
    """Outputs (T, K) and the final state of the closed loop.

    s_t = pre_t + x_(t-1) W + y_(t-1) W_fb; x_t = (1-a) x_(t-1) + a f(s_t);
    y_t = ro_t + phi(x_t) [W_out_x; W_out_sq] + [y_(t-1), ..., y_(t-p)]
    W_out_y (``phi = state_features``; ``W_out_sq`` only with ``'squared'``).
    ``y0`` is the last known output (K,) or the last ``p`` of them (p, K),
    most recent first.
    """
    if features == "squared":
        W_out_x = np.vstack([W_out_x, W_out_sq])
    W = W.toarray() if scipy.sparse.issparse(W) else np.asarray(W)
    x = np.array(x0, dtype=np.float64)
    lags = list(np.atleast_2d(np.array(y0, dtype=np.float64)))
    out = []
    for t in range(pre.shape[0]):
        s = pre[t] + x @ W + lags[0] @ W_fb
        x = (1.0 - leak) * x + leak * activate(s, activation)
        y = (
            ro[t]
            + state_features(x, features) @ W_out_x
            + np.concatenate(lags) @ W_out_y
        )
        lags = [y, *lags[:-1]]
        out.append(y)
    return np.array(out).reshape(pre.shape[0], ro.shape[1]), x


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


def closed_loop_deep(
    pre, ro, layers, W_fb, W_out_x, W_out_y, x0, y0, W_out_sq=None, features="linear"
):
    """Outputs (T, K) and final states of the closed loop through a deep stack.

    ``layers`` is a list of ``(W, W_in, bias, leak, activation)``, bottom
    first; the first layer's ``W_in`` and ``bias`` are unused (its projected
    exogenous inputs and bias are ``pre``). Layer 1:
    ``s_t = pre_t + y_(t-1) W_fb + x^1_(t-1) W^1``; layer l > 1:
    ``s_t = x^(l-1)_t W_in^l + b^l + x^l_(t-1) W^l``; every layer
    ``x^l_t = (1-a) x^l_(t-1) + a f(s_t)``;
    ``y_t = ro_t + [x^1_t, ..., x^L_t] W_out_x + [y_(t-1), ..., y_(t-p)]
    W_out_y`` (``y0``: (K,) or the last ``p`` outputs (p, K), most recent first);
    ``W_out_sq`` and ``features`` as in ``closed_loop``, on all layers' states.
    """
    if features == "squared":
        W_out_x = np.vstack([W_out_x, W_out_sq])
    sizes = [np.shape(W)[0] for W, *_ in layers]
    bounds = np.cumsum([0, *sizes])
    dense = [
        W.toarray() if scipy.sparse.issparse(W) else np.asarray(W) for W, *_ in layers
    ]
    x0 = np.asarray(x0, dtype=np.float64)
    xs = [x0[lo:hi].copy() for lo, hi in itertools.pairwise(bounds)]
    lags = list(np.atleast_2d(np.array(y0, dtype=np.float64)))
    out = []
    for t in range(pre.shape[0]):
        for k, (W, (_, W_in, bias, leak, activation)) in enumerate(
            zip(dense, layers, strict=True)
        ):
            if k == 0:
                s = pre[t] + lags[0] @ W_fb + xs[0] @ W
            else:
                s = xs[k - 1] @ W_in + bias + xs[k] @ W
            xs[k] = (1.0 - leak) * xs[k] + leak * activate(s, activation)
        x_all = state_features(np.concatenate(xs), features)
        y = ro[t] + x_all @ W_out_x + np.concatenate(lags) @ W_out_y
        lags = [y, *lags[:-1]]
        out.append(y)
    return np.array(out).reshape(pre.shape[0], ro.shape[1]), np.concatenate(xs)


def model_layers(model):
    """``(W, W_in, bias, leak, activation)`` of every layer of a fitted forecaster.

    From the public attributes; the first layer's ``W_in`` stacks the
    exogenous-input rows and the feedback rows ``W_fb_``.
    """
    n_layers = getattr(model, "n_layers", 1)
    Ws, W_ins, biases = model.W_, model.W_in_, model.bias_
    if n_layers == 1:
        Ws, W_ins, biases = [Ws], [W_ins], [biases]
    layers = []
    for k in range(n_layers):
        leak = model._layer_value("leak_rate", k, n_layers)
        assert not hasattr(leak, "rvs"), "the oracle takes fixed leak rates"
        n_units = np.shape(Ws[k])[0]
        leak = np.broadcast_to(np.asarray(leak, dtype=np.float64), (n_units,))
        W_in = np.vstack([W_ins[0], model.W_fb_]) if k == 0 else W_ins[k]
        activation = model._layer_value("activation", k, n_layers)
        layers.append((Ws[k], W_in, biases[k], leak, activation))
    return layers


def teacher_forced_deep(U, layers, x0=None):
    """States (T, sum of n_units) of a deep stack driven by U (T, D).

    Layer 1 is driven by ``U``, layer l > 1 by the states of layer l - 1.
    """
    sizes = [np.shape(W)[0] for W, *_ in layers]
    bounds = np.cumsum([0, *sizes])
    x0 = np.zeros(bounds[-1]) if x0 is None else np.asarray(x0, dtype=np.float64)
    states, inputs = [], U
    for k, (W, W_in, bias, leak, activation) in enumerate(layers):
        inputs = teacher_forced_states(
            inputs, W, W_in, bias, leak, activation, x0[bounds[k] : bounds[k + 1]]
        )
        states.append(inputs)
    return np.hstack(states)


def forecast(model, n_steps, context=None, X_future=None, X_context=None):
    """Closed-loop forecast of a fitted ESNForecaster, step by step in NumPy.

    Uses only the public fitted attributes (weights, readout, ``state_``,
    ``y_mean_``/``y_scale_``) and the hyperparameters (``readout_features``
    through ``state_features``); works for single
    reservoirs and deep stacks without lags or differences: the network runs
    on the standardised series, the output is scaled back.
    """
    assert model.n_lags == 1 and not (model.log or model.difference)
    assert not model.seasonal_difference
    K = model.n_features_in_
    D = model.n_exog_features_
    mean, scale = model.y_mean_, model.y_scale_
    layers = model_layers(model)
    n_total = sum(np.shape(W)[0] for W, *_ in layers)
    if context is None:
        x, y = model.state_.copy(), (model.last_value_ - mean) / scale
    else:
        ctx = np.asarray(context, dtype=np.float64).reshape(len(context), K)
        ctx = (ctx - mean) / scale
        Xc = np.empty((len(ctx), 0)) if X_context is None else np.asarray(X_context)
        U = np.hstack([Xc[1:], ctx[:-1]])
        states = teacher_forced_deep(U, layers)
        x = states[-1] if len(states) else np.zeros(n_total)
        y = ctx[-1].copy()
    Xf = np.empty((n_steps, 0)) if X_future is None else np.asarray(X_future)
    coef = model.coef_.T  # (F, K)
    out = []
    for t in range(n_steps):
        u = np.concatenate([Xf[t], y])
        # one teacher-forced step of the stack on the fed-back input
        x = teacher_forced_deep(u[None, :], layers, x)[0]
        x_feat = state_features(x, getattr(model, "readout_features", "linear"))
        z = np.concatenate([u, x_feat]) if model.include_input else x_feat
        y = z @ coef[:, :K] + model.intercept_[:K]
        out.append(y)
    assert D == Xf.shape[1]
    return np.array(out) * scale + mean


def assert_exog_forecasts_match(model, X, context, atol):
    """Check a model fitted on 500 steps with exogenous ``X`` against the oracle.

    Forecasts from the end of training (``X[500:525]`` ahead) and from
    ``context`` (with ``X[550:650]`` beside it and ``X[650:670]`` ahead) must
    equal ``forecast`` to ``atol``.
    """
    np.testing.assert_allclose(
        model.forecast(25, X_future=X[500:525]),
        forecast(model, 25, X_future=X[500:525])[:, 0],
        atol=atol,
    )
    Xc = X[550:650]
    np.testing.assert_allclose(
        model.forecast(20, context=context, X_future=X[650:670], X_context=Xc),
        forecast(model, 20, context, X[650:670], Xc)[:, 0],
        atol=atol,
    )
