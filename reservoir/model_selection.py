"""Hyperparameter search for echo state networks at the cost of one harvest.

* :class:`ESNSearchCV` searches reservoir hyperparameters and the ridge
  penalty together. For each reservoir configuration and each time-series
  fold it runs the reservoir once, solves every alpha from one
  eigendecomposition of the Gram matrix, and scores each alpha exactly as
  :class:`~sklearn.model_selection.GridSearchCV` would score an
  :class:`~reservoir.ESNRegressor` refitted with that alpha.
* :func:`recommended_search_space` returns the ranges recommended by Hinaut &
  Trouvain (2021) as ``scipy.stats`` distributions for
  :class:`~sklearn.model_selection.RandomizedSearchCV` (or for
  :class:`ESNSearchCV` with ``n_iter``).
* :func:`merge_partial_fits` adds up the Gram matrices of estimators fitted
  on different chunks (on different workers or machines) into one fit.
"""

from __future__ import annotations

import copy
import numbers
import time
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import scipy.sparse
import scipy.stats
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, MetaEstimatorMixin, RegressorMixin, clone
from sklearn.model_selection import ParameterGrid, ParameterSampler, TimeSeriesSplit
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import check_is_fitted, indexable

from ._esn import ESNRegressor, _check_alphas
from ._ridge import GramAccumulator, RidgePath
from ._threading import numba_threads
from ._validation import check_int, check_option, is_sequence_collection

__all__ = ["ESNSearchCV", "merge_partial_fits", "recommended_search_space"]


def recommended_search_space(
    prefix: str = "", *, alpha: bool = True
) -> dict[str, scipy.stats.rv_continuous]:
    """Random-search distributions recommended by Hinaut & Trouvain (2021).

    Log-uniform ranges from "Which Hype for My New Task? Hints and Random
    Search for Echo State Networks Hyperparameters" (ICANN 2021) and the
    ReservoirPy tutorial by the same authors: spectral radius in [1e-2, 10],
    leak rate in [1e-3, 1], ridge penalty in [1e-8, 10]. Input scaling, which
    the tutorial fixes at 1, gets a log-uniform range of [1e-2, 10] around it.
    Sparsity is left out on purpose: the paper found it of little influence.
    The authors advise random search over 2-3 parameters at a time, with
    several reservoir seeds per configuration.

    Parameters
    ----------
    prefix : str, default=""
        Prepended to every name, e.g. ``"esnregressor__"`` for a step of a
        pipeline made with ``make_pipeline``.
    alpha : bool, default=True
        Include the ridge penalty ``alpha``. Leave it out for
        :class:`ESNSearchCV`, which takes a list of alphas and solves them all
        at once.

    Returns
    -------
    space : dict
        Parameter name to frozen ``scipy.stats.loguniform`` distribution, to
        pass as ``param_distributions``.

    Examples
    --------
    >>> from sklearn.model_selection import RandomizedSearchCV, TimeSeriesSplit
    >>> from reservoir import ESNRegressor
    >>> from reservoir.model_selection import recommended_search_space
    >>> space = recommended_search_space()
    >>> sorted(space)
    ['alpha', 'input_scaling', 'leak_rate', 'spectral_radius']
    >>> search = RandomizedSearchCV(ESNRegressor(50, random_state=0), space,
    ...                             n_iter=5, cv=TimeSeriesSplit(3),
    ...                             random_state=0)
    """
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a string; got {prefix!r}.")
    space = {
        "spectral_radius": scipy.stats.loguniform(1e-2, 1e1),
        "leak_rate": scipy.stats.loguniform(1e-3, 1.0),
        "input_scaling": scipy.stats.loguniform(1e-2, 1e1),
    }
    if alpha:
        space["alpha"] = scipy.stats.loguniform(1e-8, 1e1)
    return {prefix + name: dist for name, dist in space.items()}


def _r2(y_true, preds):
    """R² of every alpha's predictions, as ``r2_score`` (uniform average)."""
    sse = ((y_true[None] - preds) ** 2).sum(axis=1)  # (n_alphas, n_targets)
    sst = ((y_true - y_true.mean(axis=0)) ** 2).sum(axis=0)
    out = np.empty_like(sse)
    nonzero = sst != 0
    out[:, nonzero] = 1.0 - sse[:, nonzero] / sst[nonzero]
    # a constant target: sklearn's force_finite gives 1 for a perfect fit, else 0
    out[:, ~nonzero] = np.where(sse[:, ~nonzero] == 0, 1.0, 0.0)
    return out.mean(axis=1)


