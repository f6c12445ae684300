"""``ESNForecaster`` as an sktime forecaster (needs the ``sktime`` extra).

Imported by :mod:`reservoir.interop` on first use of
``SktimeESNForecaster``, so the core never imports sktime.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from sklearn.base import clone
from sktime.forecasting.base import BaseForecaster

from .forecast import ESNForecaster

__all__ = ["SktimeESNForecaster"]


def _as_2d(y) -> np.ndarray:
    """A series (pandas or NumPy, 1-D or 2-D) as a float64 (T, K) array."""
    values = np.asarray(y, dtype=np.float64)
    return values[:, None] if values.ndim == 1 else values


class SktimeESNForecaster(BaseForecaster):
    """An :class:`~reservoir.forecast.ESNForecaster` as an sktime forecaster.

    sktime users can put an echo state network in their pipelines, tune it
    with sktime's searches, ``evaluate`` it with sktime's splitters and
    compare it with their other forecasters. ``fit`` trains a clone of
    ``forecaster`` on ``y`` (teacher forcing); ``predict`` forecasts in
    closed loop from the end of the series seen so far and returns the
    steps of the forecasting horizon ``fh`` (out-of-sample steps only).
    ``update`` with ``update_params=True`` refits on the whole series seen,
    with ``update_params=False`` it keeps the readout and warms the reservoir
    up on the whole series before the next forecast. Exogenous ``X`` is
    ignored (the tag ``capability:exogenous`` is False); use
    ``ESNForecaster`` directly for exogenous inputs.

    Parameters
    ----------
    forecaster : ESNForecaster, default=None
        The forecaster to wrap (cloned in ``fit``); None means
        ``ESNForecaster()``. Its hyperparameters are reachable as
        ``forecaster__<name>`` in ``get_params``/``set_params`` and in
        sktime's ``ForecastingGridSearchCV``.

    Attributes
    ----------
    forecaster_ : ESNForecaster
        The fitted clone.

    See Also
    --------
    reservoir.forecast.ESNForecaster : the wrapped forecaster.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from reservoir.forecast import ESNForecaster
    >>> from reservoir.interop import SktimeESNForecaster
    >>> y = pd.Series(np.sin(np.arange(300) / 6))
    >>> model = SktimeESNForecaster(ESNForecaster(100, washout=20, random_state=0))
    >>> y_pred = model.fit(y).predict(fh=[1, 2, 3])
    >>> list(y_pred.index)
    [300, 301, 302]
    >>> bool(np.allclose(y_pred, np.sin(np.arange(300, 303) / 6), atol=0.05))
    True
    """

    _tags: ClassVar[dict] = {
        "authors": "reservoir developers",
        "maintainers": "reservoir developers",
        "object_type": "forecaster",
        "capability:multivariate": True,
        "capability:exogenous": False,
        "capability:insample": False,
        "capability:pred_int": False,
        "capability:missing_values": False,
        "capability:update": True,
        "y_inner_mtype": "pd.DataFrame",
        "X_inner_mtype": "pd.DataFrame",
        "requires-fh-in-fit": False,
        "fit_is_empty": False,
    }

    # the series seen is kept in _history (update needs no copy in _y)
    _config: ClassVar[dict] = {"remember_data": False}

    def __init__(self, forecaster: ESNForecaster | None = None):
        self.forecaster = forecaster
        super().__init__()
        self._y = self._X = None  # filled by sktime when remember_data is set

    def _fit(self, y, X=None, fh=None):
        template = ESNForecaster() if self.forecaster is None else self.forecaster
        if not isinstance(template, ESNForecaster):
            raise TypeError(
                f"forecaster must be an ESNForecaster or None; got {template!r}."
            )
        self._columns = y.columns
        self._history = _as_2d(y)
        self._context = None  # None: forecast from the end of the training series
        self.forecaster_ = clone(template).fit(self._history)
        return self

    def _predict(self, fh, X=None):
        steps = np.asarray(fh.to_relative(self.cutoff), dtype=np.int64)
        if steps.min() < 1:
            raise ValueError(
                "SktimeESNForecaster forecasts out-of-sample steps only (fh > 0 "
                f"relative to the cutoff); got {steps.tolist()}."
            )
        n_steps = int(steps.max())
        forecast = self.forecaster_.forecast(n_steps, context=self._context)
        index = fh.to_absolute_index(self.cutoff)
        return pd.DataFrame(
            _as_2d(forecast)[steps - 1], index=index, columns=self._columns
        )

    def _update(self, y, X=None, update_params=True):
        self._history = np.vstack([self._history, _as_2d(y)])
        if update_params:
            self.forecaster_ = clone(self.forecaster_).fit(self._history)
            self._context = None
        else:
            self._context = self._history
        return self

    @classmethod
    def get_test_params(cls, parameter_set: str = "default") -> list[dict]:
        """Parameter sets for sktime's estimator checks (small, fast).

        Parameters
        ----------
        parameter_set : str, default="default"
            Name of the set; there is only the default one.

        Returns
        -------
        params : list of dict
            Each a valid ``__init__`` parameter set.

        Examples
        --------
        >>> from reservoir.interop import SktimeESNForecaster
        >>> len(SktimeESNForecaster.get_test_params())
        2
        """
        return [
            {"forecaster": ESNForecaster(20, washout=5, random_state=0)},
            {
                "forecaster": ESNForecaster(
                    15, washout=3, n_lags=2, alpha=1e-3, leak_rate=0.5, random_state=1
                )
            },
        ]
