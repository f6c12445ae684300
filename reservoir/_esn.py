"""scikit-learn estimators built on a reservoir: ESNRegressor, ReservoirTransformer."""

from __future__ import annotations

import itertools
import numbers
import time
import warnings
from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    MultiOutputMixin,
    RegressorMixin,
    TransformerMixin,
    clone,
)
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted

from . import _reservoir as _reservoir_module
from ._model_space import MODEL_SPACE_DOC, MODEL_SPACES, ModelSpaceMixin
from ._plasticity import adapt as adapt_plasticity
from ._plasticity import check_plasticity, folded_reservoir
from ._progress import Progress, check_verbose, report
from ._readout_features import (
    READOUT_FEATURES,
    lag_rows,
    lag_tail,
    n_state_features,
    readout_rows,
)
from ._reservoir import BidirectionalReservoir, DeepReservoir, Reservoir
from ._ridge import GramAccumulator, RidgePath, RowBuffer, SplitRows
from ._threading import blas_threads, gram_threads, numba_threads
from ._validation import (
    ACTIVATIONS,
    check_dtype,
    check_int,
    check_leak_rate,
    check_option,
    check_readout_features,
    check_readout_statistics,
    check_real,
    check_rng,
    check_sequences,
    check_state_range,
    layer_values,
    overflow_reported,
    reshape_output,
    warn_if_not_finite,
)
from .diagnostics import warn_if_not_washed_out
from .matrices import (
    bias_vector,
    input_matrix,
    recurrent_matrix,
    split_topology_params,
)

__all__ = ["ESNRegressor", "ReservoirTransformer"]


class _BaseReservoirEstimator(BaseEstimator):
    """Reservoir hyperparameters, weight construction and input handling.

    Subclasses define ``__init__`` with the flat hyperparameters below (plus
    their own) and call ``_fit_reservoir`` and ``_check_sequences``.
    """

    def _layer_value(self, name: str, layer: int, n_layers: int):
        """Hyperparameter ``name`` for one layer: a list/tuple gives one value
        per layer when there are several layers, anything else is shared."""
        return layer_values(getattr(self, name), name, n_layers)[layer]

    def _draw_layer(
        self, n_inputs: int, layer: int, n_layers: int, rng, dtype, input_scaling=None
    ):
        """Weights and runner of one layer (recurrent, input, bias, leak).

        ``input_scaling``, when given, replaces the layer's value of the
        hyperparameter (the forecaster scales its fed-back rows separately).
        """

        def value(name):
            return self._layer_value(name, layer, n_layers)

        n_units = check_int(value("n_units"), "n_units", low=1)
        activation = check_option(value("activation"), "activation", ACTIVATIONS)
        topology_kwargs, input_distribution = split_topology_params(
            value("topology_params") if hasattr(self, "topology_params") else None
        )
        W = recurrent_matrix(
            n_units,
            spectral_radius=value("spectral_radius"),
            density=value("density"),
            distribution=value("distribution"),
            topology=value("topology"),
            random_state=rng,
            **topology_kwargs,
        )
        W_in = input_matrix(
            n_inputs,
            n_units,
            input_scaling=(
                value("input_scaling") if input_scaling is None else input_scaling
            ),
            density=value("input_density"),
            distribution=input_distribution or "uniform",
            random_state=rng,
        )
        bias = bias_vector(
            n_units, bias_scaling=value("bias_scaling"), random_state=rng
        )
        leak = check_leak_rate(value("leak_rate"), n_units, random_state=rng)
        return (W, W_in, bias), Reservoir(W, W_in, bias, leak, activation, dtype)

    def _build_reservoir(
        self, n_features: int, *, rng=None, input_scaling=None, training=None
    ):
        """Validate the reservoir hyperparameters and draw fresh weights.

        One reservoir, a stack of ``n_layers`` (each driven by the states of
        the one below), and with ``bidirectional=True`` a second, independently
        drawn stack run over the reversed sequence. Estimators without these
        parameters get one forward reservoir (the forecaster has ``n_layers``
        but no ``bidirectional``: it cannot look ahead).

        ``rng`` continues a RandomState the caller already drew from (None
        resolves ``random_state`` here); ``input_scaling`` replaces the first
        layer's input scaling (one value per input feature). ``training``, the
        validated training sequences, is needed for intrinsic plasticity
        (``ip_epochs > 0``), which adapts the gains on it.
        """
        n_layers = check_int(getattr(self, "n_layers", 1), "n_layers", low=1)
        bidirectional = getattr(self, "bidirectional", False)
        if not isinstance(bidirectional, bool | np.bool_):
            raise TypeError(
                f"bidirectional must be True or False; got {bidirectional!r}."
            )
        dtype = check_dtype(self.dtype)
        if rng is None:
            rng = check_rng(self.random_state)
        weights, runners = [], []
        for _direction in range(2 if bidirectional else 1):
            stack, n_inputs = [], n_features
            for layer in range(n_layers):
                layer_weights, runner = self._draw_layer(
                    n_inputs,
                    layer,
                    n_layers,
                    rng,
                    dtype,
                    input_scaling if layer == 0 else None,
                )
                weights.append(layer_weights)
                stack.append(runner)
                n_inputs = runner.n_units
            runners.append(stack[0] if n_layers == 1 else DeepReservoir(stack))
        if len(weights) == 1:
            self.W_, self.W_in_, self.bias_ = weights[0]
        else:
            self.W_, self.W_in_, self.bias_ = (
                list(w) for w in zip(*weights, strict=True)
            )
        if bidirectional:
            runner = BidirectionalReservoir(runners[0], runners[1])
        else:
            runner = runners[0]
        return self._intrinsic_plasticity(runner, training)

    def _intrinsic_plasticity(self, runner, training):
        """Adapt gains and shifts (``ip_*`` hyperparameters); the new runner."""
        for name in ("ip_gain_", "ip_shift_"):
            if hasattr(self, name):  # a refit starts from scratch
                delattr(self, name)
        epochs = getattr(self, "ip_epochs", 0)
        if epochs == 0 or epochs is None:
            return runner
        if not isinstance(runner, Reservoir):
            raise ValueError(
                f"intrinsic plasticity (ip_epochs={epochs}) works on one "
                f"reservoir; use n_layers=1 and bidirectional=False, or "
                f"ip_epochs=0."
            )
        epochs, eta, mean, std = check_plasticity(
            runner.activation, epochs, self.ip_learning_rate, self.ip_mean, self.ip_std
        )
        if training is None:
            raise ValueError(
                f"intrinsic plasticity (ip_epochs={epochs}) adapts the reservoir "
                f"on the whole training data in fit; it is not available in "
                f"partial_fit. Use fit, or ip_epochs=0."
            )
        gain, shift = adapt_plasticity(
            self.W_, self.W_in_, self.bias_, runner.leak, runner.activation,
            training, epochs, eta, mean, std,
        )  # fmt: skip
        self.ip_gain_, self.ip_shift_ = gain, shift
        return folded_reservoir(
            self.W_, self.W_in_, self.bias_, runner.leak, runner.activation,
            gain, shift, runner.dtype,
        )  # fmt: skip

    def _check_sequences(self, X, y="no_validation", *, reset: bool):
        sequences, targets, layout = check_sequences(self, X, y, reset=reset)
        check_state_range(sequences, self._state_dtype(reset))
        return sequences, targets, layout

    def _state_dtype(self, reset: bool):
        """The reservoir's float type: the fitted one, or the parameter's."""
        if not reset and hasattr(self, "reservoir_"):
            return self.reservoir_.dtype
        return check_dtype(self.dtype)

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

    def _features(
        self, U: np.ndarray, states: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:
        """Readout features ``[u_t, x_t]`` (or ``x_t``) as float64.

        ``out`` (at least as many rows, float64) is scratch to write
        ``[u_t, x_t]`` into instead of a new array; the rows are returned.
        """
        if not self.include_input:
            return states.astype(np.float64, copy=False)
        if out is None:
            return np.hstack([U, states.astype(np.float64, copy=False)])
        Z = out[: U.shape[0]]
        Z[:, : U.shape[1]] = U
        Z[:, U.shape[1] :] = states
        return Z

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
    topology : {'random', 'ring', 'delay_line', 'delay_line_feedback', \
'cycle_jumps', 'orthogonal'}, default='random'
        Structure of the recurrent matrix (see
        :func:`reservoir.recurrent_matrix`).
    topology_params : dict or None, default=None
        Parameters of the structured topologies and of the input weights,
        among ``jump_size``, ``cycle_weight``, ``jump_weight`` (for
        ``'cycle_jumps'``), ``forward_weight``, ``feedback_weight`` (for
        ``'delay_line_feedback'``), passed to
        :func:`reservoir.recurrent_matrix`, and ``input_signs``: ``'pi'``
        for Rodan & Tino's minimum-complexity input weights (magnitude
        ``input_scaling``, signs from the digits of pi) or ``'random'`` (random
        signs, equal magnitudes); None keeps uniform input weights. A search
        tunes it as one parameter with a list of dicts, e.g.
        ``{"topology_params": [{"jump_size": j, "jump_weight": w} for ...]}``.
    distribution : {'normal', 'uniform', 'bernoulli'}, default='normal'
        Distribution of the recurrent weights before scaling.
    input_scaling : float or array-like of shape (n_features,), default=1.0
        Scale of the (uniform) input weights, one value or one per feature.
    input_density : float in (0, 1], default=1.0
        Fraction of non-zero input weights.
    bias_scaling : float, default=1.0
        Scale of the (uniform) reservoir bias; 0 for none.
    leak_rate : float in (0, 1], array-like of shape (n_units,) or \
