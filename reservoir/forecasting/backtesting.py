"""Rolling-origin backtest of a forecaster beside the baselines, and the
forecast past the end of the data: the workflow behind ``reservoir
forecast``."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import LinAlgWarning
from sklearn.base import clone

from .._threading import blas_threads
from .._transforms import column_moments
from ..exceptions import DivergenceWarning
from ..metrics import nrmse_by_horizon
from .baselines import baseline_forecasts
from .calendar import Calendar
from .search import SearchResult, search_forecaster

__all__ = [
    "Backtest",
    "backtest",
    "check_length",
    "default_horizon",
    "minimum_length",
]

#: Fewest training steps a forecaster is fitted on.
MIN_TRAIN = 30
#: Horizon when neither the caller nor the calendar gives one (capped by
#: half the test part).
DEFAULT_HORIZON = 100
#: Default number of forecast origins in the test part.
DEFAULT_ORIGINS = 50
#: Name of the forecaster in the report.
MODEL = "ESN"
#: Series whose largest magnitude lies outside [SAFE_LOW, SAFE_HIGH] are
#: divided by a power of two (exact in floating point) while they are
#: modelled, so that squares and sums stay finite.
SAFE_LOW, SAFE_HIGH = 1e-100, 1e100


@dataclass
class Backtest:
    """A forecaster and the baselines scored from the same origins.

    What :func:`backtest` returns; its fields are these parameters.

    Parameters
    ----------
    values : ndarray of shape (n_timesteps, n_columns)
        The whole series.
    names : list of str
        Its column names.
    calendar : Calendar
        Its time stamps; ``calendar.future(horizon)`` stamps the forecast.
    n_train : int
        Length of the training part (the first steps).
    horizon : int
        Steps forecast from each origin.
    season : int or None
        Season length of the seasonal naive baseline.
    origins : ndarray of int
        Numbers of observed values before each backtest forecast.
    forecasts : dict of str to ndarray of shape (n_origins, horizon, n_columns)
        ``'ESN'`` first, then every baseline (see :func:`baseline_forecasts`).
    failed : dict of str to str
        Methods whose forecasts ran away, with the reason; they have no
        score.
    future : ndarray of shape (horizon, n_columns) or None
        The forecast past the end of the data, by the forecaster refitted on
        the whole series (None when it failed or was not asked for).
    future_failed : str or None
        Why there is no ``future``.
    search : SearchResult or None
        The hyperparameter search, when there was one.
    model : estimator or None
        The forecaster fitted on the whole series (with ``future``).
    seconds : dict of str to float
        Time spent in each stage.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir import ESNForecaster
    >>> from reservoir.forecasting import backtest
    >>> report = backtest(np.sin(np.arange(300) / 6), horizon=5, model=ESNForecaster(
    ...     40, washout=20, alpha=1e-6, random_state=0))
    >>> report.n_train, report.origins.size, report.forecasts["ESN"].shape
    (210, 50, (50, 5, 1))
    """

    values: np.ndarray
    names: list
    calendar: Calendar
    n_train: int
    horizon: int
    season: int | None
    origins: np.ndarray
    forecasts: dict
    failed: dict = field(default_factory=dict)
    future: np.ndarray | None = None
    future_failed: str | None = None
    search: SearchResult | None = None
    model: object = None
    seconds: dict = field(default_factory=dict)

    @property
    def truth(self) -> np.ndarray:
        """The observed values after each origin (n_origins, horizon, K)."""
        index = self.origins[:, None] + np.arange(self.horizon)[None, :]
        return self.values[index]

    @property
    def scale(self) -> np.ndarray:
        """Standard deviation of each column's training part (NRMSE unit)."""
        return column_moments(self.values[: self.n_train])[1]

    def nrmse(self) -> dict:
        """NRMSE by horizon, (horizon,) per method, averaged over columns.

        RMSE over the origins divided by the standard deviation of the
        training part; methods in ``failed`` are left out.
        """
        unit = _unit(self.values)  # huge or tiny values: exact rescaling
        truth, scale = self.truth / unit, self.scale / unit
        return {
            name: nrmse_by_horizon(truth, forecast / unit, scale=scale)
            for name, forecast in self.forecasts.items()
            if name not in self.failed
        }

    def verdict(self) -> list[str]:
        """Plain sentences: does the forecaster beat the best baseline?"""
        if MODEL in self.failed:
            return [
                f"The {MODEL} FAILED: {self.failed[MODEL]} It is not scored; use "
                "a baseline, or other settings."
            ]
        scores = self.nrmse()
        lines = []
        for h in sorted({1, self.horizon}):
            name, best = min(
                ((n, s[h - 1]) for n, s in scores.items() if n != MODEL),
                key=lambda item: item[1],
            )
            own = scores[MODEL][h - 1]
            if own < best:
                lines.append(
                    f"At horizon {h} the {MODEL} beats the best baseline "
                    f"({name}): NRMSE {own:.4g} against {best:.4g}."
                )
            else:
                lines.append(
                    f"At horizon {h} the {MODEL} does NOT beat the best baseline: "
                    f"{name} has NRMSE {best:.4g}, the {MODEL} {own:.4g}; prefer "
                    f"{name} there."
                )
        return lines

    def rows(self):
        """Tidy rows ``(origin, time, horizon, column, actual, forecast)``.

        One row per backtest origin, step and column (``origin`` the time
        stamp of the last observation the forecast used), then the forecast
        past the data with ``actual`` None. Time stamps are formatted by the
        calendar.
        """
        cal, stamps = self.calendar, self.calendar.stamps
        forecast = self.forecasts[MODEL]
        failed = MODEL in self.failed
        for i, origin in enumerate(self.origins):
            for h in range(self.horizon):
                for k, name in enumerate(self.names):
                    yield (
                        cal.format(stamps[origin - 1]),
                        cal.format(stamps[origin + h]),
                        h + 1,
                        name,
                        self.values[origin + h, k],
                        None if failed else forecast[i, h, k],
                    )
        if self.future is not None:
            times = cal.future(self.horizon)
            for h in range(self.horizon):
                for k, name in enumerate(self.names):
                    yield (
                        cal.format(stamps[-1]),
                        cal.format(times[h]),
                        h + 1,
                        name,
                        None,
                        self.future[h, k],
                    )


