"""Hyperparameter search for echo state networks at the cost of one harvest.

* :class:`ESNSearchCV` searches reservoir hyperparameters and the ridge
  penalty together, for an ESN or a pipeline ending with one. For each
  reservoir configuration and each fold it fits the estimator once, solves
  the readout again for every alpha from the same Gram matrix, and scores
  each alpha with any scikit-learn scorer exactly as
  :class:`~sklearn.model_selection.GridSearchCV` would score the estimator
  refitted with that alpha.
* :func:`recommended_search_space` returns the ranges recommended by Hinaut &
  Trouvain (2021) as ``scipy.stats`` distributions for
  :class:`~sklearn.model_selection.RandomizedSearchCV` (or for
  :class:`ESNSearchCV` with ``n_iter``).
* :func:`merge_partial_fits` adds up the Gram matrices of estimators fitted
  on different chunks (on different workers or machines) into one fit.
"""

from __future__ import annotations

import copy
import itertools
import numbers
import time
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import scipy.sparse
import scipy.stats
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.metrics._scorer import _MultimetricScorer
from sklearn.model_selection import ParameterGrid, ParameterSampler, TimeSeriesSplit
from sklearn.model_selection._search import BaseSearchCV, _check_refit
from sklearn.model_selection._validation import (
    _insert_error_scores,
    _warn_or_raise_about_fit_failures,
)
from sklearn.utils.validation import check_is_fitted, indexable

from ._esn import ESNRegressor, _check_alphas
from ._ridge import GramAccumulator
from ._search_paths import final_reservoir_estimator, fold_path, vectorised_scoring
from ._validation import check_int, check_option, is_sequence_collection
from .forecast import ESNForecaster

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


def _alpha_values(values, name: str) -> list:
    """The alphas of a grid entry (a list of penalties), validated."""
    if not isinstance(values, list | tuple | np.ndarray):
        raise ValueError(
            f"param_grid[{name!r}] must be a list of penalties (the path solved "
            f"for every configuration); got {values!r}."
        )
    _check_alphas(list(values))
    return list(values)


def _grid_candidates(grid: dict, alpha_name: str, alphas: list):
    """``ParameterGrid`` order over ``grid`` with the alphas in their place.

    Yields ``(params, configuration key, alpha index)``: the same dicts in the
    same order as ``list(ParameterGrid({**grid, alpha_name: alphas}))``, each
    with the indices of its other values (its configuration) and of its alpha.
    """
    full = {**grid, alpha_name: alphas}
    keys = sorted(full)
    values = [list(full[k]) for k in keys]
    at = keys.index(alpha_name)
    for index in itertools.product(*(range(len(v)) for v in values)):
        params = {k: v[i] for k, v, i in zip(keys, values, index, strict=True)}
        yield params, index[:at] + index[at + 1 :], index[at]


