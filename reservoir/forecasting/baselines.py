"""Benchmark forecasts every forecasting report stands beside.

All of them forecast ``horizon`` steps from each origin of a series, using
only the values before the origin (and, for the mean and the
autoregression, a training part fitted once):

* persistence: the last observed value, ``y(t+h) = y(t)``;
* the training mean;
* seasonal naive: the value one season earlier,
  ``y(t+h) = y(t+h-m*ceil(h/m))``;
* a linear autoregression AR(p) with intercept, fitted by least squares on
  the training part, ``p`` chosen by validating ``horizon``-step forecasts
  on the second half of that part (or given).
"""

from __future__ import annotations

import numpy as np

__all__ = ["baseline_forecasts", "fit_autoregression"]


def _lagged(y: np.ndarray, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``[1, y_(t-1), ..., y_(t-p)]`` and targets ``y_t`` (one column)."""
    n = y.shape[0]
    rows = [np.ones(n - order)]
    rows += [y[order - k - 1 : n - k - 1] for k in range(order)]
    return np.column_stack(rows), y[order:]


def fit_autoregression(y: np.ndarray, order: int) -> np.ndarray:
    """Least-squares AR coefficients ``[c, a_1, ..., a_p]`` per column.

    Parameters
    ----------
    y : ndarray of shape (n_timesteps, n_columns)
        The series; each column gets its own univariate AR(p).
    order : int
        The number of lags ``p``.

    Returns
    -------
    coefs : ndarray of shape (n_columns, order + 1)
        Intercept, then the weights of lags 1 to ``p``.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir.forecasting import fit_autoregression
    >>> y = np.empty(200); y[0] = 1.0
    >>> for t in range(1, 200):
    ...     y[t] = 0.5 + 0.8 * y[t - 1]
    >>> np.round(fit_autoregression(y[:, None], 1), 6)
    array([[0.5, 0.8]])
    """
    coefs = []
    for column in y.T:
        Z, t = _lagged(column, order)
        coefs.append(np.linalg.lstsq(Z, t, rcond=None)[0])
    return np.array(coefs)


def _ar_forecasts(coefs, y, origins, horizon) -> np.ndarray:
    """AR forecasts (n_origins, horizon, K) from each origin, in closed loop
    (all origins at once, one step after another)."""
    order = coefs.shape[1] - 1
    origins = np.asarray(origins, dtype=np.int64)
    out = np.empty((origins.size, horizon, y.shape[1]))
    for k in range(y.shape[1]):
        # the last ``order`` values before each origin, most recent first
        history = np.stack([y[origins - 1 - j, k] for j in range(order)], axis=1)
        c, a = coefs[k, 0], coefs[k, 1:]
        for h in range(horizon):
            value = c + history @ a
            out[:, h, k] = value
            history = np.column_stack([value, history[:, :-1]])
    return out


#: Most validation origins when the AR order is chosen.
ORDER_ORIGINS = 20


def _choose_order(y: np.ndarray, horizon: int, orders) -> int:
    """The AR order whose horizon-step forecasts validate best on ``y``.

    Every order is fitted once on the first half of ``y`` (at least enough
    rows for the largest order) and forecasts from up to ``ORDER_ORIGINS``
    evenly spaced origins in the second half; the mean squared error over
    the observed steps decides.
    """
    n = y.shape[0]
    first = max(3 * (max(orders) + 1), n // 2)
    if first >= n - 1:
        return orders[0]
    origins = np.unique(
        np.linspace(first, n - 1, min(ORDER_ORIGINS, n - 1 - first)).astype(np.int64)
    )
    steps = np.arange(horizon)
    index = origins[:, None] + steps[None, :]
    observed = index < n
    truth = y[np.minimum(index, n - 1)]
    best, best_error = orders[0], np.inf
    for order in orders:
        pred = _ar_forecasts(fit_autoregression(y[:first], order), y, origins, horizon)
        error = float(np.mean(((pred - truth) ** 2)[observed]))
        if error < best_error:
            best, best_error = order, error
    return best


def baseline_forecasts(
    y: np.ndarray,
    n_train: int,
    origins,
    horizon: int,
    season: int | None = None,
    ar_order: int | None = None,
) -> dict[str, np.ndarray]:
    """Forecasts of the benchmark methods from every origin.

    Parameters
    ----------
    y : ndarray of shape (n_timesteps, n_features)
        The whole series (training part first).
    n_train : int
        Length of the training part (the mean and the AR fit use it).
    origins : array-like of int
        Numbers of observed values before each forecast (>= 1).
    horizon : int
        Steps forecast from each origin.
    season : int, optional
        Season length; the seasonal naive forecast needs ``season >= 2``.
    ar_order : int, optional
        Order of the autoregression; None chooses it among ``1 .. max(2,
        2 * season)`` (at most ``n_train // 4``) by validating its forecasts
        on the second half of the training part (fitted on the first).

    Returns
    -------
    forecasts : dict of str to ndarray of shape (n_origins, horizon, n_features)
        Keys ``'persistence'``, ``'mean'``, ``'seasonal-naive'`` (with a
        season) and ``'AR(p)'``.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir.forecasting import baseline_forecasts
    >>> y = np.arange(48.0)[:, None] % 12
    >>> out = baseline_forecasts(y, 36, [36, 40], 3, season=12)
    >>> sorted(out)
    ['AR(9)', 'mean', 'persistence', 'seasonal-naive']
    >>> out["seasonal-naive"][:, :, 0]
    array([[0., 1., 2.],
           [4., 5., 6.]])
    """
    y = np.asarray(y, dtype=np.float64)
    origins = np.asarray(origins, dtype=np.int64)
    train = y[:n_train]
    steps = np.arange(horizon)
    out = {
        "persistence": np.repeat(y[origins - 1][:, None, :], horizon, axis=1),
        "mean": np.broadcast_to(
            train.mean(axis=0), (origins.size, horizon, y.shape[1])
        ).copy(),
    }
    if season is not None and season >= 2:
        back = season * np.ceil((steps + 1) / season).astype(np.int64)
        index = origins[:, None] + steps[None, :] - back[None, :]
        if np.all(index >= 0):
            out["seasonal-naive"] = y[index]
    if ar_order is None:
        most = max(2, 2 * (season or 1))
        most = max(1, min(most, n_train // 4))
        ar_order = _choose_order(train, horizon, list(range(1, most + 1)))
    coefs = fit_autoregression(train, ar_order)
    out[f"AR({ar_order})"] = _ar_forecasts(coefs, y, origins, horizon)
    return out
