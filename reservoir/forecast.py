"""Forecasting with echo state networks: output feedback and closed-loop generation.

``ESNForecaster`` is re-exported at the package top level.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from sklearn.metrics import r2_score
from sklearn.model_selection import TimeSeriesSplit
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _generate
from ._esn import (
    _IP_DOC,
    _LAYERS_DOC,
    _PARAMS_DOC,
    _READOUT_FEATURES_DOC,
    _STATISTICS_DOC,
    _TAIL_DOC,
    _VERBOSE_DOC,
    _BaseReservoirEstimator,
    _check_alphas,
    _check_cv,
    _cv_blocks,
    check_keep_statistics,
    check_partial_fit_allowed,
)
from ._progress import Progress, check_verbose, report
from ._readout_features import READOUT_FEATURES, n_state_features, readout_rows
from ._reservoir import CHUNK_VALUES, DeepReservoir, Reservoir, _all_ready
from ._ridge import GramAccumulator, RidgePath, SplitRows
from ._threading import blas_threads, gram_threads, numba_threads
from ._transforms import SeriesTransform
from ._validation import (
    check_int,
    check_option,
    check_real,
    check_rng,
    check_scale,
    statistics_finite,
)
from .diagnostics import warn_if_not_washed_out
from .exceptions import DivergenceError, DivergenceWarning
from .online import ReadoutAccumulator

__all__ = ["ESNForecaster"]


def _check_finite_statistics(gram: GramAccumulator, Y: np.ndarray) -> None:
    """Raise a ValueError naming y when the readout's sums of squares
    overflowed (states of an unbounded activation or huge values), rather
    than a LinAlgError from the solver."""
    if not isinstance(gram, GramAccumulator):  # an online readout's own
        return
    if statistics_finite(gram):
        return
    peak = float(np.max(np.abs(Y), initial=0.0))
    raise ValueError(
        f"the readout's sums of squares overflowed float64 (y has values up "
        f"to {peak:.3g}): the reservoir states or features grew too large. "
        f"Use a bounded activation (tanh), a smaller spectral_radius or "
        f"input_scaling, or standardize=True."
    )


NOISE_TYPES = ("state", "input", "both")
STRATEGIES = ("recursive", "direct")
DIVERGENCE_ACTIONS = ("warn", "raise", "ignore")

#: Rolling-origin folds when ``alpha`` is a sequence and ``cv`` is None.
DEFAULT_CV_SPLITS = 3
#: Most origins per validation fold forecast in closed loop (evenly spaced).
CV_CLOSED_LOOP_ORIGINS = 20
#: ... and at most this many closed-loop steps per fold and alpha: long
#: horizons get fewer origins (never fewer than CV_MIN_ORIGINS).
CV_CLOSED_LOOP_STEPS = 1000
CV_MIN_ORIGINS = 5
#: Share of a validation score that is the first forecast step's relative
#: error (the rest is the mean over all steps): one-step accuracy matters in
#: every use, and a mean over a long horizon hardly sees it.
FIRST_STEP_SHARE = 0.25
#: Most origins per validation fold scored from the readout alone (one-step
#: or direct forecasts; evenly spaced).
CV_READOUT_ORIGINS = 2000
#: Largest magnitude of a series fitted without standardisation: beyond about
#: 1e154 the squares in the readout's statistics overflow.
MAX_MAGNITUDE = 1e150


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


class _Weights(NamedTuple):
    """A readout split into the blocks the closed-loop kernels use."""

    W_out: np.ndarray  # (n_readout_features, n_outputs), all blocks
    b_out: np.ndarray  # (n_outputs,)
    W_u: np.ndarray  # (n_exog, n_outputs): exogenous inputs
    W_y: np.ndarray  # (n_lags * K, K): lagged values, lag-major
    W_x: np.ndarray  # (n_units, K): states (every second unit squared for
    # readout_features='even_squared')
    W_sq: np.ndarray  # (n_units, K) squared states, or (0, K)


class ESNForecaster(_BaseReservoirEstimator):
    __doc__ = f"""Echo state network forecaster with output feedback.

    The previous value of the series is fed back into the reservoir:

        x_t = (1 - a) x_(t-1) + a f(X_t W_in + y_(t-1) W_fb + x_(t-1) W + b)

    and a ridge readout maps ``[1, X_t, y_(t-1), ..., y_(t-p), x_t]`` (``p =
    n_lags``; ``[1, x_t]`` with ``include_input=False``) to ``y_t``. ``X`` are
    optional exogenous inputs known in advance. During :meth:`fit` the true
    previous values are fed back (teacher forcing); during :meth:`forecast`
    the network's own outputs are (closed loop), in a compiled loop with the
    readout inside it. With ``include_input=True`` this is the autonomous
    form in which the output becomes the next input, and the lagged values
    make a linear autoregression of order ``p`` a special case of the model;
    with ``include_input=False`` it is Jaeger's output-feedback form.

    The network models a transformed series: by default the series
    standardised with its training mean and standard deviation (so the
    scalings below mean the same for any units), optionally after a
    logarithm (``log=True``), a first difference (``difference=1``) and a
    seasonal difference (``seasonal_difference=m``) for trends, growing
    seasonality and positive-only series. Forecasts and predictions are
    mapped back to the units of ``y``.

    Generation always starts from the state reached by running a context
    (teacher-forced) through the reservoir: by default the whole training
    series (its final state is stored as ``state_``), or any ``context`` you
    pass. No state is carried between calls. :meth:`forecast_origins`
    forecasts from many points of one series (a rolling-origin backtest) with
    one pass through it.

    ``strategy='direct'`` trains ``horizon`` readouts instead, one per step
    ahead, on the same teacher-forced states; :meth:`forecast` then reads the
    next ``n_steps <= horizon`` values off the last state without running free
    (a comparison baseline).

    A sequence of ``alpha`` values is a grid: the penalty is chosen by
    rolling-origin cross-validation on the training series that scores the
    forecasts the model will make, ``horizon`` steps in closed loop from
    origins in each validation block (one eigendecomposition per fold serves
    every alpha; the reservoir runs once).

    A forecast that runs away (a value that is not finite or lies more than
    one training range outside the range of the transformed training series)
    issues a :class:`~reservoir.exceptions.DivergenceWarning`, or raises a
    :class:`~reservoir.exceptions.DivergenceError` with
    ``divergence='raise'``.

    With ``n_layers=L > 1`` the reservoir is a deep stack, drawn exactly as
    in :class:`ESNRegressor`: layer 1 is driven by ``[X_t, y_(t-1)]`` as
    above, layer ``l > 1`` by the states of layer ``l - 1``
    (``x^l_t = (1 - a_l) x^l_(t-1) + a_l f(x^(l-1)_t W_in^l + x^l_(t-1) W^l
    + b^l)``), and the readout sees ``[1, X_t, y_(t-1), ..., x^1_t, ...,
    x^L_t]`` (or the states alone). Teacher forcing and the compiled closed
    loop run the whole stack. Bidirectional reservoirs are not offered: a
    forecaster cannot look ahead.

    Parameters
    ----------
{_PARAMS_DOC}{_IP_DOC}{_LAYERS_DOC}    feedback_scaling : float or array-like of shape \
(n_targets,), default=1.0
        Scale of the (uniform) feedback weights ``W_fb`` that feed the
        previous value of the (transformed) series into the reservoir
        (>= 0); in a deep stack they drive the first layer only (with its
        ``input_scaling`` for the rows of ``X``).
    n_lags : int, default=1
        Number of past values ``y_(t-1), ..., y_(t-n_lags)`` in the readout's
        features (>= 1; with ``include_input=True``). Before the first value
        of a series the first value stands in.
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
        Steps ahead the forecaster is built for (>= 1): the number of readouts
        of the direct strategy, and the length of the closed-loop forecasts
        that cross-validation scores.
    washout : int, default=100
        Teacher-forced steps run but not used to fit the readout, and the
        minimum warm-up: a ``context`` needs at least ``washout`` steps
        (counted after the differences).
    alpha : float or sequence of float, default=1e-6
        Ridge penalty (>= 0) on the readout weights (not the intercept). A
        sequence is a grid; the best value by cross-validation goes to
        ``alpha_``.
    input_penalty : float, default=1.0
        The penalty on the weights of the readout's inputs (``X_t`` and the
        lagged values) relative to the states' (> 0): ``alpha *
        input_penalty``. A small value lets the readout keep a linear
        autoregression while the reservoir's part is shrunk.
    cv : int, cross-validation splitter or None, default=None
        Rolling-origin cross-validation over the training rows (after the
        washout): an int ``k`` (>= 2) means ``TimeSeriesSplit(k)``, or a
        splitter with contiguous folds. Each fold's readout is fitted on the
        rows before its validation block and forecasts ``horizon`` steps
        from origins in the block (in closed loop up to
        {CV_CLOSED_LOOP_ORIGINS} evenly spaced origins, fewer for long
        horizons: at most {CV_CLOSED_LOOP_STEPS} steps per fold and penalty,
        at least {CV_MIN_ORIGINS} origins; every row, up to
        {CV_READOUT_ORIGINS}, for one-step and direct forecasts), scored in
        the units of ``y`` against the persistence forecast at every step
        (see ``alpha_scores_``). None means ``TimeSeriesSplit({DEFAULT_CV_SPLITS})``
        when ``alpha`` is a sequence, and no scoring otherwise.
    include_input : bool, default=True
        Whether the readout also sees the reservoir's inputs ``X_t`` and the
        lagged values.
{_READOUT_FEATURES_DOC}    log : bool, default=False
        Model the logarithm of the series (every value must be positive):
        multiplicative trend and seasonality become additive.
    difference : {{0, 1}}, default=0
        Model the first difference ``y_t - y_(t-1)`` (after the log): removes a
        trend; forecasts are summed back onto the last observed value.
    seasonal_difference : int, default=0
        Season length ``m`` of a seasonal difference ``y_t - y_(t-m)`` (after
        the first difference), 0 for none.
    standardize : bool, default=True
        Standardise the (transformed) series with its training mean and
        standard deviation before it enters the network. With False the
        values are fed back as they are (they must stay below 1e150 in
        magnitude).
    divergence : {{'warn', 'raise', 'ignore'}}, default='warn'
        What a runaway forecast does: a ``DivergenceWarning``, a
        ``DivergenceError``, or nothing.
{_TAIL_DOC}    readout : online linear regressor or None, default=None
        An online readout with ``partial_fit``, ``coef_`` and ``intercept_``
        (e.g. :class:`~reservoir.RLSRegressor`): it learns from the
        teacher-forced rows in time order, step by step, instead of the ridge
        readout (``alpha`` is then unused and must be one value, ``cv``
        None), and its weights drive the closed loop. The fitted copy is
        ``readout_``; :meth:`partial_fit` keeps training it.
{_STATISTICS_DOC}{_VERBOSE_DOC}
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
        Readout weights on ``[X_t, y_(t-1), ..., y_(t-n_lags), x_t]``
        (``x_t`` alone without the input; ``x_t`` holds all layers' states
        side by side in a deep stack, with every second unit squared for
        ``readout_features='even_squared'``), followed by the weights of
        ``x_t ** 2`` with ``readout_features='squared'``, for the
        transformed series;
        ``n_outputs`` is ``n_features_in_`` times ``horizon`` for the direct
        strategy (step-major).
    intercept_ : ndarray of shape (n_outputs,)
        Readout intercept.
    alpha_ : float
        The ridge penalty used: ``alpha`` itself, or the best of the sequence.
    alpha_scores_ : ndarray of shape (n_alphas,)
        Minus the validation error of every alpha, averaged over folds: at
        each forecast step, the squared error over the fold's origins and
        columns (each column divided by its training variance) relative to
        that of the persistence forecast, averaged over the steps (1 is as
        good as persistence; every step weighs the same, and the first
        step a quarter of the score besides); only with a
        sequence of alphas or ``cv``. ``-inf`` where a forecast diverged.
    alpha_fold_scores_ : ndarray of shape (n_splits, n_alphas)
        The same per fold.
    y_mean_ : ndarray of shape (n_features,)
        Mean subtracted from the transformed series (zeros without
        standardisation).
    y_scale_ : ndarray of shape (n_features,)
        Standard deviation it was divided by (ones without standardisation).
    state_ : ndarray of shape (n_total_units,)
        Reservoir state after teacher-forcing the whole training series
        (without noise): the default starting point of :meth:`forecast`. In a
        deep stack the final states of all layers side by side, bottom first
        (``n_total_units`` is the sum of the layers' ``n_units``).
    last_value_ : ndarray of shape (n_features,)
        Last value of the training series, in the units of ``y``.
    reservoir_ : object
        The weights in the layout the compiled kernels use (private).
    n_features_in_ : int
        Number of columns of the series ``y``.
    feature_names_in_ : ndarray of shape (n_features,)
        Column names of ``y``, when it was a DataFrame.
    n_exog_features_ : int
        Number of exogenous input columns (0 when ``X`` was None).
    readout_ : regressor
        The fitted online readout, when ``readout`` is given.

    See Also
    --------
    ESNRegressor : reservoir regressor without feedback.
    reservoir.forecasting.search_forecaster : choose transforms, reservoir
        hyperparameters and penalty from the data within a time budget.

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
    ...                       feedback_scaling=0.1, alpha=1e-9,
    ...                       random_state=0).fit(y[:1200])
    >>> y_hat = model.forecast(50)
    >>> y_hat.shape
    (50, 1)
    >>> bool(nrmse(y[1200:1250], y_hat) < 0.1)
    True

    A grid of penalties, chosen by 3 rolling-origin folds of 20-step
    closed-loop forecasts, and forecasts from several origins of a series:

    >>> model = ESNForecaster(200, spectral_radius=0.9, leak_rate=0.5,
    ...                       feedback_scaling=0.1, horizon=20,
    ...                       alpha=[1e-10, 1e-8, 1e-6, 1e-4],
    ...                       random_state=0).fit(y[:1200])
    >>> model.alpha_scores_.shape
    (4,)
    >>> model.forecast_origins(y, [1200, 1250], 20).shape
    (2, 20, 1)

    Squared states in the readout's features (the closed loop squares them
    too):

    >>> squared = ESNForecaster(200, spectral_radius=0.9, leak_rate=0.5,
    ...                         feedback_scaling=0.1, alpha=1e-9,
    ...                         readout_features="squared",
    ...                         random_state=0).fit(y[:1200])
    >>> squared.coef_.shape
    (1, 401)
    >>> bool(nrmse(y[1200:1250], squared.forecast(50)) < 0.1)
    True

    A deep stack, with per-layer sizes and leak rates:

    >>> deep = ESNForecaster([150, 100], n_layers=2, leak_rate=[0.5, 0.3],
    ...                      spectral_radius=0.9, feedback_scaling=0.1,
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
        topology_params: dict | None = None,
        distribution: str = "normal",
        input_scaling=1.0,
        input_density: float = 1.0,
        bias_scaling: float = 1.0,
        leak_rate=1.0,
        activation: str = "tanh",
        ip_epochs: int = 0,
        ip_learning_rate: float = 1e-3,
        ip_mean: float | None = None,
        ip_std: float | None = None,
        n_layers: int = 1,
        feedback_scaling=1.0,
        n_lags: int = 1,
        noise_level: float = 0.0,
        noise_type: str = "state",
        strategy: str = "recursive",
        horizon: int = 1,
        washout: int = 100,
        alpha=1e-6,
        input_penalty: float = 1.0,
        cv=None,
        include_input: bool = True,
        readout_features: str = "linear",
        log: bool = False,
        difference: int = 0,
        seasonal_difference: int = 0,
        standardize: bool = True,
        divergence: str = "warn",
        dtype: str = "float64",
        random_state=None,
        n_jobs: int | None = None,
        readout=None,
        keep_statistics: bool = True,
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
        self.ip_epochs = ip_epochs
        self.ip_learning_rate = ip_learning_rate
        self.ip_mean = ip_mean
        self.ip_std = ip_std
        self.n_layers = n_layers
        self.feedback_scaling = feedback_scaling
        self.n_lags = n_lags
        self.noise_level = noise_level
        self.noise_type = noise_type
        self.strategy = strategy
        self.horizon = horizon
        self.washout = washout
        self.alpha = alpha
        self.input_penalty = input_penalty
        self.cv = cv
        self.include_input = include_input
        self.readout_features = readout_features
        self.log = log
        self.difference = difference
        self.seasonal_difference = seasonal_difference
        self.standardize = standardize
        self.divergence = divergence
        self.dtype = dtype
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.readout = readout
        self.keep_statistics = keep_statistics
        self.verbose = verbose

    # ------------------------------------------------------------------
    # validation
    # ------------------------------------------------------------------

    def _check_params(self) -> dict:
        for name in ("include_input", "log", "standardize"):
            value = getattr(self, name)
            if not isinstance(value, bool | np.bool_):
                raise TypeError(f"{name} must be True or False; got {value!r}.")
        params = {
            "n_layers": check_int(self.n_layers, "n_layers", low=1),
            "washout": check_int(self.washout, "washout", low=0),
            "noise_level": check_real(self.noise_level, "noise_level", low=0.0),
            "noise_type": check_option(self.noise_type, "noise_type", NOISE_TYPES),
            "strategy": check_option(self.strategy, "strategy", STRATEGIES),
            "horizon": check_int(self.horizon, "horizon", low=1),
            "n_lags": check_int(self.n_lags, "n_lags", low=1),
            "difference": check_int(self.difference, "difference", low=0),
            "seasonal_difference": check_int(
                self.seasonal_difference, "seasonal_difference", low=0
            ),
            "divergence": check_option(
                self.divergence, "divergence", DIVERGENCE_ACTIONS
            ),
            "readout_features": check_option(
                self.readout_features, "readout_features", READOUT_FEATURES
            ),
        }
        if params["difference"] > 1:
            raise ValueError(
                f"difference must be 0 or 1; got {self.difference!r}. A second "
                "difference is rarely needed: try log=True or "
                "seasonal_difference."
            )
        if params["seasonal_difference"] == 1:
            raise ValueError(
                "seasonal_difference must be 0 (none) or a season length >= 2; "
                "got 1 (use difference=1 for a first difference)."
            )
        params["input_penalty"] = check_real(
            self.input_penalty, "input_penalty", low=0.0, low_inclusive=False
        )
        if params["input_penalty"] != 1.0 and not self.include_input:
            raise ValueError(
                f"input_penalty={self.input_penalty} weighs the penalty on the "
                "readout's inputs, but include_input=False leaves them out; use "
                "include_input=True or input_penalty=1.0."
            )
        if params["n_lags"] > 1 and not self.include_input:
            raise ValueError(
                f"n_lags={self.n_lags} adds lagged values to the readout's inputs, "
                "but include_input=False leaves the inputs out; use "
                "include_input=True or n_lags=1."
            )
        params["alphas"], params["is_path"] = _check_alphas(self.alpha)
        cv = _check_cv(self.cv)
        if self.readout is not None and (params["is_path"] or cv is not None):
            raise ValueError(
                "a sequence of alpha values and cv choose the ridge penalty; they "
                "cannot be used with an online readout. Leave alpha one value "
                "and cv=None."
            )
        if cv is None and params["is_path"]:
            cv = TimeSeriesSplit(DEFAULT_CV_SPLITS)
        params["cv"] = cv
        params["verbose"] = check_verbose(self.verbose)
        check_keep_statistics(self.keep_statistics)
        return params

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

    def _check_levels(self, Y: np.ndarray, name: str) -> None:
        """Values the transform can take: positive for the log, not huge raw."""
        if self.log and Y.size and np.min(Y) <= 0:
            raise ValueError(
                f"log=True needs a positive series, but {name} has values <= 0 "
                f"(smallest {np.min(Y):.6g}); use log=False or shift the series."
            )
        if not (self.standardize or self.log) and Y.size:
            peak = float(np.max(np.abs(Y)))
            if peak > MAX_MAGNITUDE:
                raise ValueError(
                    f"{name} has values up to {peak:.3g} in magnitude; without "
                    f"standardisation the readout's sums of squares overflow "
                    f"beyond about 1e154. Use standardize=True (the default) or "
                    f"divide the series by its scale."
                )

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

    def _build(
        self, n_exog: int, n_targets: int, rng, training=None
    ) -> Reservoir | DeepReservoir:
        """Draw the weights of every layer from ``rng``.

        The draws are those of ``ESNRegressor`` (same ``n_layers`` and
        per-layer values) on the augmented input ``[X_t, y_(t-1)]`` with
        per-feature scaling ``[input_scaling, feedback_scaling]`` in the first
        layer, so the two give identical weights. ``training``, the
        teacher-forced reservoir inputs (a list with one array), is where
        intrinsic plasticity (``ip_epochs > 0``) adapts the gains.
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
            training=training,
        )
        # split the first layer's input matrix into exogenous and feedback rows
        W_in = self.W_in_[0] if n_layers > 1 else self.W_in_
        self.W_fb_ = W_in[n_exog:].copy()
        if n_layers > 1:
            self.W_in_[0] = W_in[:n_exog].copy()
        else:
            self.W_in_ = W_in[:n_exog].copy()
        self._W_fb = np.ascontiguousarray(
            _layers(reservoir)[0].W_in[n_exog:], dtype=reservoir.dtype
        )
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
        arrays are only valid until the next one. Without noise one
        reservoir runs as ``_teacher_forced_ahead`` (same chunks, same
        bits). Inputs are projected on one BLAS thread, whatever ``n_jobs``.
        """
        if noise == 0 and isinstance(reservoir, Reservoir):
            # one reservoir: the runner's chunk buffer, the same bits
            for start, u, states, _ in self._teacher_forced_ahead(
                reservoir, U, x0, None
            ):
                yield start, u, states
            return
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
                # one BLAS thread, as the runners project: a GEMM row's bits
                # depend on the rows each thread is given (so on n_jobs)
                with blas_threads(1):
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

    def _streams_harvest(self, reservoir, noise: float, blocks) -> bool:
        """Whether ``fit`` hands the readout rows to ridge statistics as
        views of the kernel's buffer (``_teacher_forced_ahead``,
        ``_split_features``): one float64 reservoir, no noise, linear
        readout features."""
        return (
            isinstance(reservoir, Reservoir)
            and reservoir.dtype == np.float64
            and noise == 0
            and self._features == "linear"
            and all(isinstance(block, GramAccumulator) for block in blocks)
        )

    def _teacher_forced_ahead(self, reservoir, U, x0, ahead):
        """``_teacher_forced`` without noise for one reservoir, each chunk
        with a fourth item ``ready(step=None)`` (``iter_chunks_ahead``).

        The kernels write the states into a chunk buffer reused from chunk
        to chunk (one input: projected inside the time loop; several: one
        GEMM per chunk, as ``_teacher_forced``), and may run ahead in a
        helper thread (``ahead``, from ``runs_ahead``): the caller must call
        ``ready`` before reading states. The same chunks, the same bits.
        """
        per_chunk = max(1, CHUNK_VALUES // reservoir.n_units)
        for _, start, inputs, states, ready in reservoir.iter_chunks_ahead(
            [U], reservoir.initial_states(1, x0), per_chunk, ahead
        ):
            yield start, inputs[0], states[0], ready

    def _split_features(self, u, lags, states):
        """``_readout_features(u, lags, states, scale)`` of linear features
        as a ``SplitRows``: the states not copied beside the inputs."""
        if not self.include_input:
            return states
        inputs = self._readout_inputs(u, lags, self._input_scale)
        return SplitRows(inputs.astype(np.float64, copy=False), states)

    def _states_after(self, U, x0, rows) -> np.ndarray:
        """States after the given rows of ``U`` (teacher-forced from ``x0``).

        ``rows`` are increasing; row -1 means before the first row (``x0``).
        Runs the inputs once, up to the last row asked for.
        """
        rows = np.asarray(rows, dtype=np.int64)
        out = np.empty((rows.size, self.reservoir_.n_units))
        out[rows < 0] = x0
        todo = rows[rows >= 0]
        if todo.size == 0:
            return out
        for start, _, states in self._teacher_forced(
            self.reservoir_, U[: todo[-1] + 1], x0
        ):
            hit = (rows >= start) & (rows < start + states.shape[0])
            out[hit] = states[rows[hit] - start]
        return out

    def _final_state(self, U, x0) -> np.ndarray:
        """State after teacher-forcing the inputs ``U`` from ``x0`` (no noise)."""
        return self._states_after(U, x0, [U.shape[0] - 1])[0]

    # ------------------------------------------------------------------
    # readout features and lags
    # ------------------------------------------------------------------

    def _lag_block(self, Z: np.ndarray) -> np.ndarray:
        """Lags 2..p for the rows consuming ``Z[0], ..., Z[-2]`` (lag-major).

        Row ``r`` consumes ``Z[r]`` (lag 1, in the reservoir's input) and sees
        ``Z[r-1], ..., Z[r-p+1]``; before ``Z[0]`` the first value stands in.
        """
        n_rows = max(Z.shape[0] - 1, 0)
        n_extra = self._n_lags - 1
        if n_extra == 0:
            return np.empty((n_rows, 0))
        index = np.arange(n_rows)[:, None] - np.arange(1, self._n_lags)[None, :]
        return Z[np.maximum(index, 0)].reshape(n_rows, -1)

    @staticmethod
    def _lag_history(Z: np.ndarray, n_lags: int) -> np.ndarray:
        """The last ``n_lags`` values of ``Z``, most recent first (padded)."""
        index = np.maximum(Z.shape[0] - 1 - np.arange(n_lags), 0)
        return np.ascontiguousarray(Z[index])

    def _readout_features(self, u, lags, states, scale=1.0) -> np.ndarray:
        """Readout rows ``[u_t, lags_t, x_t]`` (or ``x_t``) as float64, with
        the squared states of ``readout_features`` (see ``readout_rows``).

        ``scale`` multiplies the inputs (training rows carry
        ``1 / sqrt(input_penalty)``, see ``_unscaled``).
        """
        inputs = self._readout_inputs(u, lags, scale) if self.include_input else None
        return readout_rows(inputs, states, self.include_input, self._features)

    @staticmethod
    def _readout_inputs(u, lags, scale: float) -> np.ndarray:
        """The input columns ``[u_t, lags_t]`` of the readout rows, times
        ``scale``."""
        return np.hstack([u * scale, lags * scale] if scale != 1.0 else [u, lags])

    def _n_readout_features(self, n_units: int, n_inputs: int) -> int:
        """Columns of the readout rows: the states' and ``n_inputs``."""
        n_inputs = n_inputs if self.include_input else 0
        return n_state_features(n_units, self._features) + n_inputs

    def _unscaled(self, coef: np.ndarray) -> np.ndarray:
        """Weights ``(..., F, n_out)`` fitted on rows with scaled inputs, for
        unscaled rows (the intercept is the same)."""
        scale = self._input_scale
        if scale == 1.0 or not self.include_input:
            return coef
        coef = coef.copy()
        n_in = self.n_exog_features_ + self._n_lags * self.n_features_in_
        coef[..., :n_in, :] *= scale
        return coef

    def _split_weights(self, coef, intercept) -> _Weights:
        """The blocks of a readout ``coef`` (F, n_out) for the closed loop."""
        dtype = self.reservoir_.dtype
        n_units = self.reservoir_.n_units
        n_exog, K = self.n_exog_features_, self.n_features_in_
        n_out = coef.shape[1]
        if self.include_input:
            n_in = n_exog + self._n_lags * K
            W_u, W_y, W_x = coef[:n_exog], coef[n_exog:n_in], coef[n_in:]
        else:
            W_u = np.zeros((n_exog, n_out))
            W_y = np.zeros((K, n_out))
            W_x = coef
        W_x, W_sq = W_x[:n_units], W_x[n_units:]
        return _Weights(
            coef,
            intercept,
            W_u,
            np.ascontiguousarray(W_y[:, :K], dtype=dtype),
            np.ascontiguousarray(W_x[:, :K], dtype=dtype),
            np.ascontiguousarray(W_sq[:, :K], dtype=dtype),
        )

    # ------------------------------------------------------------------
    # forecasting in the transformed space
    # ------------------------------------------------------------------

    def _closed_loop(self, x0, z_hist, Xf, n_steps, weights: _Weights):
        """Closed-loop forecasts (n_steps, K) of the transformed series."""
        res = self.reservoir_
        layers = _layers(res)
        first = layers[0]
        n_exog = self.n_exog_features_
        K = self.n_features_in_
        pre = np.empty((n_steps, first.n_units), dtype=res.dtype)
        pre[:] = first.bias
        with blas_threads(1):  # bits that do not depend on n_jobs
            if n_exog:
                pre += Xf.astype(res.dtype, copy=False) @ first.W_in[:n_exog]
            ro = np.ascontiguousarray(
                Xf @ weights.W_u[:, :K] + weights.b_out[:K], dtype=res.dtype
            )
        out = np.empty((n_steps, K), dtype=res.dtype)
        x_final = np.empty(res.n_units, dtype=res.dtype)
        x0 = np.ascontiguousarray(x0, dtype=res.dtype)
        y_hist = np.ascontiguousarray(
            z_hist if self.include_input else z_hist[:1], dtype=res.dtype
        )
        W_fb = self._W_fb
        if len(layers) > 1:
            _generate.generate_deep(
                pre,
                ro,
                W_fb,
                weights.W_x,
                weights.W_y,
                weights.W_sq,
                _generate.FEATURE_CODES[self._features],
                *_pack_layers(layers),
                x0,
                y_hist,
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
                W_fb,
                weights.W_x,
                weights.W_y,
                weights.W_sq,
                _generate.FEATURE_CODES[self._features],
                res.leak,
                res._code,
                x0,
                y_hist,
                out,
                x_final,
            )
        else:
            _generate.generate_dense(
                pre,
                ro,
                res._W,
                W_fb,
                weights.W_x,
                weights.W_y,
                weights.W_sq,
                _generate.FEATURE_CODES[self._features],
                res.leak,
                res._code,
                x0,
                y_hist,
                out,
                x_final,
            )
        return out.astype(np.float64, copy=False)

    def _forecast_z(self, x_before, z_hist, Xf, n_steps, weights=None):
        """Forecasts (n_steps, K) of the transformed series.

        ``x_before`` is the state before the last observed value
        ``z_hist[0]`` was fed in; ``z_hist`` holds the last ``n_lags``
        observed values, most recent first; ``Xf`` the exogenous inputs of
        the forecast steps.
        """
        weights = self._weights if weights is None else weights
        if self.strategy != "direct":
            return self._closed_loop(x_before, z_hist, Xf, n_steps, weights)
        U = np.hstack([Xf[:1], z_hist[None, 0]])
        x1 = self._final_state(U, x_before)
        lags = z_hist[1:].reshape(1, -1)
        feats = self._readout_features(U, lags, x1[None, :])
        with blas_threads(1):  # bits that do not depend on n_jobs
            out = feats @ weights.W_out + weights.b_out
        return out.reshape(self._horizon, self.n_features_in_)[:n_steps]

    def _check_divergence(self, z: np.ndarray, y: np.ndarray) -> None:
        """Warn or raise (per ``divergence``) about a runaway forecast."""
        if self.divergence == "ignore":
            return
        bad = self._divergent(z, y)
        if not np.any(bad):
            return
        message = (
            f"the forecast diverged: {int(bad.sum())} of {bad.size} forecast "
            "value(s) are not finite or lie more than one training range outside "
            "the range of the (transformed) training series. Try a larger alpha, "
            "a smaller spectral_radius or feedback_scaling, noise_level > 0, or a "
            "transform (difference, log)."
        )
        if self.divergence == "raise":
            raise DivergenceError(message)
        warnings.warn(message, DivergenceWarning, stacklevel=3)

    # ------------------------------------------------------------------
    # fitting
    # ------------------------------------------------------------------

    def _prepare(self, Y: np.ndarray, Xe: np.ndarray):
        """Transformed series, aligned exogenous inputs, reservoir inputs, lags."""
        Z = self._transform.transform(Y)
        if not np.all(np.isfinite(Z)):
            raise ValueError(
                "y overflowed when transformed (differences of values near the "
                "largest float); divide the series by its scale first."
            )
        Xz = Xe[self._transform.n_lost :]
        # row r consumes [X_(r+1), Z_r] and predicts Z_(r+1)
        U = np.hstack([Xz[1:], Z[:-1]])
        return Z, Xz, U, self._lag_block(Z)

    def fit(self, y: ArrayLike, X: ArrayLike | None = None) -> ESNForecaster:
        """Teacher-force the series through the reservoir and fit the readout.

        With a sequence of ``alpha`` values (or ``cv``) the penalty is chosen
        by rolling-origin cross-validation of ``horizon``-step forecasts.

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
        for name in (
            "_gram",
            "alpha_scores_",
            "alpha_fold_scores_",
            "_statistics_dropped",
        ):
            if hasattr(self, name):  # a refit starts from scratch
                delattr(self, name)
        Y, Xe = self._start(y, X, params)
        washout, horizon = params["washout"], self._horizon
        # rows with a full target
        n_rows = Y.shape[0] - self._transform.n_lost - horizon
        self._check_length(Y.shape[0], n_rows, params)
        Z, Xz, U, L = self._prepare(Y, Xe)
        T = self._targets(Z)
        rng = check_rng(self.random_state)
        reservoir = self._build(Xe.shape[1], Y.shape[1], rng, training=[U])
        with numba_threads(self.n_jobs):
            warn_if_not_washed_out(reservoir, U, washout)
        self.reservoir_ = reservoir
        cv = params["cv"]
        bounds = folds = None
        if cv is not None:
            bounds, folds = self._folds(cv, n_rows - washout)
            bounds = bounds + washout
        n_feat = self._n_readout_features(reservoir.n_units, U.shape[1] + L.shape[1])
        n_blocks = 1 if bounds is None else bounds.size - 1
        blocks = [self._accumulator(n_feat, T.shape[1]) for _ in range(n_blocks)]
        if bounds is None:
            bounds = np.array([washout, n_rows])
        closed_loop_cv = folds is not None and self._cv_in_closed_loop()
        origin_rows = feature_rows = np.empty(0, dtype=np.int64)
        if folds is not None:
            origin_rows = self._cv_origin_rows(folds, bounds, n_rows)
            if not closed_loop_cv:
                feature_rows = origin_rows
        captured_features = np.empty((feature_rows.size, n_feat))
        noise = params["noise_level"]
        x0 = reservoir.initial_states(1)[0]
        last = x0
        name = type(self).__name__
        progress = Progress(params["verbose"], name, "harvest", U.shape[0])
        streamed = self._streams_harvest(reservoir, noise, blocks)
        with numba_threads(self.n_jobs):
            # the kernel may run ahead in a helper thread, on one core, while
            # the Gram updates of the states already written run on one BLAS
            # thread (as ESNRegressor's harvest)
            ahead = reservoir.runs_ahead([U.shape[0]], n_feat) if streamed else None
        # Gram updates between the kernel's time chunks: one BLAS thread
        # beside a lock-step kernel (see gram_threads)
        lock_step = ahead is not None or reservoir.lock_step([U.shape[0]])
        with numba_threads(self.n_jobs), gram_threads(n_feat, lock_step):
            if streamed:
                chunks = self._teacher_forced_ahead(reservoir, U, x0, ahead)
            else:
                chunks = (
                    (start, u, states, _all_ready)
                    for start, u, states in self._teacher_forced(
                        reservoir, U, x0, rng, noise, params["noise_type"]
                    )
                )
            for start, u, states, ready in chunks:
                stop = start + states.shape[0]
                progress.update(stop - start)
                lags = L[start:stop]
                if streamed:
                    # the inputs and the states as they lie, centred straight
                    # into the accumulators' scratch, each block as soon as
                    # the kernel wrote it: the same rows in the same update
                    # calls' blocks, so the same bits
                    feats = self._split_features(u, lags, states)
                else:
                    feats = self._readout_features(u, lags, states, self._input_scale)
                for b in range(n_blocks):
                    lo, hi = max(bounds[b], start), min(bounds[b + 1], stop)
                    if lo >= hi:
                        continue
                    rows, targets = feats[lo - start : hi - start], T[lo:hi]
                    if streamed:
                        blocks[b].update_streamed(
                            rows, targets, lambda n, a=lo - start, r=ready: r(a + n)
                        )
                    else:
                        blocks[b].update(rows, targets)
                ready()
                hit = (feature_rows >= start) & (feature_rows < stop)
                if hit.any():
                    at = feature_rows[hit] - start
                    captured_features[hit] = self._readout_features(
                        u[at], lags[at], states[at], self._input_scale
                    )
                last = states[-1].copy()
            progress.close()
            self._state_noisy, self._rows_seen, self._rng = last, U.shape[0], rng
            if noise > 0:
                last = self._final_state(U, x0)
            gram = blocks[0] if len(blocks) == 1 else GramAccumulator.sum(blocks)
            _check_finite_statistics(gram, Y)
            self._set_transform_state(Y, Z)
            if folds is not None:
                if closed_loop_cv:
                    before = self._states_after(U, x0, origin_rows - 1)
                    scores = self._closed_loop_cv_scores(
                        Y, Z, Xz, blocks, folds, origin_rows, before, params
                    )
                else:
                    scores = self._readout_cv_scores(
                        Y, blocks, folds, origin_rows, captured_features, params
                    )
                self.alpha_fold_scores_ = scores
                self.alpha_scores_ = scores.mean(axis=0)
        self._choose_alpha(params)
        self._finish(gram, last, Y)
        if not self.keep_statistics:  # the readout is solved already
            del self._gram
            self._statistics_dropped = True
        return self

    def _accumulator(self, n_features: int, n_targets: int):
        """Ridge statistics, or the online readout behind the same interface."""
        if self.readout is None:
            return GramAccumulator(n_features, n_targets)
        accumulator = ReadoutAccumulator(self.readout)
        self.readout_ = accumulator.readout
        return accumulator

    def _start(self, y, X, params):
        """Validate the series and ``X``; set the transform and fitted sizes."""
        Y = self._check_series(y, "y", reset=True)
        self._check_levels(Y, "y")
        if X is None:
            Xe = np.empty((Y.shape[0], 0))
        else:
            Xe = self._column_array(X, "X", "n_exog_features")
            if Xe.shape[0] != Y.shape[0]:
                raise ValueError(
                    f"X must have one row per time step of y ({Y.shape[0]}); got "
                    f"{Xe.shape[0]} rows."
                )
        self.n_exog_features_ = Xe.shape[1]
        self._washout = params["washout"]
        self._n_lags = params["n_lags"]
        self._features = params["readout_features"]
        self._input_scale = 1.0 / np.sqrt(params["input_penalty"])
        self._horizon = params["horizon"] if params["strategy"] == "direct" else 1
        self._cv_horizon = params["horizon"]
        self._transform = SeriesTransform(
            log=bool(self.log),
            difference=params["difference"],
            seasonal_difference=params["seasonal_difference"],
            standardize=bool(self.standardize),
        )
        if Y.shape[0] > self._transform.n_lost:
            self._transform.fit(Y)
        return Y, Xe

    def _check_length(self, n_steps: int, n_rows: int, params) -> None:
        """A series long enough for the washout, horizon and differences."""
        washout, n_lost = params["washout"], self._transform.n_lost
        if n_rows > washout:
            return
        needed = washout + self._horizon + 1 + n_lost
        parts = [f"washout={washout}"]
        if self._horizon > 1:
            parts.append(f"horizon={self._horizon}")
        if n_lost:
            parts.append(f"{n_lost} step(s) lost to differencing")
        raise ValueError(
            f"y has {n_steps} time steps, too short for {' and '.join(parts)}; "
            f"it needs at least {needed}. Use a longer series or a smaller "
            "washout."
        )

    def _targets(self, Z: np.ndarray) -> np.ndarray:
        """Targets of the rows: Z_(r+1) (or Z_(r+1) .. Z_(r+H), step-major)."""
        n_steps, horizon = Z.shape[0], self._horizon
        if horizon == 1:
            return Z[1:]
        return np.hstack([Z[1 + h : n_steps - horizon + 1 + h] for h in range(horizon)])

    def _set_transform_state(self, Y: np.ndarray, Z: np.ndarray) -> None:
        """What forecasting needs from the training series besides the state."""
        transform = self._transform
        self.y_mean_ = transform.mean_.copy()
        self.y_scale_ = transform.scale_.copy()
        # the observed tail: history for the inverse transform and the lags
        self._tail = Y[-(transform.n_lost + self._n_lags) :].copy()
        self._z_range = (Z.min(axis=0), Z.max(axis=0))
        self._var = np.maximum(Y.var(axis=0), np.finfo(np.float64).tiny)

    def _finish(self, gram: GramAccumulator, last, Y: np.ndarray) -> None:
        """Solve the readout with ``alpha_`` and store the fitted state."""
        coef, intercept = gram.solve(self.alpha_)
        coef = self._unscaled(coef)
        self._gram = gram
        self.coef_, self.intercept_ = coef.T.copy(), intercept
        self._weights = self._split_weights(coef, intercept)
        self.state_ = np.asarray(last, dtype=np.float64)
        self.last_value_ = Y[-1].copy()

    def _choose_alpha(self, params) -> None:
        alphas = params["alphas"]
        if not hasattr(self, "alpha_scores_"):
            self.alpha_ = float(alphas[0])
            return
        scores = np.where(np.isfinite(self.alpha_scores_), self.alpha_scores_, -np.inf)
        self.alpha_scores_ = scores
        if np.all(scores == -np.inf):
            self.alpha_ = float(np.max(alphas))
            warnings.warn(
                f"every alpha gave diverging or non-finite validation forecasts; "
                f"using the largest, {self.alpha_:g}. Try a smaller "
                "spectral_radius or feedback_scaling, or larger alphas.",
                DivergenceWarning,
                stacklevel=3,
            )
            return
        self.alpha_ = float(alphas[int(np.argmax(scores))])
        verbose, name = params["verbose"], type(self).__name__
        for alpha, score in zip(alphas, scores, strict=True):
            report(verbose, name, f"alpha={alpha:.3g}: score {score:.6g}", level=2)
        report(
            verbose,
            name,
            f"alpha path: {alphas.size} alphas scored by {len(self.alpha_fold_scores_)}"
            f" rolling-origin folds; alpha_={self.alpha_:.3g} "
            f"(score {np.max(scores):.6g})",
        )

    # ------------------------------------------------------------------
    # cross-validation of the penalty
    # ------------------------------------------------------------------

    def _folds(self, cv, n_rows: int):
        try:
            return _cv_blocks(cv, n_rows)
        except ValueError as exc:
            if "produced no folds" in str(exc) or "Cannot have number" in str(exc):
                raise ValueError(
                    f"cv={cv!r} cannot split the {n_rows} training rows left after "
                    "the washout; use fewer splits, a smaller washout or a longer "
                    "series."
                ) from None
            raise

    def _cv_in_closed_loop(self) -> bool:
        return self.strategy == "recursive" and self._cv_horizon > 1

    def _cv_origin_rows(self, folds, bounds, n_rows) -> np.ndarray:
        """The rows each validation fold forecasts from (its first rows)."""
        if self._cv_in_closed_loop():
            most = int(
                np.clip(
                    CV_CLOSED_LOOP_STEPS // self._cv_horizon,
                    CV_MIN_ORIGINS,
                    CV_CLOSED_LOOP_ORIGINS,
                )
            )
        else:
            most = CV_READOUT_ORIGINS
        rows = []
        self._fold_origins = []
        for _, test in folds:
            block_rows = np.concatenate(
                [np.arange(bounds[b], bounds[b + 1]) for b in test]
            )
            block_rows = block_rows[block_rows < n_rows]
            if block_rows.size > most:
                pick = np.linspace(0, block_rows.size - 1, most).round().astype(int)
                block_rows = block_rows[np.unique(pick)]
            self._fold_origins.append(block_rows)
            rows.append(block_rows)
        return np.unique(np.concatenate(rows)) if rows else np.empty(0, np.int64)

    def _truth(self, Y, row: int, n_steps: int) -> np.ndarray:
        """Observed values forecast from row ``row`` (may be fewer at the end)."""
        first = row + 1 + self._transform.n_lost
        return Y[first : first + n_steps]

    def _divergent(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Where a forecast runs away: ``z`` (see ``_runaway``) or its
        inverse-transformed ``y`` not finite (same shape)."""
        return self._runaway(z) | ~np.isfinite(y)

    def _runaway(self, z: np.ndarray) -> np.ndarray:
        """Whether forecasts ``z`` (..., K) diverge: not finite, or more than
        one training range outside the transformed training series' range."""
        lo, hi = self._z_range
        span = hi - lo
        with np.errstate(invalid="ignore"):
            return ~np.isfinite(z) | (z < lo - span) | (z > hi + span)

    def _fold_errors(self, Y, rows, forecasts) -> np.ndarray:
        """Relative squared error per alpha of forecasts (A, n, H, K).

        At each step ``h`` of the horizon, the squared error summed over the
        origins (each column divided by its training variance) is divided by
        the persistence forecast's at that step; the score is the mean over
        the steps, so every step weighs the same (a plain mean would be
        dominated by the long horizons' larger errors), with
        ``FIRST_STEP_SHARE`` of it on the first step. An alpha whose
        forecasts diverge anywhere (see ``_runaway``) scores infinity,
        however well its other forecasts did.
        """
        transform = self._transform
        H = forecasts.shape[2]
        per_step = np.zeros((forecasts.shape[0], H))
        naive = np.zeros(H)
        diverged = np.zeros(forecasts.shape[0], dtype=bool)
        for i, row in enumerate(rows):
            truth = self._truth(Y, row, H)
            first = row + 1 + transform.n_lost
            n = truth.shape[0]
            z = forecasts[:, i, :n]
            with np.errstate(over="ignore", invalid="ignore"):
                y_hat = transform.inverse_forecast(z, Y[:first])
                err = ((y_hat - truth) ** 2 / self._var).sum(axis=2)
            per_step[:, :n] += np.where(np.isfinite(err), err, np.inf)
            naive[:n] += ((truth - Y[first - 1]) ** 2 / self._var).sum(axis=1)
            diverged |= self._runaway(z).any(axis=(1, 2))
        # a step the persistence forecast gets exactly right weighs like a
        # step with a tiny error, not infinitely
        naive = np.maximum(naive, 1e-12 * max(float(naive.max()), 1e-300))
        with np.errstate(invalid="ignore"):
            relative = per_step / naive
            score = (1 - FIRST_STEP_SHARE) * relative.mean(axis=1)
            score += FIRST_STEP_SHARE * relative[:, 0]
        return np.where(diverged | ~np.isfinite(score), np.inf, score)

    def _readout_cv_scores(self, Y, blocks, folds, origin_rows, features, params):
        """Fold scores (n_folds, A) of one-step or direct readout forecasts."""
        alphas = params["alphas"]
        K = self.n_features_in_
        scores = np.empty((len(folds), alphas.size))
        progress = Progress(
            params["verbose"], type(self).__name__, "alpha path", len(folds), "folds"
        )
        with progress:
            for k, ((train, _), rows) in enumerate(
                zip(folds, self._fold_origins, strict=True)
            ):
                path = RidgePath(GramAccumulator.sum(blocks[b] for b in train))
                feats = features[np.searchsorted(origin_rows, rows)]
                pred = path.predict(feats, alphas)  # (A, n, H * K)
                pred = pred.reshape(alphas.size, rows.size, self._horizon, K)
                scores[k] = -self._fold_errors(Y, rows, pred)
                progress.update(1)
        return scores

    def _closed_loop_cv_scores(
        self, Y, Z, Xz, blocks, folds, origin_rows, before, params
    ):
        """Fold scores (n_folds, A) of ``horizon``-step closed-loop forecasts."""
        alphas = params["alphas"]
        horizon, K = self._cv_horizon, self.n_features_in_
        scores = np.empty((len(folds), alphas.size))
        progress = Progress(
            params["verbose"],
            type(self).__name__,
            f"alpha path ({horizon}-step closed-loop forecasts)",
            len(folds) * alphas.size,
            "fold-alphas",
        )
        for k, ((train, _), rows) in enumerate(
            zip(folds, self._fold_origins, strict=True)
        ):
            path = RidgePath(GramAccumulator.sum(blocks[b] for b in train))
            coefs, intercepts = path.coefs(alphas)
            coefs = self._unscaled(coefs)
            forecasts = np.full((alphas.size, rows.size, horizon, K), np.nan)
            for a in range(alphas.size):
                weights = self._split_weights(coefs[a], intercepts[a])
                for i, row in enumerate(rows):
                    n_steps = min(horizon, Z.shape[0] - 1 - row)
                    x_before = before[np.searchsorted(origin_rows, row)]
                    z_hist = self._lag_history(Z[: row + 1], self._n_lags)
                    Xf = Xz[row + 1 : row + 1 + n_steps]
                    forecasts[a, i, :n_steps] = self._closed_loop(
                        x_before, z_hist, Xf, n_steps, weights
                    )
                progress.update(1)
            scores[k] = -self._fold_errors(Y, rows, forecasts)
        progress.close()
        return scores

    # ------------------------------------------------------------------
    # streaming
    # ------------------------------------------------------------------

    def partial_fit(self, y: ArrayLike, X: ArrayLike | None = None) -> ESNForecaster:
        """Continue the training series with ``y`` and re-solve the readout.

        The first call (on a forecaster that is not fitted) draws the weights
        and fixes the transform (log, differences and the standardisation
        statistics of this first chunk); each later call continues the
        series from where the previous one ended, adding its rows to the
        accumulated statistics. With ``standardize=False`` (or the same
        statistics) any split of a series into calls gives the readout of one
        :meth:`fit` on all of it, to round-off. Needs a single ``alpha``, no
        ``cv`` and the recursive strategy. With training noise the draws
        depend on the split.

        Parameters
        ----------
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
            The next part of the series.
        X : array-like of shape (n_timesteps, n_exog_features), default=None
            Its exogenous inputs.

        Returns
        -------
        self : ESNForecaster
            The updated forecaster.

        Examples
        --------
        >>> import numpy as np
        >>> from reservoir.forecast import ESNForecaster
        >>> rng = np.random.RandomState(0)
        >>> y = np.sin(np.arange(3000) / 8) + 0.1 * rng.standard_normal(3000)
        >>> model = ESNForecaster(50, alpha=0.1, standardize=False, random_state=0)
        >>> for start in range(0, 3000, 1000):
        ...     _ = model.partial_fit(y[start:start + 1000])
        >>> whole = ESNForecaster(50, alpha=0.1, standardize=False,
        ...                       random_state=0).fit(y)
        >>> bool(np.allclose(model.coef_, whole.coef_, atol=1e-10))
        True
        """
        params = self._check_params()
        if params["is_path"] or params["cv"] is not None:
            raise ValueError(
                "partial_fit needs a single alpha and cv=None (the calls are not "
                "validation blocks); fit with a sequence of alphas to choose one."
            )
        if params["strategy"] != "recursive":
            raise ValueError(
                "partial_fit supports strategy='recursive' only (the direct "
                "readouts need targets from the next chunk)."
            )
        check_partial_fit_allowed(self)
        first = not hasattr(self, "_gram")
        if first:
            Y, Xe = self._start(y, X, params)
            if Y.shape[0] <= self._transform.n_lost:
                raise ValueError(
                    f"the first chunk has {Y.shape[0]} time steps; it needs more "
                    f"than the {self._transform.n_lost} lost to differencing."
                )
            rng = check_rng(self.random_state)
            self.reservoir_ = self._build(Xe.shape[1], Y.shape[1], rng)
            self._rng = rng
            Z, _, U, L = self._prepare(Y, Xe)
            T = self._targets(Z)
            n_feat = self._n_readout_features(
                self.reservoir_.n_units, U.shape[1] + L.shape[1]
            )
            gram = self._accumulator(n_feat, T.shape[1])
            x0 = clean = self.reservoir_.initial_states(1)[0]
            seen = 0
            history_y = Y
        else:
            Y = self._check_series(y, "y", reset=False)
            self._check_levels(Y, "y")
            Xe = self._check_exog(X, "X", Y.shape[0], "time step of y")
            # the new steps continue the stored tail (differences, lags)
            history_y = np.vstack([self._tail, Y])
            n_tail = self._tail.shape[0]
            Xh = np.vstack([np.zeros((n_tail, Xe.shape[1])), Xe])
            Z, _, U, L = self._prepare(history_y, Xh)
            keep = Z.shape[0] - Y.shape[0] - 1  # rows already trained on
            U, L, T = U[keep:], L[keep:], Z[keep + 1 :]
            gram, x0, clean = self._gram, self._state_noisy, self.state_
            seen = self._rows_seen
        noise = params["noise_level"]
        washout = params["washout"]
        progress = Progress(
            params["verbose"], type(self).__name__, "harvest", U.shape[0]
        )
        lock_step = self.reservoir_.lock_step([U.shape[0]])
        n_feat = self._n_readout_features(
            self.reservoir_.n_units, U.shape[1] + L.shape[1]
        )
        with numba_threads(self.n_jobs), gram_threads(n_feat, lock_step), progress:
            last = x0
            for start, u, states in self._teacher_forced(
                self.reservoir_, U, x0, self._rng, noise, params["noise_type"]
            ):
                stop = start + states.shape[0]
                progress.update(stop - start)
                skip = max(washout - seen - start, 0)
                if start + skip < stop:
                    gram.update(
                        self._readout_features(
                            u[skip:],
                            L[start + skip : stop],
                            states[skip:],
                            self._input_scale,
                        ),
                        T[start + skip : stop],
                    )
                last = states[-1].copy()
            clean = self._final_state(U, clean) if noise > 0 else last
        self._rows_seen = seen + U.shape[0]
        self._state_noisy = last
        if first:
            self._set_transform_state(Y, Z)
        else:
            self._tail = history_y[-self._tail.shape[0] :].copy()
            lo, hi = self._z_range
            self._z_range = (
                np.minimum(lo, Z.min(axis=0)),
                np.maximum(hi, Z.max(axis=0)),
            )
        self.alpha_ = float(params["alphas"][0])
        if gram.n_samples == 0:
            raise ValueError(
                f"the series so far ({self._rows_seen + 1} steps after the "
                f"differences) lies inside washout={washout}: no row to fit the "
                "readout yet. Pass more of the series."
            )
        self._finish(gram, clean, history_y)
        return self

    # ------------------------------------------------------------------
    # public API
    # ------------------------------------------------------------------

    def _warm_up(self, context, X_context):
        """Start for a forecast: state, lag history (transformed), history."""
        transform = self._transform
        if context is None:
            if X_context is not None:
                raise ValueError("X_context was given without context; pass both.")
            Z_tail = transform.transform(self._tail)
            return (
                self.state_.copy(),
                self._lag_history(Z_tail, self._n_lags),
                self._tail,
            )
        ctx = self._check_series(context, "context", reset=False)
        self._check_levels(ctx, "context")
        n_ctx = ctx.shape[0]
        needed = transform.n_lost + max(self._washout, self._n_lags, 1)
        if n_ctx < needed:
            raise ValueError(
                f"context has {n_ctx} time steps but needs at least {needed} "
                f"(washout={self._washout} to warm the reservoir up"
                + (f", n_lags={self._n_lags}" if self._n_lags > 1 else "")
                + (
                    f", plus {transform.n_lost} lost to differencing"
                    if transform.n_lost
                    else ""
                )
                + "); pass a longer context."
            )
        Xc = self._check_exog(X_context, "X_context", n_ctx, "context step")
        Zc = transform.transform(ctx)
        Xz = Xc[transform.n_lost :]
        x0 = np.zeros(self.reservoir_.n_units, dtype=self.reservoir_.dtype)
        if Zc.shape[0] > 1:
            U = np.hstack([Xz[1:], Zc[:-1]])
            with numba_threads(self.n_jobs):
                x0 = self._final_state(U, x0)
        return x0, self._lag_history(Zc, self._n_lags), ctx

    def _check_n_steps(self, n_steps) -> int:
        n_steps = check_int(n_steps, "n_steps", low=1)
        if self._horizon > 1 and n_steps > self._horizon:
            raise ValueError(
                f"n_steps={n_steps} exceeds horizon={self._horizon}, the number of "
                f"steps the direct strategy was trained for; ask for at most "
                f"{self._horizon} steps or refit with a larger horizon."
            )
        return n_steps

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
        the per-horizon readouts instead. A runaway forecast warns or raises
        (see ``divergence``).

        Parameters
        ----------
        n_steps : int
            Number of future steps (>= 1; at most ``horizon`` for the direct
            strategy).
        context : array-like of shape (n_context, n_features), default=None
            Recent history to warm up on, at least ``washout`` steps (plus
            those lost to differencing); the forecast continues it. None
            continues the training series (from ``state_``).
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
            The forecast, 1-D when the forecaster was fitted on a 1-D series;
            float32 when ``dtype='float32'`` (computed in float64, then
            rounded).
        """
        out, z = self._forecast_raw(n_steps, context, X_future, X_context)
        self._check_divergence(z, out)
        return self._output(out)

    def _forecast_raw(self, n_steps, context, X_future, X_context):
        """``forecast`` before the divergence check: the forecast (n_steps,
        K) and its transformed values ``z``."""
        check_is_fitted(self)
        n_steps = self._check_n_steps(n_steps)
        Xf = self._check_exog(X_future, "X_future", n_steps, "forecast step")
        x0, z_hist, history = self._warm_up(context, X_context)
        with numba_threads(self.n_jobs):
            z = self._forecast_z(x0, z_hist, Xf, n_steps)
        return self._transform.inverse_forecast(z, history), z

    def forecast_origins(
        self,
        y: ArrayLike,
        origins: ArrayLike,
        n_steps: int,
        X: ArrayLike | None = None,
    ) -> np.ndarray:
        """Forecasts of ``n_steps`` values from several origins of one series.

        Forecast ``i`` uses the first ``origins[i]`` values of ``y`` as its
        context and predicts ``y[origins[i]], ..., y[origins[i] + n_steps -
        1]`` (whether or not they are observed): exactly ``forecast(n_steps,
        context=y[:origins[i]])``, with one teacher-forced pass through ``y``
        for all of them. This is the rolling-origin backtest of a model fitted
        once.

        Parameters
        ----------
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
            The series (the training series and what follows it, say).
        origins : array-like of int
            Numbers of observed values before each forecast, each at least
            the context :meth:`forecast` needs and at most ``n_timesteps``.
        n_steps : int
            Steps to forecast from each origin.
        X : array-like of shape (n_rows, n_exog_features), default=None
            Exogenous inputs, one row per time step of ``y`` and of the
            forecast steps (``n_rows >= max(origins) + n_steps``); required
            when the forecaster was fitted with ``X``.

        Returns
        -------
        forecasts : ndarray of shape (n_origins, n_steps) or (n_origins, \
n_steps, n_features)
            One forecast per origin (2-D when fitted on a 1-D series); float32
            when ``dtype='float32'``.
        """
        out, z = self._forecast_origins_raw(y, origins, n_steps, X)
        self._check_divergence(z, out)
        return self._out_dtype(out[..., 0] if self._y_ndim == 1 else out)

    def _forecast_origins_raw(self, y, origins, n_steps, X):
        """``forecast_origins`` before the divergence check: forecasts
        (n_origins, n_steps, K) and their transformed values ``z``."""
        check_is_fitted(self)
        n_steps = self._check_n_steps(n_steps)
        Y = self._check_series(y, "y", reset=False)
        self._check_levels(Y, "y")
        origins = np.asarray(origins)
        if origins.ndim != 1 or origins.size == 0 or origins.dtype.kind not in "iu":
            raise ValueError(
                f"origins must be a non-empty 1-D array of integers; got {origins!r}."
            )
        transform = self._transform
        lowest = transform.n_lost + max(self._washout, self._n_lags, 1)
        if origins.min() < lowest or origins.max() > Y.shape[0]:
            raise ValueError(
                f"origins must lie in [{lowest}, {Y.shape[0]}]: at least the "
                f"warm-up a forecast needs (washout={self._washout}"
                + (
                    f" plus {transform.n_lost} lost to differencing"
                    if transform.n_lost
                    else ""
                )
                + f") and at most the length of y; got {origins.min()} to "
                f"{origins.max()}."
            )
        n_x = max(int(origins.max()) + n_steps, Y.shape[0])
        if X is None:
            Xe = self._check_exog(None, "X", n_x, "step of y and of the forecasts")
        else:
            Xe = self._column_array(X, "X", "n_exog_features")
            if not self.n_exog_features_:
                self._check_exog(Xe, "X", n_x, "step")
            if Xe.shape[0] < n_x or Xe.shape[1] != self.n_exog_features_:
                raise ValueError(
                    f"X must have at least {n_x} rows (one per step of y and of the "
                    f"forecasts: max(origins) + n_steps) and "
                    f"{self.n_exog_features_} columns; got {Xe.shape}."
                )
        Z = transform.transform(Y)
        Xz = Xe[transform.n_lost :]
        U = np.hstack([Xz[1 : Z.shape[0]], Z[:-1]])
        z_origins = origins.astype(np.int64) - transform.n_lost
        order = np.argsort(z_origins, kind="stable")
        x0 = self.reservoir_.initial_states(1)[0]
        K = self.n_features_in_
        z = np.empty((origins.size, n_steps, K))
        out = np.empty_like(z)
        with numba_threads(self.n_jobs):
            before = self._states_after(U, x0, z_origins[order] - 2)
            for k, i in enumerate(order):
                zo = z_origins[i]
                z_hist = self._lag_history(Z[:zo], self._n_lags)
                Xf = Xz[zo : zo + n_steps]
                z[i] = self._forecast_z(before[k], z_hist, Xf, n_steps)
                out[i] = transform.inverse_forecast(z[i], Y[: origins[i]])
        return out, z

    def _output(self, Y: np.ndarray) -> np.ndarray:
        return self._out_dtype(Y[:, 0] if self._y_ndim == 1 else Y)

    def _out_dtype(self, values: np.ndarray) -> np.ndarray:
        """``values`` (computed in float64) in the precision of ``dtype``:
        float32 in, float32 out."""
        if self.reservoir_.dtype != np.float32:
            return values
        with np.errstate(over="ignore"):
            out = values.astype(np.float32)
        if not np.all(np.isfinite(out)) and np.all(np.isfinite(values)):
            warnings.warn(
                f"{type(self).__name__} with dtype='float32' returns float32, "
                f"and the forecasts (up to {np.max(np.abs(values)):.3g}) are "
                f"beyond float32's range: they are infinite. Use "
                f"dtype='float64' for values this large.",
                RuntimeWarning,
                stacklevel=3,
            )
        return out

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
            One-step-ahead predictions; float32 when ``dtype='float32'``.
        """
        check_is_fitted(self)
        Y = self._check_series(y, "y", reset=False)
        self._check_levels(Y, "y")
        Xe = self._check_exog(X, "X", Y.shape[0], "time step of y")
        x0, z_hist, history = self._warm_up(context, X_context)
        transform = self._transform
        full = np.vstack([history, Y])
        Z = transform.transform(full)[-Y.shape[0] - 1 :]
        # rows consume [X_t, Z_(t-1)] for every step t of y, lags before it
        lag_source = np.vstack([z_hist[::-1], Z[1:]])
        U = np.hstack([Xe, Z[:-1]])
        L = self._lag_block(lag_source)[-Y.shape[0] :]
        k = self.n_features_in_
        z_pred = np.empty((Y.shape[0], k))
        with numba_threads(self.n_jobs):
            for start, u, states in self._teacher_forced(self.reservoir_, U, x0):
                stop = start + states.shape[0]
                feats = self._readout_features(u, L[start:stop], states)
                # one BLAS thread: the product's bits would otherwise depend
                # on the thread count (so on n_jobs)
                with blas_threads(1):
                    product = feats @ self._weights.W_out[:, :k]
                z_pred[start:stop] = product + self._weights.b_out[:k]
        out = self._out_dtype(transform.inverse_one_step(z_pred, full))
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