distribution, default=1.0
        Leak rate ``a`` of the leaky-integrator update: one value, one per
        unit, or a distribution with ``rvs`` (e.g.
        ``scipy.stats.loguniform(1e-2, 1)``) from which one rate per unit is
        drawn in ``fit`` (several time scales).
    activation : {'tanh', 'identity', 'relu', 'sigmoid'}, default='tanh'
        Reservoir nonlinearity ``f``.
"""

_IP_DOC = """\
    ip_epochs : int, default=0
        Passes of intrinsic plasticity over the training sequences before the
        readout is trained (0: none). Each unit becomes ``f(g s + c)`` and
        its gain ``g`` and shift ``c`` adapt online so that its output
        distribution approaches a target: Gaussian with mean ``ip_mean`` and
        standard deviation ``ip_std`` for ``activation='tanh'`` (Schrauwen et
        al. 2008), exponential with mean ``ip_mean`` for
        ``activation='sigmoid'`` (Triesch 2005). One reservoir only (not
        deep or bidirectional), in ``fit`` only. The gains are folded into
        the weights the model runs; ``W_``, ``W_in_`` and ``bias_`` stay the
        drawn ones, and ``ip_gain_`` and ``ip_shift_`` hold the result.
    ip_learning_rate : float, default=1e-3
        Learning rate of the intrinsic-plasticity rule (> 0).
    ip_mean : float, default=None
        Target mean: in (-1, 1) for tanh (None: 0), in (0, 1) for sigmoid
        (None: 0.2).
    ip_std : float, default=None
        Target standard deviation for tanh (None: 0.2); must stay None for
        sigmoid.
"""

_LAYERS_DOC = """\
    n_layers : int, default=1
        Number of stacked reservoirs (a deep ESN): layer ``l`` is driven by the
        states of layer ``l - 1`` and the readout sees every layer. Any of
        ``n_units``, ``spectral_radius``, ``density``, ``topology``,
        ``topology_params``,
        ``distribution``, ``input_scaling``, ``input_density``,
        ``bias_scaling``, ``leak_rate`` and ``activation`` may then be a list
        with one value per layer (pass a NumPy array for per-unit leak rates
        or per-feature input scaling).
"""

_BIDIRECTIONAL_DOC = """\
    bidirectional : bool, default=False
        Add a second, independently drawn reservoir (or stack) run over the
        reversed sequence, its states placed after the forward ones. For
        offline classification and tagging: the output at step ``t`` then
        depends on later steps too.
"""

_ARCH_DOC = _LAYERS_DOC + _BIDIRECTIONAL_DOC

_TAIL_DOC = """\
    dtype : {'float64', 'float32'}, default='float64'
        Precision of the reservoir states, and of what the fitted estimator
        returns (predictions, scores, forecasts, states): float32 in, float32
        out. The readout is always solved and applied in float64; with
        ``'float32'`` its outputs are rounded to float32 at the end.
    random_state : int, RandomState instance, Generator or None, default=None
        Seed for the weights. The same seed gives bit-identical float64
        results on one machine with the same BLAS thread count (across
        machines or thread counts they agree to rounding; see the user
        guide); None draws fresh weights from the operating system's entropy.
    n_jobs : int, default=None
        Numba threads used to run many sequences (and large reservoirs). None
        means 1, so that joblib-parallel searches do not oversubscribe the
        cores; -1 means all cores.
"""


_READOUT_FEATURES_DOC = """\
    readout_features : {'linear', 'squared', 'even_squared'}, default='linear'
        ``'squared'`` appends the squared states ``x_t ** 2`` to the readout's
        features, which gives the linear readout even functions of the
        state; ``'even_squared'`` squares every second unit instead (units
        2, 4, ... counted from 1), keeping ``n_units`` state features, the
        form of Pathak et al. (2018).
"""

_STATISTICS_DOC = """\
    keep_statistics : bool, default=True
        Keep the readout's Gram statistics (``(n_readout_features,
        n_readout_features)`` floats and their factorisation: a fitted
        2,000-unit model pickles to 45 MB with them, 13 MB without) after
        ``fit`` so that :meth:`partial_fit` can add data to them. False drops
        them, for smaller pickles and memory, when no ``partial_fit`` will
        follow; ``partial_fit`` on the ridge readout then raises. Predictions
        are the same either way.
"""

_VERBOSE_DOC = """\
    verbose : int, default=0
        Progress reports on standard error: 0 writes nothing; 1 the progress
        of the harvest (time steps run), of long readout fits and the alpha
        chosen from a path; 2 also the score of every alpha. On a terminal
        the progress is a bar redrawn in place, elsewhere a few plain lines.
        The numbers do not depend on it.