class ESNSearchCV(BaseSearchCV):
    """Search reservoir hyperparameters and the whole ridge alpha path.

    Gives the results of ``GridSearchCV(estimator, param_grid, cv=cv,
    scoring=scoring)`` (or of ``RandomizedSearchCV`` with ``n_iter``), row by
    row, at the cost of one reservoir run per configuration and fold,
    whatever the number of alphas. The estimator is an
    :class:`~reservoir.ESNRegressor`, :class:`~reservoir.ESNClassifier` or
    :class:`~reservoir.ESNForecaster`, or a
    :class:`~sklearn.pipeline.Pipeline` whose last step is one of them (its
    preprocessing steps are fitted on each fold's training rows, as
    ``GridSearchCV`` fits them). For each configuration and fold the
    estimator is fitted once; the ridge readout is then solved again for
    every alpha from the same Gram matrix and every alpha is scored on the
    test fold, whose rows run through the reservoir once for all the alphas
    (each scorer receives, for each alpha, an object whose ``predict`` gives
    that alpha's predictions). The (configuration, fold) pairs run in
    parallel through joblib (``n_jobs``), with one Numba thread per worker.

    Parameters
    ----------
    estimator : ESNRegressor, ESNClassifier, ESNForecaster or Pipeline
        The base estimator (with the built-in ridge readout); its other
        hyperparameters stay fixed. A pipeline's parameters are named as in
        ``GridSearchCV``, e.g. ``esnregressor__spectral_radius``.
    param_grid : dict or list of dicts
        Parameter names to lists of values, as in ``GridSearchCV``; with
        ``n_iter`` values may also be ``scipy.stats`` distributions, as in
        ``RandomizedSearchCV``. The ridge penalty (``alpha``, or
        ``<last step>__alpha`` in a pipeline) must be a list: the path solved
        for every configuration. Without one, the estimator's ``alpha`` (a
        number or a sequence) is the path.
    n_iter : int, default=None
        None searches the full grid; an int samples that many reservoir
        configurations (``ParameterSampler``), each with the whole alpha path.
    cv : int or cross-validation splitter, default=5
        An int means ``TimeSeriesSplit(cv)``. Splits index the rows of a
        single series, or the sequences of a collection.
    scoring : str, callable, list, tuple, dict or None, default=None
        Anything ``GridSearchCV`` takes: a name from
        ``sklearn.metrics.get_scorer_names()``, a scorer made with
        ``make_scorer``, a callable ``scorer(estimator, X, y)`` returning a
        number (or a dict of them), or several scorers as a list, tuple or
        dict. None is the estimator's ``score`` (R² for a regressor or
        forecaster, accuracy for a classifier). For a collection of sequences
        with a target per step, the test sequences' rows are concatenated
        before scoring.
    n_jobs : int, default=None
        Number of joblib workers over (configuration, fold) pairs; None means
        1 and -1 all cores. Works with any joblib backend, e.g. Dask's.
    refit : bool, str or callable, default=True
        As in ``GridSearchCV``: refit the best candidate on the whole data as
        ``best_estimator_``; with several scorers, the name of the one that
        chooses it, or False; a callable gets ``cv_results_`` and returns the
        index of the best candidate.
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
        when forecasting a series; this needs an ``ESNRegressor``, one series
        and folds like ``TimeSeriesSplit``'s, and scores the model rather than
        its warm-up. (``ESNForecaster.predict`` always continues from the end
        of its training rows.)
    error_score : 'raise' or float, default=np.nan
        Score of a (configuration, fold) whose fit fails, as in
        ``GridSearchCV``; 'raise' raises the error.
    return_train_score : bool, default=False
        Also score every candidate on its training rows (run again from the
        zero state), as ``GridSearchCV`` does.
    pre_dispatch : int or str, default='2*n_jobs'
        Number of tasks dispatched ahead, as in ``joblib.Parallel``.

    Attributes
    ----------
    cv_results_ : dict of ndarrays
        One entry per (configuration, alpha) candidate, with the keys and the
        row order of ``GridSearchCV.cv_results_`` (``ParameterGrid`` order
        over the grid with the alphas in their place): ``params``,
        ``param_<name>``, ``split<k>_test_<metric>``, ``mean_test_<metric>``,
        ``std_test_<metric>``, ``rank_test_<metric>`` (``<metric>`` is
        ``score`` for one scorer), train scores with ``return_train_score``,
        ``mean_fit_time``, ``std_fit_time``, ``mean_score_time``,
        ``std_score_time`` (times are per configuration and fold, shared by
        its alphas). With ``n_iter`` the rows are the sampled configurations,
        each followed by its alphas.
    best_index_ : int
        Index of the best candidate in ``cv_results_``.
    best_params_ : dict
        Parameters of the best candidate, including the alpha.
    best_score_ : float
        Mean test score of the best candidate (not with a callable
        ``refit``).
    best_estimator_ : estimator
        The best candidate refitted on all the data (with ``refit``).
    refit_time_ : float
        Seconds spent refitting the best candidate.
    scorer_ : callable or dict
        The scorer(s) used, as in ``GridSearchCV``.
    multimetric_ : bool
        Whether several scorers were used.
    n_splits_ : int
        Number of folds.
    feature_names_in_ : ndarray of shape (n_features,)
        Input column names, when the refitted estimator has them.

    See Also
    --------
    reservoir.ESNRegressor : ``alpha`` as a sequence chooses by GCV or by
        blocked CV inside one fit.
    recommended_search_space : distributions for random search.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
    >>> from reservoir import ESNRegressor
    >>> from reservoir.model_selection import ESNSearchCV
    >>> X = np.sin(np.linspace(0, 80, 2001))[:, None]
    >>> grid = {"spectral_radius": [0.5, 0.9], "leak_rate": [0.3, 1.0],
    ...         "alpha": [1e-8, 1e-6, 1e-4, 1e-2]}
    >>> esn = ESNRegressor(50, washout=50, random_state=0)
    >>> search = ESNSearchCV(esn, grid, cv=3).fit(X[:-1], X[1:, 0])
    >>> len(search.cv_results_["params"])  # 4 configurations x 4 alphas
    16

    The same rows, scores and best parameters as ``GridSearchCV``, which
    runs the reservoir four times as often:

    >>> reference = GridSearchCV(esn, grid, cv=TimeSeriesSplit(3))
    >>> reference = reference.fit(X[:-1], X[1:, 0])
    >>> search.cv_results_["params"] == reference.cv_results_["params"]
    True
    >>> search.best_params_ == reference.best_params_
    True

    A pipeline, and any scikit-learn scorer:

    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> pipe = make_pipeline(StandardScaler(), esn)
    >>> search = ESNSearchCV(
    ...     pipe, {"esnregressor__leak_rate": [0.3, 1.0],
    ...            "esnregressor__alpha": [1e-6, 1e-2]},
    ...     cv=3, scoring="neg_mean_absolute_error",
    ... ).fit(X[:-1], X[1:, 0])
    >>> sorted(search.best_params_)
    ['esnregressor__alpha', 'esnregressor__leak_rate']
    """

    def __init__(
        self,
        estimator,
        param_grid: Mapping | list[Mapping],
        *,
        n_iter: int | None = None,
        cv=5,
        scoring=None,
        n_jobs: int | None = None,
        refit: bool | str | Callable = True,
        verbose: int = 0,
        random_state=None,
        test_state: str = "zero",
        error_score=np.nan,
        return_train_score: bool = False,
        pre_dispatch="2*n_jobs",
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
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.pre_dispatch = pre_dispatch

    def _candidates(self, alpha_name: str, default_alphas: list):
        """Candidates in ``cv_results_`` order and the configurations to fit.

        Returns the candidates' parameters, the configurations (parameters
        without alpha, and the alpha values of each) and, per candidate, the
        index of its configuration and of its alpha.
        """
        grids = self.param_grid
        if isinstance(grids, Mapping):
            grids = [grids]
        if not isinstance(grids, list) or not all(
            isinstance(g, Mapping) for g in grids
        ):
            raise TypeError(
                f"param_grid must be a dict or a list of dicts; got {grids!r}."
            )
        candidates, configs, where = [], [], []
        for grid in grids:
            grid = dict(grid)
            if alpha_name in grid:
                alphas = _alpha_values(grid.pop(alpha_name), alpha_name)
            else:
                alphas = default_alphas
            if self.n_iter is None:
                ParameterGrid(grid)  # validates the values as GridSearchCV does
                seen: dict = {}
                for params, key, a in _grid_candidates(grid, alpha_name, alphas):
                    if key not in seen:
                        seen[key] = len(configs)
                        config = {k: v for k, v in params.items() if k != alpha_name}
                        configs.append((config, alphas))
                    candidates.append(params)
                    where.append((seen[key], a))
                continue
            n_iter = check_int(self.n_iter, "n_iter", low=1)
            for config in ParameterSampler(
                grid, n_iter, random_state=self.random_state
            ):
                for a, alpha in enumerate(alphas):
                    candidates.append({**config, alpha_name: alpha})
                    where.append((len(configs), a))
                configs.append((config, alphas))
        return candidates, configs, where

    def _check_cv(self):
        cv = self.cv
        if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
            return TimeSeriesSplit(check_int(cv, "cv", low=2))
        if isinstance(cv, str) or not hasattr(cv, "split"):
            raise TypeError(
                f"cv must be an int >= 2 or a splitter such as TimeSeriesSplit; "
                f"got {cv!r}."
            )
        return cv

    def fit(self, X, y=None, *, groups=None):
        """Run the search.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), or a collection of \
sequences
            Input, as for the estimator's ``fit`` (the series itself for an
            ``ESNForecaster``).
        y : array-like, default=None
            Targets, as for the estimator's ``fit`` (None for an
            ``ESNForecaster``).
        groups : array-like of shape (n_samples,), default=None
            Group labels for a splitter that uses them (such as
            ``GroupKFold``), as in ``GridSearchCV.fit``.

        Returns
        -------
        self : ESNSearchCV
            The fitted search.
        """
        final, alpha_name = final_reservoir_estimator(self.estimator)
        verbose = check_int(self.verbose, "verbose", low=0)
        check_option(self.test_state, "test_state", ("zero", "continue"))
        if self.test_state == "continue" and not isinstance(final, ESNRegressor):
            raise ValueError(
                f"test_state='continue' needs an ESNRegressor (predict from a "
                f"given state); got {type(final).__name__}. "
                + (
                    "ESNForecaster.predict always continues from the end of its "
                    "training rows: leave test_state='zero'."
                    if isinstance(final, ESNForecaster)
                    else "Leave test_state='zero'."
                )
            )
        if self.error_score != "raise" and not isinstance(
            self.error_score, numbers.Real
        ):
            raise ValueError(
                f"error_score must be 'raise' or a number; got {self.error_score!r}."
            )
        scorers, refit_metric = self._get_scorers()
        cv = self._check_cv()
        if not is_sequence_collection(X):
            X, y = indexable(X, y)
        elif isinstance(X, np.ndarray) and X.ndim == 3:
            y = np.asarray(y)
        else:
            X, y = list(X), list(y)
        if self.test_state == "continue" and is_sequence_collection(X):
            raise ValueError(
                "test_state='continue' needs one series (a 2-D X); a "
                "collection's test sequences start from the zero state."
            )
        default_alphas = final.alpha
        if np.ndim(default_alphas) == 0:
            default_alphas = [default_alphas]
        _check_alphas(list(default_alphas))
        candidates, configs, where = self._candidates(alpha_name, list(default_alphas))
        vectorised = vectorised_scoring(self.scoring, final)
        folds = list(cv.split(X, y, groups))
        if self.test_state == "continue":
            _check_continuing_folds(folds)
        n_cfg, n_folds = len(configs), len(folds)
        if verbose:
            print(
                f"[ESNSearchCV] {n_folds} folds for each of {n_cfg} reservoir "
                f"configurations ({len(candidates)} candidates with the alphas): "
                f"{n_cfg * n_folds} reservoir runs instead of "
                f"{len(candidates) * n_folds}"
            )
        tasks = [
            delayed(fold_path)(
                clone(self.estimator).set_params(
                    **clone({**config, alpha_name: alphas[0]}, safe=False)
                ),
                X,
                y,
                train,
                test,
                np.array(alphas, dtype=np.float64),
                scorers,
                return_train_score=self.return_train_score,
                test_state=self.test_state,
                error_score=self.error_score,
                vectorised=vectorised,
            )
            for config, alphas in configs
            for train, test in folds
        ]
        results = []
        parallel = Parallel(
            n_jobs=self.n_jobs, pre_dispatch=self.pre_dispatch, return_as="generator"
        )
        for k, out in enumerate(parallel(tasks)):
            results.append(out)
            if verbose:
                self._report(k, results, configs, n_folds, verbose)
        out = [results[c * n_folds + f][a] for c, a in where for f in range(n_folds)]
        _warn_or_raise_about_fit_failures(out, self.error_score)
        if callable(self.scoring):
            _insert_error_scores(out, self.error_score)
        self.multimetric_ = isinstance(out[0]["test_scores"], dict)
        if callable(self.scoring) and self.multimetric_:
            self._check_refit_for_multimetric(out[0]["test_scores"])
            refit_metric = self.refit
        results = self._format_results(candidates, n_folds, out)
        if self.refit or not self.multimetric_:
            self.best_index_ = int(
                self._select_best_index(self.refit, refit_metric, results)
            )
            if not callable(self.refit):
                self.best_score_ = float(
                    results[f"mean_test_{refit_metric}"][self.best_index_]
                )
            self.best_params_ = results["params"][self.best_index_]
        if self.refit:
            start = time.perf_counter()
            self.best_estimator_ = clone(self.estimator).set_params(
                **clone(self.best_params_, safe=False)
            )
            if y is None:
                self.best_estimator_.fit(X)
            else:
                self.best_estimator_.fit(X, y)
            self.refit_time_ = time.perf_counter() - start
            if hasattr(self.best_estimator_, "feature_names_in_"):
                self.feature_names_in_ = self.best_estimator_.feature_names_in_
        self.scorer_ = (
            scorers._scorers if isinstance(scorers, _MultimetricScorer) else scorers
        )
        self.cv_results_ = results
        self.n_splits_ = n_folds
        return self

    def _main_score(self, scores) -> float:
        """The score verbose output reports: the refit metric's, or the first."""
        if isinstance(scores, dict):
            name = self.refit if isinstance(self.refit, str) else next(iter(scores))
            return float(scores[name])
        return float(scores)

    def _report(self, k, results, configs, n_folds, verbose) -> None:
        c, f = divmod(k, n_folds)
        config, alphas = configs[c]
        out = results[k]
        scores = np.array([self._main_score(r["test_scores"]) for r in out])
        took = out[0]["fit_time"] + out[0]["score_time"]
        if verbose >= 2:
            best = int(np.nanargmax(scores)) if np.isfinite(scores).any() else 0
            print(
                f"[ESNSearchCV] [{c + 1}/{len(configs)}] fold {f + 1}/{n_folds} "
                f"{_format_params(config)}: best alpha={alphas[best]:.3g} "
                f"score={scores[best]:.6g} ({took:.2f}s)"
            )
        if f != n_folds - 1:
            return
        per_fold = results[-n_folds:]
        mean = np.mean(
            [[self._main_score(r["test_scores"]) for r in o] for o in per_fold], axis=0
        )
        best = int(np.nanargmax(mean)) if np.isfinite(mean).any() else 0
        took = sum(o[0]["fit_time"] + o[0]["score_time"] for o in per_fold)
        print(
            f"[ESNSearchCV] [{c + 1}/{len(configs)}] {_format_params(config)}: "
            f"best alpha={alphas[best]:.3g} mean score={mean[best]:.6g} "
            f"({took:.2f}s)"
        )
        if verbose >= 2:
            for a, m in zip(alphas, mean, strict=True):
                print(f"[ESNSearchCV]     alpha={a:.3g} mean score={m:.6g}")

    def predict(self, X, **predict_params):
        """Predict with ``best_estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), or a collection of \
sequences
            Input.
        **predict_params : dict
            Passed on to the best estimator's ``predict`` (for example
            ``initial_state`` and ``return_state`` of
            :meth:`reservoir.ESNRegressor.predict`).

        Returns
        -------
        y_pred : ndarray or list of ndarrays
            Predictions of the best estimator.
        """
        _check_refit(self, "predict")
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
        if isinstance(est, ESNRegressor) and getattr(est, "_statistics_dropped", False):
            raise ValueError(
                f"estimators[{i}] was fitted with keep_statistics=False, which "
                f"drops the Gram statistics merge_partial_fits adds up; fit it "
                f"with keep_statistics=True (est.set_params(keep_statistics="
                f"True)) to merge it."
            )
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
