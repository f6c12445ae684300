"""scikit-learn estimators built on a reservoir: ESNRegressor, ReservoirTransformer."""

from __future__ import annotations

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    MultiOutputMixin,
    RegressorMixin,
    TransformerMixin,
    clone,
)
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted

from ._reservoir import Reservoir
from ._ridge import GramAccumulator
from ._threading import numba_threads
from ._validation import (
    ACTIVATIONS,
    check_dtype,
    check_int,
    check_leak_rate,
    check_option,
    check_real,
    check_rng,
    check_sequences,
    reshape_output,
)
from .matrices import bias_vector, input_matrix, recurrent_matrix

__all__ = ["ESNRegressor", "ReservoirTransformer"]


class _BaseReservoirEstimator(BaseEstimator):
    """Reservoir hyperparameters, weight construction and input handling.

    Subclasses define ``__init__`` with the flat hyperparameters below (plus
    their own) and call ``_fit_reservoir`` and ``_check_sequences``.
    """

    def _build_reservoir(self, n_features: int) -> Reservoir:
        """Validate the reservoir hyperparameters and draw fresh weights."""
        n_units = check_int(self.n_units, "n_units", low=1)
        check_option(self.activation, "activation", ACTIVATIONS)
        leak = check_leak_rate(self.leak_rate, n_units)
        dtype = check_dtype(self.dtype)
        rng = check_rng(self.random_state)
        W = recurrent_matrix(
            n_units,
            spectral_radius=self.spectral_radius,
            density=self.density,
            distribution=self.distribution,
            topology=self.topology,
            random_state=rng,
        )
        W_in = input_matrix(
            n_features,
            n_units,
            input_scaling=self.input_scaling,
            density=self.input_density,
            random_state=rng,
        )
        bias = bias_vector(n_units, bias_scaling=self.bias_scaling, random_state=rng)
        self.W_, self.W_in_, self.bias_ = W, W_in, bias
        return Reservoir(W, W_in, bias, leak, self.activation, dtype)

    def _check_sequences(self, X, y="no_validation", *, reset: bool):
        return check_sequences(self, X, y, reset=reset)

    def _initial_states(self, n_sequences: int, initial_state) -> np.ndarray:
        """Zero states or the validated ``initial_state``."""
        if initial_state is None:
            return self.reservoir_.initial_states(n_sequences)
        n_units = self.reservoir_.n_units
        x0 = check_array(
            initial_state, ensure_2d=False, dtype=np.float64, input_name="initial_state"
        )
        if x0.shape not in ((n_units,), (n_sequences, n_units)):
            raise ValueError(
                f"initial_state must have shape ({n_units},) or "
                f"({n_sequences}, {n_units}); got {x0.shape}."
            )
        return self.reservoir_.initial_states(n_sequences, x0)

    def _features(self, U: np.ndarray, states: np.ndarray) -> np.ndarray:
        """Readout features ``[u_t, x_t]`` (or ``x_t``) as float64."""
        if self.include_input:
            return np.hstack([U, states.astype(np.float64, copy=False)])
        return states.astype(np.float64, copy=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


_PARAMS_DOC = """\
    n_units : int, default=100
        Number of reservoir units ``N``.
    spectral_radius : float, default=0.9
        Spectral radius of the recurrent matrix (>= 0). See
        :func:`reservoir.recurrent_matrix` for the delay line's meaning.
    density : float in (0, 1], default=None
        Fraction of non-zero recurrent weights for ``topology='random'``;
        None means 0.1. Must stay None for the other topologies.
    topology : {'random', 'ring', 'delay_line', 'cycle_jumps', 'orthogonal'}, \
default='random'
        Structure of the recurrent matrix.
    distribution : {'normal', 'uniform', 'bernoulli'}, default='normal'
        Distribution of the recurrent weights before scaling.
    input_scaling : float or array-like of shape (n_features,), default=1.0
        Scale of the (uniform) input weights, one value or one per feature.
    input_density : float in (0, 1], default=1.0
        Fraction of non-zero input weights.
    bias_scaling : float, default=1.0
        Scale of the (uniform) reservoir bias; 0 for none.
    leak_rate : float in (0, 1] or array-like of shape (n_units,), default=1.0
        Leak rate ``a`` of the leaky-integrator update, one value or one per
        unit.
    activation : {'tanh', 'identity', 'relu', 'sigmoid'}, default='tanh'
        Reservoir nonlinearity ``f``.
"""

_TAIL_DOC = """\
    dtype : {'float64', 'float32'}, default='float64'
        Precision of the reservoir states. The readout is always solved in
        float64.
    random_state : int, RandomState instance, Generator or None, default=None
        Seed for the weights. The same seed gives bit-identical float64
        results; None draws fresh weights from the operating system's entropy.
    n_jobs : int, default=None
        Numba threads used to run many sequences (and large reservoirs). None
        means 1, so that joblib-parallel searches do not oversubscribe the
        cores; -1 means all cores.
"""


class ESNRegressor(MultiOutputMixin, RegressorMixin, _BaseReservoirEstimator):
    __doc__ = f"""Echo state network regressor: a fixed reservoir and a trained readout.

    Each step computes ``x_t = (1 - a) x_(t-1) + a f(u_t W_in + x_(t-1) W + b)``
    from the zero state, and the readout maps ``[1, u_t, x_t]`` to the target
    of step ``t``. By default the readout is ridge regression with an
    unpenalised intercept, fitted from Gram matrices accumulated chunk by chunk
    (the ``(T, N)`` state matrix is never held in memory).

    ``X`` is one sequence, a 2-D array ``(n_timesteps, n_features)`` whose rows
    are time steps (so scalers, pipelines and ``TimeSeriesSplit`` work
    unchanged), or several sequences: a list of 2-D arrays (lengths may differ)
    or a 3-D array ``(n_sequences, n_timesteps, n_features)``. ``y`` has one
    row per time step, in the same layout. Every sequence starts from the zero
    state unless ``initial_state`` is given to :meth:`predict`.

    Parameters
    ----------
{_PARAMS_DOC}    washout : int, default=0
        Steps at the start of each sequence that are run but not used to fit
        the readout. Must be smaller than every training sequence.
    alpha : float, default=1e-6
        Ridge penalty (>= 0) on the readout weights (not the intercept).
    include_input : bool, default=True
        Whether the readout also sees the input ``u_t``.
    readout : regressor, default=None
        Any scikit-learn regressor to use instead of the built-in ridge; it is
        cloned in ``fit`` and trained on the materialised features.
{_TAIL_DOC}
    Attributes
    ----------
    W_ : ndarray or scipy.sparse.csr_array of shape (n_units, n_units)
        Recurrent weights.
    W_in_ : ndarray of shape (n_features, n_units)
        Input weights.
    bias_ : ndarray of shape (n_units,)
        Reservoir bias.
    coef_ : ndarray of shape (n_readout_features,) or (n_targets, \
n_readout_features)
        Ridge readout weights on ``[u_t, x_t]`` (``x_t`` alone without the
        input); absent when ``readout`` is given.
    intercept_ : float or ndarray of shape (n_targets,)
        Readout intercept; absent when ``readout`` is given.
    readout_ : regressor
        The fitted readout when ``readout`` is given.
    reservoir_ : object
        The weights in the layout the compiled kernels use (private).
    n_features_in_ : int
        Number of input features.
    feature_names_in_ : ndarray of shape (n_features,)
        Input column names, when ``X`` was a DataFrame.

    See Also
    --------
    ReservoirTransformer : the reservoir states as features for any estimator.

    Examples
    --------
    >>> from reservoir import ESNRegressor
    >>> from reservoir.datasets import mackey_glass, to_forecasting
    >>> from reservoir.metrics import nrmse
    >>> X, y = to_forecasting(mackey_glass(1500), horizon=1)
    >>> esn = ESNRegressor(200, spectral_radius=0.9, leak_rate=0.5, washout=100,
    ...                    alpha=1e-8, random_state=0).fit(X[:1000], y[:1000])
    >>> bool(nrmse(y[1000:], esn.predict(X[1000:])) < 0.01)
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
        washout: int = 0,
        alpha: float = 1e-6,
        include_input: bool = True,
        readout=None,
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
        self.washout = washout
        self.alpha = alpha
        self.include_input = include_input
        self.readout = readout
        self.dtype = dtype
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y):
        """Build the reservoir, run the training sequences and fit the readout.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), list of such arrays \
