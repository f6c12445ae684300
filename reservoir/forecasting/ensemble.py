"""The average of several forecasters: a committee of the best candidates."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_is_fitted

from ..exceptions import DivergenceWarning

__all__ = ["ForecastEnsemble"]


class ForecastEnsemble(BaseEstimator):
    """Average the forecasts of several forecasters, in the units of ``y``.

    Averaging the closed-loop forecasts of a few well-validated candidates
    (say, the best of a search, which may differ in their transforms and
    reservoirs) removes much of the variance a single choice made on a short
    series carries. Each member keeps its own transform, state and warm-up;
    the ensemble averages what they forecast. A member whose forecast from
    an origin runs away (not finite, or far outside its training range: see
    ``divergence`` in :class:`~reservoir.ESNForecaster`) is left out of
    that origin's average; only when every member runs away does the
    ensemble warn with :class:`~reservoir.exceptions.DivergenceWarning`.

    Parameters
    ----------
    forecasters : list of forecasters
        Estimators with ``fit(y, X)``, ``forecast``, ``forecast_origins`` and
        ``predict`` (e.g. :class:`~reservoir.ESNForecaster`); cloned by
        :meth:`fit`.

    Attributes
    ----------
    forecasters_ : list of forecasters
        The fitted members.
    n_features_in_ : int
        Number of columns of the series.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir import ESNForecaster
    >>> from reservoir.forecasting import ForecastEnsemble
    >>> y = np.sin(np.arange(600) / 10)
    >>> members = [ESNForecaster(50, washout=50, alpha=1e-4, random_state=s)
    ...            for s in range(3)]
    >>> ensemble = ForecastEnsemble(members).fit(y[:500])
    >>> bool(np.max(np.abs(ensemble.forecast(20) - y[500:520])) < 0.1)
    True
    """

    def __init__(self, forecasters):
        self.forecasters = forecasters

    @classmethod
    def from_fitted(cls, forecasters) -> ForecastEnsemble:
        """An ensemble of members that are fitted already (not refitted).

        Parameters
        ----------
        forecasters : list of fitted forecasters
            The members, all fitted on the same series.

        Returns
        -------
        ensemble : ForecastEnsemble
            Fitted; :meth:`fit` would refit clones of the members.

        Examples
        --------
        >>> import numpy as np
        >>> from reservoir import ESNForecaster
        >>> from reservoir.forecasting import ForecastEnsemble
        >>> y = np.sin(np.arange(300) / 10)
        >>> member = ESNForecaster(30, washout=20, random_state=0).fit(y)
        >>> ForecastEnsemble.from_fitted([member]).forecast(3).shape
        (3,)
        """
        ensemble = cls(list(forecasters))
        ensemble._check_members()
        for member in ensemble.forecasters:
            check_is_fitted(member)
        ensemble.forecasters_ = list(forecasters)
        ensemble.n_features_in_ = ensemble.forecasters_[0].n_features_in_
        return ensemble

    def _check_members(self) -> None:
        if not isinstance(self.forecasters, list | tuple) or not self.forecasters:
            raise ValueError(
                "forecasters must be a non-empty list of forecasters; got "
                f"{self.forecasters!r}."
            )
        for member in self.forecasters:
            if not all(
                hasattr(member, m) for m in ("fit", "forecast", "forecast_origins")
            ):
                raise TypeError(
                    "every member needs fit, forecast and forecast_origins (e.g. "
                    f"ESNForecaster); got {member!r}."
                )

    def fit(self, y, X=None) -> ForecastEnsemble:
        """Fit a clone of every member on the series.

        Parameters
        ----------
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
            The series.
        X : array-like of shape (n_timesteps, n_exog_features), default=None
            Exogenous inputs.

        Returns
        -------
        self : ForecastEnsemble
            The fitted ensemble.
        """
        self._check_members()
        self.forecasters_ = [clone(member).fit(y, X) for member in self.forecasters]
        self.n_features_in_ = self.forecasters_[0].n_features_in_
        return self

    def _average(self, method: str, *args, **kwargs) -> np.ndarray:
        check_is_fitted(self)
        outputs = [getattr(m, method)(*args, **kwargs) for m in self.forecasters_]
        return np.mean(outputs, axis=0)

    def _robust_average(self, method: str, *args) -> np.ndarray:
        """Average of the members' ``method`` forecasts, leaving out, per
        origin, the members that run away there."""
        check_is_fitted(self)
        outputs, runaway = [], []
        for member in self.forecasters_:
            raw = getattr(member, f"_{method}_raw", None)
            if raw is not None and hasattr(member, "_divergent"):
                out, z = raw(*args)
                bad = member._divergent(z, out)
                if member._y_ndim == 1:
                    out = out[..., 0]
            else:  # any other forecaster: only non-finite values count
                out = np.asarray(getattr(member, method)(*args), dtype=np.float64)
                bad = ~np.isfinite(out)
            # one flag per origin (forecast: the single origin)
            axes = tuple(range(1, bad.ndim)) if method == "forecast_origins" else None
            outputs.append(out)
            runaway.append(np.any(bad, axis=axes))
        outputs = np.array(outputs)
        keep = ~np.array(runaway)  # (n_members,) or (n_members, n_origins)
        none_kept = ~np.any(keep, axis=0)
        keep = keep | none_kept  # all members where every one runs away
        weights = keep.reshape(keep.shape + (1,) * (outputs.ndim - keep.ndim))
        with np.errstate(invalid="ignore"):
            average = np.sum(np.where(weights, outputs, 0.0), axis=0) / np.sum(
                weights, axis=0
            )
        if np.any(none_kept):
            warnings.warn(
                f"the forecast diverged: every member of the ensemble runs away "
                f"from {int(np.sum(none_kept))} of {none_kept.size} origin(s).",
                DivergenceWarning,
                stacklevel=3,
            )
        return average

    def forecast(self, n_steps: int, context=None, X_future=None, *, X_context=None):
        """The members' average forecast of the next ``n_steps`` values.

        Parameters
        ----------
        n_steps : int
            Number of future steps.
        context : array-like, default=None
            Recent history to warm up on (None continues the training series).
        X_future : array-like, default=None
            Exogenous inputs of the forecast steps.
        X_context : array-like, default=None
            Exogenous inputs of the context steps.

        Returns
        -------
        y_forecast : ndarray of shape (n_steps,) or (n_steps, n_features)
            The average forecast (of the members that do not run away).
        """
        return self._robust_average("forecast", n_steps, context, X_future, X_context)

    def forecast_origins(self, y, origins, n_steps: int, X=None) -> np.ndarray:
        """The members' average forecasts from several origins of ``y``.

        Parameters
        ----------
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
            The series.
        origins : array-like of int
            Numbers of observed values before each forecast.
        n_steps : int
            Steps forecast from each origin.
        X : array-like, default=None
            Exogenous inputs of ``y`` and of the forecast steps.

        Returns
        -------
        forecasts : ndarray of shape (n_origins, n_steps[, n_features])
            The average forecasts (per origin, of the members that do not
            run away from it).
        """
        return self._robust_average("forecast_origins", y, origins, n_steps, X)

    def predict(self, y, X=None, *, context=None, X_context=None) -> np.ndarray:
        """The members' average one-step-ahead predictions of ``y``.

        Parameters
        ----------
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
            Observed continuation of the series.
        X : array-like, default=None
            Its exogenous inputs.
        context : array-like, default=None
            History before ``y``; None uses the training series.
        X_context : array-like, default=None
            Exogenous inputs of the context.

        Returns
        -------
        y_pred : ndarray of the shape of ``y``
            Average one-step-ahead predictions.
        """
        return self._average("predict", y, X, context=context, X_context=X_context)

    def score(self, y, X=None) -> float:
        """R² of the average one-step-ahead predictions of ``y``.

        Parameters
        ----------
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
            Observed continuation of the training series.
        X : array-like, default=None
            Its exogenous inputs.

        Returns
        -------
        score : float
            ``sklearn.metrics.r2_score``, averaged uniformly over columns.
        """
        return float(r2_score(np.asarray(y, dtype=np.float64), self.predict(y, X)))
