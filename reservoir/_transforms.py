"""Invertible transforms of a series for trend and level: log, differences, scaling.

``SeriesTransform`` maps a series ``y`` (T, K) to the series a forecaster
models, in this order:

1. ``log``: ``w = log(y)`` (positive series only);
2. ``difference=1``: ``v_t = w_t - w_(t-1)``;
3. ``seasonal_difference=m``: ``s_t = v_t - v_(t-m)``;
4. ``standardize``: ``z = (s - mean) / scale`` with the mean and standard
   deviation of the fitted series.

The first ``difference + m`` steps have no transformed value (``n_lost``);
transformed step ``i`` belongs to original step ``i + n_lost``. Forecasts are
mapped back with :meth:`SeriesTransform.inverse_forecast` (each forecast step
builds on the forecasts before it) and one-step-ahead predictions with
:meth:`SeriesTransform.inverse_one_step` (each builds on the observed values
before it).
"""

from __future__ import annotations

import numpy as np

__all__: list[str] = []


def column_moments(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation (ddof=0) of each column of ``values``.

    Each column is divided by its largest magnitude first: the squares of
    values beyond ~1e154 overflow, their ratios do not.
    """
    peak = np.max(np.abs(values), axis=0)
    peak[peak == 0] = 1.0
    unit = values / peak
    return unit.mean(axis=0) * peak, unit.std(axis=0) * peak


class SeriesTransform:
    """Log, first and seasonal difference and standardisation, and back.

    Parameters
    ----------
    log : bool
        Take the logarithm first (every value must be positive).
    difference : int
        0 or 1: first difference.
    seasonal_difference : int
        Season length ``m`` of a seasonal difference, 0 for none.
    standardize : bool
        Subtract the mean and divide by the standard deviation (per column)
        of the transformed series seen by :meth:`fit`.
    """

    def __init__(
        self,
        log: bool = False,
        difference: int = 0,
        seasonal_difference: int = 0,
        standardize: bool = True,
    ):
        self.log = log
        self.difference = difference
        self.seasonal_difference = seasonal_difference
        self.standardize = standardize

    @property
    def n_lost(self) -> int:
        """Leading steps without a transformed value."""
        return self.difference + self.seasonal_difference

    @property
    def identity(self) -> bool:
        return not (self.log or self.n_lost or self.standardize)

    def _stationary(self, y: np.ndarray) -> np.ndarray:
        """Steps 1-3: log and differences (``n_lost`` rows shorter)."""
        w = np.log(y) if self.log else y
        if self.difference:
            w = w[1:] - w[:-1]
        m = self.seasonal_difference
        if m:
            w = w[m:] - w[:-m]
        return w

    def fit(self, y: np.ndarray) -> SeriesTransform:
        """Fit the scaling on ``y`` (T, K), finite; positive when ``log``."""
        s = self._stationary(y)
        n_columns = y.shape[1]
        self.mean_ = np.zeros(n_columns)
        self.scale_ = np.ones(n_columns)
        if self.standardize and s.shape[0]:
            self.mean_, std = column_moments(s)
            self.scale_ = np.where(std > 0, std, 1.0)
        return self

    def transform(self, y: np.ndarray) -> np.ndarray:
        """The transformed series, ``y.shape[0] - n_lost`` rows."""
        s = self._stationary(y)
        if self.standardize:
            return (s - self.mean_) / self.scale_
        return np.array(s, dtype=np.float64)

    def _unscale(self, z: np.ndarray) -> np.ndarray:
        return z * self.scale_ + self.mean_ if self.standardize else z

    def _levels(self, y: np.ndarray) -> np.ndarray:
        return np.log(y) if self.log else y

    def _output(self, w: np.ndarray) -> np.ndarray:
        if not self.log:
            return w
        with np.errstate(over="ignore"):
            return np.exp(w)

    def inverse_forecast(self, z: np.ndarray, history: np.ndarray) -> np.ndarray:
        """Forecasts ``z`` (..., H, K) of the steps after ``history`` (n, K).

        ``history`` holds the observed values before the first forecast step
        (at least ``n_lost + 1`` rows when differencing, any length
        otherwise). Leading axes of ``z`` (e.g. one per penalty) share it.
        """
        s = self._unscale(z)
        if not (self.difference or self.seasonal_difference):
            return self._output(s)
        w_hist = self._levels(history)
        v_hist = w_hist[1:] - w_hist[:-1] if self.difference else w_hist
        m = self.seasonal_difference
        if m:
            n_steps = s.shape[-2]
            v = np.empty_like(s)
            for h in range(n_steps):
                v[..., h, :] = s[..., h, :] + (
                    v[..., h - m, :] if h >= m else v_hist[h - m]
                )
        else:
            v = s
        w = w_hist[-1] + np.cumsum(v, axis=-2) if self.difference else v
        return self._output(w)

    def inverse_one_step(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        """One-step-ahead predictions back in the units of ``y``.

        ``z`` (..., n, K) predicts the transformed values of the last ``n``
        rows of ``y`` (observed), each from the observed values before it;
        ``y`` has at least ``n + n_lost`` rows.
        """
        s = self._unscale(z)
        n = s.shape[-2]
        w = self._levels(y)
        m = self.seasonal_difference
        # s_t = v_t - v_(t-m), v_t = w_t - w_(t-1): add back what is known
        if self.difference:
            v = w[1:] - w[:-1]
            base_w = w[-n - 1 : -1]
        else:
            v = w
            base_w = 0.0
        if m:
            s = s + v[v.shape[0] - n - m : v.shape[0] - m]
        return self._output(s + base_w)
