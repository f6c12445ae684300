"""Committees of reservoirs: members drawn with different seeds, outputs
averaged (Jaeger's committee; estimator layer)."""

from __future__ import annotations

import time

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, RegressorMixin, clone
from sklearn.utils.validation import check_is_fitted

from ._esn import ESNRegressor
from ._progress import check_verbose, report
from ._validation import check_int, check_rng

__all__ = ["CommitteeRegressor"]


def _average(outputs: list):
    """Mean of the members' outputs, element by element for list outputs."""
    if isinstance(outputs[0], list):
        return [
            np.mean(np.stack(parts), axis=0) for parts in zip(*outputs, strict=True)
        ]
    return np.mean(np.stack([np.asarray(out) for out in outputs]), axis=0)


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
        estimator = ESNRegressor() if self.estimator is None else self.estimator
        if "random_state" not in estimator.get_params(deep=False):
            raise TypeError(
                f"estimator must have a random_state parameter (the members "
                f"differ by their seeds); {type(estimator).__name__} has none."
            )
        return estimator

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
        n_members = check_int(self.n_members, "n_members", low=1)
        verbose = check_verbose(self.verbose)
        template = self._template()
        rng = check_rng(self.random_state)
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
                type(self).__name__,
                f"member {k + 1}/{n_members} ({type(member).__name__}, "
                f"random_state={int(seed)}) fitted in "
                f"{time.perf_counter() - tic:.1f} s",
            )
        self.estimators_ = members
        self.member_seeds_ = seeds
        if hasattr(members[0], "n_features_in_"):
            self.n_features_in_ = members[0].n_features_in_
        if hasattr(members[0], "feature_names_in_"):
            self.feature_names_in_ = members[0].feature_names_in_
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