def _mse(y_true, preds):
    return ((y_true[None] - preds) ** 2).mean(axis=1).mean(axis=1)


def _rmse(y_true, preds):  # as root_mean_squared_error: per target, then mean
    return np.sqrt(((y_true[None] - preds) ** 2).mean(axis=1)).mean(axis=1)


def _mae(y_true, preds):
    return np.abs(y_true[None] - preds).mean(axis=1).mean(axis=1)


#: scoring name -> (vectorised metric over alphas, sign); the score is
#: sign * metric (higher is better). Each equals the scikit-learn scorer.
_SCORERS: dict[str, tuple[Callable, float]] = {
    "r2": (_r2, 1.0),
    "neg_mean_squared_error": (_mse, -1.0),
    "neg_root_mean_squared_error": (_rmse, -1.0),
    "neg_mean_absolute_error": (_mae, -1.0),
}


def _check_scoring(scoring) -> Callable:
    """A function ``(y_true (n, K), preds (A, n, K), y_ndim) -> scores (A,)``."""
    if scoring is None:
        scoring = "r2"
    if isinstance(scoring, str):
        if scoring not in _SCORERS:
            raise ValueError(
                f"scoring must be None, one of {', '.join(map(repr, _SCORERS))} "
                f"or a callable score(y_true, y_pred) (higher is better); "
                f"got {scoring!r}."
            )
        metric, sign = _SCORERS[scoring]
        return lambda y_true, preds, y_ndim: sign * metric(y_true, preds)
    if callable(scoring):
        return lambda y_true, preds, y_ndim: np.array(
            [
                scoring(y_true[:, 0], p[:, 0]) if y_ndim == 1 else scoring(y_true, p)
                for p in preds
            ],
            dtype=np.float64,
        )
    raise TypeError(
        f"scoring must be None, a string or a callable score(y_true, y_pred); "
        f"got {scoring!r}."
    )


def _fold_path(estimator, X, y, train, test, alphas, score, test_state):
    """Harvest one fold once; score every alpha. Runs in a joblib worker."""
    start = time.perf_counter()
    X_train, y_train = _safe_indexing(X, train), _safe_indexing(y, train)
    if test_state == "continue":
        # run on from the end of the training rows through any gap
        ahead = np.arange(train[-1] + 1, test[-1] + 1)
        X_test, y_test = _safe_indexing(X, ahead), _safe_indexing(y, ahead)
    else:
        X_test, y_test = _safe_indexing(X, test), _safe_indexing(y, test)
    washout = estimator._check_readout_params()[0]
    sequences, targets, y_ndim = estimator._check_training_data(
        X_train, y_train, reset=True
    )
    reservoir = estimator._build_reservoir(sequences[0].shape[1])
    estimator.reservoir_ = reservoir
    with numba_threads(estimator.n_jobs):
        (gram,), final = estimator._harvest(
            reservoir,
            sequences,
            targets,
            reservoir.initial_states(len(sequences)),
            [washout] * len(sequences),
        )
        path = RidgePath(gram)
        fit_time = time.perf_counter() - start
        start = time.perf_counter()
        test_seqs, test_targets, _ = estimator._check_sequences(
            X_test, y_test, reset=False
        )
        if test_state == "continue":
            x0 = reservoir.initial_states(1, final[0])
        else:  # as GridSearchCV's predict(X_test): the test fold starts from zero
            x0 = reservoir.initial_states(len(test_seqs))
        states = reservoir.run(test_seqs, x0)
    Z = np.vstack(
        [estimator._features(u, s) for u, s in zip(test_seqs, states, strict=True)]
    )
    y_true = np.concatenate(test_targets).reshape(Z.shape[0], -1)
    if test_state == "continue":
        Z, y_true = Z[-len(test) :], y_true[-len(test) :]
    scores = score(y_true, path.predict(Z, alphas), y_ndim)
    return scores, fit_time, time.perf_counter() - start