def minimum_length(train_fraction: float, horizon: int) -> int:
    """Fewest steps a series needs for a backtest.

    ``MIN_TRAIN`` (30) training steps and ``horizon`` test steps.

    Parameters
    ----------
    train_fraction : float
        Share of the series in the training part, in (0, 1).
    horizon : int
        Steps forecast from each origin.

    Returns
    -------
    n_timesteps : int
        The smallest length that leaves both parts long enough.

    Examples
    --------
    >>> from reservoir.forecasting import minimum_length
    >>> minimum_length(0.7, 6)
    43
    """
    n = MIN_TRAIN + horizon
    while int(n * train_fraction) < MIN_TRAIN or n - int(n * train_fraction) < horizon:
        n += 1
    return n


def default_horizon(calendar: Calendar, n_timesteps: int, train_fraction: float) -> int:
    """The horizon :func:`backtest` takes when none is given.

    The calendar's customary horizon (monthly 18, quarterly 8, annual 6,
    ...), else ``DEFAULT_HORIZON`` (100); at most half the test part, so
    that a short series is backtested from several origins.

    Parameters
    ----------
    calendar : Calendar
        The series' time stamps.
    n_timesteps : int
        Length of the series.
    train_fraction : float
        Share of the series in the training part.

    Returns
    -------
    horizon : int
        Steps to forecast.

    Examples
    --------
    >>> from reservoir.forecasting import Calendar, default_horizon
    >>> default_horizon(Calendar.steps(2000), 2000, 0.7)
    100
    >>> default_horizon(Calendar.steps(144), 144, 0.7)
    22
    >>> import numpy as np
    >>> months = np.datetime64("2001-01", "M") + np.arange(60)
    >>> monthly = Calendar.from_stamps(months.astype("datetime64[D]"))
    >>> monthly.horizon, default_horizon(monthly, 60, 0.7)
    (18, 9)
    """
    n_test = n_timesteps - int(n_timesteps * train_fraction)
    return min(calendar.horizon or DEFAULT_HORIZON, max(1, n_test // 2))


def check_length(n_timesteps: int, train_fraction: float, horizon: int) -> None:
    """Refuse a series too short for a backtest, naming the minimum length.

    Parameters
    ----------
    n_timesteps : int
        Length of the series.
    train_fraction : float
        Share of the series in the training part.
    horizon : int
        Steps forecast from each origin.

    Raises
    ------
    ValueError
        When ``n_timesteps < minimum_length(train_fraction, horizon)``.

    Examples
    --------
    >>> from reservoir.forecasting import check_length
    >>> check_length(43, 0.7, 6)
    >>> check_length(42, 0.7, 6)
    Traceback (most recent call last):
    ...
    ValueError: the series is too short: 42 steps, where a horizon of 6 ...
    """
    needed = minimum_length(train_fraction, horizon)
    if n_timesteps < needed:
        raise ValueError(
            f"the series is too short: {n_timesteps} steps, where a horizon of "
            f"{horizon} with train fraction {train_fraction:g} needs at least "
            f"{needed} ({MIN_TRAIN} to train on and {horizon} to test); use a "
            "longer series or a shorter horizon."
        )


def backtest(
    y,
    *,
    calendar: Calendar | None = None,
    names: list[str] | None = None,
    horizon: int | None = None,
    train_fraction: float = 0.7,
    n_origins: int = DEFAULT_ORIGINS,
    season: int | None = None,
    model=None,
    time_budget: float = 20.0,
    random_state: int = 0,
    future: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Backtest:
    """Backtest a forecaster beside the baselines, then forecast the future.

    The forecaster is fitted on the first ``train_fraction`` of the series
    (by :func:`search_forecaster` when ``model`` is None, or ``model`` as
    given) and forecasts ``horizon`` steps in closed loop from up to
    ``n_origins`` evenly spaced origins in the rest, each using only the
    values before it; persistence, the training mean, the seasonal naive
    forecast and a linear autoregression forecast from the same origins.
    With ``future``, the same forecaster is then refitted on the whole
    series (a search is not repeated: its chosen settings are) and forecasts
    the ``horizon`` steps after the data.

    A forecast that runs away (a :class:`~reservoir.exceptions.
    DivergenceWarning`) makes the forecaster *failed* in the report, never a
    score.

    Parameters
    ----------
    y : array-like of shape (n_timesteps,) or (n_timesteps, n_columns)
        The series, finite.
    calendar : Calendar, default=None
        Its time stamps; None numbers the steps.
    names : list of str, default=None
        Column names; None gives ``x`` (or ``x0, x1, ...``).
    horizon : int, default=None
        Steps to forecast; None takes the calendar's customary horizon
        (monthly 18, quarterly 8, annual 6, ...), else 100, at most half
        the test part.
    train_fraction : float, default=0.7
        Share of the series in the training part, in (0, 1).
    n_origins : int, default=50
        Most forecast origins in the test part.
    season : int, default=None
        Season length; None takes the calendar's (12 for monthly data, ...).
    model : forecaster, default=None
        An unfitted forecaster (e.g. :class:`~reservoir.ESNForecaster`) to
        use as it is; None searches one (see :func:`search_forecaster`).
    time_budget : float, default=20.0
        Seconds the search may take.
    random_state : int, default=0
        Seed of the search.
    future : bool, default=True
        Refit on the whole series and forecast past its end.
    progress : callable, default=None
        Called with short progress messages.

    Returns
    -------
    report : Backtest
        Forecasts, scores (:meth:`Backtest.nrmse`), verdict and future.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir import ESNForecaster
    >>> from reservoir.forecasting import backtest
    >>> y = np.sin(np.arange(400) / 8)
    >>> report = backtest(y, horizon=10, model=ESNForecaster(
    ...     50, washout=20, alpha=1e-6, random_state=0))
    >>> list(report.forecasts)
    ['ESN', 'persistence', 'mean', 'AR(2)']
    >>> bool(report.nrmse()["ESN"][-1] < report.nrmse()["persistence"][-1])
    True
    >>> report.future.shape
    (10, 1)
    """
    began = time.perf_counter()
    say = progress or (lambda message: None)
    Y = np.asarray(y, dtype=np.float64)
    if Y.ndim == 1:
        Y = Y[:, None]
    if Y.ndim != 2 or Y.shape[0] == 0:
        raise ValueError(f"y must be a 1-D or 2-D series; got shape {np.shape(y)}.")
    if not np.all(np.isfinite(Y)):
        raise ValueError("y holds NaN or infinite values; fill or drop them first.")
    n_total, n_columns = Y.shape
    calendar = calendar if calendar is not None else Calendar.steps(n_total)
    if calendar.stamps.shape[0] != n_total:
        raise ValueError(
            f"the calendar has {calendar.stamps.shape[0]} time stamps for "
            f"{n_total} steps."
        )
    names = (
        list(names)
        if names
        else (["x"] if n_columns == 1 else [f"x{k}" for k in range(n_columns)])
    )
    if not 0.0 < train_fraction < 1.0:
        raise ValueError(f"train_fraction must lie in (0, 1); got {train_fraction}.")
    n_train = int(n_total * train_fraction)
    if horizon is None:
        horizon = default_horizon(calendar, n_total, train_fraction)
    check_length(n_total, train_fraction, horizon)
    if np.any(column_moments(Y[:n_train])[1] == 0):
        raise ValueError("the training part of the series is constant.")
    if season is None:
        season = calendar.season
    season = season if season and season > 1 else None
    origins = np.unique(
        np.linspace(n_train, n_total - horizon, n_origins).round().astype(np.int64)
    )
    unit = _unit(Y)
    Z = Y / unit  # exact: a power of two
    series = Z[:, 0] if n_columns == 1 else Z

    search = None
    if model is None:
        say(f"searching hyperparameters for {time_budget:g} s at most ...")
        search = search_forecaster(
            series[:n_train],
            horizon,
            season=season,
            time_budget=time_budget,
            random_state=random_state,
            progress=say,
        )
        fitted = search.best_estimator
        template = fitted
    else:
        say(f"fitting on {n_train} steps ...")
        template = model
        fitted = _fit(model, series[:n_train])
    seconds = {"fit": time.perf_counter() - began}

    say(f"forecasting from {origins.size} origins ...")
    forecasts, failed = {}, {}
    own, message = _guarded(lambda: fitted.forecast_origins(series, origins, horizon))
    forecasts[MODEL] = own.reshape(origins.size, horizon, n_columns) * unit
    if message:
        failed[MODEL] = message
    with blas_threads(1):  # small least squares
        baselines = baseline_forecasts(Z, n_train, origins, horizon, season)
    for name, forecast in baselines.items():
        forecasts[name] = forecast * unit
    seconds["backtest"] = time.perf_counter() - began - seconds["fit"]

    report = Backtest(
        Y, names, calendar, n_train, horizon, season, origins, forecasts, failed,
        search=search, seconds=seconds,
    )  # fmt: skip
    if future:
        say(f"refitting on all {n_total} steps and forecasting {horizon} ahead ...")
        final = _fit(template, series)
        ahead, message = _guarded(lambda: final.forecast(horizon))
        if message:
            report.future_failed = message
        else:
            report.future = ahead.reshape(horizon, n_columns) * unit
        report.model = final
        seconds["future"] = time.perf_counter() - began - sum(seconds.values())
    return report


def _fit(model, series: np.ndarray):
    """A clone of ``model`` fitted on ``series``; tiny penalties chosen on
    purpose make no ill-conditioning warnings. Small dense algebra runs on
    one BLAS thread (faster than several, and the same on any machine)."""
    with warnings.catch_warnings(), blas_threads(1):
        warnings.simplefilter("ignore", LinAlgWarning)
        return clone(model).fit(series)


def _guarded(forecast: Callable[[], np.ndarray]) -> tuple[np.ndarray, str | None]:
    """Run a forecast; a divergence warning or a non-finite value is the
    reason it failed."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DivergenceWarning)
        out = np.asarray(forecast(), dtype=np.float64)
    diverged = [w for w in caught if issubclass(w.category, DivergenceWarning)]
    for w in caught:
        if w not in diverged:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if diverged:
        return out, " ".join(str(diverged[0].message).split())
    if not np.all(np.isfinite(out)):
        return out, "the forecast has non-finite values."
    return out, None


def _unit(values: np.ndarray) -> float:
    """1.0, or a power of two near the largest magnitude when it is huge or
    tiny (dividing by it is exact)."""
    top = float(np.max(np.abs(values))) if values.size else 0.0
    if top == 0.0 or SAFE_LOW <= top <= SAFE_HIGH:
        return 1.0
    return float(2.0 ** np.floor(np.log2(top)))
