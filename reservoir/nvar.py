"""Next-generation reservoir computing: NVAR features and the NG-RC forecaster.

An NVAR (nonlinear vector autoregression, Gauthier et al. 2021) replaces the
reservoir by an explicit feature vector: the input, ``k - 1`` delayed copies
of it ``s`` steps apart (the linear part), a constant, and the unique
polynomial monomials of the linear part. A ridge readout on these features is
the "next generation reservoir computer" (NG-RC).

* :class:`NVARTransformer` builds the features (a scikit-learn transformer;
  compiled, chunk-continuable with ``history``).
* :class:`NVARForecaster` learns the one-step map of a series from them
  (predicting increments ``y_t - y_(t-1)`` by default, as in the paper) and
  generates in closed loop, with the ``fit(y, X=None)`` / ``forecast`` /
  ``predict`` / ``score`` API of :class:`~reservoir.ESNForecaster`.

``NVARTransformer`` and ``NVARForecaster`` are re-exported at the package top
level.
"""

from __future__ import annotations

import math
import numbers
from itertools import combinations_with_replacement

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted

from . import _nvar_kernels
from ._progress import Progress, check_verbose
from ._ridge import GramAccumulator
from ._series import SeriesForecasterMixin
from ._validation import (
    check_int,
    check_option,
    check_real,
    check_sequences,
    reshape_output,
)

__all__ = ["NVARForecaster", "NVARTransformer"]

#: Most features an NVAR may build (the monomials grow combinatorially).
MAX_FEATURES = 200_000
#: Rows of features materialised at once while fitting the forecaster.
CHUNK_ROWS = 4096
TARGETS = ("increment", "value")


def _check_degree(degree) -> tuple[int, int]:
    """``degree`` as ``(min_degree, max_degree)`` of the nonlinear monomials.

    An int ``p >= 1`` means every degree from 2 to ``p`` (none for 1); a
    pair ``(lo, hi)`` with ``2 <= lo <= hi`` only those degrees.
    """
    if isinstance(degree, numbers.Integral) and not isinstance(degree, bool):
        return 2, check_int(degree, "degree", low=1)
    if (
        isinstance(degree, tuple | list)
        and len(degree) == 2
        and all(
            isinstance(d, numbers.Integral) and not isinstance(d, bool) for d in degree
        )
        and 2 <= degree[0] <= degree[1]
    ):
        return int(degree[0]), int(degree[1])
    raise ValueError(
        f"degree must be an int >= 1 (monomials of degree 2 to degree) or a "
        f"pair (min_degree, max_degree) with 2 <= min_degree <= max_degree "
        f"(e.g. (3, 3) for cubic monomials only); got {degree!r}."
    )


def _check_nvar_params(estimator) -> tuple[int, int, int, int, bool]:
    """Validated ``(n_delays, stride, min_degree, max_degree, include_bias)``."""
    n_delays = check_int(estimator.n_delays, "n_delays", low=1)
    stride = check_int(estimator.stride, "stride", low=1)
    lo, hi = _check_degree(estimator.degree)
    if not isinstance(estimator.include_bias, bool | np.bool_):
        raise TypeError(
            f"include_bias must be True or False; got {estimator.include_bias!r}."
        )
    return n_delays, stride, lo, hi, bool(estimator.include_bias)