or ndarray of shape (n_sequences, n_timesteps, n_features)
            Input sequence(s).
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_targets), or \
one such array per sequence
            Target of every time step.

        Returns
        -------
        self : ESNRegressor
            The fitted estimator.
        """
        washout = check_int(self.washout, "washout", low=0)
        alpha = check_real(self.alpha, "alpha", low=0.0)
        if not isinstance(self.include_input, bool | np.bool_):
            raise TypeError(
                f"include_input must be True or False; got {self.include_input!r}."
            )
        if self.readout is not None and not (
            hasattr(self.readout, "fit") and hasattr(self.readout, "predict")
        ):
            raise TypeError(
                f"readout must be None or a scikit-learn regressor with fit and "
                f"predict; got {self.readout!r}."
            )
        sequences, targets, _ = self._check_sequences(X, y, reset=True)
        for i, seq in enumerate(sequences):
            if seq.shape[0] <= washout:
                raise ValueError(
                    f"washout={washout} leaves no training step in sequence {i}, "
                    f"which has {seq.shape[0]} steps; use a washout smaller than "
                    f"the shortest sequence or longer sequences."
                )
        self._y_ndim = targets[0].ndim
        targets = [t.reshape(t.shape[0], -1) for t in targets]
        reservoir = self._build_reservoir(sequences[0].shape[1])
        x0 = reservoir.initial_states(len(sequences))
        n_readout = reservoir.n_units + (
            sequences[0].shape[1] if self.include_input else 0
        )
        with numba_threads(self.n_jobs):
            if self.readout is None:
                gram = GramAccumulator(n_readout, targets[0].shape[1])
                for i, start, states in reservoir.iter_states(sequences, x0):
                    skip = max(washout - start, 0)
                    stop = start + states.shape[0]
                    if skip < states.shape[0]:
                        gram.update(
                            self._features(
                                sequences[i][start + skip : stop], states[skip:]
                            ),
                            targets[i][start + skip : stop],
                        )
                coef, intercept = gram.solve(alpha)
            else:
                states = reservoir.run(sequences, x0)
                Z = np.vstack(
                    [
                        self._features(u[washout:], s[washout:])
                        for u, s in zip(sequences, states, strict=True)
                    ]
                )
                Y = np.vstack([t[washout:] for t in targets])
                self.readout_ = clone(self.readout).fit(
                    Z, Y[:, 0] if self._y_ndim == 1 else Y
                )
        self.reservoir_ = reservoir
        if self.readout is None:
            self._W_out, self._b_out = coef, intercept
            if self._y_ndim == 1:
                self.coef_, self.intercept_ = coef[:, 0], float(intercept[0])
            else:
                self.coef_, self.intercept_ = coef.T.copy(), intercept
        return self

    def _readout_predict(self, Z: np.ndarray) -> np.ndarray:
        if self.readout is None:
            out = Z @ self._W_out + self._b_out
            return out[:, 0] if self._y_ndim == 1 else out
        return np.asarray(self.readout_.predict(Z))

    def predict(self, X, *, initial_state=None, return_state: bool = False):
        """Run the input sequence(s) through the reservoir and the readout.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), list of such arrays \
