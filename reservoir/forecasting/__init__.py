"""Forecasting a user's own series: calendar, baselines, search, backtest.

The workflow behind ``reservoir forecast``, usable from Python:

* :class:`Calendar` recognises the frequency of time stamps (daily,
  business-day, weekly, monthly, quarterly, annual, hourly, integer steps)
  and continues it past the data;
* :func:`baseline_forecasts` gives persistence, the training mean, the
  seasonal naive forecast and a linear autoregression from the same origins;
* :func:`search_forecaster` chooses transforms, reservoir hyperparameters
  and the ridge penalty by rolling-origin cross-validation within a time
  budget;
* :func:`read_csv` reads a user's series and its calendar from a CSV file;
* :func:`backtest` scores a forecaster and the baselines from the same
  origins and says plainly whether the forecaster beats them.
"""

from .backtesting import (
    Backtest,
    backtest,
    check_length,
    default_horizon,
    minimum_length,
)
from .baselines import baseline_forecasts, fit_autoregression
from .calendar import Calendar, parse_time_stamps
from .data import Series, builtin_series, read_csv
from .ensemble import ForecastEnsemble
from .search import SearchResult, search_forecaster

__all__ = [
    "Backtest",
    "Calendar",
    "ForecastEnsemble",
    "SearchResult",
    "Series",
    "backtest",
    "baseline_forecasts",
    "builtin_series",
    "check_length",
    "default_horizon",
    "fit_autoregression",
    "minimum_length",
    "parse_time_stamps",
    "read_csv",
    "search_forecaster",
]
