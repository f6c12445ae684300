"""One harvest per (configuration, fold), every ridge alpha scored by any scorer.

The private machinery behind :class:`reservoir.model_selection.ESNSearchCV`:

* :func:`final_reservoir_estimator` finds the reservoir estimator an
  ``ESNSearchCV`` estimator ends with (itself, or a ``Pipeline``'s last step);
* :func:`fold_path` fits one configuration on one fold's training rows (the
  preprocessing steps of a pipeline included, on those rows only), re-solves
  the ridge readout for every alpha from the same Gram matrix, and scores
  every alpha with scikit-learn scorers;
* the scorers receive, for each alpha, an estimator-like object: for
  :class:`~reservoir.ESNRegressor` and :class:`~reservoir.ESNClassifier` an
  :class:`AlphaView` whose ``predict`` (``decision_function``, ``score``)
  returns that alpha's outputs, all computed in one run of the test rows
  through the reservoir (the readout is linear); for
  :class:`~reservoir.ESNForecaster`, whose ``predict`` rebuilds its
  features from the series, the fitted forecaster with that alpha's readout.
"""

from __future__ import annotations

import copy
import time
import traceback
from collections.abc import Callable

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.model_selection._validation import _score
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing, get_tags

from ._classifier import ESNClassifier, _one_column_to_1d
from ._esn import ESNRegressor
from ._ridge import RidgePath
from ._threading import numba_threads
from ._validation import is_sequence_collection
from .forecast import ESNForecaster

#: The estimators whose readout ESNSearchCV re-solves for every alpha.
RESERVOIR_ESTIMATORS = (ESNRegressor, ESNClassifier, ESNForecaster)

#: Up to this many alphas, each is solved by the Cholesky factorisation that
#: ``fit`` uses (the same bits as refitting); beyond, one eigendecomposition
#: serves them all (cheaper than ~25 factorisations, equal to round-off).
MAX_FACTORISED_ALPHAS = 16


def final_reservoir_estimator(estimator) -> tuple[BaseEstimator, str]:
    """The reservoir estimator ``estimator`` ends with, and its alpha's name."""
    accepted = (
        "an ESNRegressor, ESNClassifier or ESNForecaster, or a Pipeline whose "
        "last step is one of them"
    )
    if isinstance(estimator, Pipeline):
        name, final = estimator.steps[-1]
        if not isinstance(final, RESERVOIR_ESTIMATORS):
            raise TypeError(
                f"estimator must be {accepted}; got a Pipeline whose last step "
                f"{name!r} is {final!r}. Use GridSearchCV for other estimators."
            )
        prefix = f"{name}__"
    elif isinstance(estimator, RESERVOIR_ESTIMATORS):
        final, prefix = estimator, ""
    else:
        raise TypeError(
            f"estimator must be {accepted}; got {estimator!r}. Use GridSearchCV "
            f"for other estimators."
        )
    if final.readout is not None:
        raise ValueError(
            f"ESNSearchCV needs the built-in ridge readout (readout=None) of "
            f"{type(final).__name__}; got readout={final.readout!r}. Use "
            f"GridSearchCV for other readouts."
        )
    return final, prefix + "alpha"