or ndarray of shape (n_sequences, n_timesteps, n_features)
            Input sequence(s).
        initial_state : array-like of shape (n_units,) or (n_sequences, \
n_units), default=None
            State to start from (for example the final state returned by an
            earlier call with ``return_state=True``). None starts every
            sequence from the zero state.
        return_state : bool, default=False
            Also return the state after the last step of each sequence.

        Returns
        -------
        y_pred : ndarray, or list of ndarrays for a list input
            Prediction for every time step, in the layout of ``X``.
        final_state : ndarray of shape (n_units,) or (n_sequences, n_units)
            Only with ``return_state=True``.
        """
        check_is_fitted(self)
        sequences, _, layout = self._check_sequences(X, reset=False)
        x0 = self._initial_states(len(sequences), initial_state)
        outputs: list = [None] * len(sequences)
        final = np.empty((len(sequences), self.reservoir_.n_units))
        with numba_threads(self.n_jobs):
            for i, start, states in self.reservoir_.iter_states(sequences, x0):
                stop = start + states.shape[0]
                part = self._readout_predict(
                    self._features(sequences[i][start:stop], states)
                )
                if outputs[i] is None:
                    outputs[i] = np.empty((sequences[i].shape[0], *part.shape[1:]))
                outputs[i][start:stop] = part
                if stop == sequences[i].shape[0]:
                    final[i] = states[-1]
        y_pred = reshape_output(outputs, layout)
        if return_state:
            return y_pred, (final[0] if layout == "one" else final)
        return y_pred


class ReservoirTransformer(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, _BaseReservoirEstimator
):
    __doc__ = f"""The states of a fixed reservoir as features.

    ``transform`` runs each sequence from the zero state and returns the state
    of every step, so any estimator can follow in a ``Pipeline``. There is no
    washout here (dropping rows would misalign ``y``); the readout after it sees
    every step.

    Parameters
    ----------
{_PARAMS_DOC}    include_input : bool, default=False
        Prepend the input ``u_t`` to the states ``[u_t, x_t]``.
{_TAIL_DOC}
    Attributes
    ----------
    W_ : ndarray or scipy.sparse.csr_array of shape (n_units, n_units)
        Recurrent weights.
    W_in_ : ndarray of shape (n_features, n_units)
        Input weights.
    bias_ : ndarray of shape (n_units,)
        Reservoir bias.
    reservoir_ : object
        The weights in the layout the compiled kernels use (private).
    n_features_in_ : int
        Number of input features.
    feature_names_in_ : ndarray of shape (n_features,)
        Input column names, when ``X`` was a DataFrame.

    See Also
    --------
    ESNRegressor : reservoir plus ridge readout in one estimator.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.pipeline import make_pipeline
    >>> from reservoir import ReservoirTransformer
    >>> from reservoir.datasets import mackey_glass, to_forecasting
    >>> X, y = to_forecasting(mackey_glass(600), horizon=1)
    >>> model = make_pipeline(ReservoirTransformer(100, random_state=0),
    ...                       Ridge(alpha=1e-6))
    >>> model.fit(X, y.ravel()).predict(X).shape
    (599,)
    >>> ReservoirTransformer(50, random_state=0).fit_transform(X).shape
    (599, 50)
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
        include_input: bool = False,
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
        self.include_input = include_input
        self.dtype = dtype
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        """Draw the reservoir weights for inputs shaped like ``X``.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), list of such arrays \
or ndarray of shape (n_sequences, n_timesteps, n_features)
            Input sequence(s); only the number of features is used.
        y : None
            Ignored.

        Returns
        -------
        self : ReservoirTransformer
            The fitted transformer.
        """
        if not isinstance(self.include_input, bool | np.bool_):
            raise TypeError(
                f"include_input must be True or False; got {self.include_input!r}."
            )
        sequences, _, _ = self._check_sequences(X, reset=True)
        self.reservoir_ = self._build_reservoir(sequences[0].shape[1])
        self._n_features_out = self.reservoir_.n_units + (
            self.n_features_in_ if self.include_input else 0
        )
        return self

    def transform(self, X, *, initial_state=None):
        """Reservoir states of every step.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), list of such arrays \
or ndarray of shape (n_sequences, n_timesteps, n_features)
            Input sequence(s).
        initial_state : array-like of shape (n_units,) or (n_sequences, \
n_units), default=None
            State to start from; None starts from the zero state.

        Returns
        -------
        states : ndarray of shape (n_timesteps, n_units [+ n_features]), or \
one such array per sequence
            States (after the input when ``include_input=True``), in the
            layout of ``X``.
        """
        check_is_fitted(self)
        sequences, _, layout = self._check_sequences(X, reset=False)
        x0 = self._initial_states(len(sequences), initial_state)
        with numba_threads(self.n_jobs):
            states = self.reservoir_.run(sequences, x0)
        if self.include_input:
            states = [
                np.hstack([u.astype(s.dtype, copy=False), s])
                for u, s in zip(sequences, states, strict=True)
            ]
        return reshape_output(states, layout)
