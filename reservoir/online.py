"""Online readouts: recursive least squares, (normalised) LMS, and FORCE.

* :class:`RLSRegressor` and :class:`LMSRegressor` are linear regressors that
  learn one row at a time (in order), in compiled loops: ``fit`` runs over
  the rows once from zero weights, ``partial_fit`` continues, and
  ``partial_fit_predict`` returns each row's prediction made before learning
  from it (the test-then-train error of an online learner). Plugged into
  :class:`~reservoir.ESNRegressor` as ``readout=``, its ``partial_fit``
  updates the readout step by step.
* :class:`FORCEForecaster` trains a reservoir whose output is fed back, with
  RLS updates of the readout while the network runs on its own output
  (Sussillo & Abbott 2009); after training it generates the series
  autonomously.

The update rules are in ``docs/online.rst``. All three are re-exported at
the package top level.
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin, clone
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _online_kernels
from ._esn import _PARAMS_DOC, _BaseReservoirEstimator
from ._progress import Progress, check_verbose, report
from ._series import SeriesForecasterMixin
from ._validation import check_int, check_real, check_rng, check_scale

__all__ = ["FORCEForecaster", "LMSRegressor", "RLSRegressor"]


def progress_chunk(n_steps: int) -> int:
    """Steps per compiled call when a fit reports its progress: about a
    hundredth of the job, at least 256 (the calls' overhead stays small)."""
    return max(256, -(-n_steps // 100))


class ReadoutAccumulator:
    """An online linear readout behind ``GramAccumulator``'s interface.

    ``update(Z, Y)`` passes the rows (in time order) to the readout's
    ``partial_fit``; ``solve(alpha)`` returns its weights as ``(coef of shape
    (n_features, n_targets), intercept)``, ignoring ``alpha``. Lets a
    workflow built on ridge statistics (the forecaster's teacher-forced
    loop) train an online readout instead. ``readout`` is cloned.
    """

    def __init__(self, readout):
        if not hasattr(readout, "partial_fit"):
            raise TypeError(
                f"readout must be None or an online regressor with partial_fit "
                f"(e.g. RLSRegressor); got {readout!r}."
            )
        self.readout = clone(readout)
        self.n_samples = 0

    def update(self, Z: np.ndarray, Y: np.ndarray) -> None:
        self.readout.partial_fit(Z, Y)
        self.n_samples += Z.shape[0]

    def solve(self, alpha=None) -> tuple[np.ndarray, np.ndarray]:
        coef = getattr(self.readout, "coef_", None)
        if coef is None or not hasattr(self.readout, "intercept_"):
            raise TypeError(
                f"the readout {type(self.readout).__name__} has no coef_ and "
                f"intercept_ after partial_fit; closed-loop generation needs a "
                f"linear readout such as RLSRegressor."
            )
        coef = np.asarray(coef, dtype=np.float64)
        coef = coef.reshape(1, -1) if coef.ndim == 1 else coef
        intercept = np.broadcast_to(
            np.asarray(self.readout.intercept_, dtype=np.float64), coef.shape[:1]
        )
        return coef.T.copy(), intercept.copy()


class _OnlineLinearRegressor(MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Shared data handling of the online linear regressors.

    Subclasses define ``_check_params`` (validated hyperparameters),
    ``_start`` (fresh learning state for ``n_features`` columns, the
    intercept's included) and ``_learn`` (update on rows ``Z`` with the
    constant column first when ``fit_intercept``, writing a-priori
    predictions into ``pred``).
    """

    def _rows(self, X) -> np.ndarray:
        if not self.fit_intercept:
            return X
        Z = np.empty((X.shape[0], X.shape[1] + 1))
        Z[:, 0] = 1.0
        Z[:, 1:] = X
        return Z

    def _partial(self, X, y, *, reset: bool) -> np.ndarray:
        if not isinstance(self.fit_intercept, bool | np.bool_):
            raise TypeError(
                f"fit_intercept must be True or False; got {self.fit_intercept!r}."
            )
        params = self._check_params()
        verbose = check_verbose(self.verbose)
        first = reset or not hasattr(self, "_W")
        X, y = validate_data(
            self,
            X,
            y,
            reset=first,
            dtype=np.float64,
            order="C",
            multi_output=True,
            y_numeric=True,
        )
        Y = np.ascontiguousarray(y.reshape(y.shape[0], -1), dtype=np.float64)
        if first:
            self._y_ndim = y.ndim
            self._W = np.zeros((X.shape[1] + int(self.fit_intercept), Y.shape[1]))
            self._start(self._W.shape[0], params)
            self.n_samples_seen_ = 0
        elif y.ndim != self._y_ndim or Y.shape[1] != self._W.shape[1]:
            raise ValueError(
                f"y must have the target shape of the earlier calls "
                f"({self._W.shape[1]} target(s), "
                f"{'1-D' if self._y_ndim == 1 else '2-D'}); got {Y.shape[1]} "
                f"target(s), {y.ndim}-D."
            )
        pred = np.empty_like(Y)
        self._learn_reporting(self._rows(X), Y, pred, params, verbose)
        self.n_samples_seen_ += X.shape[0]
        W = self._W[1:] if self.fit_intercept else self._W
        b = self._W[0] if self.fit_intercept else np.zeros(self._W.shape[1])
        if self._y_ndim == 1:
            self.coef_, self.intercept_ = W[:, 0].copy(), float(b[0])
        else:
            self.coef_, self.intercept_ = W.T.copy(), b.copy()
        return pred[:, 0] if self._y_ndim == 1 else pred

    #: whether ``_learn`` on successive row chunks gives the bits of one call
    chunkable = True

    def _learn_reporting(self, Z, Y, pred, params, verbose: int) -> None:
        """``_learn``, reporting its progress when ``verbose`` asks for it.

        A chunkable rule learns chunk by chunk (the same bits: each row's
        update depends only on the weights before it) with a progress line
        per tenth; otherwise one call and one line of rows and time.
        """
        name, n_rows = type(self).__name__, Z.shape[0]
        if verbose == 0 or not self.chunkable:
            tic = time.perf_counter()
            self._learn(Z, Y, pred, params)
            report(
                verbose,
                name,
                f"learned from {n_rows} rows in {time.perf_counter() - tic:.1f} s",
            )
            return
        chunk = progress_chunk(n_rows)
        with Progress(verbose, name, "online fit", n_rows, "rows") as progress:
            for start in range(0, n_rows, chunk):
                stop = min(start + chunk, n_rows)
                self._learn(Z[start:stop], Y[start:stop], pred[start:stop], params)
                progress.update(stop - start)

    def fit(self, X, y):
        """Learn from the rows of ``X`` and ``y`` in order, from zero weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Feature rows, learned from in order.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets.

        Returns
        -------
        self : object
            The fitted regressor.
        """
        self._partial(X, y, reset=True)
        return self

    def partial_fit(self, X, y):
        """Continue learning from more rows (the first call starts afresh).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Feature rows, learned from in order after the earlier ones.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets.

        Returns
        -------
        self : object
            The updated regressor.
        """
        self._partial(X, y, reset=False)
        return self

    def partial_fit_predict(self, X, y) -> np.ndarray:
        """Predict every row, then learn from it (test-then-train).

        Row ``t`` is predicted with the weights learned from the rows before
        it, then used to update them: the a-priori predictions of an online
        learner, whose errors show how fast it adapts.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Feature rows.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets.

        Returns
        -------
        y_prior : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Prediction of every row before it was learned from.
        """
        return self._partial(X, y, reset=False)

    def predict(self, X) -> np.ndarray:
        """Predict with the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Feature rows.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            ``X @ coef_.T + intercept_``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64, order="C")
        out = self._rows(X) @ self._W
        return out[:, 0] if self._y_ndim == 1 else out


class RLSRegressor(_OnlineLinearRegressor):
    """Recursive least squares: an exact online ridge regression.

    Each row ``(z, y)`` (with a leading 1 when ``fit_intercept``) updates the
    weights and the inverse-correlation matrix ``P`` in O(F²):

        π = P z,  d = λ + z·π,  W ← W + (π / d)(y - z W),
        P ← (P - π πᵀ / d) / λ

    from ``W = 0`` and ``P = I / alpha``, in a compiled loop over the rows.
    With ``forgetting_factor=1`` the weights after ``n`` rows are exactly
    the ridge solution ``(Zᵀ Z + alpha I)⁻¹ Zᵀ Y`` on those rows, the
    intercept penalised like the other weights; a factor ``λ < 1`` weighs
    row ``i`` by ``λ^(n-i)`` (an effective memory of about ``1 / (1 - λ)``
    rows), so the readout tracks data whose relation drifts.

    Parameters
    ----------
    forgetting_factor : float in (0, 1], default=1.0
        ``λ``: 1 keeps every row (exact ridge), below 1 forgets old rows
        exponentially (0.99 to 0.9999 are usual).
    alpha : float, default=1e-6
        Initial covariance ``P = I / alpha`` (> 0); the ridge penalty the
        weights converge to with ``forgetting_factor=1``. With ``λ < 1`` the
        penalty decays as ``alpha λ^n``.
    fit_intercept : bool, default=True
        Learn an intercept (the weight of a constant feature 1, penalised
        like the others).
    verbose : int, default=0
        Progress reports on standard error: 0 writes nothing; 1 one line per
        ``fit`` or ``partial_fit``: the rows learned from and the time (the
        paired-row loop runs as one compiled call, whose bits a split would
        change).
        The numbers do not depend on it.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Current weights.
    intercept_ : float or ndarray of shape (n_targets,)
        Current intercept (0 without ``fit_intercept``).
    covariance_ : ndarray of shape (n_features + fit_intercept, \
n_features + fit_intercept)
        The matrix ``P`` (the intercept's row and column first).
    n_samples_seen_ : int
        Rows learned from since the last ``fit``.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of shape (n_features,)
        Feature names, when ``X`` was a DataFrame.

    See Also
    --------
    LMSRegressor : O(F) per row, slower to converge.
    sklearn.linear_model.Ridge : the batch solution RLS reaches with
        ``forgetting_factor=1``.

    References
    ----------
    Haykin, S. (2002). Adaptive Filter Theory, 4th ed., ch. 9-10. Prentice
    Hall.

    Jaeger, H. (2003). Adaptive nonlinear system identification with echo
    state networks. NIPS 15, 593-600.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from reservoir import RLSRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 5))
    >>> y = X @ [1.0, -2.0, 0.5, 0.0, 3.0] + 0.1 * rng.normal(size=200)
    >>> rls = RLSRegressor(alpha=1e-3, fit_intercept=False)
    >>> for start in range(0, 200, 50):  # four chunks, one row at a time
    ...     _ = rls.partial_fit(X[start:start + 50], y[start:start + 50])
    >>> ridge = Ridge(alpha=1e-3, fit_intercept=False).fit(X, y)
    >>> bool(np.allclose(rls.coef_, ridge.coef_, atol=1e-10))
    True

    As the readout of an echo state network, trained step by step:

    >>> from reservoir import ESNRegressor
    >>> from reservoir.datasets import mackey_glass, to_forecasting
    >>> X, y = to_forecasting(mackey_glass(1200), horizon=1)
    >>> esn = ESNRegressor(100, leak_rate=0.5, washout=100, random_state=0,
    ...                    readout=RLSRegressor(forgetting_factor=0.9999))
    >>> for start in range(0, 1000, 250):
    ...     chunk = slice(start, start + 250)
    ...     _ = esn.partial_fit(X[chunk], y[chunk], continue_state=True)
    >>> from reservoir.metrics import nrmse
    >>> bool(nrmse(y[1000:], esn.predict(X)[1000:]) < 0.01)  # warm state
    True
    """

    def __init__(
        self,
        forgetting_factor: float = 1.0,
        *,
        alpha: float = 1e-6,
        fit_intercept: bool = True,
        verbose: int = 0,
    ):
        self.forgetting_factor = forgetting_factor
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.verbose = verbose

    #: rows go in pairs whose carried products a split would recompute
    chunkable = False

    def _check_params(self):
        return (
            check_real(
                self.forgetting_factor,
                "forgetting_factor",
                low=0.0,
                low_inclusive=False,
                high=1.0,
            ),
            check_real(self.alpha, "alpha", low=0.0, low_inclusive=False),
        )

    def _start(self, n_features, params):
        self.covariance_ = np.eye(n_features) / params[1]

    def _learn(self, Z, Y, pred, params):
        _online_kernels.rls_fit(Z, Y, self._W, self.covariance_, params[0], pred)


class LMSRegressor(_OnlineLinearRegressor):
    """Least mean squares (Widrow-Hoff) and normalised LMS, online.

    Each row ``(z, y)`` (with a leading 1 when ``fit_intercept``) moves the
    weights along the gradient of its squared a-priori error, in O(F):

        W ← W + μ zᵀ (y - z W)             (LMS)
        W ← W + μ zᵀ (y - z W) / (ε + z·z)  (normalised LMS)

    from ``W = 0``, in a compiled loop over the rows. Cheap per step, but
    slow to converge when the features are correlated (as reservoir states
    are): the convergence rate depends on the eigenvalue spread of their
    correlation matrix. :class:`RLSRegressor` does not.

    Parameters
    ----------
    learning_rate : float, default=0.01
        Step size ``μ`` (> 0). LMS is stable for ``μ < 2 / λ_max`` of the
        features' correlation matrix; normalised LMS for ``0 < μ < 2``.
    normalized : bool, default=False
        Divide the step by ``ε + z·z`` (normalised LMS), which makes it
        invariant to the scale of the features.
    epsilon : float, default=1e-8
        Regulariser ``ε`` (> 0) of the normalised step.
    fit_intercept : bool, default=True
        Learn an intercept (the weight of a constant feature 1).
    verbose : int, default=0
        Progress reports on standard error: 0 writes nothing; 1 the progress of
        ``fit`` and ``partial_fit`` (rows learned from), a bar on a terminal,
        elsewhere a few plain lines.
        The numbers do not depend on it.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Current weights.
    intercept_ : float or ndarray of shape (n_targets,)
        Current intercept (0 without ``fit_intercept``).
    n_samples_seen_ : int
        Rows learned from since the last ``fit``.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of shape (n_features,)
        Feature names, when ``X`` was a DataFrame.

    See Also
    --------
    RLSRegressor : exact online least squares, O(F²) per row.

    References
    ----------
    Widrow, B. and Hoff, M. E. (1960). Adaptive switching circuits. IRE
    WESCON Convention Record 4, 96-104.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir import LMSRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(5000, 3))
    >>> y = X @ [1.0, -2.0, 0.5] + 0.7
    >>> lms = LMSRegressor(learning_rate=0.5, normalized=True).fit(X, y)
    >>> np.round(lms.coef_, 3), round(lms.intercept_, 3)
    (array([ 1. , -2. ,  0.5]), 0.7)
    """

    def __init__(
        self,
        learning_rate: float = 0.01,
        *,
        normalized: bool = False,
        epsilon: float = 1e-8,
        fit_intercept: bool = True,
        verbose: int = 0,
    ):
        self.learning_rate = learning_rate
        self.normalized = normalized
        self.epsilon = epsilon
        self.fit_intercept = fit_intercept
        self.verbose = verbose

    def _check_params(self):
        if not isinstance(self.normalized, bool | np.bool_):
            raise TypeError(
                f"normalized must be True or False; got {self.normalized!r}."
            )
        return (
            check_real(
                self.learning_rate, "learning_rate", low=0.0, low_inclusive=False
            ),
            bool(self.normalized),
            check_real(self.epsilon, "epsilon", low=0.0, low_inclusive=False),
        )

    def _start(self, n_features, params):
        pass

    def _learn(self, Z, Y, pred, params):
        learning_rate, normalized, epsilon = params
        _online_kernels.lms_fit(Z, Y, self._W, learning_rate, normalized, epsilon, pred)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # one pass of plain LMS at a fixed step size need not converge
        tags.regressor_tags.poor_score = True
        return tags


class FORCEForecaster(SeriesForecasterMixin, _BaseReservoirEstimator):
    __doc__ = f"""FORCE learning: a reservoir trained to generate a series itself.

    The readout's output ``z_t = [1, x_t] @ W_out`` is fed back into the
    reservoir from the very first step,

        x_t = (1 - a) x_(t-1) + a f(X_t W_in + z_(t-1) W_fb + x_(t-1) W + b)

    while recursive least squares updates ``W_out`` every ``update_every``
    steps towards the target ``y_t`` (first-order reduced and controlled
    error, Sussillo & Abbott 2009): the error is kept small from the start,
    so the network learns on the activity it will produce itself. After
    :meth:`fit` the updates stop and :meth:`forecast` runs the network free
    from where training ended. The whole training run, reservoir steps and
    O(N²) RLS updates, is one compiled loop.

    The defaults follow the paper in the row convention of this library: a
    chaotic reservoir (``spectral_radius=1.5``, density 0.1), leak rate 0.1
    (``dt / tau``), no bias, unit feedback, ``P = I / alpha`` with
    ``alpha=1``, an update every 2 steps.

    Parameters
    ----------
{_PARAMS_DOC}    feedback_scaling : float or array-like of shape (n_targets,), \
default=1.0
        Scale of the (uniform) feedback weights ``W_fb`` (>= 0).
    alpha : float, default=1.0
        Initial covariance of the readout's RLS, ``P = I / alpha`` (> 0).
    forgetting_factor : float in (0, 1], default=1.0
        RLS forgetting factor.
    update_every : int, default=2
        Steps between readout updates (>= 1).
    random_state : int, RandomState instance, Generator or None, default=None
        Seed for the weights.
    verbose : int, default=0
        Progress reports on standard error: 0 writes nothing; 1 the progress
        of the training run (time steps), a bar on a terminal, elsewhere a
        few plain lines. The numbers do not depend on it.

    Attributes
    ----------
    W_ : ndarray or scipy.sparse.csr_array of shape (n_units, n_units)
        Recurrent weights.
    W_in_ : ndarray of shape (n_exog_features, n_units)
        Weights of the exogenous inputs (no rows without them).
    W_fb_ : ndarray of shape (n_features, n_units)
        Feedback weights.
    bias_ : ndarray of shape (n_units,)
        Reservoir bias.
    coef_ : ndarray of shape (n_features, n_units)
        Trained readout weights on ``x_t``.
    intercept_ : ndarray of shape (n_features,)
        Readout intercept.
    training_output_ : ndarray of shape (n_timesteps, n_features)
        The network's own output during training (before each update).
    state_ : ndarray of shape (n_units,)
        Reservoir state at the end of training.
    last_value_ : ndarray of shape (n_features,)
        The network's last output in training, fed back at the first
        forecast step.
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
    ESNForecaster : teacher-forced training with a batch ridge readout.
    RLSRegressor : the readout's update rule.

    References
    ----------
    Sussillo, D. and Abbott, L. F. (2009). Generating coherent patterns of
    activity from chaotic neural networks. Neuron 63(4), 544-557.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir import FORCEForecaster
    >>> from reservoir.metrics import nrmse
    >>> t = np.arange(3000)
    >>> y = np.sin(2 * np.pi * t / 100)
    >>> model = FORCEForecaster(200, random_state=0).fit(y[:2000])
    >>> bool(nrmse(y[2000:2300], model.forecast(300)) < 0.1)
    True
    """

    #: states are float64 (the readout's RLS runs inside the reservoir loop)
    dtype = "float64"

    def __init__(
        self,
        n_units: int = 500,
        *,
        spectral_radius: float = 1.5,
        density: float | None = None,
        topology: str = "random",
        topology_params: dict | None = None,
        distribution: str = "normal",
        input_scaling=1.0,
        input_density: float = 1.0,
        bias_scaling: float = 0.0,
        leak_rate=0.1,
        activation: str = "tanh",
        feedback_scaling=1.0,
        alpha: float = 1.0,
        forgetting_factor: float = 1.0,
        update_every: int = 2,
        random_state=None,
        verbose: int = 0,
    ):
        self.n_units = n_units
        self.spectral_radius = spectral_radius
        self.density = density
        self.topology = topology
        self.topology_params = topology_params
        self.distribution = distribution
        self.input_scaling = input_scaling
        self.input_density = input_density
        self.bias_scaling = bias_scaling
        self.leak_rate = leak_rate
        self.activation = activation
        self.feedback_scaling = feedback_scaling
        self.alpha = alpha
        self.forgetting_factor = forgetting_factor
        self.update_every = update_every
        self.random_state = random_state
        self.verbose = verbose

    def _run(self, Xe, x0, z0, Y, mode, P=None, verbose=0):
        """The compiled loop over the steps; returns outputs and the final state.

        One call, or with ``verbose`` one call per chunk of a multiple of
        ``update_every`` steps (the state and the fed-back value carried
        over: the same bits), reporting the progress.
        """
        res = self.reservoir_
        n_exog = self.n_exog_features_
        pre = np.empty((Xe.shape[0], res.n_units))
        pre[:] = res.bias
        if n_exog:
            pre += Xe @ res.W_in[:n_exog]
        out = np.empty((Xe.shape[0], self._W_out.shape[1]))
        x_final = np.empty(res.n_units)
        n_steps = pre.shape[0]
        if verbose == 0:
            self._run_chunk(pre, x0, z0, Y, mode, P, out, x_final)
            return out, x_final
        chunk = -(-progress_chunk(n_steps) // self._update_every) * self._update_every
        name = type(self).__name__
        with Progress(verbose, name, "training run", n_steps) as progress:
            for start in range(0, n_steps, chunk):
                stop = min(start + chunk, n_steps)
                self._run_chunk(
                    pre[start:stop],
                    x0,
                    z0,
                    Y[start:stop],
                    mode,
                    P,
                    out[start:stop],
                    x_final,
                )
                x0 = x_final.copy()
                z0 = (Y if mode == _online_kernels.FORCE_TEACHER else out)[stop - 1]
                progress.update(stop - start)
        return out, x_final

    def _run_chunk(self, pre, x0, z0, Y, mode, P, out, x_final) -> None:
        """One call of the compiled loop (``out`` and ``x_final`` written)."""
        res = self.reservoir_
        empty_i = np.empty(0, dtype=np.int32)
        _online_kernels.force_run(
            pre,
            res.sparse,
            res._W if not res.sparse else np.empty((0, 0)),
            res._indptr if res.sparse else empty_i,
            res._indices if res.sparse else empty_i,
            res._data if res.sparse else np.empty(0),
            self._W_fb,
            res.leak,
            res._code,
            np.ascontiguousarray(x0, dtype=np.float64),
            np.ascontiguousarray(z0, dtype=np.float64),
            Y,
            self._W_out,
            np.empty((0, 0)) if P is None else P,
            self._forgetting,
            self._update_every,
            mode,
            out,
            x_final,
        )

    def fit(self, y: ArrayLike, X: ArrayLike | None = None) -> FORCEForecaster:
        """Run the network on its own output and train the readout by RLS.

        Parameters
        ----------
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
            The target series (rows are time steps); finite.
        X : array-like of shape (n_timesteps, n_exog_features), default=None
            Exogenous inputs, one row per time step of ``y``.

        Returns
        -------
        self : FORCEForecaster
            The trained model.
        """
        alpha = check_real(self.alpha, "alpha", low=0.0, low_inclusive=False)
        forgetting = check_real(
            self.forgetting_factor,
            "forgetting_factor",
            low=0.0,
            low_inclusive=False,
            high=1.0,
        )
        update_every = check_int(self.update_every, "update_every", low=1)
        verbose = check_verbose(self.verbose)
        Y = self._check_series(y, "y", reset=True)
        n_steps, n_targets = Y.shape
        Xe = self._check_fit_exog(X, n_steps)
        n_exog = Xe.shape[1]
        rng = check_rng(self.random_state)
        in_scale = (
            check_scale(self.input_scaling, "input_scaling", n_exog, "input feature")
            if n_exog
            else np.empty(0)
        )
        if n_exog == 0 and np.ndim(self.input_scaling) == 0:
            check_real(self.input_scaling, "input_scaling", low=0.0)
        fb_scale = check_scale(
            self.feedback_scaling, "feedback_scaling", n_targets, "target column"
        )
        self.reservoir_ = self._build_reservoir(
            n_exog + n_targets,
            rng=rng,
            input_scaling=np.concatenate([in_scale, fb_scale]),
        )
        W_in = self.W_in_
        self.W_fb_, self.W_in_ = W_in[n_exog:].copy(), W_in[:n_exog].copy()
        self.n_exog_features_ = n_exog
        self._W_fb = np.ascontiguousarray(self.W_fb_)
        n_units = self.reservoir_.n_units
        self._W_out = np.zeros((n_units + 1, n_targets))
        self._forgetting, self._update_every = forgetting, update_every
        out, x_final = self._run(
            Xe,
            np.zeros(n_units),
            np.zeros(n_targets),
            Y,
            _online_kernels.FORCE_TRAIN,
            P=np.eye(n_units + 1) / alpha,
            verbose=verbose,
        )
        self.coef_ = self._W_out[1:].T.copy()
        self.intercept_ = self._W_out[0].copy()
        self.training_output_ = out
        self.state_ = x_final
        self.last_value_ = out[-1].copy()
        return self

    def _warm_up(self, context, X_context):
        if context is None:
            if X_context is not None:
                raise ValueError("X_context was given without context; pass both.")
            return self.state_, self.last_value_
        ctx = self._check_series(context, "context", reset=False)
        Xc = self._check_exog(X_context, "X_context", ctx.shape[0])
        _, x_final = self._run(
            Xc,
            np.zeros(self.reservoir_.n_units),
            np.zeros(ctx.shape[1]),
            ctx,
            _online_kernels.FORCE_TEACHER,
        )
        return x_final, ctx[-1].copy()

    def forecast(
        self,
        n_steps: int,
        context: ArrayLike | None = None,
        X_future: ArrayLike | None = None,
        *,
        X_context: ArrayLike | None = None,
    ) -> np.ndarray:
        """Generate the next ``n_steps`` values, the network running free.

        Parameters
        ----------
        n_steps : int
            Number of future steps (>= 1).
        context : array-like of shape (n_context, n_features), default=None
            Values to synchronise the network on first (fed back instead of
            its output, from the zero state); the forecast continues them.
            None continues from the end of training.
        X_future : array-like of shape (n_steps, n_exog_features), default=None
            Exogenous inputs of the generated steps; required when fitted
            with ``X``.
        X_context : array-like of shape (n_context, n_exog_features), \
default=None
            Exogenous inputs of the context steps.

        Returns
        -------
        y_forecast : ndarray of shape (n_steps,) or (n_steps, n_features)
            The generated values.
        """
        check_is_fitted(self)
        n_steps = check_int(n_steps, "n_steps", low=1)
        Xf = self._check_exog(X_future, "X_future", n_steps)
        x0, z0 = self._warm_up(context, X_context)
        dummy = np.empty((n_steps, self.n_features_in_))
        out, _ = self._run(Xf, x0, z0, dummy, _online_kernels.FORCE_FREE)
        return self._output(out)

    def predict(
        self,
        y: ArrayLike,
        X: ArrayLike | None = None,
        *,
        context: ArrayLike | None = None,
        X_context: ArrayLike | None = None,
    ) -> np.ndarray:
        """One-step-ahead outputs with the observed values fed back.

        Row ``t`` is the network's output at step ``t`` when the true
        ``y[t-1]`` (the last context value for ``t = 0``) was fed back.

        Parameters
        ----------
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
            Observed series following the context.
        X : array-like of shape (n_timesteps, n_exog_features), default=None
            Exogenous inputs of those steps; required when fitted with ``X``.
        context : array-like of shape (n_context, n_features), default=None
            History before ``y``; None continues from the end of training.
        X_context : array-like of shape (n_context, n_exog_features), \
default=None
            Exogenous inputs of the context steps.

        Returns
        -------
        y_pred : ndarray of the shape of ``y``
            One-step-ahead outputs.
        """
        check_is_fitted(self)
        Y = self._check_series(y, "y", reset=False)
        Xe = self._check_exog(X, "X", Y.shape[0])
        x0, z0 = self._warm_up(context, X_context)
        out, _ = self._run(Xe, x0, z0, Y, _online_kernels.FORCE_TEACHER)
        return out[:, 0] if np.ndim(y) == 1 else out