def _readouts(gram, alphas: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Ridge ``(coef (F, K), intercept (K,))`` of every alpha from one Gram."""
    if alphas.size <= MAX_FACTORISED_ALPHAS:
        return [gram.solve(float(a)) for a in alphas]
    coefs, intercepts = RidgePath(gram).coefs(alphas)
    return list(zip(coefs, intercepts, strict=True))


def _flat_targets(y, X):
    """Per-step targets of a collection as one array of rows (else ``y``)."""
    if y is None or not is_sequence_collection(X):
        return y
    if isinstance(X, np.ndarray):  # 3-D: y (n_sequences, n_timesteps[, K])
        y = np.asarray(y)
        return y.reshape(-1, *y.shape[2:]) if y.ndim >= 2 else y
    if len(y) and np.ndim(y[0]) >= 1:
        return np.concatenate([np.asarray(t) for t in y])
    return y


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


#: Scoring name -> (metric of every alpha at once, sign): a regressor's
#: scores without a scikit-learn scorer call per alpha (whose input checks
#: cost more than the metric). Each equals the scikit-learn scorer of that
#: name (sign * metric, higher is better); the tests check it.
VECTORISED_SCORERS: dict[str, tuple[Callable, float]] = {
    "r2": (_r2, 1.0),
    "neg_mean_squared_error": (_mse, -1.0),
    "neg_root_mean_squared_error": (_rmse, -1.0),
    "neg_mean_absolute_error": (_mae, -1.0),
}


def _accuracy(y_true, labels):
    """Accuracy of every alpha's labels ``(n_alphas, n)``, as ``accuracy_score``."""
    return (labels == y_true[None]).mean(axis=1)


#: The same for a classifier's labels.
VECTORISED_CLASSIFIER_SCORERS: dict[str, tuple[Callable, float]] = {
    "accuracy": (_accuracy, 1.0),
}


def vectorised_scoring(scoring, final) -> list[str] | str | None:
    """The scorer names :func:`fold_path` may compute for all alphas at once.

    A name (one scorer; None means the estimator's ``score``: R² for an
    ``ESNRegressor``, accuracy for an ``ESNClassifier``) or a list of names
    (several), when every scorer is one of :data:`VECTORISED_SCORERS`
    (:data:`VECTORISED_CLASSIFIER_SCORERS`); otherwise None.
    """
    if isinstance(final, ESNRegressor):
        known, default = VECTORISED_SCORERS, "r2"
    elif isinstance(final, ESNClassifier):
        known, default = VECTORISED_CLASSIFIER_SCORERS, "accuracy"
    else:
        return None
    if scoring is None:
        return default
    if isinstance(scoring, str):
        return scoring if scoring in known else None
    if (
        isinstance(scoring, list | tuple)
        and scoring
        and all(isinstance(s, str) and s in known for s in scoring)
        and len(set(scoring)) == len(scoring)
    ):
        return list(scoring)
    return None


def _vectorised_scores(views, X, y, names, scorer, error_score) -> list:
    """Every view's score(s), as ``_score`` would give them, in one pass."""
    names_list = [names] if isinstance(names, str) else names
    table = {}
    if isinstance(views[0], ClassifierAlphaView):
        y_true = np.asarray(y)
        if y_true.ndim != 1:  # scikit-learn's own checks and errors
            return [_score(v, X, y, scorer, None, error_score) for v in views]
        labels = np.stack([np.asarray(v.predict(X)) for v in views])
        for name in names_list:
            metric, sign = VECTORISED_CLASSIFIER_SCORERS[name]
            table[name] = sign * metric(y_true, labels)
    else:
        preds = [np.asarray(v.predict(X), dtype=np.float64) for v in views]
        if not all(np.isfinite(p).all() for p in preds):  # as scikit-learn fails
            return [_score(v, X, y, scorer, None, error_score) for v in views]
        y_true = np.asarray(y, dtype=np.float64)
        y_true = y_true.reshape(y_true.shape[0], -1)
        stacked = np.stack([p.reshape(y_true.shape) for p in preds])
        for name in names_list:
            metric, sign = VECTORISED_SCORERS[name]
            table[name] = sign * metric(y_true, stacked)
    if isinstance(names, str):
        return [float(v) for v in table[names]]
    return [{n: float(table[n][a]) for n in names} for a in range(len(views))]


class AlphaView:
    """One alpha's predictions on one set of rows, behind an estimator's methods.

    Scorers call ``predict`` (or ``score``) with the rows the view was made
    for; the outputs were computed beforehand for all alphas at once.
    ``score`` is the estimator's own (R² or accuracy of ``predict``), and the
    tags are the fitted estimator's, so every scikit-learn scorer treats the
    view as it would treat the estimator refitted with that alpha.
    """

    def __init__(self, estimator, X, outputs: dict):
        self._estimator = estimator  # the fitted estimator or pipeline
        self._X = X
        self._outputs = outputs

    def _get(self, method: str, X):
        if X is not self._X:
            raise ValueError(
                f"ESNSearchCV computes every alpha's {method} on the test rows "
                f"at once: a scorer must call {method} with the X it receives, "
                f"not other rows. Use GridSearchCV for such a scorer."
            )
        return self._outputs[method]

    def predict(self, X):
        return self._get("predict", X)

    def score(self, X, y, sample_weight=None):
        final = self._estimator
        if isinstance(final, Pipeline):
            final = final.steps[-1][1]
        return type(final).score(self, X, y, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        return get_tags(self._estimator)


class ClassifierAlphaView(AlphaView):
    """An :class:`AlphaView` with the classifier's labels and decision scores."""

    def __init__(self, estimator, X, outputs: dict, classes: np.ndarray):
        super().__init__(estimator, X, outputs)
        self.classes_ = classes

    def decision_function(self, X):
        return self._get("decision_function", X)


def _linear_views(fitted, final, readouts, X, X_run, initial_state, n_last):
    """One :class:`AlphaView` per readout, from one run of ``X_run``.

    ``X_run`` (already through a pipeline's preprocessing) is run once with
    every readout side by side (the readout is linear in its weights): the
    estimator's own prediction code gives ``(rows, n_alphas * K)`` outputs,
    cut into one block per alpha. A regressor run from ``initial_state``
    keeps the last ``n_last`` rows (the test fold after a gap).
    """
    W = np.hstack([coef for coef, _ in readouts])
    b = np.concatenate([intercept for _, intercept in readouts])
    K = readouts[0][0].shape[1]
    stacked = copy.copy(final)
    stacked._W_out, stacked._b_out = W, b
    views = []
    if isinstance(final, ESNRegressor):
        stacked._y_ndim = 2  # keep every column
        raw = stacked.predict(X_run, initial_state=initial_state)
        if isinstance(raw, list):
            raw = np.concatenate(raw)
        elif raw.ndim == 3:
            raw = raw.reshape(-1, raw.shape[2])
        if initial_state is not None:  # continued: the rows of the test fold
            raw = raw[-n_last:]
        for a in range(len(readouts)):
            block = raw[:, a * K : (a + 1) * K]
            pred = block[:, 0] if final._y_ndim == 1 else block
            views.append(AlphaView(fitted, X, {"predict": pred}))
        return views
    outputs, layout = stacked._scores(X_run, "decision_function")
    for a in range(len(readouts)):
        if layout == "sequences":
            scores = outputs[:, a * K : (a + 1) * K]
            labels = stacked._labels_from_scores(scores, "decision_function")
        else:
            scores = np.concatenate([o[:, a * K : (a + 1) * K] for o in outputs])
            labels = stacked._labels_from_scores(scores, "decision_function")
        views.append(
            ClassifierAlphaView(
                fitted,
                X,
                {"predict": labels, "decision_function": _one_column_to_1d(scores)},
                final.classes_,
            )
        )
    return views


def _forecaster_with_readout(fitted, final, name, alpha, coef, intercept):
    """A copy of the fitted forecaster (or pipeline) with another readout."""
    forecaster = copy.copy(final)
    forecaster.alpha_ = float(alpha)
    coef = forecaster._unscaled(coef)
    forecaster.coef_, forecaster.intercept_ = coef.T.copy(), intercept
    forecaster._weights = forecaster._split_weights(coef, intercept)
    if name is None:
        return forecaster
    return Pipeline([*fitted.steps[:-1], (name, forecaster)], memory=fitted.memory)


def _alpha_estimators(fitted, X, y, rows, alphas, test_state, readouts):
    """Estimator-like objects, one per alpha, to score on ``X[rows]``."""
    is_pipe = isinstance(fitted, Pipeline)
    final = fitted.steps[-1][1] if is_pipe else fitted
    scored = rows[1] if test_state == "continue" else rows
    X_eval = _safe_indexing(X, scored)
    y_eval = None if y is None else _safe_indexing(y, scored)
    if isinstance(final, ESNForecaster):
        name = fitted.steps[-1][0] if is_pipe else None
        estimators = [
            _forecaster_with_readout(fitted, final, name, alpha, coef, intercept)
            for alpha, (coef, intercept) in zip(alphas, readouts, strict=True)
        ]
        return estimators, X_eval, y_eval
    initial_state = None
    X_run = X_eval
    if test_state == "continue":
        # run on from the end of the training rows through any gap
        X_run = _safe_indexing(X, np.arange(rows[0][-1] + 1, rows[1][-1] + 1))
        initial_state = final._last_states[0]
    if is_pipe:
        X_run = fitted[:-1].transform(X_run)
    views = _linear_views(
        fitted, final, readouts, X_eval, X_run, initial_state, len(scored)
    )
    return views, X_eval, _flat_targets(y_eval, X_eval)


def _scores(views, X, y, scorer, error_score, vectorised) -> list:
    if vectorised is not None:
        return _vectorised_scores(views, X, y, vectorised, scorer, error_score)
    return [_score(v, X, y, scorer, None, error_score) for v in views]


def fold_path(
    estimator,
    X,
    y,
    train,
    test,
    alphas,
    scorer,
    *,
    return_train_score: bool,
    test_state: str,
    error_score,
    vectorised=None,
):
    """Fit one configuration on one fold once; score every alpha.

    ``estimator`` is a clone with the configuration's parameters and the
    first alpha set. Returns one dict per alpha in the format of
    scikit-learn's ``_fit_and_score`` (``test_scores``, ``train_scores``,
    ``fit_time``, ``score_time``, ``n_test_samples``, ``fit_error``); the
    times are the fold's, shared by its alphas. ``vectorised`` (from
    :func:`vectorised_scoring`) scores all alphas at once instead of calling
    ``scorer`` once per alpha. Runs in a joblib worker.
    """
    start = time.perf_counter()
    X_train = _safe_indexing(X, train)
    y_train = None if y is None else _safe_indexing(y, train)
    final = estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator
    try:
        if y_train is None:
            estimator.fit(X_train)
        else:
            estimator.fit(X_train, y_train)
        with numba_threads(final.n_jobs):  # the BLAS threads fit solves with
            readouts = _readouts(final._gram, alphas)
    except Exception:
        if error_score == "raise":
            raise
        fit_time = time.perf_counter() - start
        error = traceback.format_exc()
        out = {
            "test_scores": error_score,
            "fit_time": fit_time,
            "score_time": 0.0,
            "n_test_samples": len(test),
            "fit_error": error,
        }
        if return_train_score:
            out["train_scores"] = error_score
        return [dict(out) for _ in alphas]
    fit_time = time.perf_counter() - start
    start = time.perf_counter()
    rows = (train, test) if test_state == "continue" else test
    views, X_eval, y_eval = _alpha_estimators(
        estimator, X, y, rows, alphas, test_state, readouts
    )
    test_scores = _scores(views, X_eval, y_eval, scorer, error_score, vectorised)
    train_scores = None
    if return_train_score:
        views, X_eval, y_eval = _alpha_estimators(
            estimator, X, y, train, alphas, "zero", readouts
        )
        train_scores = _scores(views, X_eval, y_eval, scorer, error_score, vectorised)
    score_time = time.perf_counter() - start
    results = []
    for a in range(len(alphas)):
        out = {
            "test_scores": test_scores[a],
            "fit_time": fit_time,
            "score_time": score_time,
            "n_test_samples": len(test),
            "fit_error": None,
        }
        if return_train_score:
            out["train_scores"] = train_scores[a]
        results.append(out)
    return results