"""


#: Most state values one harvesting chunk holds while fitting (16 MiB).
HARVEST_CHUNK_VALUES = 2 * 1024 * 1024

#: ``predict``'s time chunks of one input feature are a multiple of this many
#: steps (see ``predict_chunk_steps``).
PREDICT_STEP_MULTIPLE = 16

#: Most contiguous row blocks a cross-validation splitter may cut the training
#: rows into (each block keeps one Gram matrix).
MAX_CV_BLOCKS = 64


def harvest_chunk_steps(reservoir, sequences) -> int:
    """Steps per time chunk of fit's harvest: at most ``HARVEST_CHUNK_VALUES``
    states (``CHUNK_VALUES`` if smaller) for the largest bucket of sequences
    of one length, at least one step."""
    batch = max(Counter(u.shape[0] for u in sequences).values())
    budget = min(_reservoir_module.CHUNK_VALUES, HARVEST_CHUNK_VALUES)
    return max(1, budget // (reservoir.n_units * batch))


def predict_chunk_steps(reservoir, sequences) -> int | None:
    """Steps per time chunk of ``predict`` (None: the runner's own chunks).

    With one input feature (a projection whose bits do not depend on its
    row block), the chunks hold at most ``HARVEST_CHUNK_VALUES`` states, as
    fit's: a buffer that the allocator recycles warm from call to call,
    where the runner's default (``CHUNK_VALUES``) is fresh memory, page
    faults included, at every call. Their steps are a multiple of
    ``PREDICT_STEP_MULTIPLE``: the readout's GEMV takes rows in blocks of
    4 (OpenBLAS), so each output has the bits of one product over the
    whole sequence, whatever the chunk length. Where the budget holds
    fewer steps (thousands of sequences run together), and with several
    features (a GEMM row's bits depend on its block: the states are then
    those of ``transform``), the runner's chunks stay.
    """
    if not reservoir.chunkable or not reservoir._projection_is_rowwise(
        sequences[0].shape[1]
    ):
        return None
    steps = harvest_chunk_steps(reservoir, sequences)
    if steps < PREDICT_STEP_MULTIPLE:
        return None
    return steps - steps % PREDICT_STEP_MULTIPLE


def check_keep_statistics(value) -> bool:
    """``keep_statistics`` as a bool, or a TypeError naming it."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"keep_statistics must be True or False; got {value!r}.")
    return bool(value)


def check_partial_fit_allowed(estimator) -> None:
    """Refuse ``partial_fit`` when ``keep_statistics=False`` drops (or dropped)
    the statistics it adds to."""
    if not check_keep_statistics(estimator.keep_statistics) or getattr(
        estimator, "_statistics_dropped", False
    ):
        raise ValueError(
            f"partial_fit adds data to the Gram statistics that "
            f"keep_statistics=False drops after each fit; set "
            f"keep_statistics=True (est.set_params(keep_statistics=True)) and "
            f"fit again to use partial_fit on this {type(estimator).__name__}."
        )


def run_reporting(runner, sequences, x0, progress: Progress) -> list[np.ndarray]:
    """``runner.run(sequences, x0)``, the steps run counted in ``progress``.

    Without a report it is that one call. With one, each bucket of sequences
    runs on its own (as ``run`` runs it) and, when its sequences have one
    length and the runner can stop between time chunks, chunk by chunk at
    ``run``'s own chunk boundaries, the state carried over: the same states
    bit for bit, with a report after every chunk.
    """
    if not progress.enabled:
        return runner.run(sequences, x0)
    lengths = [seq.shape[0] for seq in sequences]
    states: list = [None] * len(sequences)
    for members in runner._buckets(lengths):
        longest = lengths[members[0]]
        bucket = [sequences[i] for i in members]
        state = np.array(x0[members], dtype=runner.dtype)
        if not runner.chunkable or any(lengths[i] != longest for i in members):
            for i, seq_states in zip(members, runner.run(bucket, state), strict=True):
                states[i] = seq_states
            progress.update(sum(lengths[i] for i in members))
            continue
        per_chunk = runner._chunk_steps(len(members), longest, None)
        parts = []
        for start in range(0, longest, per_chunk):
            part = runner.run([seq[start : start + per_chunk] for seq in bucket], state)
            state = np.array([seq_states[-1] for seq_states in part])
            parts.append(part)
            progress.update(len(members) * part[0].shape[0])
        for k, i in enumerate(members):
            states[i] = (
                parts[0][k]
                if len(parts) == 1
                else np.concatenate([part[k] for part in parts])
            )
    return states


def _check_alphas(alpha) -> tuple[np.ndarray, bool]:
    """Alphas as a 1-D float array, and whether a sequence was given."""
    if np.ndim(alpha) == 0:
        return np.array([check_real(alpha, "alpha", low=0.0)]), False
    if isinstance(alpha, str) or np.ndim(alpha) != 1:
        raise ValueError(
            f"alpha must be a non-negative number or a 1-D sequence of them; "
            f"got {alpha!r}."
        )
    values = [check_real(a, "every value of alpha", low=0.0) for a in alpha]
    if not values:
        raise ValueError("alpha is an empty sequence; give at least one value.")
    return np.array(values, dtype=np.float64), True


def _check_cv(cv):
    """None, or a splitter with ``split`` (an int n means TimeSeriesSplit(n))."""
    if cv is None:
        return None
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        from sklearn.model_selection import TimeSeriesSplit

        return TimeSeriesSplit(n_splits=check_int(cv, "cv", low=2))
    if isinstance(cv, str) or not hasattr(cv, "split"):
        raise TypeError(
            f"cv must be None, an int >= 2 (TimeSeriesSplit(cv)) or a splitter "
            f"with contiguous folds such as TimeSeriesSplit; got {cv!r}."
        )
    return cv


def _cv_blocks(cv, n_rows: int) -> tuple[np.ndarray, list]:
    """Cut ``n_rows`` training rows into contiguous blocks for ``cv``.

    Returns the block boundaries (``n_blocks + 1`` increasing row indices) and,
    for each fold, the indices of its training and test blocks.
    """
    folds = [
        (np.asarray(train), np.asarray(test))
        for train, test in cv.split(np.zeros((n_rows, 1)))
    ]
    if not folds:
        raise ValueError(f"cv={cv!r} produced no folds.")
    cuts = {0, n_rows}
    for rows in (r for fold in folds for r in fold):
        rows = np.sort(rows)
        if rows.size:
            jumps = np.flatnonzero(np.diff(rows) != 1) + 1
            cuts.update(rows[np.r_[0, jumps]].tolist())
            cuts.update((rows[np.r_[jumps - 1, rows.size - 1]] + 1).tolist())
    bounds = np.array(sorted(cuts))
    if bounds.size - 1 > MAX_CV_BLOCKS:
        raise ValueError(
            f"cv={cv!r} cuts the training rows into {bounds.size - 1} blocks "
            f"(at most {MAX_CV_BLOCKS}); use a splitter with contiguous folds "
            f"such as TimeSeriesSplit."
        )
    block_of = np.searchsorted(bounds, np.arange(n_rows), side="right") - 1
    fold_blocks = [
        (np.unique(block_of[train]), np.unique(block_of[test])) for train, test in folds
    ]
    return bounds, fold_blocks


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
{_PARAMS_DOC}{_IP_DOC}{_ARCH_DOC}    washout : int, default=0
        Steps at the start of each sequence that are run but not used to fit
        the readout. Must be smaller than every training sequence.
    alpha : float or sequence of float, default=1e-6
        Ridge penalty (>= 0) on the readout weights (not the intercept). A
        sequence is a grid to choose from: every value is solved from one
        eigendecomposition of the Gram matrix, scored by generalised
        cross-validation (or by ``cv``), and the best goes to ``alpha_``.
    cv : int, cross-validation splitter or None, default=None
        Blocked time-series cross-validation to choose ``alpha``: an int ``k``
        (>= 2) means ``TimeSeriesSplit(k)`` over the training rows (after the
        washout, all sequences in order); a splitter with contiguous folds
        (such as :class:`~sklearn.model_selection.TimeSeriesSplit`) is used as
        given. The states are harvested once, continuing through the blocks,
        with one Gram matrix per block. None uses GCV for a sequence of
        alphas.
    include_input : bool, default=True
        Whether the readout also sees the input ``u_t``.
    n_lags : int, default=1
        Number of input rows ``u_t, u_(t-1), ..., u_(t-n_lags+1)`` the
        readout sees (lagged inputs; needs ``include_input=True`` when > 1).
        Before the first row of a sequence its first row stands in; rows
        passed to :meth:`partial_fit` with ``continue_state=True`` continue
        the lags of the previous call, and :meth:`predict` starts them anew.
{_READOUT_FEATURES_DOC}    readout : regressor, default=None
        Any scikit-learn regressor to use instead of the built-in ridge; it is
        cloned in ``fit`` and trained on the materialised features. An online
        readout (with ``partial_fit``, such as
        :class:`~reservoir.RLSRegressor`) is also trained step by step by
        :meth:`partial_fit`.
{_TAIL_DOC}{_STATISTICS_DOC}{_VERBOSE_DOC}
    Attributes
    ----------
    W_ : ndarray or scipy.sparse.csr_array of shape (n_units, n_units)
        Recurrent weights; a list with one entry per layer (forward layers,
        then backward ones) when ``n_layers > 1`` or ``bidirectional``.
    W_in_ : ndarray of shape (n_features, n_units)
        Input weights (a list, as ``W_``).
    bias_ : ndarray of shape (n_units,)
        Reservoir bias (a list, as ``W_``).
    coef_ : ndarray of shape (n_readout_features,) or (n_targets, \
n_readout_features)
        Ridge readout weights on ``[u_t, ..., u_(t-n_lags+1), x_t]`` (``x_t``
        alone without the input; ``x_t`` with every second unit squared for
        ``readout_features='even_squared'``), followed by the weights of
        ``x_t ** 2`` with ``readout_features='squared'``; absent when
        ``readout`` is given.
    intercept_ : float or ndarray of shape (n_targets,)
        Readout intercept; absent when ``readout`` is given.
    alpha_ : float
        The ridge penalty used: ``alpha`` itself, or the best of the sequence.
    alpha_scores_ : ndarray of shape (n_alphas,)
        Score of every alpha, higher is better: minus the GCV estimate of the
        mean squared error, or minus the mean validation MSE over the ``cv``
        folds. Only when ``alpha`` is a sequence or ``cv`` is given.
    alpha_fold_scores_ : ndarray of shape (n_splits, n_alphas)
        Minus the validation MSE of every fold and alpha (only with ``cv``).
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
    >>> bool(nrmse(y[1000:], esn.predict(X)[1000:]) < 0.01)  # warm state
    True

    A grid of penalties costs one eigendecomposition; GCV picks one:

    >>> esn = ESNRegressor(200, leak_rate=0.5, washout=100, random_state=0,
    ...                    alpha=[1e-10, 1e-8, 1e-6, 1e-4]).fit(X[:1000], y[:1000])
    >>> esn.alpha_scores_.shape
    (4,)
    >>> esn.alpha_ in (1e-10, 1e-8, 1e-6, 1e-4)
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
        bidirectional: bool = False,
        washout: int = 0,
        alpha: float | Sequence[float] = 1e-6,
        cv=None,
        include_input: bool = True,
        n_lags: int = 1,
        readout_features: str = "linear",
        readout=None,
        dtype: str = "float64",
        random_state=None,
        n_jobs: int | None = None,
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
        self.bidirectional = bidirectional
        self.washout = washout
        self.alpha = alpha
        self.cv = cv
        self.include_input = include_input
        self.n_lags = n_lags
        self.readout_features = readout_features
        self.readout = readout
        self.dtype = dtype
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.keep_statistics = keep_statistics
        self.verbose = verbose

    def _drop_statistics(self) -> None:
        """Drop the Gram statistics after ``fit`` when ``keep_statistics`` is
        False (the readout is already solved from them)."""
        if not self.keep_statistics and hasattr(self, "_gram"):
            del self._gram
            self._statistics_dropped = True

    def _check_readout_params(self):
        """Validate washout, alpha, cv and readout; return the parsed values."""
        washout = check_int(self.washout, "washout", low=0)
        alphas, is_path = _check_alphas(self.alpha)
        cv = _check_cv(self.cv)
        check_verbose(self.verbose)
        check_keep_statistics(self.keep_statistics)
        if not isinstance(self.include_input, bool | np.bool_):
            raise TypeError(
                f"include_input must be True or False; got {self.include_input!r}."
            )
        n_lags = check_int(self.n_lags, "n_lags", low=1)
        if n_lags > 1 and not self.include_input:
            raise ValueError(
                f"n_lags={n_lags} adds lagged inputs to the readout, which "
                "include_input=False removes; set include_input=True or n_lags=1."
            )
        check_option(self.readout_features, "readout_features", READOUT_FEATURES)
        if self.readout is not None:
            if not (hasattr(self.readout, "fit") and hasattr(self.readout, "predict")):
                raise TypeError(
                    f"readout must be None or a scikit-learn regressor with fit "
                    f"and predict; got {self.readout!r}."
                )
            if is_path or cv is not None:
                raise ValueError(
                    "a sequence of alpha values and cv choose the built-in ridge "
                    "penalty; they cannot be used with readout. Search the "
                    "readout's own parameters with GridSearchCV instead."
                )
        return washout, alphas, is_path, cv

    def _extra_features(self) -> bool:
        """Whether the readout sees more than ``[u_t, x_t]``."""
        return self.n_lags > 1 or self.readout_features != "linear"

    def _readout_rows(self, inputs: np.ndarray, states: np.ndarray) -> np.ndarray:
        """Readout rows from lagged input rows (see ``lag_rows``) and states."""
        return readout_rows(inputs, states, self.include_input, self.readout_features)

    def _features(
        self, U: np.ndarray, states: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:
        """Readout rows of consecutive steps ``U`` from a sequence's start
        (``out``: scratch for ``[u_t, x_t]``, see the base class)."""
        if not self._extra_features():
            return super()._features(U, states, out)
        return self._readout_rows(lag_rows(U, self.n_lags), states)

    def _lagged_inputs(self, sequences, before=None) -> list:
        """Every sequence's lagged input rows (the sequences themselves when
        ``n_lags=1``); ``before`` continues the rows of an earlier call."""
        if before is None:
            before = [None] * len(sequences)
        return [
            lag_rows(u, self.n_lags, b) for u, b in zip(sequences, before, strict=True)
        ]

    def _keep_input_tails(self, sequences, before=None) -> None:
        """Store the last input rows a continued ``partial_fit`` needs."""
        if self.n_lags == 1:
            self._input_tails = None
            return
        if before is None:
            before = [None] * len(sequences)
        self._input_tails = [
            lag_tail(u, self.n_lags, b) for u, b in zip(sequences, before, strict=True)
        ]

    def _check_training_data(self, X, y, *, reset: bool, check_washout=True):
        """Validated training sequences, 2-D targets and the targets' ndim."""
        sequences, targets, _ = self._check_sequences(X, y, reset=reset)
        washout = self.washout
        for i, seq in enumerate(sequences):
            if check_washout and seq.shape[0] <= washout:
                raise ValueError(
                    f"washout={washout} leaves no training step in sequence {i}, "
                    f"which has {seq.shape[0]} steps; use a washout smaller than "
                    f"the shortest sequence or longer sequences."
                )
        y_ndim = targets[0].ndim
        targets = [t.reshape(t.shape[0], -1) for t in targets]
        return sequences, targets, y_ndim

    def _harvest(
        self,
        reservoir,
        sequences,
        targets,
        x0,
        skips,
        bounds=None,
        into=None,
        before=None,
    ):
        """Run the sequences and add their readout rows to Gram accumulators.

        Training rows (the steps after each sequence's ``skips[i]`` first
        ones) are numbered in sequence order; ``bounds`` cuts these numbers
        into contiguous blocks, one accumulator each (one block by default).
        ``into`` is an existing accumulator to add every row to, in place.
        ``before`` holds, per sequence, the input rows preceding it (for the
        lagged inputs of a continued sequence).
        Returns the accumulators and the final state of every sequence.
        """
        n_targets = targets[0].shape[1]
        n_readout = n_state_features(reservoir.n_units, self.readout_features) + (
            sequences[0].shape[1] * self.n_lags if self.include_input else 0
        )
        inputs = self._lagged_inputs(sequences, before)
        lengths = np.array(
            [max(u.shape[0] - k, 0) for u, k in zip(sequences, skips, strict=True)]
        )
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        if bounds is None:
            bounds = np.array([0, offsets[-1]])
        if into is not None:  # add to an existing accumulator (one block)
            accs = [into]
        else:
            accs = [
                GramAccumulator(n_readout, n_targets) for _ in range(len(bounds) - 1)
            ]
        buffers = [RowBuffer(acc) for acc in accs]
        final = np.empty((len(sequences), reservoir.n_units))
        # small chunks keep the peak memory low (the kernels' cost per step
        # does not depend on the chunk length)
        chunk_steps = harvest_chunk_steps(reservoir, sequences)
        progress = Progress(
            check_verbose(self.verbose),
            type(self).__name__,
            "harvest",
            sum(u.shape[0] for u in sequences),
        )
        # the BLAS threads of the Gram updates chosen once, not per update
        lengths = [u.shape[0] for u in sequences]
        single = len(buffers) == 1 and not self._extra_features()
        # the kernels may run ahead in a helper thread, on one core, while
        # the Gram updates of the states already written run on one BLAS
        # thread
        ahead = reservoir.runs_ahead(lengths, n_readout) if single else None
        lock_step = ahead is not None or reservoir.lock_step(lengths)
        with gram_threads(n_readout, lock_step):
            if single:
                with progress:
                    self._harvest_chunks(
                        reservoir, sequences, targets, x0, skips, chunk_steps,
                        buffers[0], final, progress, ahead,
                    )  # fmt: skip
                return [buffers[0].flush()], final
            self._harvest_states(
                reservoir, sequences, inputs, targets, x0, skips, chunk_steps,
                offsets, bounds, buffers, final, progress,
            )  # fmt: skip
            with overflow_reported():
                return [buffer.flush() for buffer in buffers], final

    def _harvest_states(
        self,
        reservoir,
        sequences,
        inputs,
        targets,
        x0,
        skips,
        chunk_steps,
        offsets,
        bounds,
        buffers,
        final,
        progress,
    ):
        """``_harvest`` sequence by sequence, into the accumulators of blocks."""
        for i, start, states in reservoir.iter_states(sequences, x0, chunk_steps):
            stop = start + states.shape[0]
            progress.update(stop - start)
            if stop == sequences[i].shape[0]:
                final[i] = states[-1]
            first = max(start, skips[i])
            if first >= stop:
                continue
            # training-row numbers of steps first..stop-1, cut at block bounds
            row0 = offsets[i] + first - skips[i]
            row1 = row0 + stop - first
            b0 = np.searchsorted(bounds, row0, side="right") - 1
            b1 = np.searchsorted(bounds, row1, side="left")
            for b in range(b0, b1):
                lo = max(row0, bounds[b]) - row0 + first
                hi = min(row1, bounds[b + 1]) - row0 + first
                if hi > lo:
                    with overflow_reported():
                        buffers[b].add(
                            self._readout_rows(
                                inputs[i][lo:hi], states[lo - start : hi - start]
                            ),
                            targets[i][lo:hi],
                        )
        progress.close()

    def _harvest_chunks(
        self,
        reservoir,
        sequences,
        targets,
        x0,
        skips,
        chunk_steps,
        buffer,
        final,
        progress=None,
        ahead=None,
    ):
        """``_harvest`` into one accumulator, a whole chunk of sequences at once.

        The readout rows of all the sequences of a chunk are gathered in one
        array and handed to ``buffer`` piece by piece (one piece per
        sequence), so the Gram updates see the same rows in the same groups
        as with one ``add`` per sequence: the same bits, without the Python
        work per sequence and chunk. With ``ahead`` (``_Runner.runs_ahead``)
        the kernels run ahead in a helper thread
        (``_Runner.iter_chunks_ahead``); a lone sequence's rows go to the
        Gram matrix as they are written (``RowBuffer.add_streamed``): the
        same bits again.
        """
        lengths = np.array([u.shape[0] for u in sequences])
        skips = np.asarray(skips)
        n_inputs = sequences[0].shape[1] if self.include_input else 0
        n_units = reservoir.n_units
        padded_members = padded_targets = None
        for members, start, inputs, states, ready in reservoir.iter_chunks_ahead(
            sequences, x0, chunk_steps, ahead
        ):
            stop = start + states.shape[1]
            if progress is not None:  # time steps run in this chunk
                run = np.clip(lengths[members] - start, 0, stop - start)
                progress.update(int(run.sum()))
            if members is not padded_members:  # a new bucket: its targets
                padded_members = members
                if len(members) == 1:
                    padded_targets = targets[members[0]][None]
                else:
                    padded_targets = np.zeros(
                        (len(members), lengths[members[0]], targets[0].shape[1])
                    )
                    for k, i in enumerate(members):
                        padded_targets[k, : lengths[i]] = targets[i]
            idx = np.asarray(members)
            first = np.maximum(skips[idx], start) - start
            counts = np.maximum(np.minimum(lengths[idx], stop) - start - first, 0)
            total = int(counts.sum())
            if total and len(members) == 1 and n_inputs and states.dtype == np.float64:
                # one sequence: its rows lie together, the inputs and states
                # as views, centred straight into the accumulator's scratch,
                # each block as soon as the kernel wrote it (ahead); rows
                # still queued when the chunk buffer is reused are copied
                # out (``detach``)
                a = int(first[0])
                buffer.add_streamed(
                    SplitRows(inputs[0, a : a + total], states[0, a : a + total]),
                    padded_targets[0, start + a : start + a + total],
                    lambda rows, a=a, ready=ready: ready(a + rows),
                )
                buffer.detach()
                total = 0
            whole = (
                total > 0
                and n_inputs > 0
                and states.dtype == np.float64
                and (first == 0).all()
                and (counts == states.shape[1]).all()
            )
            if whole:
                # every row of the chunk: the inputs and states as they lie,
                # centred straight into the accumulator's scratch (no copy
                # side by side first), each sequence's as soon as the kernel
                # wrote it (ahead); rows still queued when the chunk buffer
                # is reused are copied out (``detach``)
                Z = SplitRows(
                    inputs.reshape(total, n_inputs), states.reshape(total, n_units)
                )
                Y = padded_targets[:, start:stop].reshape(total, -1)
                # a batch (a lone sequence's rows went above): ready(n) waits
                # for the first n sequences, each with the chunk's steps
                steps = states.shape[1]
                buffer.add_pieces(
                    Z, Y, counts.tolist(),
                    lambda rows, ready=ready, steps=steps: ready(-(-rows // steps)),
                )  # fmt: skip
                buffer.detach()
            ready()
            ends = lengths[idx] - 1 - start
            done = (ends >= 0) & (ends < stop - start)
            final[idx[done]] = states[done, ends[done]]
            if total == 0 or whole:
                continue
            Z = np.empty((total, n_inputs + n_units))
            if (counts == counts[0]).all() and (first == first[0]).all():
                # the same rows of every sequence (equal lengths): strided copies
                a, b = int(first[0]), int(first[0] + counts[0])
                blocks = Z.reshape(len(members), b - a, -1)
                if n_inputs:
                    blocks[:, :, :n_inputs] = inputs[:, a:b]
                blocks[:, :, n_inputs:] = states[:, a:b]
                Y = padded_targets[:, start + a : start + b].reshape(total, -1)
            else:
                rows = np.repeat(np.arange(len(members)), counts)
                offsets = np.cumsum(counts) - counts
                steps = np.arange(total) - np.repeat(offsets - first, counts)
                if n_inputs:
                    Z[:, :n_inputs] = inputs[rows, steps]
                Z[:, n_inputs:] = states[rows, steps]
                Y = padded_targets[rows, steps + start]
            buffer.add_pieces(Z, Y, counts.tolist())

    def _set_readout(self, gram, alphas, is_path, blocks=None, folds=None):
        """Choose alpha (GCV or blocked CV), solve, set the fitted attributes."""
        # on the BLAS threads n_jobs allows, like the harvest
        with numba_threads(self.n_jobs):
            self._solve_readout(gram, alphas, is_path, blocks, folds)

    def _solve_readout(self, gram, alphas, is_path, blocks, folds):
        for name in ("alpha_scores_", "alpha_fold_scores_"):
            if hasattr(self, name):
                delattr(self, name)
        scored = gram.n_samples > 0 and (is_path or folds is not None)
        verbose, name = check_verbose(self.verbose), type(self).__name__
        if scored and folds is not None:
            fold_scores = np.empty((len(folds), alphas.size))
            with Progress(
                verbose, name, "alpha path (cv folds)", len(folds), "folds"
            ) as progress:
                for k, (train, test) in enumerate(folds):
                    path = RidgePath(GramAccumulator.sum(blocks[b] for b in train))
                    held_out = GramAccumulator.sum(blocks[b] for b in test)
                    sse = path.validation_sse(alphas, held_out).mean(axis=1)
                    fold_scores[k] = -sse / max(held_out.n_samples, 1)
                    progress.update(1)
            self.alpha_fold_scores_ = fold_scores
            self.alpha_scores_ = fold_scores.mean(axis=0)
        elif scored:
            self.alpha_scores_ = -RidgePath(gram).gcv(alphas)
        best = int(np.argmax(self.alpha_scores_)) if scored else 0
        self.alpha_ = float(alphas[best])
        if scored:
            how = "GCV" if folds is None else f"{len(folds)}-fold blocked CV"
            for alpha, score in zip(alphas, self.alpha_scores_, strict=True):
                report(verbose, name, f"alpha={alpha:.3g}: score {score:.6g}", level=2)
            report(
                verbose,
                name,
                f"alpha path: {alphas.size} alphas scored by {how}; "
                f"alpha_={self.alpha_:.3g} (score {self.alpha_scores_[best]:.6g})",
            )
        self._gram = gram
        if gram.n_samples == 0:  # partial_fit still inside the washout
            return
        coef, intercept = gram.solve(self.alpha_)
        self._W_out, self._b_out = coef, intercept
        if self._y_ndim == 1:
            self.coef_, self.intercept_ = coef[:, 0], float(intercept[0])
        else:
            self.coef_, self.intercept_ = coef.T.copy(), intercept

    def fit(self, X, y):
        """Build the reservoir, run the training sequences and fit the readout.

        With a sequence of ``alpha`` values the penalty is chosen by
        generalised cross-validation, or by blocked time-series
        cross-validation when ``cv`` is given, from the Gram matrices of one
        harvest (see :ref:`model_selection`).

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
        washout, alphas, is_path, cv = self._check_readout_params()
        sequences, targets, y_ndim = self._check_training_data(X, y, reset=True)
        self._y_ndim = y_ndim
        reservoir = self._build_reservoir(sequences[0].shape[1], training=sequences)
        with numba_threads(self.n_jobs):
            warn_if_not_washed_out(reservoir, sequences[0], washout)
        x0 = reservoir.initial_states(len(sequences))
        skips = [washout] * len(sequences)
        for name in (
            "alpha_scores_",
            "alpha_fold_scores_",
            "_gram",
            "_statistics_dropped",
        ):
            if hasattr(self, name):  # a refit starts from scratch
                delattr(self, name)
        with numba_threads(self.n_jobs):
            if self.readout is None:
                bounds = folds = None
                if cv is not None:
                    n_rows = sum(u.shape[0] - washout for u in sequences)
                    bounds, folds = _cv_blocks(cv, n_rows)
                blocks, final = self._harvest(
                    reservoir, sequences, targets, x0, skips, bounds
                )
                gram = GramAccumulator.sum(blocks)
                check_readout_statistics(gram, sequences, targets)
            else:
                states = reservoir.run(sequences, x0)
                final = np.array([s[-1] for s in states], dtype=np.float64)
                Z = np.vstack(
                    [
                        self._readout_rows(u[washout:], s[washout:])
                        for u, s in zip(
                            self._lagged_inputs(sequences), states, strict=True
                        )
                    ]
                )
                Y = np.vstack([t[washout:] for t in targets])
                check_readout_features(Z, sequences)
                verbose, name = check_verbose(self.verbose), type(self).__name__
                report(
                    verbose,
                    name,
                    f"fitting the readout {type(self.readout).__name__} on "
                    f"{Z.shape[0]} rows x {Z.shape[1]} features",
                )
                started = time.perf_counter()
                self.readout_ = clone(self.readout).fit(
                    Z, Y[:, 0] if self._y_ndim == 1 else Y
                )
                report(
                    verbose,
                    name,
                    f"readout fitted in {time.perf_counter() - started:.1f} s",
                )
                self.alpha_ = float(alphas[0])
        self.reservoir_ = reservoir
        self._last_states = final
        self._keep_input_tails(sequences)
        self._steps_seen = np.array([u.shape[0] for u in sequences])
        self._n_readout_rows = int(self._steps_seen.sum()) - washout * len(sequences)
        if self.readout is None:
            self._set_readout(gram, alphas, is_path, blocks, folds)
            self._drop_statistics()
        return self

    def partial_fit(self, X, y, *, continue_state: bool = False):
        """Add training data to the Gram matrices and re-solve the readout.

        The first call (on an estimator that is not fitted) draws the
        reservoir weights from ``random_state``; later calls keep them and add
        rows to the accumulated statistics, so any split of the data into
        calls gives the readout of one :meth:`fit` on all of it (to round-off).
        A call after :meth:`fit` continues from what ``fit`` saw. Each call
        solves the readout once (one Cholesky factorisation, or one
        eigendecomposition when ``alpha`` is a sequence, chosen by GCV), so
        pass large chunks. ``cv`` is not supported here. With an online
        ``readout`` (one with ``partial_fit``, such as
        :class:`~reservoir.RLSRegressor`) the readout learns from the
        training rows instead, in time order, one step at a time.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), list of such arrays \
or ndarray of shape (n_sequences, n_timesteps, n_features)
            Input sequence(s).
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_targets), or \
one such array per sequence
            Target of every time step.
        continue_state : bool, default=False
            False: every sequence is a new one, starts from the zero state and
            its first ``washout`` steps are skipped. True: ``X`` continues the
            sequence(s) of the previous call (same number of sequences), from
            the states where that call ended; ``washout`` counts steps from
            the start of each whole sequence, so feeding one long series in
            chunks equals fitting it at once.

        Returns
        -------
        self : ESNRegressor
            The updated estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from reservoir import ESNRegressor
        >>> X = np.sin(np.linspace(0, 60, 3001))[:, None]
        >>> esn = ESNRegressor(50, washout=100, alpha=1e-2, random_state=0)
        >>> for start in range(0, 3000, 1000):  # one long series in 3 chunks
        ...     chunk = slice(start, start + 1000)
        ...     _ = esn.partial_fit(X[:-1][chunk], X[1:][chunk], continue_state=True)
        >>> whole = ESNRegressor(50, washout=100, alpha=1e-2, random_state=0)
        >>> bool(np.allclose(esn.coef_, whole.fit(X[:-1], X[1:]).coef_))
        True
        """
        washout, alphas, is_path, cv = self._check_readout_params()
        if self.readout is not None and not hasattr(self.readout, "partial_fit"):
            raise ValueError(
                "partial_fit needs the built-in ridge readout (readout=None) or "
                "an online readout with partial_fit (e.g. RLSRegressor); "
                f"{type(self.readout).__name__} is trained on materialised "
                "features by fit."
            )
        if cv is not None:
            raise ValueError(
                "cv is not supported by partial_fit (the calls are not time "
                "blocks); use alpha as a sequence for GCV, or fit with cv."
            )
        if not isinstance(continue_state, bool | np.bool_):
            raise TypeError(
                f"continue_state must be True or False; got {continue_state!r}."
            )
        if self.readout is not None:
            return self._partial_fit_online(X, y, continue_state)
        check_partial_fit_allowed(self)
        first = not hasattr(self, "_gram")
        sequences, targets, y_ndim = self._check_training_data(
            X, y, reset=first, check_washout=not continue_state
        )
        if first:
            self._y_ndim = y_ndim
            self.reservoir_ = self._build_reservoir(sequences[0].shape[1])
            gram = None
        else:
            gram = self._gram
            if y_ndim != self._y_ndim or targets[0].shape[1] != gram.czy.shape[1]:
                raise ValueError(
                    f"y must have the target shape of the earlier calls "
                    f"({gram.czy.shape[1]} target(s), "
                    f"{'1-D' if self._y_ndim == 1 else '2-D'}); got "
                    f"{targets[0].shape[1]} target(s), {y_ndim}-D."
                )
        reservoir = self.reservoir_
        n_seq = len(sequences)
        if continue_state and not first:
            if self._last_states.shape[0] != n_seq:
                raise ValueError(
                    f"continue_state=True continues the {self._last_states.shape[0]} "
                    f"sequence(s) of the previous call, but X holds {n_seq}."
                )
            x0 = reservoir.initial_states(n_seq, self._last_states)
            seen = self._steps_seen
            before = getattr(self, "_input_tails", None)
        else:
            x0 = reservoir.initial_states(n_seq)
            seen = np.zeros(n_seq, dtype=np.int64)
            before = None
        skips = [max(washout - int(k), 0) for k in seen]
        with numba_threads(self.n_jobs):
            # rows go straight into the stored statistics: no second (N, N) copy
            (gram,), final = self._harvest(
                reservoir, sequences, targets, x0, skips, into=gram, before=before
            )
        check_readout_statistics(gram, sequences, targets)
        self._last_states = final
        self._keep_input_tails(sequences, before)
        self._steps_seen = seen + np.array([u.shape[0] for u in sequences])
        self._set_readout(gram, alphas, is_path)
        if gram.n_samples == 0:
            self._warn_inside_washout()
        return self

    def _warn_inside_washout(self):
        """Warn that ``partial_fit`` has seen no training row yet."""
        warnings.warn(
            f"every step passed to partial_fit so far lies inside washout="
            f"{self.washout}: the readout has no training row yet, and predict "
            f"raises NotFittedError until it has. Pass more of the sequence(s) "
            f"with continue_state=True, or lower washout.",
            UserWarning,
            stacklevel=3,
        )

    def _check_readout_trained(self):
        """Raise NotFittedError while ``partial_fit`` has seen only washout."""
        trained = (
            hasattr(self, "_W_out")
            if self.readout is None
            else getattr(self, "_n_readout_rows", 1) > 0
        )
        if not trained:
            raise NotFittedError(
                f"This {type(self).__name__} has seen no training row yet: every "
                f"step passed to partial_fit lies inside washout={self.washout}. "
                f"Pass more data to partial_fit (continue_state=True) or lower "
                f"washout before predicting."
            )

    def _partial_fit_online(self, X, y, continue_state: bool):
        """``partial_fit`` with an online readout: its ``partial_fit`` learns
        from the training rows chunk by chunk, in time order, step by step."""
        first = not hasattr(self, "readout_")
        sequences, targets, y_ndim = self._check_training_data(
            X, y, reset=first, check_washout=not continue_state
        )
        if first:
            self._y_ndim = y_ndim
            self.reservoir_ = self._build_reservoir(sequences[0].shape[1])
            self.readout_ = clone(self.readout)
        elif y_ndim != self._y_ndim:
            raise ValueError(
                f"y must be {'1-D' if self._y_ndim == 1 else '2-D'} per sequence, "
                f"as in the earlier calls; got {y_ndim}-D."
            )
        reservoir, n_seq = self.reservoir_, len(sequences)
        if continue_state and not first:
            if self._last_states.shape[0] != n_seq:
                raise ValueError(
                    f"continue_state=True continues the {self._last_states.shape[0]} "
                    f"sequence(s) of the previous call, but X holds {n_seq}."
                )
            x0 = reservoir.initial_states(n_seq, self._last_states)
            seen = self._steps_seen
            before = getattr(self, "_input_tails", None)
        else:
            x0 = reservoir.initial_states(n_seq)
            seen = np.zeros(n_seq, dtype=np.int64)
            before = None
        skips = [max(self.washout - int(k), 0) for k in seen]
        inputs = self._lagged_inputs(sequences, before)
        final = np.empty((n_seq, reservoir.n_units))
        n_rows = getattr(self, "_n_readout_rows", 0) if not first else 0
        chunk_steps = max(1, HARVEST_CHUNK_VALUES // (reservoir.n_units * n_seq))
        with numba_threads(self.n_jobs):
            for i, start, states in reservoir.iter_states(sequences, x0, chunk_steps):
                stop = start + states.shape[0]
                if stop == sequences[i].shape[0]:
                    final[i] = states[-1]
                first_row = max(start, skips[i])
                if first_row < stop:
                    Z = self._readout_rows(
                        inputs[i][first_row:stop], states[first_row - start :]
                    )
                    T = targets[i][first_row:stop]
                    self.readout_.partial_fit(Z, T[:, 0] if y_ndim == 1 else T)
                    n_rows += stop - first_row
        self._last_states = final
        self._keep_input_tails(sequences, before)
        self._steps_seen = seen + np.array([u.shape[0] for u in sequences])
        self._n_readout_rows = n_rows
        if n_rows == 0:
            self._warn_inside_washout()
        return self

    def _readout_predict(self, Z: np.ndarray) -> np.ndarray:
        if self.readout is None:
            # one BLAS thread: a memory-bound product, whose bits would
            # otherwise depend on the thread count (so on n_jobs)
            with blas_threads(1):
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
            Prediction for every time step, in the layout of ``X``; float32
            when ``dtype='float32'`` (computed in float64, then rounded).
        final_state : ndarray of shape (n_units,) or (n_sequences, n_units)
            Only with ``return_state=True``.
        """
        check_is_fitted(self)
        self._check_readout_trained()
        sequences, _, layout = self._check_sequences(X, reset=False)
        x0 = self._initial_states(len(sequences), initial_state)
        final = np.empty(
            (len(sequences), self.reservoir_.n_units), dtype=self.reservoir_.dtype
        )
        lengths = [u.shape[0] for u in sequences]
        if self.readout is None and not self._extra_features():
            outputs, checked = self._predict_ridge(
                sequences, x0, lengths, layout, final
            )
        else:
            outputs = checked = self._predict_chunks(sequences, x0, lengths, final)
        warn_if_not_finite(checked, self, "predict")
        y_pred = reshape_output(outputs, layout)
        if return_state:
            return y_pred, (final[0] if layout == "one" else final)
        return y_pred

    def _predict_chunks(self, sequences, x0, lengths, final) -> list:
        """``predict``'s loop for any readout: per-sequence outputs."""
        outputs: list = [None] * len(sequences)
        n_readout = self.reservoir_.n_units + sequences[0].shape[1]
        scratch = None
        lagged = self._lagged_inputs(sequences) if self._extra_features() else None
        with numba_threads(self.n_jobs):
            for members, start, inputs, states in self.reservoir_.iter_chunks(
                sequences, x0, predict_chunk_steps(self.reservoir_, sequences)
            ):
                # the readout product per sequence and chunk (a GEMV row's
                # bits depend on the rows it is given), its features written
                # into one scratch block that stays in cache
                if scratch is None or scratch.shape[0] < states.shape[1]:
                    scratch = np.empty((states.shape[1], n_readout))
                for k, i in enumerate(members):
                    rows = min(start + states.shape[1], lengths[i]) - start
                    if rows <= 0:
                        continue
                    if lagged is None:
                        Z = self._features(inputs[k, :rows], states[k, :rows], scratch)
                    else:
                        Z = self._readout_rows(
                            lagged[i][start : start + rows], states[k, :rows]
                        )
                    part = self._readout_predict(Z)
                    if outputs[i] is None:  # float32 states: float32 out
                        outputs[i] = np.empty(
                            (lengths[i], *part.shape[1:]), dtype=self.reservoir_.dtype
                        )
                    outputs[i][start : start + rows] = part
                    if start + rows == lengths[i]:
                        final[i] = states[k, rows - 1]
        return outputs

    def _predict_ridge(self, sequences, x0, lengths, layout, final):
        """``predict``'s loop for the ridge readout on ``[u_t, x_t]`` (or
        ``x_t``), on one BLAS thread: per sequence and time chunk, the
        states' product straight from the kernel's buffer (no copy of the
        features side by side, stacked for sequences with as many rows in
        the chunk), then ``u_t W_u + b``, computed for the whole chunk at
        once (``_input_terms``).

        Every output is a view of one array allocated up front (the rows of
        a 3-D array for a 3-D input: no stacking copy). Returns the
        per-sequence outputs and the array holding them all (for one
        finiteness check).
        """
        W_out, b_out = self._W_out, self._b_out
        n_targets = W_out.shape[1]
        shape = () if self._y_ndim == 1 else (n_targets,)
        dtype = self.reservoir_.dtype
        if layout == "3d":
            whole = np.empty((len(sequences), lengths[0], *shape), dtype=dtype)
            outputs = list(whole)
        else:
            whole = np.empty(sum(lengths) * n_targets, dtype=dtype)
            ends = np.cumsum(lengths) * n_targets
            outputs = [
                whole[end - n * n_targets : end].reshape(n, *shape)
                for n, end in zip(lengths, ends.tolist(), strict=True)
            ]
        flat = whole.reshape(-1)  # sequence i's outputs start at firsts[i]
        lengths = np.asarray(lengths)
        firsts = (np.cumsum(lengths) - lengths) * n_targets
        n_inputs = sequences[0].shape[1] if self.include_input else 0
        W_inputs, W_states = W_out[:n_inputs], W_out[n_inputs:]
        with numba_threads(self.n_jobs):
            for members, start, inputs, states in self.reservoir_.iter_chunks(
                sequences, x0, predict_chunk_steps(self.reservoir_, sequences)
            ):
                terms = self._input_terms(inputs, W_inputs, b_out)
                rows = np.minimum(lengths[members] - start, states.shape[1])
                # members run longest first: those with the same number of
                # rows in this chunk are neighbours, and their products are
                # one stacked matmul (the same BLAS call per sequence as one
                # by one: the same bits), on one BLAS thread (a memory-bound
                # product, whose bits would otherwise depend on n_jobs)
                edges = [0, *(np.flatnonzero(np.diff(rows)) + 1).tolist(), len(rows)]
                with blas_threads(1):
                    for k0, k1 in itertools.pairwise(edges):
                        r = int(rows[k0])
                        if r <= 0:
                            continue
                        product = np.matmul(
                            states[k0:k1, :r].astype(np.float64, copy=False),
                            W_states,
                        )
                        product += terms[k0:k1, :r]
                        first = firsts[members[k0:k1]] + start * n_targets
                        if k1 - k0 == 1:
                            flat[first[0] : first[0] + r * n_targets] = product.ravel()
                        else:  # rounded once to float32, if that is the dtype
                            span = np.arange(r * n_targets)
                            flat[first[:, None] + span] = product.reshape(k1 - k0, -1)
                self._final_states(members, start, lengths, states, final)
        return outputs, whole

    @staticmethod
    def _input_terms(inputs, W_inputs, b_out) -> np.ndarray:
        """``u_t W_u + b`` for a chunk's sequences ``(k, steps, n_targets)``.

        Summed input by input, element by element: each row's bits do not
        depend on the rows computed with it (nor do the zero-padded steps
        past a sequence's end reach any output).
        """
        if not W_inputs.shape[0]:
            return np.broadcast_to(b_out, (*inputs.shape[:2], b_out.shape[0]))
        inputs = inputs.astype(np.float64, copy=False)
        terms = inputs[:, :, 0, None] * W_inputs[0]
        for column in range(1, W_inputs.shape[0]):
            terms += inputs[:, :, column, None] * W_inputs[column]
        terms += b_out
        return terms

    @staticmethod
    def _final_states(members, start, lengths, states, final) -> None:
        """Copy the last state of each of ``members`` that ends in this chunk."""
        ends = lengths[members] - start
        ending = (ends > 0) & (ends <= states.shape[1])
        final[np.asarray(members)[ending]] = states[ending, ends[ending] - 1]


class ReservoirTransformer(
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    ModelSpaceMixin,
    _BaseReservoirEstimator,
):
    __doc__ = f"""The states of a fixed reservoir as features.

    ``transform`` runs each sequence from the zero state and returns the state
    of every step, so any estimator can follow in a ``Pipeline``. There is no
    washout here (dropping rows would misalign ``y``); the readout after it sees
    every step.

    With ``aggregation='output_model_space'`` or
    ``'reservoir_model_space'``, ``transform`` instead maps a collection of
    sequences to one row per sequence: the parameters of a ridge model fitted
    on that sequence alone (Bianchi et al. 2021), for clustering or any
    scikit-learn classifier.

    Parameters
    ----------
{_PARAMS_DOC}{_IP_DOC}{_ARCH_DOC}    include_input : bool, default=False
        Prepend the input ``u_t`` to the states ``[u_t, x_t]`` (states of
        every step only).
    aggregation : {{None, 'output_model_space', 'reservoir_model_space'}}, \
default=None
        None: the states of every step. Otherwise the model-space vector of
        each sequence (``X`` must be a collection).
    washout : int, default=0
        Steps at the start of each sequence left out of the model space.
{MODEL_SPACE_DOC}{_TAIL_DOC}    verbose : int, default=0
        Progress reports on standard error: 0 writes nothing; 1 the progress
        of ``transform`` (time steps run, chunk by chunk or bucket of
        sequences by bucket) and the time a model space took. On a terminal
        the progress is a bar redrawn in place, elsewhere a few plain lines.
        The numbers do not depend on it.

    Attributes
    ----------
    W_ : ndarray or scipy.sparse.csr_array of shape (n_units, n_units)
        Recurrent weights; a list with one entry per layer (forward layers,
        then backward ones) when ``n_layers > 1`` or ``bidirectional``.
    W_in_ : ndarray of shape (n_features, n_units)
        Input weights (a list, as ``W_``).
    bias_ : ndarray of shape (n_units,)
        Reservoir bias (a list, as ``W_``).
    reservoir_ : object
        The weights in the layout the compiled kernels use (private).
    state_components_ : ndarray of shape (n_units, n_components)
        Components of the state reduction fitted on the training sequences
        (only with ``state_reduction``).
    n_features_in_ : int
        Number of input features.
    feature_names_in_ : ndarray of shape (n_features,)
        Input column names, when ``X`` was a DataFrame.

    See Also
    --------
    ESNRegressor : reservoir plus ridge readout in one estimator.
    ESNClassifier : sequence classification, model spaces included.

    References
    ----------
    Bianchi, F. M., Scardapane, S., Lokse, S. and Jenssen, R. (2021).
    Reservoir computing approaches for representation and classification of
    multivariate time series. IEEE Transactions on Neural Networks and
    Learning Systems 32(5), 2169-2179.

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

    One row per sequence: the reservoir model space after a PCA of the states
    to 10 components (10 x 10 weights and 10 intercepts).

    >>> from reservoir.datasets import make_sequence_classification
    >>> X, y = make_sequence_classification(20, random_state=0)
    >>> space = ReservoirTransformer(50, aggregation="reservoir_model_space",
    ...                              state_reduction="pca", n_components=10,
    ...                              random_state=0)
    >>> space.fit_transform(X).shape
    (20, 110)
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
        bidirectional: bool = False,
        include_input: bool = False,
        aggregation: str | None = None,
        washout: int = 0,
        model_space_alpha: float = 1.0,
        state_reduction: str | None = None,
        n_components: int | None = None,
        dtype: str = "float64",
        random_state=None,
        n_jobs: int | None = None,
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
        self.bidirectional = bidirectional
        self.include_input = include_input
        self.aggregation = aggregation
        self.washout = washout
        self.model_space_alpha = model_space_alpha
        self.state_reduction = state_reduction
        self.n_components = n_components
        self.dtype = dtype
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_collection(self, layout: str) -> None:
        if layout == "one":
            raise ValueError(
                f"aggregation={self.aggregation!r} gives one row per sequence: "
                f"pass a collection of sequences (a list of 2-D arrays or a 3-D "
                f"array), not a single 2-D sequence."
            )

    def fit(self, X, y=None):
        """Draw the reservoir weights for inputs shaped like ``X``.

        With a model-space ``aggregation`` and a ``state_reduction``, the
        reduction is also fitted here, on the states of ``X``.

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
        verbose = check_verbose(self.verbose)
        if self.aggregation is not None:
            if self.aggregation not in MODEL_SPACES:
                raise ValueError(
                    f"aggregation must be None (the states of every step), "
                    f"'output_model_space' or 'reservoir_model_space'; got "
                    f"{self.aggregation!r}."
                )
            washout = check_int(self.washout, "washout", low=0)
        self._check_model_space_params()
        for name in ("_reduction", "state_components_"):
            if hasattr(self, name):  # a refit starts from scratch
                delattr(self, name)
        sequences, _, layout = self._check_sequences(X, reset=True)
        self.reservoir_ = self._build_reservoir(
            sequences[0].shape[1], training=sequences
        )
        if self.aggregation is None:
            self._n_features_out = self.reservoir_.n_units + (
                self.n_features_in_ if self.include_input else 0
            )
            return self
        self._check_collection(layout)
        with numba_threads(self.n_jobs):
            features = self._timed_model_space(sequences, washout, True, verbose)
        self._n_features_out = features.shape[1]
        return self

    def _timed_model_space(self, sequences, washout, fit, verbose):
        """Model-space vectors, with one report line of their size and time."""
        tic = time.perf_counter()
        features = self._model_space_features(sequences, washout, fit=fit)
        report(
            verbose,
            type(self).__name__,
            f"{self.aggregation} of {len(sequences)} sequences "
            f"({sum(seq.shape[0] for seq in sequences)} steps) in "
            f"{time.perf_counter() - tic:.1f} s",
        )
        return features

    def _surely_finite(self, sequences, x0) -> bool:
        """Whether the states of ``sequences`` from ``x0`` cannot overflow
        (one reservoir with a bounded activation; see
        ``Reservoir.states_surely_finite``): no finiteness pass needed."""
        if not isinstance(self.reservoir_, Reservoir):
            return False
        input_peak = max(float(np.max(np.abs(u), initial=0.0)) for u in sequences)
        state_peak = float(np.max(np.abs(x0), initial=0.0))
        return self.reservoir_.states_surely_finite(input_peak, state_peak)

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
one such array per sequence, or ndarray of shape (n_sequences, \
n_model_parameters)
            States (after the input when ``include_input=True``), in the
            layout of ``X``; with a model-space ``aggregation``, one row per
            sequence: the coefficients target by target, then the
            intercepts.
        """
        check_is_fitted(self)
        sequences, _, layout = self._check_sequences(X, reset=False)
        verbose = check_verbose(self.verbose)
        if self.aggregation is not None:
            self._check_collection(layout)
            if initial_state is not None:
                raise ValueError(
                    "initial_state is for the states of every step "
                    "(aggregation=None); a model space starts every sequence "
                    "from the zero state."
                )
            washout = check_int(self.washout, "washout", low=0)
            with numba_threads(self.n_jobs):
                features = self._timed_model_space(sequences, washout, False, verbose)
            warn_if_not_finite(features, self, "transform")
            return features
        x0 = self._initial_states(len(sequences), initial_state)
        total = sum(seq.shape[0] for seq in sequences)
        name = type(self).__name__
        with (
            numba_threads(self.n_jobs),
            Progress(verbose, name, "transform", total) as progress,
        ):
            states = run_reporting(self.reservoir_, sequences, x0, progress)
        if not self._surely_finite(sequences, x0):
            warn_if_not_finite(states, self, "transform")
        if self.include_input:
            states = [
                np.hstack([u.astype(s.dtype, copy=False), s])
                for u, s in zip(sequences, states, strict=True)
            ]
        return reshape_output(states, layout)