class _Monomials:
    """The recipe of the NVAR feature vector for ``n_inputs`` input columns.

    ``parents``/``factors`` build every monomial up to ``max_degree`` from
    the linear part with one multiplication; ``keep`` selects the linear part
    and the degrees ``min_degree..max_degree``; ``terms`` lists each kept
    entry as a tuple of linear indices (for the feature names).
    """

    def __init__(self, n_inputs, n_delays, stride, min_degree, max_degree, bias):
        self.n_delays, self.stride, self.bias = n_delays, stride, bias
        self.n_inputs = n_inputs
        n_linear = n_delays * n_inputs
        n_kept = n_linear + sum(
            math.comb(n_linear + d - 1, d) for d in range(min_degree, max_degree + 1)
        )
        n_built = n_linear + sum(
            math.comb(n_linear + d - 1, d) for d in range(2, max_degree + 1)
        )
        if max(n_kept, n_built) > MAX_FEATURES:
            raise ValueError(
                f"n_delays={n_delays} delays of {n_inputs} input column(s) and "
                f"degree up to {max_degree} give {n_built} monomials (more than "
                f"{MAX_FEATURES}); lower degree or n_delays."
            )
        index = {(i,): i for i in range(n_linear)}
        parents = list(range(n_linear))
        factors = list(range(n_linear))
        keep = list(range(n_linear))
        terms = [(i,) for i in range(n_linear)]
        for degree in range(2, max_degree + 1):
            for combo in combinations_with_replacement(range(n_linear), degree):
                index[combo] = len(parents)
                parents.append(index[combo[:-1]])
                factors.append(combo[-1])
                if degree >= min_degree:
                    keep.append(index[combo])
                    terms.append(combo)
        self.parents = np.array(parents, dtype=np.int64)
        self.factors = np.array(factors, dtype=np.int64)
        self.keep = np.array(keep, dtype=np.int64)
        self.terms = terms
        self.n_features = len(keep) + int(bias)
        self.n_history = (n_delays - 1) * stride

    def features(self, U: np.ndarray, history: np.ndarray) -> np.ndarray:
        """Features of every row of ``U`` (C-ordered float64) after ``history``."""
        out = np.empty((U.shape[0], self.n_features))
        _nvar_kernels.nvar_features(
            U,
            history,
            self.n_delays,
            self.stride,
            self.parents,
            self.factors,
            self.keep,
            self.bias,
            out,
        )
        return out

    def generate(self, X_future, history, y0, W, b, increment) -> np.ndarray:
        """Closed-loop forecast of ``X_future.shape[0]`` steps."""
        out = np.empty((X_future.shape[0], y0.shape[0]))
        _nvar_kernels.nvar_generate(
            X_future,
            history,
            y0,
            self.n_delays,
            self.stride,
            self.parents,
            self.factors,
            self.keep,
            self.bias,
            W,
            b,
            increment,
            out,
        )
        return out

    def names(self, input_names) -> np.ndarray:
        """Feature names such as ``'1'``, ``'x0(t-1)'``, ``'x0(t)^2 x1(t)'``."""
        linear = []
        for j in range(self.n_delays):
            lag = "t" if j == 0 else f"t-{j * self.stride}"
            linear.extend(f"{name}({lag})" for name in input_names)
        names = ["1"] if self.bias else []
        for term in self.terms:
            parts = []
            for i in sorted(set(term)):
                power = term.count(i)
                parts.append(linear[i] + (f"^{power}" if power > 1 else ""))
            names.append(" ".join(parts))
        return np.asarray(names, dtype=object)


