"""Forecasting with echo state networks: output feedback and closed-loop generation.

``ESNForecaster`` is re-exported at the package top level.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from sklearn.metrics import r2_score
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _generate
from ._esn import _LAYERS_DOC, _PARAMS_DOC, _TAIL_DOC, _BaseReservoirEstimator
from ._reservoir import CHUNK_VALUES, DeepReservoir, Reservoir
from ._ridge import GramAccumulator
from ._threading import numba_threads
from ._validation import (
    check_int,
    check_option,
    check_real,
    check_rng,
    check_scale,
)

__all__ = ["ESNForecaster"]

NOISE_TYPES = ("state", "input", "both")
STRATEGIES = ("recursive", "direct")


def _layers(reservoir: Reservoir | DeepReservoir) -> list[Reservoir]:
    """The layers of a runner, bottom first (one for a single reservoir)."""
    return list(getattr(reservoir, "layers", [reservoir]))


def _pack_layers(layers: list[Reservoir]) -> tuple:
    """A stack's weights as the flat arrays of ``_generate.generate_deep``.

    Returns ``(bounds, sparse, activations, dense, dense_off, indptr,
    ptr_off, indices, data, W_in, in_off, bias, leak)``: dense recurrent
    matrices and the upper layers' input matrices flattened one after the
    other, the sparse layers' CSR arrays of ``W.T`` concatenated (row pointers
    shifted to positions in the shared ``indices``/``data``), and the biases
    and leak rates of all units.
    """
    dtype = layers[0].dtype
    sizes = [layer.n_units for layer in layers]
    bounds = np.cumsum([0, *sizes]).astype(np.int64)
    sparse = np.array([layer.sparse for layer in layers], dtype=np.bool_)
    activations = np.array([layer._code for layer in layers], dtype=np.int64)
    dense_parts, ptr_parts, index_parts, data_parts = [], [], [], []
    dense_off, ptr_off = [0], [0]
    n_entries = 0
    for layer in layers:
        if layer.sparse:
            ptr_parts.append(layer._indptr.astype(np.uint64) + np.uint64(n_entries))
            index_parts.append(layer._indices.astype(np.uint32))
            data_parts.append(layer._data)
            n_entries += layer._data.shape[0]
            ptr_off.append(ptr_off[-1] + layer.n_units + 1)
            dense_off.append(dense_off[-1])
        else:
            dense_parts.append(layer._W.ravel())
            dense_off.append(dense_off[-1] + layer._W.size)
            ptr_off.append(ptr_off[-1])
    in_parts = [layer.W_in.ravel() for layer in layers[1:]]
    in_off = np.cumsum([0, 0] + [part.size for part in in_parts]).astype(np.int64)

    def flat(parts, kind):
        return np.ascontiguousarray(np.concatenate(parts) if parts else [], dtype=kind)

    return (
        bounds,
        sparse,
        activations,
        flat(dense_parts, dtype),
        np.array(dense_off, dtype=np.int64),
        flat(ptr_parts, np.uint64),
        np.array(ptr_off, dtype=np.int64),
        flat(index_parts, np.uint32),
        flat(data_parts, dtype),
        flat(in_parts, dtype),
        in_off,
        flat([layer.bias for layer in layers], dtype),
        flat([layer.leak for layer in layers], dtype),
    )


class ESNForecaster(_BaseReservoirEstimator):
    __doc__ = f"""Echo state network forecaster with output feedback.

    The previous value of the series is fed back into the reservoir:

        x_t = (1 - a) x_(t-1) + a f(X_t W_in + y_(t-1) W_fb + x_(t-1) W + b)

    and a ridge readout maps ``[1, X_t, y_(t-1), x_t]`` (or ``[1, x_t]`` with
    ``include_input=False``) to ``y_t``. ``X`` are optional exogenous inputs
    known in advance. During :meth:`fit` the true previous value is fed back
    (teacher forcing); during :meth:`forecast` the network's own output is fed
    back (closed loop), in a compiled loop with the readout inside it. With
    ``include_input=True`` this is the autonomous form in which the output
    becomes the next input; with ``include_input=False`` it is Jaeger's
    output-feedback form.

    Generation always starts from the state reached by running a context
    (teacher-forced) through the reservoir: by default the whole training
    series (its final state is stored as ``state_``), or any ``context`` you
    pass. No state is carried between calls.

    ``strategy='direct'`` trains ``horizon`` readouts instead, one per step
    ahead, on the same teacher-forced states; :meth:`forecast` then reads the
    next ``n_steps <= horizon`` values off the last state without running free
    (a comparison baseline).

    With ``n_layers=L > 1`` the reservoir is a deep stack, drawn exactly as
    in :class:`ESNRegressor`: layer 1 is driven by ``[X_t, y_(t-1)]`` as
    above, layer ``l > 1`` by the states of layer ``l - 1``
    (``x^l_t = (1 - a_l) x^l_(t-1) + a_l f(x^(l-1)_t W_in^l + x^l_(t-1) W^l
    + b^l)``), and the readout sees ``[1, X_t, y_(t-1), x^1_t, ..., x^L_t]``
    (or the states alone). Teacher forcing and the compiled closed loop run
    the whole stack. Bidirectional reservoirs are not offered: a forecaster
    cannot look ahead.

    Parameters
    ----------
{_PARAMS_DOC}{_LAYERS_DOC}    feedback_scaling : float or array-like of shape \
(n_targets,), default=1.0
        Scale of the (uniform) feedback weights ``W_fb`` that feed the
        previous value of the series into the reservoir (>= 0); in a deep
        stack they drive the first layer only (with its ``input_scaling``
        for the rows of ``X``).
    noise_level : float, default=0.0
        Standard deviation (>= 0) of the Gaussian noise added during training
        only, for stable closed-loop generation. Drawn from ``random_state``;
        off in :meth:`forecast` and :meth:`predict`.
    noise_type : {{'state', 'input', 'both'}}, default='state'
        Where the training noise goes: ``'state'`` adds it inside the
        activation of every unit (Jaeger's state noise; in a deep stack, to
        the pre-activation of every layer, independent draws),
        ``'input'`` to the inputs of the first layer (the fed-back values
        and ``X``), ``'both'`` to both.
    strategy : {{'recursive', 'direct'}}, default='recursive'
        ``'recursive'``: one-step readout run in closed loop. ``'direct'``:
        one readout per step ahead, up to ``horizon``.
    horizon : int, default=1
        Number of steps ahead the direct strategy is trained for (>= 1); only
        used with ``strategy='direct'``.
    washout : int, default=100
        Teacher-forced steps run but not used to fit the readout, and the
        minimum warm-up: a ``context`` needs at least ``washout`` steps.
    alpha : float, default=1e-6
        Ridge penalty (>= 0) on the readout weights (not the intercept).
    include_input : bool, default=True
        Whether the readout also sees the reservoir's inputs ``X_t`` and
        ``y_(t-1)``.
{_TAIL_DOC}
    Attributes
    ----------
    W_ : ndarray or scipy.sparse.csr_array of shape (n_units, n_units)
        Recurrent weights; with ``n_layers > 1`` a list with one entry per
        layer, bottom first (as in :class:`ESNRegressor`).
    W_in_ : ndarray of shape (n_exog_features, n_units)
        Weights of the exogenous inputs (zero rows without them); with
        ``n_layers > 1`` a list: the first layer's exogenous-input weights,
        then for each layer ``l > 1`` its input weights of shape
        ``(n_units[l-1], n_units[l])`` from the layer below.
    W_fb_ : ndarray of shape (n_features, n_units)
        Feedback weights (of the first layer in a deep stack).
    bias_ : ndarray of shape (n_units,)
        Reservoir bias (a list, as ``W_``).
    coef_ : ndarray of shape (n_outputs, n_readout_features)
        Readout weights on ``[X_t, y_(t-1), x_t]`` (``x_t`` alone without
        the input; ``x_t`` holds all layers' states side by side in a deep
        stack); ``n_outputs`` is ``n_features_in_`` times ``horizon`` for the
        direct strategy (step-major).
    intercept_ : ndarray of shape (n_outputs,)
        Readout intercept.
    state_ : ndarray of shape (n_total_units,)
        Reservoir state after teacher-forcing the whole training series
        (without noise): the default starting point of :meth:`forecast`. In a
        deep stack the final states of all layers side by side, bottom first
        (``n_total_units`` is the sum of the layers' ``n_units``).
    last_value_ : ndarray of shape (n_features,)
        Last value of the training series, fed back at the first forecast
        step.
    reservoir_ : object
        The weights in the layout the compiled kernels use (private).
    n_features_in_ : int
        Number of columns of the series ``y``.
    feature_names_in_ : ndarray of shape (n_features,)
        Column names of ``y``, when it was a DataFrame.
    n_exog_features_ : int
        Number of exogenous input columns (0 when ``X`` was None).

    See Also
    --------
    ESNRegressor : reservoir regressor without feedback.

    Notes
    -----
    scikit-learn compatibility: the series comes first, ``fit(y, X=None)``,
    so ``GridSearchCV(forecaster, ..., cv=TimeSeriesSplit(...)).fit(y)`` (or
    ``.fit(y, X)``) splits the series in time and scores each candidate with
    :meth:`score`, the R² of one-step-ahead predictions on the test block.

    References
    ----------
    Jaeger, H. (2001). The "echo state" approach to analysing and training
    recurrent neural networks. GMD Report 148.

    Jaeger, H. and Haas, H. (2004). Harnessing nonlinearity: predicting
    chaotic systems and saving energy in wireless communication. Science
    304(5667), 78-80.

    Examples
    --------
    >>> from reservoir.forecast import ESNForecaster
    >>> from reservoir.datasets import mackey_glass
    >>> from reservoir.metrics import nrmse
    >>> y = mackey_glass(1300)
    >>> model = ESNForecaster(200, spectral_radius=0.9, leak_rate=0.5,
    ...                       feedback_scaling=0.5, alpha=1e-9,
    ...                       random_state=0).fit(y[:1200])
    >>> y_hat = model.forecast(50)
    >>> y_hat.shape
    (50, 1)
    >>> bool(nrmse(y[1200:1250], y_hat) < 0.1)
    True

    A deep stack, with per-layer sizes and leak rates:

    >>> deep = ESNForecaster([150, 100], n_layers=2, leak_rate=[0.5, 0.3],
    ...                      spectral_radius=0.9, feedback_scaling=0.5,
    ...                      alpha=1e-9, random_state=0).fit(y[:1200])
    >>> deep.state_.shape
    (250,)
    >>> bool(nrmse(y[1200:1250], deep.forecast(50)) < 0.1)
    True
    """

    def __init__(
        self,
        n_units: int = 100,
        *,
        spectral_radius: float = 0.9,
        density: float | None = None,
        topology: str = "random",
        distribution: str = "normal",
        input_scaling=1.0,
        input_density: float = 1.0,
        bias_scaling: float = 1.0,
        leak_rate=1.0,
        activation: str = "tanh",
        n_layers: int = 1,
        feedback_scaling=1.0,
        noise_level: float = 0.0,
        noise_type: str = "state",
        strategy: str = "recursive",
        horizon: int = 1,
        washout: int = 100,
        alpha: float = 1e-6,
        include_input: bool = True,
        dtype: str = "float64",
        random_state=None,
        n_jobs: int | None = None,
    ):
        self.n_units = n_units
        self.spectral_radius = spectral_radius
        self.density = density
        self.topology = topology
        self.distribution = distribution
        self.input_scaling = input_scaling
        self.input_density = input_density
        self.bias_scaling = bias_scaling
        self.leak_rate = leak_rate
        self.activation = activation
        self.n_layers = n_layers
        self.feedback_scaling = feedback_scaling
        self.noise_level = noise_level
        self.noise_type = noise_type
        self.strategy = strategy
        self.horizon = horizon
        self.washout = washout
        self.alpha = alpha
        self.include_input = include_input
        self.dtype = dtype
        self.random_state = random_state
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------
    # validation
    # ------------------------------------------------------------------

    def _check_series(self, y, name: str, *, reset: bool) -> np.ndarray:
        """A finite series as a C-ordered (T, K) float64 array."""
        if y is None:
            raise ValueError(f"{name} is None; pass a series of shape (n_timesteps,)")
        ndim = np.ndim(y)
        arr = self._column_array(y, name, "n_features")
        if reset:
            self._y_ndim = ndim
            validate_data(
                self,
                y if hasattr(y, "columns") else arr,
                reset=True,
                skip_check_array=True,
            )
        else:
            if arr.shape[1] != self.n_features_in_:
                raise ValueError(
                    f"{name} has {arr.shape[1]} column(s), but {type(self).__name__} "
                    f"was fitted on a series with {self.n_features_in_}."
                )
            if hasattr(y, "columns"):
                validate_data(self, y, reset=False, skip_check_array=True)
        return arr

    def _check_exog(self, X, name: str, n_rows: int, what: str) -> np.ndarray:
        """Exogenous inputs as a (n_rows, n_exog_features_) float64 array."""
        n_exog = self.n_exog_features_
        if X is None:
            if n_exog:
                raise ValueError(
                    f"{name} is required: the forecaster was fitted with {n_exog} "
                    f"exogenous input feature(s); pass an array of shape "
                    f"({n_rows}, {n_exog}), one row per {what}."
                )
            return np.empty((n_rows, 0))
        if not n_exog:
            raise ValueError(
                f"{name} was given, but the forecaster was fitted without "
                f"exogenous inputs (X=None); leave {name}=None."
            )
        arr = self._column_array(X, name, "n_exog_features")
        if arr.shape != (n_rows, n_exog):
            raise ValueError(
                f"{name} must have shape ({n_rows}, {n_exog}), one row per {what}; "
                f"got {arr.shape}."
            )
        return arr

    @staticmethod
    def _column_array(values, name: str, columns: str) -> np.ndarray:
        """Finite values as a C-ordered (T, k) float64 array (1-D: one column).

        ``columns`` names the second dimension in the error message.
        """
        if np.ndim(values) not in (1, 2):
            raise ValueError(
                f"{name} must be a 1-D series (n_timesteps,) or a 2-D array "
                f"(n_timesteps, {columns}); got {np.ndim(values)} dimensions."
            )
        arr = check_array(
            values,
            ensure_2d=False,
            dtype=np.float64,
            order="C",
            ensure_all_finite=True,
            ensure_min_samples=1,
            input_name=name,
        )
        return arr.reshape(-1, 1) if arr.ndim == 1 else arr

    def _check_params(self) -> dict:
        if not isinstance(self.include_input, bool | np.bool_):
            raise TypeError(
                f"include_input must be True or False; got {self.include_input!r}."
            )
        return {
            "n_layers": check_int(self.n_layers, "n_layers", low=1),
            "washout": check_int(self.washout, "washout", low=0),
            "alpha": check_real(self.alpha, "alpha", low=0.0),
            "noise_level": check_real(self.noise_level, "noise_level", low=0.0),
            "noise_type": check_option(self.noise_type, "noise_type", NOISE_TYPES),
            "strategy": check_option(self.strategy, "strategy", STRATEGIES),
            "horizon": check_int(self.horizon, "horizon", low=1),
        }

    def _build(self, n_exog: int, n_targets: int, rng) -> Reservoir | DeepReservoir:
        """Draw the weights of every layer from ``rng``.

        The draws are those of ``ESNRegressor`` (same ``n_layers`` and
        per-layer values) on the augmented input ``[X_t, y_(t-1)]`` with
        per-feature scaling ``[input_scaling, feedback_scaling]`` in the first
        layer, so the two give identical weights.
        """
        n_layers = check_int(self.n_layers, "n_layers", low=1)
        first_scaling = self._layer_value("input_scaling", 0, n_layers)
        in_scale = (
            check_scale(first_scaling, "input_scaling", n_exog, "input feature")
            if n_exog
            else np.empty(0)
        )
        if n_exog == 0 and np.ndim(first_scaling) == 0:
            check_real(first_scaling, "input_scaling", low=0.0)
        fb_scale = check_scale(
            self.feedback_scaling, "feedback_scaling", n_targets, "target column"
        )
        reservoir = self._build_reservoir(
            n_exog + n_targets,
            rng=rng,
            input_scaling=np.concatenate([in_scale, fb_scale]),
        )
        # split the first layer's input matrix into exogenous and feedback rows
        W_in = self.W_in_[0] if n_layers > 1 else self.W_in_
        self.W_fb_ = W_in[n_exog:].copy()
        if n_layers > 1:
            self.W_in_[0] = W_in[:n_exog].copy()
        else:
            self.W_in_ = W_in[:n_exog].copy()
        return reservoir

    # ------------------------------------------------------------------
    # running the reservoir
    # ------------------------------------------------------------------

    def _teacher_forced(self, reservoir, U, x0, rng=None, noise=0.0, kind="state"):
        """Yield ``(start, inputs, states)`` chunk by chunk (teacher forcing).

        ``inputs`` are the inputs actually fed (with input noise, if any);
        ``states`` are all layers' states side by side. Every layer runs a
        chunk before the next chunk starts, as in ``DeepReservoir``; state
        noise is drawn for each layer's pre-activation in turn. The yielded
        arrays are only valid until the next one.
        """
        n_steps = U.shape[0]
        layers = _layers(reservoir)
        bounds = np.cumsum([0] + [layer.n_units for layer in layers])
        per_chunk = max(1, CHUNK_VALUES // reservoir.n_units)
        state = np.ascontiguousarray(x0, dtype=reservoir.dtype)
        input_noise = noise > 0 and kind in ("input", "both")
        state_noise = noise > 0 and kind in ("state", "both")
        for start in range(0, n_steps, per_chunk):
            stop = min(start + per_chunk, n_steps)
            u = U[start:stop]
            if input_noise:
                u = u + noise * rng.standard_normal(u.shape)
            layer_input, outputs = u, []
            for layer, lo, hi in zip(layers, bounds[:-1], bounds[1:], strict=True):
                pre = layer.project(layer_input)
                if state_noise:
                    pre += (noise * rng.standard_normal(pre.shape)).astype(pre.dtype)
                x0 = np.ascontiguousarray(state[None, lo:hi])
                out = layer.run_projected(pre[None], x0)[0]  # in place
                outputs.append(out)
                layer_input = out
            out = outputs[0] if len(outputs) == 1 else np.hstack(outputs)
            state = out[-1].copy()
            yield start, u, out

    def _final_state(self, U, x0) -> np.ndarray:
        """State after teacher-forcing the inputs ``U`` from ``x0`` (no noise)."""
        state = np.asarray(x0, dtype=self.reservoir_.dtype)
        for _, _, states in self._teacher_forced(self.reservoir_, U, x0):
            state = states[-1].copy()
        return state

    def _warm_up(self, context, X_context):
        """Starting state and last value: from ``context`` or the training end."""
        if context is None:
            if X_context is not None:
                raise ValueError("X_context was given without context; pass both.")
            return self.state_.copy(), self.last_value_.copy()
        ctx = self._check_series(context, "context", reset=False)
        n_ctx = ctx.shape[0]
        if n_ctx < self._washout:
            raise ValueError(
                f"context has {n_ctx} time steps but needs at least "
                f"washout={self._washout} to warm the reservoir up; pass a longer "
                f"context."
            )
        Xc = self._check_exog(X_context, "X_context", n_ctx, "context step")
        x0 = np.zeros(self.reservoir_.n_units, dtype=self.reservoir_.dtype)
        if n_ctx > 1:
            U = np.hstack([Xc[1:], ctx[:-1]])
            with numba_threads(self.n_jobs):
                x0 = self._final_state(U, x0)
        return x0, ctx[-1].copy()

    # ------------------------------------------------------------------
    # public API
    # ------------------------------------------------------------------

    def fit(self, y: ArrayLike, X: ArrayLike | None = None) -> ESNForecaster:
        """Teacher-force the series through the reservoir and fit the readout.

        Parameters
        ----------
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
            The series to learn (rows are time steps); finite.
        X : array-like of shape (n_timesteps, n_exog_features), default=None
            Exogenous inputs, one row per time step of ``y``; ``X[t]`` is
            known when ``y[t]`` is predicted.

        Returns
        -------
        self : ESNForecaster
            The fitted forecaster.
        """
        params = self._check_params()
        washout, strategy = params["washout"], params["strategy"]
        horizon = params["horizon"] if strategy == "direct" else 1
        Y = self._check_series(y, "y", reset=True)
        n_steps, n_targets = Y.shape
        if X is None:
            Xe = np.empty((n_steps, 0))
        else:
            Xe = self._column_array(X, "X", "n_exog_features")
            if Xe.shape[0] != n_steps:
                raise ValueError(
                    f"X must have one row per time step of y ({n_steps}); got "
                    f"{Xe.shape[0]} rows."
                )
        n_exog = Xe.shape[1]
        n_rows = n_steps - horizon  # training rows (steps with a full target)
        if n_rows <= washout:
            raise ValueError(
                f"y has {n_steps} time steps, too short for washout={washout}"
                + (f" and horizon={horizon}" if strategy == "direct" else "")
                + f"; it needs at least {washout + horizon + 1}. Use a longer "
                "series or a smaller washout."
            )
        rng = check_rng(self.random_state)
        reservoir = self._build(n_exog, n_targets, rng)
        self.n_exog_features_ = n_exog
        self._washout = washout

        # step k = 1 .. T-1 consumes [X_k, y_(k-1)] and predicts y_k .. y_(k+H-1)
        U = np.hstack([Xe[1:], Y[:-1]])
        if horizon == 1:
            T = Y[1:]
        else:
            T = np.hstack(
                [Y[1 + h : n_steps - horizon + 1 + h] for h in range(horizon)]
            )
        n_features = reservoir.n_units + (U.shape[1] if self.include_input else 0)
        gram = GramAccumulator(n_features, T.shape[1])
        noise = params["noise_level"]
        x0 = reservoir.initial_states(1)[0]
        last = x0
        with numba_threads(self.n_jobs):
            for start, u, states in self._teacher_forced(
                reservoir, U, x0, rng, noise, params["noise_type"]
            ):
                stop = min(start + states.shape[0], n_rows)
                skip = max(washout - start, 0)
                if start + skip < stop:
                    gram.update(
                        self._features(
                            u[skip : stop - start], states[skip : stop - start]
                        ),
                        T[start + skip : stop],
                    )
                last = states[-1].copy()
            self.reservoir_ = reservoir
            if noise > 0:
                last = self._final_state(U, x0)
        coef, intercept = gram.solve(params["alpha"])
        self.coef_, self.intercept_ = coef.T.copy(), intercept
        self.state_ = np.asarray(last, dtype=np.float64)
        self.last_value_ = Y[-1].copy()
        self._horizon = horizon
        self._set_closed_loop_weights(coef, intercept, n_exog, n_targets)
        return self

    def _set_closed_loop_weights(self, coef, intercept, n_exog, n_targets):
        """Split the readout into the blocks the closed-loop kernel uses."""
        dtype = self.reservoir_.dtype
        n_out = coef.shape[1]
        if self.include_input:
            W_u = coef[:n_exog]
            W_y = coef[n_exog : n_exog + n_targets]
            W_x = coef[n_exog + n_targets :]
        else:
            W_u = np.zeros((n_exog, n_out))
            W_y = np.zeros((n_targets, n_out))
            W_x = coef
        self._W_out, self._b_out = coef, intercept
        self._W_out_u = W_u
        self._W_out_y = np.ascontiguousarray(W_y[:, :n_targets], dtype=dtype)
        self._W_out_x = np.ascontiguousarray(W_x[:, :n_targets], dtype=dtype)
        first = _layers(self.reservoir_)[0]
        self._W_fb = np.ascontiguousarray(first.W_in[n_exog:], dtype=dtype)

    def _output(self, Y: np.ndarray) -> np.ndarray:
        return Y[:, 0] if self._y_ndim == 1 else Y

    def _closed_loop(self, x0, y0, Xf, n_steps):
        res = self.reservoir_
        layers = _layers(res)
        first = layers[0]
        n_exog = self.n_exog_features_
        pre = np.empty((n_steps, first.n_units), dtype=res.dtype)
        pre[:] = first.bias
        if n_exog:
            pre += Xf.astype(res.dtype, copy=False) @ first.W_in[:n_exog]
        ro = (
            Xf @ self._W_out_u[:, : self.n_features_in_]
            + self._b_out[: self.n_features_in_]
        )
        ro = np.ascontiguousarray(ro, dtype=res.dtype)
        out = np.empty((n_steps, self.n_features_in_), dtype=res.dtype)
        x_final = np.empty(res.n_units, dtype=res.dtype)
        x0 = np.ascontiguousarray(x0, dtype=res.dtype)
        y0 = np.ascontiguousarray(y0, dtype=res.dtype)
        if len(layers) > 1:
            _generate.generate_deep(
                pre,
                ro,
                self._W_fb,
                self._W_out_x,
                self._W_out_y,
                *_pack_layers(layers),
                x0,
                y0,
                out,
                x_final,
            )
        elif res.sparse:
            _generate.generate_csr(
                pre,
                ro,
                res._indptr,
                res._indices,
                res._data,
                self._W_fb,
                self._W_out_x,
                self._W_out_y,
                res.leak,
                res._code,
                x0,
                y0,
                out,
                x_final,
            )
        else:
            _generate.generate_dense(
                pre,
                ro,
                res._W,
                self._W_fb,
                self._W_out_x,
                self._W_out_y,
                res.leak,
                res._code,
                x0,
                y0,
                out,
                x_final,
            )
        return out.astype(np.float64, copy=False)

    def forecast(
        self,
        n_steps: int,
        context: ArrayLike | None = None,
        X_future: ArrayLike | None = None,
        *,
        X_context: ArrayLike | None = None,
    ) -> np.ndarray:
        """Forecast the next ``n_steps`` values in closed loop.

        The reservoir is warmed up on ``context`` (teacher-forced), then runs
        free: each predicted value is fed back at the next step. With
        ``strategy='direct'`` the values are read off the warmed-up state by
        the per-horizon readouts instead.

        Parameters
        ----------
        n_steps : int
            Number of future steps (>= 1; at most ``horizon`` for the direct
            strategy).
        context : array-like of shape (n_context, n_features), default=None
            Recent history to warm up on, at least ``washout`` steps; the
            forecast continues it. None continues the training series (from
            ``state_``).
        X_future : array-like of shape (n_steps, n_exog_features), default=None
            Exogenous inputs of the forecast steps; required when the
            forecaster was fitted with ``X``.
        X_context : array-like of shape (n_context, n_exog_features), \
default=None
            Exogenous inputs of the context steps; required with ``context``
            when the forecaster was fitted with ``X``.

        Returns
        -------
        y_forecast : ndarray of shape (n_steps,) or (n_steps, n_features)
            The forecast, 1-D when the forecaster was fitted on a 1-D series.
        """
        check_is_fitted(self)
        n_steps = check_int(n_steps, "n_steps", low=1)
        if self._horizon > 1 and n_steps > self._horizon:
            raise ValueError(
                f"n_steps={n_steps} exceeds horizon={self._horizon}, the number of "
                f"steps the direct strategy was trained for; ask for at most "
                f"{self._horizon} steps or refit with a larger horizon."
            )
        Xf = self._check_exog(X_future, "X_future", n_steps, "forecast step")
        x0, y0 = self._warm_up(context, X_context)
        with numba_threads(self.n_jobs):
            if self.strategy == "direct":
                U = np.hstack([Xf[:1], y0[None, :]])
                x1 = self._final_state(U, x0)
                z = self._features(U, x1[None, :])
                out = (z @ self._W_out + self._b_out).reshape(
                    self._horizon, self.n_features_in_
                )[:n_steps]
            else:
                out = self._closed_loop(x0, y0, Xf, n_steps)
        return self._output(out)

    def predict(
        self,
        y: ArrayLike,
        X: ArrayLike | None = None,
        *,
        context: ArrayLike | None = None,
        X_context: ArrayLike | None = None,
    ) -> np.ndarray:
        """One-step-ahead predictions of an observed continuation of the series.

        Row ``t`` of the result predicts ``y[t]`` from the values before it
        (teacher forcing), starting from the warmed-up state: by default the
        end of the training series, so ``y`` is read as the steps that follow
        it (as in a ``TimeSeriesSplit`` test block).

        Parameters
        ----------
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
            Observed series following the context.
        X : array-like of shape (n_timesteps, n_exog_features), default=None
            Exogenous inputs of those steps; required when fitted with ``X``.
        context : array-like of shape (n_context, n_features), default=None
            History before ``y`` to warm up on; None uses the training series.
        X_context : array-like of shape (n_context, n_exog_features), \
default=None
            Exogenous inputs of the context steps.

        Returns
        -------
        y_pred : ndarray of the shape of ``y``
            One-step-ahead predictions.
        """
        check_is_fitted(self)
        Y = self._check_series(y, "y", reset=False)
        Xe = self._check_exog(X, "X", Y.shape[0], "time step of y")
        x0, y0 = self._warm_up(context, X_context)
        U = np.hstack([Xe, np.vstack([y0[None, :], Y[:-1]])])
        out = np.empty_like(Y)
        k = self.n_features_in_
        with numba_threads(self.n_jobs):
            for start, u, states in self._teacher_forced(self.reservoir_, U, x0):
                z = self._features(u, states)
                out[start : start + z.shape[0]] = (
                    z @ self._W_out[:, :k] + self._b_out[:k]
                )
        if np.ndim(y) == 1:
            return out[:, 0]
        return out

    def score(self, y: ArrayLike, X: ArrayLike | None = None) -> float:
        """R² of the one-step-ahead predictions of ``y`` (see :meth:`predict`).

        Parameters
        ----------
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
            Observed continuation of the training series.
        X : array-like of shape (n_timesteps, n_exog_features), default=None
            Its exogenous inputs.

        Returns
        -------
        score : float
            ``sklearn.metrics.r2_score`` averaged uniformly over columns.
        """
        y_pred = self.predict(y, X)
        return float(r2_score(np.asarray(y, dtype=np.float64), y_pred))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = False
        tags.target_tags.required = False
        return tags
