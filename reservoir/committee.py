"""Committees of reservoirs: members drawn with different seeds, outputs
averaged (Jaeger's committee; estimator layer)."""

from __future__ import annotations

import time

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    RegressorMixin,
    clone,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ._classifier import ESNClassifier
from ._esn import ESNRegressor
from ._progress import check_verbose, report
from ._validation import check_int, check_option, check_rng

__all__ = ["CommitteeClassifier", "CommitteeRegressor"]


def _average(outputs: list):
    """Mean of the members' outputs, element by element for list outputs."""
    if isinstance(outputs[0], list):
        return [
            np.mean(np.stack(parts), axis=0) for parts in zip(*outputs, strict=True)
        ]
    return np.mean(np.stack([np.asarray(out) for out in outputs]), axis=0)


def _check_template(estimator):
    """The member template, which must have a ``random_state`` parameter."""
    if "random_state" not in estimator.get_params(deep=False):
        raise TypeError(
            f"estimator must have a random_state parameter (the members "
            f"differ by their seeds); {type(estimator).__name__} has none."
        )
    return estimator


def _fit_members(committee, template, X, y, fit_params: dict) -> None:
    """Fit ``committee.n_members`` clones of ``template``, each with a seed
    drawn from ``committee.random_state``; set the fitted attributes."""
    n_members = check_int(committee.n_members, "n_members", low=1)
    verbose = check_verbose(committee.verbose)
    rng = check_rng(committee.random_state)
    seeds = rng.randint(0, np.iinfo(np.int32).max, size=n_members)
    members = []
    for k, seed in enumerate(seeds):
        tic = time.perf_counter()
        member = clone(template).set_params(random_state=int(seed))
        if y is None and hasattr(member, "forecast"):  # a forecaster
            member.fit(X, **fit_params)
        else:
            member.fit(X, y, **fit_params)
        members.append(member)
        report(
            verbose,
            type(committee).__name__,
            f"member {k + 1}/{n_members} ({type(member).__name__}, "
            f"random_state={int(seed)}) fitted in "
            f"{time.perf_counter() - tic:.1f} s",
        )
    committee.estimators_ = members
    committee.member_seeds_ = seeds
    if hasattr(members[0], "n_features_in_"):
        committee.n_features_in_ = members[0].n_features_in_
    if hasattr(members[0], "feature_names_in_"):
        committee.feature_names_in_ = members[0].feature_names_in_