class NVARTransformer(TransformerMixin, BaseEstimator):
    """Nonlinear vector autoregression (NVAR) features of a time series.

    For every step ``t`` the features are the constant 1 (with
    ``include_bias``), the linear part

        lin_t = [u_t, u_(t-s), ..., u_(t-(k-1)s)]

    (``k = n_delays`` copies of the input row, ``s = stride`` steps apart,
    current first) and the unique monomials of ``lin_t`` of the chosen
    degrees, each degree in the order of
    :func:`itertools.combinations_with_replacement` (the order of the NG-RC
    paper's code and of ReservoirPy's ``NVAR``). The features are built by a
    compiled kernel, one multiplication per monomial.

    Rows before the start of a sequence are zeros (an empty delay buffer), so
    the first ``(k - 1) s`` rows of every sequence have incomplete delays;
    every sequence of a collection starts from its own empty buffer. To
    continue a series cut into chunks, pass the buffer returned with
    ``return_history=True`` as ``history`` of the next call: the chunks'
    features equal those of the whole series.

    Parameters
    ----------
    n_delays : int, default=2
        Number ``k`` of copies of the input in the linear part (>= 1; 1 is
        the current input alone).
    stride : int, default=1
        Steps ``s`` between the copies (>= 1).
    degree : int or tuple of (int, int), default=2
        Degrees of the nonlinear monomials: an int ``p`` means every degree
        from 2 to ``p`` (1: none, a linear VAR); a pair ``(min_degree,
        max_degree)`` only those (``(3, 3)``: cubic monomials only, as in
        the paper's double-scroll model). The linear part is always there.
    include_bias : bool, default=True
        Start every row with the constant feature 1.
    verbose : int, default=0
        Progress reports on standard error: 0 writes nothing; 1 the progress
        of ``transform`` (time steps, ``CHUNK_ROWS`` rows at a time), a bar on
        a terminal, elsewhere a few plain lines. The features do not depend
        on it (each row is computed on its own).

    Attributes
    ----------
    n_features_in_ : int
        Number of input columns ``D``.
    feature_names_in_ : ndarray of shape (n_features,)
        Input column names, when ``X`` was a DataFrame.
    n_features_out_ : int
        Number of features: ``include_bias + k D`` plus the monomials.
    n_history_ : int
        Length ``(k - 1) s`` of the delay buffer (the rows with incomplete
        delays at the start of a sequence).

    See Also
    --------
    NVARForecaster : NG-RC forecaster on these features.
    sklearn.preprocessing.PolynomialFeatures : monomials without delays.

    References
    ----------
    Gauthier, D. J., Bollt, E., Griffith, A. and Barbosa, W. A. S. (2021).
    Next generation reservoir computing. Nature Communications 12, 5564.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir import NVARTransformer
    >>> X = np.arange(1.0, 7.0).reshape(3, 2)
    >>> nvar = NVARTransformer(n_delays=2, degree=2).fit(X)
    >>> nvar.n_features_out_  # 1 + 4 linear + 10 quadratic
    15
    >>> nvar.get_feature_names_out()[:6].tolist()
    ['1', 'x0(t)', 'x1(t)', 'x0(t-1)', 'x1(t-1)', 'x0(t)^2']
    >>> nvar.transform(X)[2, :6]
    array([ 1.,  5.,  6.,  3.,  4., 25.])

    Chunks continue each other through the delay buffer:

    >>> first, buffer = nvar.transform(X[:2], return_history=True)
    >>> bool(np.array_equal(nvar.transform(X[2:], history=buffer),
    ...                     nvar.transform(X)[2:]))
    True
    """

    def __init__(
        self,
        n_delays: int = 2,
        stride: int = 1,
        *,
        degree: int | tuple[int, int] = 2,
        include_bias: bool = True,
        verbose: int = 0,
    ):
        self.n_delays = n_delays
        self.stride = stride
        self.degree = degree
        self.include_bias = include_bias
        self.verbose = verbose

    def fit(self, X, y=None):
        """Check the parameters and record the number of input columns.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), list of such arrays \
or ndarray of shape (n_sequences, n_timesteps, n_features)
            Input sequence(s); only the number of columns is used.
        y : None
            Ignored.

        Returns
        -------
        self : NVARTransformer
            The fitted transformer.
        """
        params = _check_nvar_params(self)
        check_verbose(self.verbose)
        sequences, _, _ = check_sequences(self, X, reset=True)
        self._monomials = _Monomials(sequences[0].shape[1], *params)
        self.n_features_out_ = self._monomials.n_features
        self.n_history_ = self._monomials.n_history
        return self

    def _check_history(self, history, n_sequences: int, layout: str) -> list:
        shape = (self.n_history_, self.n_features_in_)
        if history is None:
            return [np.zeros(shape)] * n_sequences
        arr = check_array(
            history,
            ensure_2d=False,
            allow_nd=True,
            ensure_min_samples=0,
            ensure_min_features=0,
            dtype=np.float64,
            input_name="history",
        )
        expected = shape if layout == "one" else (n_sequences, *shape)
        if arr.shape != expected:
            raise ValueError(
                f"history must have shape {expected} (the last (n_delays - 1) * "
                f"stride = {self.n_history_} input rows before "
                f"{'X' if layout == 'one' else 'each sequence'}); got {arr.shape}."
            )
        if layout == "one":
            return [np.ascontiguousarray(arr)]
        return [np.ascontiguousarray(h) for h in arr]

    def _features_reporting(self, U, history, progress: Progress) -> np.ndarray:
        """Features of ``U`` after ``history``; with a report, ``CHUNK_ROWS``
        rows at a time (every row is computed on its own: the same bits)."""
        if not progress.enabled:
            return self._monomials.features(U, history)
        n_history = history.shape[0]
        window = np.vstack([history, U])  # row n_history + t is U[t]
        out = np.empty((U.shape[0], self.n_features_out_))
        for start in range(0, U.shape[0], CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, U.shape[0])
            out[start:stop] = self._monomials.features(
                U[start:stop], window[start : start + n_history]
            )
            progress.update(stop - start)
        return out

    def transform(self, X, *, history=None, return_history: bool = False):
        """NVAR features of every step.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), list of such arrays \
or ndarray of shape (n_sequences, n_timesteps, n_features)
            Input sequence(s).
        history : array-like of shape (n_history, n_features) or \
(n_sequences, n_history, n_features), default=None
            The input rows just before ``X`` (oldest first), e.g. the buffer
            returned by an earlier call with ``return_history=True``. None
            starts every sequence from an empty (zero) buffer.
        return_history : bool, default=False
            Also return the buffer after the last step (the last
            ``n_history_`` rows), to continue with the next chunk.

        Returns
        -------
        features : ndarray of shape (n_timesteps, n_features_out), or one \
such array per sequence
            In the layout of ``X``.
        history : ndarray
            Only with ``return_history=True``; shaped like ``history``.
        """
        check_is_fitted(self)
        sequences, _, layout = check_sequences(self, X, reset=False)
        histories = self._check_history(history, len(sequences), layout)
        progress = Progress(
            check_verbose(self.verbose),
            type(self).__name__,
            "transform",
            sum(U.shape[0] for U in sequences),
        )
        with progress:
            features = [
                self._features_reporting(U, h, progress)
                for U, h in zip(sequences, histories, strict=True)
            ]
        out = reshape_output(features, layout)
        if not return_history:
            return out
        n_history = self.n_history_
        tails = [
            np.vstack([h, U])[h.shape[0] + U.shape[0] - n_history :]
            for U, h in zip(sequences, histories, strict=True)
        ]
        return out, (tails[0] if layout == "one" else np.stack(tails))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output features.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; None uses ``feature_names_in_`` if defined,
            else ``x0, x1, ...``.

        Returns
        -------
        names : ndarray of str objects
            ``'1'``, then ``'x0(t)'``, ``'x0(t-1)'``, ..., then monomials such
            as ``'x0(t)^2 x1(t-1)'``.
        """
        check_is_fitted(self)
        if input_features is None:
            input_features = getattr(
                self,
                "feature_names_in_",
                [f"x{i}" for i in range(self.n_features_in_)],
            )
        input_features = np.asarray(input_features, dtype=object)
        if input_features.shape != (self.n_features_in_,):
            raise ValueError(
                f"input_features must hold {self.n_features_in_} names; got "
                f"{input_features.shape[0] if input_features.ndim else 0}."
            )
        names_in = getattr(self, "feature_names_in_", None)
        if names_in is not None and not np.array_equal(input_features, names_in):
            raise ValueError("input_features is not equal to feature_names_in_")
        return self._monomials.names([str(name) for name in input_features])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


class NVARForecaster(SeriesForecasterMixin, BaseEstimator):
    """Next-generation reservoir computer (NG-RC): an NVAR forecaster.

    Step ``t`` reads the input ``u_t = [X_t, y_(t-1)]`` (exogenous inputs
    known in advance, if any, and the previous value of the series), builds
    the NVAR features of ``u_t`` and its delayed copies (see
    :class:`NVARTransformer`) and predicts with a linear readout ``W``

        y_t = y_(t-1) + feat_t @ W    (target='increment', as in the paper)
        y_t = feat_t @ W              (target='value')

    ``W`` is ridge regression on the features, without a separate
    intercept: the constant feature (``include_bias``) plays that role and is
    penalised like the others, exactly as in Gauthier et al. (2021). Only
    steps whose delay window lies inside the series are trained on, so a
    series of ``T`` steps gives ``T - 1 - (n_delays - 1) stride`` training
    rows; the features are accumulated in chunks (a Gram matrix), never all
    at once.

    :meth:`forecast` runs the model in closed loop, in a compiled loop with
    the readout inside it, from the end of the training series or from a
    ``context``; :meth:`predict` and :meth:`score` give one-step-ahead
    predictions of an observed continuation, as for
    :class:`~reservoir.ESNForecaster`.

    Parameters
    ----------
    n_delays : int, default=2
        Number ``k`` of copies of the input in the linear part (>= 1).
    stride : int, default=1
        Steps ``s`` between the copies (>= 1).
    degree : int or tuple of (int, int), default=2
        Degrees of the nonlinear monomials: an int ``p`` means degrees 2 to
        ``p``; a pair ``(min_degree, max_degree)`` only those.
    include_bias : bool, default=True
        Include the constant feature 1.
    alpha : float, default=1e-6
        Ridge penalty (>= 0) on every readout weight (the constant's too).
    target : {'increment', 'value'}, default='increment'
        Learn ``y_t - y_(t-1)`` (the paper's choice) or ``y_t``.

    verbose : int, default=0
        1 reports the progress of the feature harvest (time steps) on
        standard error: a bar on a terminal, a few plain lines elsewhere. The
        numbers do not depend on it.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features, n_readout_features)
        Readout weights on the NVAR features (``n_features`` is the number of
        columns of ``y``).
    history_ : ndarray of shape ((n_delays - 1) * stride, n_exog_features + \
n_features)
        The delay buffer at the end of the training series (the last inputs
        ``u``): the default starting point of :meth:`forecast`.
    last_value_ : ndarray of shape (n_features,)
        Last value of the training series, fed back at the first forecast
        step.
    n_features_in_ : int
        Number of columns of the series ``y``.
    feature_names_in_ : ndarray of shape (n_features,)
        Column names of ``y``, when it was a DataFrame.
    n_exog_features_ : int
        Number of exogenous input columns (0 when ``X`` was None).
    n_readout_features_ : int
        Number of NVAR features.

    See Also
    --------
    NVARTransformer : the features alone.
    ESNForecaster : the reservoir-based forecaster with the same API.

    Notes
    -----
    scikit-learn compatibility: the series comes first, ``fit(y, X=None)``,
    so ``GridSearchCV(forecaster, ..., cv=TimeSeriesSplit(...)).fit(y)``
    splits the series in time and scores each candidate with :meth:`score`,
    the R² of one-step-ahead predictions on the test block.

    References
    ----------
    Gauthier, D. J., Bollt, E., Griffith, A. and Barbosa, W. A. S. (2021).
    Next generation reservoir computing. Nature Communications 12, 5564.

    Examples
    --------
    The paper's Lorenz-63 features: 400 training steps, ``k = 2``,
    quadratic. On accurately integrated data the paper's ``alpha = 2.5e-6``
    is unstable in closed loop (see :ref:`nvar`); search ``alpha``.

    >>> from reservoir import NVARForecaster
    >>> from reservoir.datasets import lorenz
    >>> y = lorenz(450, dt=0.025)
    >>> model = NVARForecaster(n_delays=2, degree=2, alpha=1e-3).fit(y[:402])
    >>> model.n_readout_features_
    28
    >>> y_hat = model.forecast(44)  # one Lyapunov time
    >>> y_hat.shape
    (44, 3)
    >>> bool(abs(y_hat - y[402:446]).max() < 0.5)
    True
    """

    def __init__(
        self,
        n_delays: int = 2,
        stride: int = 1,
        *,
        degree: int | tuple[int, int] = 2,
        include_bias: bool = True,
        alpha: float = 1e-6,
        target: str = "increment",
        verbose: int = 0,
    ):
        self.n_delays = n_delays
        self.stride = stride
        self.degree = degree
        self.include_bias = include_bias
        self.alpha = alpha
        self.target = target
        self.verbose = verbose

    # ------------------------------------------------------------------
    # public API
    # ------------------------------------------------------------------

    def fit(self, y: ArrayLike, X: ArrayLike | None = None) -> NVARForecaster:
        """Fit the readout on the NVAR features of the series.

        Parameters
        ----------
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
            The series to learn (rows are time steps); finite.
        X : array-like of shape (n_timesteps, n_exog_features), default=None
            Exogenous inputs, one row per time step of ``y``; ``X[t]`` is
            known when ``y[t]`` is predicted.

        Returns
        -------
        self : NVARForecaster
            The fitted forecaster.
        """
        params = _check_nvar_params(self)
        alpha = check_real(self.alpha, "alpha", low=0.0)
        increment = check_option(self.target, "target", TARGETS) == "increment"
        Y = self._check_series(y, "y", reset=True)
        n_steps, n_targets = Y.shape
        Xe = self._check_fit_exog(X, n_steps)
        n_history = (params[0] - 1) * params[1]
        if n_steps < n_history + 2:
            raise ValueError(
                f"y has {n_steps} time step(s); n_delays={params[0]} and "
                f"stride={params[1]} need at least {n_history + 2} (the delay "
                f"window plus one step to predict). Use a longer series."
            )
        monomials = _Monomials(Xe.shape[1] + n_targets, *params)
        # step t = 1 .. T-1 reads u_t = [X_t, y_(t-1)] and predicts y_t
        U = np.ascontiguousarray(np.hstack([Xe[1:], Y[:-1]]))
        T = Y[1:] - Y[:-1] if increment else Y[1:]
        gram = GramAccumulator(monomials.n_features, n_targets)
        progress = Progress(
            check_verbose(self.verbose),
            type(self).__name__,
            "harvest",
            max(U.shape[0] - n_history, 0),
        )
        with progress:
            for start in range(n_history, U.shape[0], CHUNK_ROWS):
                stop = min(start + CHUNK_ROWS, U.shape[0])
                history = U[start - n_history : start]
                gram.update(monomials.features(U[start:stop], history), T[start:stop])
                progress.update(stop - start)
        W = gram.solve_uncentred(alpha)
        self._monomials = monomials
        self._W = np.ascontiguousarray(W)
        self._increment = increment
        self.coef_ = W.T.copy()
        self.n_exog_features_ = Xe.shape[1]
        self.n_readout_features_ = monomials.n_features
        self.history_ = U[U.shape[0] - n_history :].copy()
        self.last_value_ = Y[-1].copy()
        return self

    def _warm_up(self, context, X_context) -> tuple[np.ndarray, np.ndarray]:
        """Delay buffer and last value: from ``context`` or the training end."""
        if context is None:
            if X_context is not None:
                raise ValueError("X_context was given without context; pass both.")
            return self.history_, self.last_value_
        ctx = self._check_series(context, "context", reset=False)
        n_history = self.history_.shape[0]
        if ctx.shape[0] < n_history + 1:
            raise ValueError(
                f"context has {ctx.shape[0]} time step(s) but needs at least "
                f"{n_history + 1} ((n_delays - 1) * stride + 1) to fill the "
                f"delay buffer; pass a longer context."
            )
        Xc = self._check_exog(X_context, "X_context", ctx.shape[0])
        n_ctx = ctx.shape[0]
        history = np.hstack(
            [Xc[n_ctx - n_history :], ctx[n_ctx - n_history - 1 : n_ctx - 1]]
        )
        return np.ascontiguousarray(history), ctx[-1].copy()

    def forecast(
        self,
        n_steps: int,
        context: ArrayLike | None = None,
        X_future: ArrayLike | None = None,
        *,
        X_context: ArrayLike | None = None,
    ) -> np.ndarray:
        """Forecast the next ``n_steps`` values in closed loop.

        Parameters
        ----------
        n_steps : int
            Number of future steps (>= 1).
        context : array-like of shape (n_context, n_features), default=None
            Recent history, at least ``(n_delays - 1) * stride + 1`` steps;
            the forecast continues it. None continues the training series.
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
        Xf = self._check_exog(X_future, "X_future", n_steps)
        history, y0 = self._warm_up(context, X_context)
        out = self._monomials.generate(
            Xf,
            history,
            y0,
            self._W,
            np.zeros(y0.shape[0]),
            self._increment,
        )
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

        Row ``t`` of the result predicts ``y[t]`` from the values before it,
        starting from the delay buffer of the context (by default the end of
        the training series, so ``y`` is read as the steps that follow it).

        Parameters
        ----------
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
            Observed series following the context.
        X : array-like of shape (n_timesteps, n_exog_features), default=None
            Exogenous inputs of those steps; required when fitted with ``X``.
        context : array-like of shape (n_context, n_features), default=None
            History before ``y``; None uses the training series.
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
        Xe = self._check_exog(X, "X", Y.shape[0])
        history, y0 = self._warm_up(context, X_context)
        previous = np.vstack([y0[None, :], Y[:-1]])
        U = np.ascontiguousarray(np.hstack([Xe, previous]))
        out = self._monomials.features(U, history) @ self._W
        if self._increment:
            out += previous
        return out[:, 0] if np.ndim(y) == 1 else out
