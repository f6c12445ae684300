"""ESNClassifier: per-step and per-sequence classification with a reservoir."""

from __future__ import annotations

import time
import warnings

import numpy as np
from sklearn.base import ClassifierMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import LabelBinarizer, LabelEncoder
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._esn import (
    _ARCH_DOC,
    _IP_DOC,
    _PARAMS_DOC,
    _STATISTICS_DOC,
    _TAIL_DOC,
    _VERBOSE_DOC,
    _BaseReservoirEstimator,
    check_keep_statistics,
    check_partial_fit_allowed,
)
from ._model_space import (
    MODEL_SPACE_DOC,
    MODEL_SPACES,
    ModelSpaceMixin,
    ridge_on_rows,
)
from ._progress import Progress, check_verbose, report
from ._ridge import GramAccumulator, RowBuffer
from ._threading import numba_threads
from ._validation import (
    check_int,
    check_option,
    check_readout_features,
    check_readout_statistics,
    check_real,
    check_sequences,
    check_state_range,
    is_sequence_collection,
    overflow_reported,
    warn_if_not_finite,
)
from .diagnostics import warn_if_not_washed_out

__all__ = ["ESNClassifier"]

AGGREGATIONS = ("last", "mean", "support", "vote", *MODEL_SPACES)


def _readout_has(method: str, *, ridge: bool):
    """Availability test: the readout offers ``method`` (``ridge``: so does the
    default ridge readout)."""

    def check(self) -> bool:
        if self.readout is None:
            return ridge
        return hasattr(getattr(self, "readout_", self.readout), method)

    return check


def _ridge_readout(self) -> bool:
    """Availability test of ``partial_fit``: only the ridge readout streams
    (model-space vectors are not streamed)."""
    return self.readout is None and self.aggregation not in MODEL_SPACES


def _one_column_to_1d(scores: np.ndarray) -> np.ndarray:
    """Binary decision scores as 1-D, as scikit-learn classifiers return them."""
    return scores[:, 0] if scores.ndim == 2 and scores.shape[1] == 1 else scores