def _check_continuing_folds(folds) -> None:
    for k, (train, test) in enumerate(folds):
        train, test = np.asarray(train), np.asarray(test)
        contiguous = all(
            idx.size and np.array_equal(idx, np.arange(idx[0], idx[-1] + 1))
            for idx in (train, test)
        )
        if not contiguous or test[0] <= train[-1]:
            raise ValueError(
                f"test_state='continue' needs folds whose training rows and test "
                f"rows are contiguous, the test after the training rows (as in "
                f"TimeSeriesSplit); fold {k} is not."
            )


def _format_params(params: Mapping) -> str:
    return ", ".join(
        f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v!r}"
        for k, v in params.items()
    )


class ESNSearchCV(MetaEstimatorMixin, RegressorMixin, BaseEstimator):
    """Search reservoir hyperparameters and the whole ridge alpha path.

    Gives the results of ``GridSearchCV(estimator, param_grid, cv=cv)`` (or of
    ``RandomizedSearchCV`` with ``n_iter``) on an :class:`~reservoir.ESNRegressor`
    at the cost of one reservoir run per configuration and fold, whatever the
    number of alphas: each fold's training rows are summarised by their Gram
    matrix, whose eigendecomposition solves every alpha, and each alpha is
    scored on the test fold run from the zero state, exactly as
    ``GridSearchCV`` refitting the estimator for that alpha would. The
    reservoir configurations and folds run in parallel through joblib
    (``n_jobs``), with one Numba thread per worker.

    Parameters
    ----------
    estimator : ESNRegressor
        The base estimator; its other hyperparameters stay fixed.
    param_grid : dict or list of dicts
        Parameter names to lists of values, as in ``GridSearchCV``; with
        ``n_iter`` values may also be ``scipy.stats`` distributions, as in
        ``RandomizedSearchCV``. An ``"alpha"`` entry must be a list of
        penalties: the path solved for every configuration. Without one, the
        estimator's ``alpha`` (a number or a sequence) is the path.
    n_iter : int, default=None
        None searches the full grid; an int samples that many reservoir
        configurations (``ParameterSampler``), each with the whole alpha path.
    cv : int or cross-validation splitter, default=5
        An int means ``TimeSeriesSplit(cv)``. Splits index the rows of a
        single series, or the sequences of a collection.
    scoring : {'r2', 'neg_mean_squared_error', 'neg_root_mean_squared_error', \
'neg_mean_absolute_error'}, callable or None, default=None
        Test score, higher is better; None is the estimator's ``score`` (R²).
        A callable gets ``(y_true, y_pred)``. For a collection of sequences
        the test sequences' rows are concatenated before scoring.
    n_jobs : int, default=None
        Number of joblib workers over (configuration, fold) pairs; None means
        1 and -1 all cores. Works with any joblib backend, e.g. Dask's.
    refit : bool, default=True
        Refit the best (configuration, alpha) on the whole data as
        ``best_estimator_``.
    verbose : int, default=0
        1 prints every configuration's parameters, best alpha, mean score and
        time as it finishes; 2 also every fold and the score of every alpha.
    random_state : int, RandomState instance or None, default=None
        Seed for ``ParameterSampler`` when ``n_iter`` is given.
    test_state : {'zero', 'continue'}, default='zero'
        Where each test fold starts. 'zero': from the zero state, as
        ``GridSearchCV`` calling ``predict(X_test)`` does, so the first steps
        of every test fold carry the reservoir's transient. 'continue': from
        the state at the end of the training rows, run on through any gap, as
        when forecasting a series; this needs one series and folds like
        ``TimeSeriesSplit``'s, and scores the model rather than its warm-up.

    Attributes
    ----------
    cv_results_ : dict of ndarrays
        One entry per (configuration, alpha) candidate, in the format of
        ``GridSearchCV.cv_results_``: ``params``, ``param_<name>``,
        ``split<k>_test_score``, ``mean_test_score``, ``std_test_score``,
        ``rank_test_score``, ``mean_fit_time``, ``std_fit_time``,
        ``mean_score_time``, ``std_score_time`` (times are per configuration
        and fold, shared by its alphas).
    best_index_ : int
        Index of the best candidate in ``cv_results_``.
    best_params_ : dict
        Parameters of the best candidate, including ``alpha``.
    best_score_ : float
        Mean test score of the best candidate.
    best_estimator_ : ESNRegressor
        The best candidate refitted on all the data (with ``refit=True``).
    refit_time_ : float
        Seconds spent refitting the best candidate.
    n_splits_ : int
        Number of folds.
    n_features_in_ : int
        Number of input features (with ``refit=True``).

    See Also
    --------
    reservoir.ESNRegressor : ``alpha`` as a sequence chooses by GCV or by
        blocked CV inside one fit.
    recommended_search_space : distributions for random search.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir import ESNRegressor
    >>> from reservoir.model_selection import ESNSearchCV
    >>> X = np.sin(np.linspace(0, 80, 2001))[:, None]
    >>> search = ESNSearchCV(
    ...     ESNRegressor(50, washout=50, random_state=0),
    ...     {"spectral_radius": [0.5, 0.9], "leak_rate": [0.3, 1.0],
    ...      "alpha": [1e-8, 1e-6, 1e-4, 1e-2]},
    ...     cv=3,
    ... ).fit(X[:-1], X[1:, 0])
    >>> len(search.cv_results_["params"])  # 4 configurations x 4 alphas
    16
    >>> sorted(search.best_params_)
    ['alpha', 'leak_rate', 'spectral_radius']
    """

    def __init__(
        self,
        estimator: ESNRegressor,
        param_grid: Mapping | list[Mapping],
        *,
        n_iter: int | None = None,
        cv=5,
        scoring: str | Callable | None = None,
        n_jobs: int | None = None,
        refit: bool = True,
        verbose: int = 0,
        random_state=None,
        test_state: str = "zero",
    ):
        self.estimator = estimator
        self.param_grid = param_grid
        self.n_iter = n_iter
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.verbose = verbose
        self.random_state = random_state
        self.test_state = test_state

    def _configurations(self) -> tuple[list[dict], list[np.ndarray]]:
        """Reservoir configurations and the alpha path of each."""
        grids = self.param_grid
        if isinstance(grids, Mapping):
            grids = [grids]
        if not isinstance(grids, list) or not all(
            isinstance(g, Mapping) for g in grids
        ):
            raise TypeError(
                f"param_grid must be a dict or a list of dicts; got {grids!r}."
            )
        configs, paths = [], []
        for grid in grids:
            grid = dict(grid)
            if "alpha" in grid:
                if not isinstance(grid["alpha"], list | tuple | np.ndarray):
                    raise ValueError(
                        "param_grid['alpha'] must be a list of penalties (the "
                        f"path solved for every configuration); got "
                        f"{grid['alpha']!r}."
                    )
                alphas, _ = _check_alphas(list(grid.pop("alpha")))
            else:
                alphas, _ = _check_alphas(self.estimator.alpha)
            if self.n_iter is None:
                sampled = list(ParameterGrid(grid)) if grid else [{}]
            else:
                n_iter = check_int(self.n_iter, "n_iter", low=1)
                sampled = list(
                    ParameterSampler(grid, n_iter, random_state=self.random_state)
                )
            configs.extend(sampled)
            paths.extend([alphas] * len(sampled))
        return configs, paths

    def fit(self, X, y):
        """Run the search.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), or a collection of \
sequences
            Input, as for :meth:`reservoir.ESNRegressor.fit`.
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_targets), or \
one such array per sequence
            Targets.

        Returns
        -------
        self : ESNSearchCV
            The fitted search.
        """
        if not isinstance(self.estimator, ESNRegressor):
            raise TypeError(
                f"estimator must be an ESNRegressor; got {self.estimator!r}. Use "
                f"GridSearchCV for other estimators."
            )
        if self.estimator.readout is not None:
            raise ValueError(
                "ESNSearchCV needs the built-in ridge readout (readout=None)."
            )
        verbose = check_int(self.verbose, "verbose", low=0)
        score = _check_scoring(self.scoring)
        cv = self.cv
        if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
            cv = TimeSeriesSplit(check_int(cv, "cv", low=2))
        elif isinstance(cv, str) or not hasattr(cv, "split"):
            raise TypeError(
                f"cv must be an int >= 2 or a splitter such as TimeSeriesSplit; "
                f"got {cv!r}."
            )
        if not is_sequence_collection(X):
            X, y = indexable(X, y)
        elif isinstance(X, np.ndarray) and X.ndim == 3:
            y = np.asarray(y)
        else:
            X, y = list(X), list(y)
        check_option(self.test_state, "test_state", ("zero", "continue"))
        if self.test_state == "continue" and is_sequence_collection(X):
            raise ValueError(
                "test_state='continue' needs one series (a 2-D X); a "
                "collection's test sequences start from the zero state."
            )
        configs, paths = self._configurations()
        folds = list(cv.split(X, y))
        if self.test_state == "continue":
            _check_continuing_folds(folds)
        n_cfg, n_folds = len(configs), len(folds)
        if verbose:
            n_cand = sum(p.size for p in paths)
            print(
                f"[ESNSearchCV] {n_folds} folds for each of {n_cfg} reservoir "
                f"configurations ({n_cand} candidates with the alphas): "
                f"{n_cfg * n_folds} reservoir runs instead of {n_cand * n_folds}"
            )
        tasks = [
            delayed(_fold_path)(
                clone(self.estimator).set_params(**configs[c], alpha=list(paths[c])),
                X,
                y,
                train,
                test,
                paths[c],
                score,
                self.test_state,
            )
            for c in range(n_cfg)
            for train, test in folds
        ]
        results = []
        outputs = Parallel(n_jobs=self.n_jobs, return_as="generator")(tasks)
        for k, out in enumerate(outputs):
            results.append(out)
            c, f = divmod(k, n_folds)
            if verbose >= 2:
                best = int(np.argmax(out[0]))
                print(
                    f"[ESNSearchCV] [{c + 1}/{n_cfg}] fold {f + 1}/{n_folds} "
                    f"{_format_params(configs[c])}: best alpha={paths[c][best]:.3g} "
                    f"score={out[0][best]:.6g} ({out[1] + out[2]:.2f}s)"
                )
            if verbose and f == n_folds - 1:
                mean = np.mean([r[0] for r in results[-n_folds:]], axis=0)
                best = int(np.argmax(mean))
                took = sum(r[1] + r[2] for r in results[-n_folds:])
                print(
                    f"[ESNSearchCV] [{c + 1}/{n_cfg}] {_format_params(configs[c])}: "
                    f"best alpha={paths[c][best]:.3g} mean score={mean[best]:.6g} "
                    f"({took:.2f}s)"
                )
                if verbose >= 2:
                    for a, m in zip(paths[c], mean, strict=True):
                        print(f"[ESNSearchCV]     alpha={a:.3g} mean score={m:.6g}")
        self._store_results(configs, paths, results, n_folds)
        self.n_splits_ = n_folds
        if self.refit:
            start = time.perf_counter()
            self.best_estimator_ = (
                clone(self.estimator).set_params(**self.best_params_).fit(X, y)
            )
            self.refit_time_ = time.perf_counter() - start
            self.n_features_in_ = self.best_estimator_.n_features_in_
            if hasattr(self.best_estimator_, "feature_names_in_"):
                self.feature_names_in_ = self.best_estimator_.feature_names_in_
        return self

    def _store_results(self, configs, paths, results, n_folds) -> None:
        params, split_scores, fit_times, score_times = [], [], [], []
        for c, config in enumerate(configs):
            per_fold = results[c * n_folds : (c + 1) * n_folds]
            for a, alpha in enumerate(paths[c]):
                params.append({**config, "alpha": float(alpha)})
                split_scores.append([r[0][a] for r in per_fold])
                fit_times.append([r[1] for r in per_fold])
                score_times.append([r[2] for r in per_fold])
        split_scores = np.array(split_scores)
        mean = split_scores.mean(axis=1)
        out: dict = {"params": params}
        for name in sorted({k for p in params for k in p}):
            column = np.ma.MaskedArray(np.empty(len(params), dtype=object), mask=True)
            for i, p in enumerate(params):
                if name in p:
                    column[i] = p[name]
            out[f"param_{name}"] = column
        for k in range(n_folds):
            out[f"split{k}_test_score"] = split_scores[:, k]
        out["mean_test_score"] = mean
        out["std_test_score"] = split_scores.std(axis=1)
        ranked = np.where(np.isfinite(mean), mean, -np.inf)
        out["rank_test_score"] = scipy.stats.rankdata(-ranked, method="min").astype(
            np.int32
        )
        out["mean_fit_time"] = np.mean(fit_times, axis=1)
        out["std_fit_time"] = np.std(fit_times, axis=1)
        out["mean_score_time"] = np.mean(score_times, axis=1)
        out["std_score_time"] = np.std(score_times, axis=1)
        self.cv_results_ = out
        self.best_index_ = int(np.argmax(ranked))
        self.best_params_ = params[self.best_index_]
        self.best_score_ = float(mean[self.best_index_])

    def predict(self, X, **predict_params):
        """Predict with ``best_estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), or a collection of \
sequences
            Input.
        **predict_params : dict
            Passed on to :meth:`reservoir.ESNRegressor.predict`
            (``initial_state``, ``return_state``).

        Returns
        -------
        y_pred : ndarray or list of ndarrays
            Predictions of the best estimator.
        """
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.predict(X, **predict_params)