class CommitteeRegressor(MetaEstimatorMixin, RegressorMixin, BaseEstimator):
    """A committee of reservoirs: ``n_members`` copies of an estimator, each
    drawn with its own seed, whose outputs are averaged.

    The members differ only in their random weights (their ``random_state``
    is drawn from this committee's ``random_state``); each is fitted on the
    same data and :meth:`predict` returns the mean of their predictions
    (Jaeger's committees, used on the Japanese-vowels task). Averaging
    independent reservoirs lowers the part of the error that comes from the
    random draw. Members that are forecasters (with ``forecast``, such as
    :class:`~reservoir.ESNForecaster`) are fitted with ``fit(y)`` and
    :meth:`forecast` averages their closed-loop forecasts (each member runs
    its own loop; only the outputs are averaged).

    Parameters
    ----------
    estimator : estimator, default=None
        The member template, cloned for every member; it must have a
        ``random_state`` parameter. None means ``ESNRegressor()``.
    n_members : int, default=5
        Number of members (>= 1).
    random_state : int, RandomState instance, Generator or None, default=None
        Seed of the members' seeds. The same value gives bit-identical
        members.
    verbose : int, default=0
        Progress reports on standard error: 0 writes nothing; 1 one line per
        fitted member (its seed and fitting time). A member's own reports
        follow its own ``verbose``. The numbers do not depend on it.

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members.
    member_seeds_ : ndarray of shape (n_members,)
        The ``random_state`` given to each member.
    n_features_in_ : int
        Number of input features (from the first member, when it has it).

    Examples
    --------
    >>> from reservoir import ESNRegressor
    >>> from reservoir.committee import CommitteeRegressor
    >>> from reservoir.datasets import narma
    >>> from reservoir.metrics import nrmse
    >>> u, y = narma(3000, random_state=0)
    >>> member = ESNRegressor(50, spectral_radius=0.9, input_scaling=0.2,
    ...                       washout=100, alpha=1e-8)
    >>> committee = CommitteeRegressor(member, n_members=4, random_state=0)
    >>> committee = committee.fit(u[:2000], y[:2000])
    >>> len(committee.estimators_)
    4
    >>> single = member.set_params(random_state=0).fit(u[:2000], y[:2000])
    >>> err_committee = nrmse(y[2100:], committee.predict(u)[2100:])
    >>> err_single = nrmse(y[2100:], single.predict(u)[2100:])
    >>> bool(err_committee < err_single)
    True
    """

    def __init__(
        self,
        estimator=None,
        *,
        n_members: int = 5,
        random_state=None,
        verbose: int = 0,
    ):
        self.estimator = estimator
        self.n_members = n_members
        self.random_state = random_state
        self.verbose = verbose

    def _template(self):
        return _check_template(
            ESNRegressor() if self.estimator is None else self.estimator
        )

    def fit(self, X, y=None, **fit_params):
        """Fit every member on the same data.

        Parameters
        ----------
        X : array-like, list of arrays or 3-D array
            Input sequence(s) of the members; for forecasters, the series.
        y : array-like or None, default=None
            Targets (None for forecasters, whose series is ``X``).
        **fit_params : dict
            Passed to every member's ``fit`` (e.g. ``X=`` exogenous inputs of
            a forecaster).

        Returns
        -------
        self : CommitteeRegressor
            The fitted committee.
        """
        _fit_members(self, self._template(), X, y, fit_params)
        return self

    def predict(self, X, **predict_params):
        """Mean of the members' predictions.

        Parameters
        ----------
        X : array-like, list of arrays or 3-D array
            Input sequence(s).
        **predict_params : dict
            Passed to every member's ``predict``.

        Returns
        -------
        y_pred : ndarray, or list of ndarrays for a list input
            The averaged prediction, in the members' layout.
        """
        check_is_fitted(self)
        return _average([m.predict(X, **predict_params) for m in self.estimators_])

    def forecast(self, n_steps, **forecast_params):
        """Mean of the members' forecasts (members with ``forecast`` only).

        Parameters
        ----------
        n_steps : int
            Forecast horizon, passed to every member.
        **forecast_params : dict
            Passed to every member's ``forecast`` (``context=`` etc.).

        Returns
        -------
        y_forecast : ndarray
            The averaged forecast.
        """
        check_is_fitted(self)
        if not hasattr(self.estimators_[0], "forecast"):
            raise AttributeError(
                f"the members ({type(self.estimators_[0]).__name__}) have no "
                "forecast method; use predict."
            )
        return _average(
            [m.forecast(n_steps, **forecast_params) for m in self.estimators_]
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        estimator = ESNRegressor() if self.estimator is None else self.estimator
        inner = estimator.__sklearn_tags__()
        tags.input_tags = inner.input_tags
        tags.target_tags = inner.target_tags
        if inner.regressor_tags is not None:
            tags.regressor_tags = inner.regressor_tags
        return tags


RESPONSE_METHODS = ("auto", "decision_function", "predict_proba")


def _template_has(method: str):
    """Availability test: the member template offers ``method``."""

    def check(self) -> bool:
        estimator = ESNClassifier() if self.estimator is None else self.estimator
        return hasattr(estimator, method)

    return check


class CommitteeClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """A committee of reservoir classifiers: ``n_members`` copies of a
    classifier, each drawn with its own seed, whose scores are averaged.

    The members differ only in their random weights (their ``random_state``
    is drawn from this committee's ``random_state``); each is fitted on the
    same data. :meth:`decision_function` and :meth:`predict_proba` return the
    mean of the members' outputs, and :meth:`predict` the class with the
    largest averaged score (Jaeger's committees of reservoirs on the
    Japanese-vowels task, whose outputs were averaged before the decision).
    Per-step and per-sequence classification work as the members do.

    Parameters
    ----------
    estimator : classifier, default=None
        The member template, cloned for every member; it must have a
        ``random_state`` parameter and a ``decision_function`` or
        ``predict_proba``. None means ``ESNClassifier()``.
    n_members : int, default=5
        Number of members (>= 1).
    response_method : {'auto', 'decision_function', 'predict_proba'}, \
default='auto'
        Which member output is averaged for :meth:`predict`. 'auto' takes
        ``decision_function`` when the members have one (the ridge readout's
        scores, as in Jaeger's committees), else ``predict_proba``.
    random_state : int, RandomState instance, Generator or None, default=None
        Seed of the members' seeds. The same value gives bit-identical
        members.
    verbose : int, default=0
        1 or more reports each member's fit on stderr (the members follow
        their own ``verbose``). The numbers do not depend on it.

    Attributes
    ----------
    estimators_ : list of classifiers
        The fitted members.
    member_seeds_ : ndarray of shape (n_members,)
        The ``random_state`` given to each member.
    classes_ : ndarray of shape (n_classes,)
        Class labels (the members', all fitted on the same labels).
    n_features_in_ : int
        Number of input features (from the first member, when it has it).

    See Also
    --------
    CommitteeRegressor : the same for regressors and forecasters.

    References
    ----------
    Jaeger, H., Lukosevicius, M., Popovici, D. and Siewert, U. (2007).
    Optimization and applications of echo state networks with leaky-integrator
    neurons. Neural Networks 20(3), 335-352.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir import ESNClassifier
    >>> from reservoir.committee import CommitteeClassifier
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(60)[:, None]
    >>> X = [np.sin(t * f + rng.uniform(0, 6)) + 0.3 * rng.standard_normal((60, 1))
    ...      for f in [0.1, 0.5] * 30]
    >>> y = ["slow", "fast"] * 30
    >>> member = ESNClassifier(20, spectral_radius=0.5, aggregation="mean",
    ...                        washout=20)
    >>> committee = CommitteeClassifier(member, n_members=4, random_state=0)
    >>> committee = committee.fit(X[:40], y[:40])
    >>> committee.decision_function(X[40:]).shape
    (20,)
    >>> float(committee.score(X[40:], y[40:]))
    1.0
    """

    def __init__(
        self,
        estimator=None,
        *,
        n_members: int = 5,
        response_method: str = "auto",
        random_state=None,
        verbose: int = 0,
    ):
        self.estimator = estimator
        self.n_members = n_members
        self.response_method = response_method
        self.random_state = random_state
        self.verbose = verbose

    def _template(self):
        return _check_template(
            ESNClassifier() if self.estimator is None else self.estimator
        )

    def _response(self) -> str:
        """The member method whose outputs :meth:`predict` averages."""
        method = check_option(self.response_method, "response_method", RESPONSE_METHODS)
        member = getattr(self, "estimators_", [self._template()])[0]
        if method == "auto":
            if hasattr(member, "decision_function"):
                return "decision_function"
            method = "predict_proba"
        if not hasattr(member, method):
            raise TypeError(
                f"response_method={self.response_method!r} needs members with "
                f"{method}; {type(member).__name__} (with its readout) has none. "
                f"Give a member with decision_function or predict_proba."
            )
        return method

    def fit(self, X, y, **fit_params):
        """Fit every member on the same data.

        Parameters
        ----------
        X : array-like, list of arrays or 3-D array
            Input sequence(s) of the members.
        y : array-like
            Labels: one per time step or one per sequence, as the members
            take them.
        **fit_params : dict
            Passed to every member's ``fit``.

        Returns
        -------
        self : CommitteeClassifier
            The fitted committee.
        """
        template = self._template()
        self._response()  # check response_method before the members run
        _fit_members(self, template, X, y, fit_params)
        self.classes_ = self.estimators_[0].classes_
        return self

    def _averaged(self, X, method: str):
        check_is_fitted(self)
        return _average([getattr(m, method)(X) for m in self.estimators_])

    @available_if(_template_has("decision_function"))
    def decision_function(self, X):
        """Mean of the members' decision scores.

        Parameters
        ----------
        X : array-like, list of arrays or 3-D array
            Input sequence(s), as in :meth:`fit`.

        Returns
        -------
        scores : ndarray, or list of ndarrays for per-step labels of a list
            The averaged scores, in the members' layout (one column per
            class; 1-D for two classes).
        """
        return self._averaged(X, "decision_function")

    @available_if(_template_has("predict_proba"))
    def predict_proba(self, X):
        """Mean of the members' class probabilities.

        Parameters
        ----------
        X : array-like, list of arrays or 3-D array
            Input sequence(s), as in :meth:`fit`.

        Returns
        -------
        proba : ndarray, or list of ndarrays for per-step labels of a list
            The averaged probabilities, in the members' layout.
        """
        return self._averaged(X, "predict_proba")

    def _labels(self, scores: np.ndarray) -> np.ndarray:
        scores = np.asarray(scores)
        if scores.ndim == 1:  # two classes, one decision score
            return self.classes_[(scores > 0).astype(np.int64)]
        return self.classes_[np.argmax(scores, axis=-1)]

    def predict(self, X):
        """The class with the largest averaged score.

        Parameters
        ----------
        X : array-like, list of arrays or 3-D array
            Input sequence(s), as in :meth:`fit`.

        Returns
        -------
        labels : ndarray, or a list of ndarrays for per-step labels of a list
            One label per sequence or per step, as the members give them.
        """
        check_is_fitted(self)
        method = self._response()
        scores = self._averaged(X, method)
        if isinstance(scores, list):
            return [self._labels(s) for s in scores]
        return self._labels(scores)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        estimator = ESNClassifier() if self.estimator is None else self.estimator
        inner = estimator.__sklearn_tags__()
        tags.input_tags = inner.input_tags
        tags.target_tags = inner.target_tags
        if inner.classifier_tags is not None:
            tags.classifier_tags = inner.classifier_tags
        return tags