class ESNClassifier(ClassifierMixin, ModelSpaceMixin, _BaseReservoirEstimator):
    __doc__ = f"""Echo state network classifier.

    Two tasks, told apart by the shape of ``y``:

    * **per-step classification** (tagging): ``y`` has one label per time step,
      for one 2-D sequence or for each sequence of a collection;
    * **sequence classification**: ``X`` is a collection (a list of 2-D arrays,
      lengths may differ, or a 3-D array) and ``y`` has one label per
      sequence. ``aggregation`` says how the states of a sequence become one
      feature vector: the last state, the mean state, the states at
      ``n_support_points`` evenly spaced steps (Jaeger 2007), every state
      voting (a per-step readout whose decisions are averaged over the
      sequence), or the parameters of a ridge model fitted on that sequence
      alone (the *model space* of Bianchi et al. 2021): the readout that
      predicts the next input from the current state
      (``'output_model_space'``) or the linear model that predicts the next
      state from the current one (``'reservoir_model_space'``), optionally
      after a PCA or tensor PCA of the states fitted on the training
      sequences.

    The default readout is ridge classification: one-vs-all targets in
    {{-1, 1}} fitted by ridge regression on ``[1, u, x]`` features, as
    :class:`sklearn.linear_model.RidgeClassifier` does. Any scikit-learn
    classifier can be given as ``readout`` instead; ``predict_proba`` is then
    available when it has one.

    Parameters
    ----------
{_PARAMS_DOC}{_IP_DOC}{_ARCH_DOC}    washout : int, default=0
        Steps at the start of each sequence that are run but not used (to
        train a per-step readout, or in the mean, support points and votes).
    alpha : float, default=1e-6
        Ridge penalty of the default readout.
    include_input : bool, default=True
        Whether the features include the input ``u_t`` next to the state.
    readout : classifier, default=None
        Any scikit-learn classifier to use instead of ridge classification;
        cloned in ``fit``.
    aggregation : {{'last', 'mean', 'support', 'vote', \
'output_model_space', 'reservoir_model_space'}}, default='mean'
        How a sequence's states become one feature vector (sequence
        classification only). The model spaces use the (reduced) states
        from ``washout`` on, without the input (``include_input`` does not
        apply), each reservoir in the order it ran (a bidirectional one's
        backward half in reversed time, as in the paper); ``partial_fit`` is
        not available with them.
    n_support_points : int, default=5
        Number of evenly spaced steps, from the end of the washout to the last
        step, whose features are concatenated for ``aggregation='support'``.
{MODEL_SPACE_DOC}{_TAIL_DOC}{_STATISTICS_DOC}{_VERBOSE_DOC}
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    per_sequence_ : bool
        True when fitted for sequence classification (one label per sequence).
    W_ : ndarray or scipy.sparse.csr_array of shape (n_units, n_units)
        Recurrent weights; a list with one entry per layer (forward layers,
        then backward ones) when ``n_layers > 1`` or ``bidirectional``.
    W_in_ : ndarray of shape (n_features, n_units)
        Input weights (a list, as ``W_``).
    bias_ : ndarray of shape (n_units,)
        Reservoir bias (a list, as ``W_``).
    coef_ : ndarray of shape (1, n_readout_features) or (n_classes, \
n_readout_features)
        Ridge readout weights; absent when ``readout`` is given.
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Ridge readout intercept; absent when ``readout`` is given.
    readout_ : classifier
        The fitted readout when ``readout`` is given.
    state_components_ : ndarray of shape (n_units, n_components)
        Components of the state reduction fitted on the training sequences
        (model-space aggregations with ``state_reduction`` only).
    n_features_in_ : int
        Number of input features.

    See Also
    --------
    ESNRegressor : the same reservoir with a regression readout.

    References
    ----------
    Jaeger, H. (2007). Discovering multiscale dynamical features with
    hierarchical echo state networks. Jacobs University technical report 10.

    Bianchi, F. M., Scardapane, S., Lokse, S. and Jenssen, R. (2021).
    Reservoir computing approaches for representation and classification of
    multivariate time series. IEEE Transactions on Neural Networks and
    Learning Systems 32(5), 2169-2179.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir import ESNClassifier
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(60)[:, None]
    >>> X = [np.sin(t * f + rng.uniform(0, 6)) + 0.1 * rng.standard_normal((60, 1))
    ...      for f in [0.1, 0.5] * 20]
    >>> y = ["slow", "fast"] * 20
    >>> clf = ESNClassifier(50, aggregation="mean", washout=10, random_state=0)
    >>> clf.fit(X[:30], y[:30]).score(X[30:], y[30:])
    1.0
    >>> clf = ESNClassifier(50, aggregation="reservoir_model_space", washout=10,
    ...                     state_reduction="tensor_pca", n_components=10,
    ...                     random_state=0)
    >>> clf.fit(X[:30], y[:30]).score(X[30:], y[30:])
    1.0
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
        alpha: float = 1e-6,
        include_input: bool = True,
        readout=None,
        aggregation: str = "mean",
        n_support_points: int = 5,
        model_space_alpha: float = 1.0,
        state_reduction: str | None = None,
        n_components: int | None = None,
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
        self.include_input = include_input
        self.readout = readout
        self.aggregation = aggregation
        self.n_support_points = n_support_points
        self.model_space_alpha = model_space_alpha
        self.state_reduction = state_reduction
        self.n_components = n_components
        self.dtype = dtype
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.keep_statistics = keep_statistics
        self.verbose = verbose

    # ----------------------------------------------------------------- input
    def _split_labels(self, X, y, *, reset: bool):
        """Validate; return (sequences, per-step labels or None, per-sequence
        labels or None, layout)."""
        if y is None:
            raise ValueError(
                "ESNClassifier requires y to be passed, but the target y is None."
            )
        per_sequence = is_sequence_collection(X) and (
            np.ndim(y) == 1
            if isinstance(y, np.ndarray)
            else all(np.ndim(label) == 0 for label in y)
        )
        if per_sequence:
            sequences, _, layout = self._check_sequences(X, reset=reset)
            labels = column_or_1d(np.asarray(y), warn=True)
            if labels.shape[0] != len(sequences):
                raise ValueError(
                    f"y holds {labels.shape[0]} labels but X holds "
                    f"{len(sequences)} sequences; for sequence classification "
                    f"pass one label per sequence."
                )
            check_classification_targets(labels)
            return sequences, None, labels, layout
        sequences, targets, layout = check_sequences(
            self, X, y, reset=reset, y_numeric=False
        )
        check_state_range(sequences, self._state_dtype(reset))
        steps = []
        for i, target in enumerate(targets):
            if target.ndim == 2 and target.shape[1] != 1:
                raise ValueError(
                    f"y[{i}] must hold one label per time step (1-D); got shape "
                    f"{target.shape}."
                )
            steps.append(column_or_1d(target, warn=True))
        check_classification_targets(np.concatenate(steps))
        return sequences, steps, None, layout

    def _check_params(self):
        washout = check_int(self.washout, "washout", low=0)
        alpha = check_real(self.alpha, "alpha", low=0.0)
        check_option(self.aggregation, "aggregation", AGGREGATIONS)
        n_support = check_int(self.n_support_points, "n_support_points", low=1)
        check_verbose(self.verbose)
        check_keep_statistics(self.keep_statistics)
        self._check_model_space_params()
        if not isinstance(self.include_input, bool | np.bool_):
            raise TypeError(
                f"include_input must be True or False; got {self.include_input!r}."
            )
        if self.readout is not None and not (
            hasattr(self.readout, "fit") and hasattr(self.readout, "predict")
        ):
            raise TypeError(
                f"readout must be None or a scikit-learn classifier with fit and "
                f"predict; got {self.readout!r}."
            )
        return washout, alpha, n_support

    def _model_space(self) -> bool:
        """Whether the sequences are represented in a model space."""
        return self.per_sequence_ and self.aggregation in MODEL_SPACES

    # -------------------------------------------------------------- features
    def _support_steps(self, length: int, washout: int) -> np.ndarray:
        return np.round(np.linspace(washout, length - 1, self.n_support_points)).astype(
            np.int64
        )

    def _iter_features(
        self,
        sequences,
        washout: int,
        *,
        per_step: bool,
        x0=None,
        skips=None,
        final=None,
        progress=None,
    ):
        """Yield ``(sequence index, first row, features)``.

        Per step: the features of every step from ``washout`` on (from
        ``skips[i]`` on when given), chunk by chunk. Per sequence: one row per
        sequence (last, mean or support). ``x0`` replaces the zero initial
        states; ``final``, an ``(n_sequences, n_units)`` array, receives the
        state after the last step of every sequence. ``progress``, a
        :class:`~reservoir._progress.Progress`, counts the time steps run.
        """
        reservoir = self.reservoir_
        if x0 is None:
            x0 = reservoir.initial_states(len(sequences))
        n_feat = reservoir.n_units + (self.n_features_in_ if self.include_input else 0)
        pending: dict[int, np.ndarray] = {}
        for i, start, states in reservoir.iter_states(sequences, x0):
            length = sequences[i].shape[0]
            stop = start + states.shape[0]
            if progress is not None:
                progress.update(stop - start)
            if final is not None and stop == length:
                final[i] = states[-1]
            skip = max((washout if skips is None else skips[i]) - start, 0)
            if per_step:
                if skip < states.shape[0]:
                    yield (
                        i,
                        start + skip,
                        self._features(
                            sequences[i][start + skip : stop], states[skip:]
                        ),
                    )
                continue
            if self.aggregation == "mean":
                acc = pending.setdefault(i, np.zeros(n_feat))
                if skip < states.shape[0]:
                    acc += self._features(
                        sequences[i][start + skip : stop], states[skip:]
                    ).sum(axis=0)
                if stop == length:
                    yield i, 0, (pending.pop(i) / (length - washout))[None, :]
            elif self.aggregation == "last":
                if stop == length:
                    yield i, 0, self._features(sequences[i][-1:], states[-1:])
            else:
                steps = self._support_steps(length, washout)
                acc = pending.setdefault(i, np.zeros((steps.size, n_feat)))
                inside = (steps >= start) & (steps < stop)
                if inside.any():
                    rows = steps[inside]
                    acc[inside] = self._features(
                        sequences[i][rows], states[rows - start]
                    )
                if stop == length:
                    yield i, 0, pending.pop(i).reshape(1, -1)

    def _per_step_readout(self) -> bool:
        return not self.per_sequence_ or self.aggregation == "vote"

    # ------------------------------------------------------------------- fit
    def fit(self, X, y):
        """Build the reservoir, run the sequences and fit the readout.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), list of such arrays \