def _same_weights(a: ESNRegressor, b: ESNRegressor) -> bool:
    def dense(W):
        return W.toarray() if scipy.sparse.issparse(W) else np.asarray(W)

    return (
        dense(a.W_).shape == dense(b.W_).shape
        and np.array_equal(dense(a.W_), dense(b.W_))
        and np.array_equal(a.W_in_, b.W_in_)
        and np.array_equal(a.bias_, b.bias_)
        and np.array_equal(a.reservoir_.leak, b.reservoir_.leak)
        and a.include_input == b.include_input
        and a._y_ndim == b._y_ndim
        and a._gram.czy.shape == b._gram.czy.shape
    )


def merge_partial_fits(estimators: Iterable[ESNRegressor]) -> ESNRegressor:
    """One ESN readout from estimators fitted on different chunks of data.

    Gram matrices add up: estimators with the same reservoir (the same
    hyperparameters and an integer ``random_state``), each fitted with
    :meth:`~reservoir.ESNRegressor.fit` or
    :meth:`~reservoir.ESNRegressor.partial_fit` on its own sequences (for
    instance on different Dask workers), merge into the estimator that one
    ``fit`` on all the sequences would give, to round-off. The inputs are
    not modified.

    Parameters
    ----------
    estimators : iterable of ESNRegressor
        Fitted estimators with identical reservoir weights and the built-in
        ridge readout.

    Returns
    -------
    merged : ESNRegressor
        A copy of the first estimator whose readout is solved on the summed
        statistics (``alpha`` as a sequence is chosen again by GCV). A later
        ``partial_fit(..., continue_state=True)`` continues the sequences of
        all the estimators, in order.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.base import clone
    >>> from reservoir import ESNRegressor
    >>> from reservoir.model_selection import merge_partial_fits
    >>> rng = np.random.default_rng(0)
    >>> X = [rng.uniform(-1, 1, (300, 2)) for _ in range(4)]
    >>> y = [x.sum(axis=1) for x in X]
    >>> esn = ESNRegressor(40, washout=20, alpha=1e-2, random_state=0)
    >>> parts = [clone(esn).fit(X[:2], y[:2]), clone(esn).fit(X[2:], y[2:])]
    >>> merged = merge_partial_fits(parts)
    >>> bool(np.allclose(merged.coef_, clone(esn).fit(X, y).coef_))
    True
    """
    estimators = list(estimators)
    if not estimators:
        raise ValueError("estimators is empty; pass at least one fitted estimator.")
    for i, est in enumerate(estimators):
        if not isinstance(est, ESNRegressor) or not hasattr(est, "_gram"):
            raise TypeError(
                f"estimators[{i}] must be an ESNRegressor fitted with the built-in "
                f"ridge readout; got {est!r}."
            )
        if not _same_weights(estimators[0], est):
            raise ValueError(
                f"estimators[{i}] has a different reservoir or target shape than "
                f"estimators[0]; fit clones of one estimator with an integer "
                f"random_state."
            )
    merged = copy.deepcopy(estimators[0])
    merged._last_states = np.vstack([e._last_states for e in estimators])
    merged._steps_seen = np.concatenate([e._steps_seen for e in estimators])
    alphas, is_path = _check_alphas(merged.alpha)
    merged._set_readout(
        GramAccumulator.sum(e._gram for e in estimators), alphas, is_path
    )
    return merged