or ndarray of shape (n_sequences, n_timesteps, n_features)
            Input sequence(s).
        y : array-like
            One label per time step (of the single sequence, or one array per
            sequence), or one label per sequence for a collection ``X``.

        Returns
        -------
        self : ESNClassifier
            The fitted estimator.
        """
        washout, alpha, _ = self._check_params()
        if (
            self.readout is not None
            and self.aggregation == "vote"
            and not hasattr(self.readout, "predict_proba")
            and not hasattr(self.readout, "decision_function")
        ):
            raise TypeError(
                "aggregation='vote' averages the readout's scores over a sequence: "
                "give a readout with predict_proba or decision_function."
            )
        for name in (
            "_gram",
            "_W_out",
            "coef_",
            "intercept_",
            "readout_",
            "_statistics_dropped",
            "_reduction",
            "state_components_",
        ):
            if hasattr(self, name):  # a refit starts from scratch
                delattr(self, name)
        sequences, step_labels, seq_labels, _ = self._split_labels(X, y, reset=True)
        for i, seq in enumerate(sequences):
            if seq.shape[0] <= washout:
                raise ValueError(
                    f"washout={washout} leaves no step in sequence {i}, which has "
                    f"{seq.shape[0]} steps; use a washout smaller than the "
                    f"shortest sequence or longer sequences."
                )
        self.per_sequence_ = seq_labels is not None
        all_labels = seq_labels if self.per_sequence_ else np.concatenate(step_labels)
        self._encoder = LabelEncoder().fit(all_labels)
        self.classes_ = self._encoder.classes_
        reservoir = self._build_reservoir(sequences[0].shape[1], training=sequences)
        with numba_threads(self.n_jobs):
            warn_if_not_washed_out(reservoir, sequences[0], washout)
        self.reservoir_ = reservoir
        per_step = self._per_step_readout()
        # integer class codes, encoded once (not per chunk)
        if self.per_sequence_:
            seq_codes = self._encoder.transform(seq_labels)
        else:
            step_codes = [self._encoder.transform(labels) for labels in step_labels]

        def codes_of(i, first, n_rows):
            if self.per_sequence_:
                return np.repeat(seq_codes[i : i + 1], n_rows)
            return step_codes[i][first : first + n_rows]

        if self._model_space():
            with numba_threads(self.n_jobs):
                features = self._model_space_features(sequences, washout, fit=True)
            check_readout_features(features, sequences)
            if self.readout is None:
                table = (
                    LabelBinarizer(pos_label=1, neg_label=-1)
                    .fit_transform(self.classes_)
                    .astype(np.float64)
                )
                with numba_threads(self.n_jobs):
                    coef, intercept = ridge_on_rows(features, table[seq_codes], alpha)
                self._W_out, self._b_out = coef, intercept
                self.coef_, self.intercept_ = coef.T.copy(), intercept.copy()
            else:
                self.readout_ = clone(self.readout).fit(features, seq_labels)
            return self
        verbose, name = check_verbose(self.verbose), type(self).__name__
        progress = Progress(
            verbose, name, "harvest", sum(u.shape[0] for u in sequences)
        )
        with numba_threads(self.n_jobs), progress:
            if self.readout is None:
                # one-vs-all targets in {-1, 1}, one row per class
                table = (
                    LabelBinarizer(pos_label=1, neg_label=-1)
                    .fit_transform(self.classes_)
                    .astype(np.float64)
                )
                buffer = None
                final = np.empty((len(sequences), reservoir.n_units))
                for i, first, feats in self._iter_features(
                    sequences,
                    washout,
                    per_step=per_step,
                    final=final,
                    progress=progress,
                ):
                    if buffer is None:
                        buffer = RowBuffer(
                            GramAccumulator(feats.shape[1], table.shape[1])
                        )
                    with overflow_reported():
                        buffer.add(feats, table[codes_of(i, first, feats.shape[0])])
                with overflow_reported():
                    self._gram = buffer.flush()
                check_readout_statistics(self._gram, sequences)
                self._last_states = final
                self._steps_seen = np.array([u.shape[0] for u in sequences])
                self._set_ridge_readout(alpha)
                if not self.keep_statistics:  # the readout is solved already
                    del self._gram
                    self._statistics_dropped = True
            else:
                rows, codes = [], []
                for i, first, feats in self._iter_features(
                    sequences, washout, per_step=per_step, progress=progress
                ):
                    rows.append(feats.copy())
                    codes.append(codes_of(i, first, feats.shape[0]))
                labels = self.classes_[np.concatenate(codes)]
                features = np.vstack(rows)
                check_readout_features(features, sequences)
                progress.close()
                report(
                    verbose,
                    name,
                    f"fitting the readout {type(self.readout).__name__} on "
                    f"{features.shape[0]} rows x {features.shape[1]} features",
                )
                started = time.perf_counter()
                self.readout_ = clone(self.readout).fit(features, labels)
                report(
                    verbose,
                    name,
                    f"readout fitted in {time.perf_counter() - started:.1f} s",
                )
        return self

    def _set_ridge_readout(self, alpha: float) -> None:
        """Solve the ridge readout from the accumulated Gram matrix."""
        coef, intercept = self._gram.solve(alpha)
        self._W_out, self._b_out = coef, intercept
        self.coef_, self.intercept_ = coef.T.copy(), intercept.copy()

    @available_if(_ridge_readout)
    def partial_fit(self, X, y, classes=None, *, continue_state: bool = False):
        """Add training sequences to the ridge readout's statistics and re-solve.

        The first call (on an estimator that is not fitted) draws the
        reservoir weights from ``random_state`` and needs ``classes``; later
        calls keep the weights and add rows to the accumulated Gram matrices,
        so any split of the data into calls gives the readout of one
        :meth:`fit` on all of it (to round-off, when every class of
        ``classes`` occurs in the data). A call after :meth:`fit` continues
        from what ``fit`` saw. The task (per-step or per-sequence labels) is
        fixed by the first call. Only the built-in ridge readout streams:
        with a ``readout`` the method is not available.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), list of such arrays \
or ndarray of shape (n_sequences, n_timesteps, n_features)
            Input sequence(s).
        y : array-like
            One label per time step (of the single sequence, or one array per
            sequence), or one label per sequence for a collection ``X``.
        classes : array-like of shape (n_classes,), default=None
            Every label that any call will bring. Required on the first call
            (the one-vs-all targets depend on it); later calls may repeat it.
        continue_state : bool, default=False
            False: every sequence is a new one, starts from the zero state and
            its first ``washout`` steps are skipped. True (per-step labels
            only): ``X`` continues the sequence(s) of the previous call (same
            number of sequences) from the states where that call ended, and
            ``washout`` counts steps from the start of each whole sequence.

        Returns
        -------
        self : ESNClassifier
            The updated estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from reservoir import ESNClassifier
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((3000, 1))
        >>> y = np.where(np.convolve(X[:, 0], np.ones(5), "same") > 0, "up", "down")
        >>> clf = ESNClassifier(50, washout=50, random_state=0)
        >>> for start in range(0, 3000, 1000):  # one long series in 3 chunks
        ...     part = slice(start, start + 1000)
        ...     _ = clf.partial_fit(X[part], y[part], classes=["down", "up"],
        ...                         continue_state=True)
        >>> whole = ESNClassifier(50, washout=50, random_state=0).fit(X, y)
        >>> bool(np.allclose(clf.coef_, whole.coef_, rtol=1e-10, atol=1e-10))
        True
        """
        washout, alpha, _ = self._check_params()
        if not isinstance(continue_state, bool | np.bool_):
            raise TypeError(
                f"continue_state must be True or False; got {continue_state!r}."
            )
        check_partial_fit_allowed(self)
        first = not hasattr(self, "_gram")
        if first and classes is None:
            raise ValueError(
                "classes must be given on the first call to partial_fit: every "
                "label that any call will bring, e.g. classes=np.unique(labels)."
            )
        if classes is not None:
            classes = column_or_1d(np.asarray(classes), warn=True)
            check_classification_targets(classes)
            classes = np.unique(classes)
            if not first and not np.array_equal(classes, self.classes_):
                raise ValueError(
                    f"classes must stay {self.classes_.tolist()} (given on the "
                    f"first call); got {classes.tolist()}."
                )
        sequences, step_labels, seq_labels, _ = self._split_labels(X, y, reset=first)
        per_sequence = seq_labels is not None
        if not first and per_sequence != self.per_sequence_:
            raise ValueError(
                "y must hold one label per "
                f"{'sequence' if self.per_sequence_ else 'time step'}, as in the "
                "earlier calls; the task is fixed by the first call."
            )
        if continue_state and per_sequence:
            raise ValueError(
                "continue_state=True continues sequences labelled step by step; "
                "with one label per sequence pass whole sequences "
                "(continue_state=False)."
            )
        known = classes if first else self.classes_
        labels = seq_labels if per_sequence else np.concatenate(step_labels)
        unknown = set(labels.tolist()) - set(known.tolist())
        if unknown:
            raise ValueError(
                f"y holds labels {sorted(map(str, unknown))} that are not in "
                f"classes {known.tolist()}; pass every label in classes on the "
                f"first call to partial_fit."
            )
        n_seq = len(sequences)
        resume = continue_state and not first
        if resume and self._last_states.shape[0] != n_seq:
            raise ValueError(
                f"continue_state=True continues the {self._last_states.shape[0]} "
                f"sequence(s) of the previous call, but X holds {n_seq}."
            )
        if not continue_state:
            for i, seq in enumerate(sequences):
                if seq.shape[0] <= washout:
                    raise ValueError(
                        f"washout={washout} leaves no step in sequence {i}, which "
                        f"has {seq.shape[0]} steps; use a washout smaller than the "
                        f"shortest sequence, longer sequences, or "
                        f"continue_state=True to stream one sequence in chunks."
                    )
        if first:
            self._encoder = LabelEncoder().fit(known)
            self.classes_ = self._encoder.classes_
            self.per_sequence_ = per_sequence
            self.reservoir_ = self._build_reservoir(sequences[0].shape[1])
        reservoir = self.reservoir_
        if resume:
            x0 = reservoir.initial_states(n_seq, self._last_states)
            seen = self._steps_seen
        else:
            x0 = reservoir.initial_states(n_seq)
            seen = np.zeros(n_seq, dtype=np.int64)
        table = (
            LabelBinarizer(pos_label=1, neg_label=-1)
            .fit_transform(self.classes_)
            .astype(np.float64)
        )
        if per_sequence:
            seq_codes = self._encoder.transform(seq_labels)
        else:
            step_codes = [self._encoder.transform(labels) for labels in step_labels]
        n_feat = reservoir.n_units + (self.n_features_in_ if self.include_input else 0)
        if self.per_sequence_ and self.aggregation == "support":
            n_feat *= self.n_support_points  # the support points side by side
        gram = self._gram if not first else GramAccumulator(n_feat, table.shape[1])
        buffer = RowBuffer(gram)
        final = np.empty((n_seq, reservoir.n_units))
        skips = [max(washout - int(k), 0) for k in seen]
        progress = Progress(
            check_verbose(self.verbose),
            type(self).__name__,
            "harvest",
            sum(u.shape[0] for u in sequences),
        )
        with numba_threads(self.n_jobs), progress:
            for i, row, feats in self._iter_features(
                sequences,
                washout,
                per_step=self._per_step_readout(),
                x0=x0,
                skips=skips,
                final=final,
                progress=progress,
            ):
                if per_sequence:
                    codes = np.repeat(seq_codes[i : i + 1], feats.shape[0])
                else:
                    codes = step_codes[i][row : row + feats.shape[0]]
                with overflow_reported():
                    buffer.add(feats, table[codes])
        with overflow_reported():
            self._gram = buffer.flush()
        check_readout_statistics(self._gram, sequences)
        self._last_states = final
        self._steps_seen = seen + np.array([u.shape[0] for u in sequences])
        if self._gram.n_samples == 0:
            warnings.warn(
                f"every step passed to partial_fit so far lies inside washout="
                f"{washout}: the readout has no training row yet, and predict "
                f"raises NotFittedError until it has. Pass more of the "
                f"sequence(s) with continue_state=True, or lower washout.",
                UserWarning,
                stacklevel=2,
            )
        else:
            self._set_ridge_readout(alpha)
        return self

    # --------------------------------------------------------------- predict
    def _readout_scores(self, feats: np.ndarray, method: str) -> np.ndarray:
        if self.readout is None:
            return feats @ self._W_out + self._b_out
        return np.asarray(getattr(self.readout_, method)(feats))

    def _scores(self, X, method: str):
        """Per-sequence (or per-step) outputs of the readout's ``method``."""
        check_is_fitted(self)
        if self.readout is None and not hasattr(self, "_W_out"):
            raise NotFittedError(
                f"This ESNClassifier has seen no training row yet: every step "
                f"passed to partial_fit lies inside washout={self.washout}. Pass "
                f"more data to partial_fit (continue_state=True) or lower washout "
                f"before predicting."
            )
        washout = check_int(self.washout, "washout", low=0)
        sequences, _, layout = self._check_sequences(X, reset=False)
        if self.per_sequence_ and layout == "one":
            raise ValueError(
                "this ESNClassifier was fitted for sequence classification; pass a "
                "list of 2-D sequences or a 3-D array, not a single 2-D sequence."
            )
        if not self.per_sequence_:
            washout = 0  # every step gets a label
        for i, seq in enumerate(sequences):
            if self.per_sequence_ and seq.shape[0] <= washout:
                raise ValueError(
                    f"washout={washout} leaves no step in sequence {i}, which has "
                    f"{seq.shape[0]} steps."
                )
        if self._model_space():
            with numba_threads(self.n_jobs):
                features = self._model_space_features(sequences, washout, fit=False)
            outputs = self._readout_scores(features, method)
            if method != "predict":
                warn_if_not_finite(outputs, self, method)
            return outputs, "sequences"
        per_step = self._per_step_readout()
        outputs: list = [None] * len(sequences)
        with numba_threads(self.n_jobs):
            for i, first, feats in self._iter_features(
                sequences, washout, per_step=per_step
            ):
                part = self._readout_scores(feats, method)
                if not self.per_sequence_:
                    if outputs[i] is None:
                        # labels keep the classes' dtype (strings of any length)
                        dtype = self.classes_.dtype if method == "predict" else float
                        outputs[i] = np.empty(
                            (sequences[i].shape[0], *part.shape[1:]), dtype=dtype
                        )
                    outputs[i][first : first + part.shape[0]] = part
                elif self.aggregation == "vote":
                    total = part.sum(axis=0)
                    outputs[i] = total if outputs[i] is None else outputs[i] + total
                else:
                    outputs[i] = part[0]
        if self.per_sequence_:
            if self.aggregation == "vote":
                counts = [seq.shape[0] - washout for seq in sequences]
                outputs = [o / c for o, c in zip(outputs, counts, strict=True)]
            outputs = np.stack(outputs)
        if method != "predict":  # scores or probabilities, not labels
            warn_if_not_finite(outputs, self, method)
            if self.reservoir_.dtype == np.float32:  # float32 in, float32 out
                if self.per_sequence_:
                    outputs = outputs.astype(np.float32)
                else:
                    outputs = [o.astype(np.float32) for o in outputs]
        return outputs, ("sequences" if self.per_sequence_ else layout)

    def _labels_from_scores(self, scores: np.ndarray, method: str) -> np.ndarray:
        """Labels from a readout's output: as they are for ``predict``, else
        the sign of a single score column or the largest column."""
        if method == "predict":
            return np.asarray(scores)
        if scores.ndim == 1 or scores.shape[-1] == 1:
            index = (scores.reshape(scores.shape[0]) > 0).astype(np.int64)
        else:
            index = np.argmax(scores, axis=-1)
        return self.classes_[index]

    def _predict_method(self) -> str:
        """The readout method whose output ``predict`` turns into labels."""
        if self.readout is None:
            return "decision_function"
        if self.per_sequence_ and self.aggregation == "vote":
            # votes are averaged scores, so the readout must give scores
            return (
                "predict_proba"
                if hasattr(self.readout_, "predict_proba")
                else ("decision_function")
            )
        return "predict"

    @available_if(_readout_has("decision_function", ridge=True))
    def decision_function(self, X):
        """Readout scores (one column per class; one for two classes).

        Parameters
        ----------
        X : array-like
            Input sequence(s), as in :meth:`fit`.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes), or a \
list of such arrays for per-step classification of a list
            Per step (or per sequence, averaged over the steps for
            ``aggregation='vote'``). With a ``readout``, its own
            ``decision_function`` (available when it has one). float32 when
            ``dtype='float32'``.
        """
        outputs, layout = self._scores(X, "decision_function")
        if layout == "sequences":
            return _one_column_to_1d(outputs)
        shaped = [_one_column_to_1d(o) for o in outputs]
        return shaped[0] if layout == "one" else shaped

    @available_if(_readout_has("predict_proba", ridge=False))
    def predict_proba(self, X):
        """Class probabilities from the ``readout`` (when it has predict_proba).

        Parameters
        ----------
        X : array-like
            Input sequence(s), as in :meth:`fit`.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes), or a list of them
            Per step, or per sequence (averaged over the steps for
            ``aggregation='vote'``); float32 when ``dtype='float32'``.
        """
        outputs, layout = self._scores(X, "predict_proba")
        if layout in ("sequences", "one"):
            return outputs if layout == "sequences" else outputs[0]
        return outputs

    def predict(self, X):
        """Predicted class of every step, or of every sequence.

        Parameters
        ----------
        X : array-like
            Input sequence(s), as in :meth:`fit`.

        Returns
        -------
        labels : ndarray, or a list of ndarrays for per-step labels of a list
            One label per sequence (sequence classification) or per step.
        """
        check_is_fitted(self)
        method = self._predict_method()
        outputs, layout = self._scores(X, method)
        if layout == "sequences":
            return self._labels_from_scores(outputs, method)
        labels = [self._labels_from_scores(o, method) for o in outputs]
        return labels[0] if layout == "one" else labels

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = False
        return tags
