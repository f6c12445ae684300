"""Choose a forecaster's transforms and hyperparameters from the data.

:func:`search_forecaster` scores :class:`~reservoir.ESNForecaster`
candidates by rolling-origin cross-validation on the training series, each
one scoring the closed-loop forecasts of the horizon asked for over a whole
path of ridge penalties (the reservoir runs once per candidate and one
eigendecomposition per fold serves every penalty), within a time budget.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import LinAlgWarning
from sklearn.model_selection import TimeSeriesSplit

from .._threading import blas_threads
from .._validation import check_int, check_real
from ..exceptions import DivergenceError, DivergenceWarning, WashoutWarning
from ..forecast import (
    CV_CLOSED_LOOP_ORIGINS,
    CV_CLOSED_LOOP_STEPS,
    CV_MIN_ORIGINS,
    ESNForecaster,
)
from .ensemble import ForecastEnsemble

__all__ = ["SearchResult", "search_forecaster"]

#: Ridge penalties every candidate is scored on (one eigendecomposition).
ALPHAS = np.logspace(-10, 2, 13)
#: Largest reservoir the search builds.
MAX_UNITS = 400
#: Candidates scored when the time budget allows (the first few try each
#: transform with a middle-of-the-road reservoir).
N_CANDIDATES = 24
#: Share of the training rows the validation blocks cover (the latest).
VALIDATION_FRACTION = 0.75
#: Share of the series run as washout (between 2 and 100 steps).
WASHOUT_FRACTION = 0.1
#: Shortest free run from the end of the series a candidate must survive
#: without diverging (three horizons when that is longer).
STABILITY_STEPS = 100
#: Points of the training series (besides its end) free runs start from.
STABILITY_ORIGINS = 5
#: Multiple of the standard error the chosen penalty's score may lie below
#: the best (Breiman's one-standard-error rule at 1). 0 takes the best: the
#: rule at 1 chose over-regularised penalties, worse or equal on the test
#: part of 14 of 16 real series and on Mackey-Glass.
SE_FACTOR = 0.0
#: Members of the returned committee (the best distinct candidates).
ENSEMBLE_SIZE = 5
#: ... among those whose validation error (mean squared) is at most this
#: multiple of the best one's: a clearly better model is not averaged with
#: worse ones.
ENSEMBLE_RATIO = 2.0
#: Reservoir updates per second (times nonzero recurrent weights) the
#: candidate count is planned with, measured on a 2-core machine with one
#: BLAS thread; the plan uses PLAN_SHARE of the time budget so that the
#: wall-clock stop is a safety net, not the rule.
PLAN_RATE = 8.0e8
PLAN_SHARE = 0.6
#: Fewest candidates planned, whatever the budget.
MIN_CANDIDATES = 6
#: Reservoir hyperparameters the later candidates are drawn from.
SPACE = {
    "spectral_radius": (0.5, 0.8, 0.95, 1.1),
    "leak_rate": (0.3, 0.6, 1.0),
    "feedback_scaling": (0.1, 0.3, 0.5, 1.0),
    "bias_scaling": (0.2, 0.5, 1.0),
    "input_penalty": (1.0, 0.1, 0.01, 0.001),
}
#: The reservoir every transform is first tried with.
BASE = {
    "spectral_radius": 0.9,
    "leak_rate": 0.6,
    "feedback_scaling": 0.3,
    "bias_scaling": 0.5,
    "input_penalty": 0.01,
}


@dataclass
class SearchResult:
    """What :func:`search_forecaster` found.

    Parameters
    ----------
    best_estimator : ForecastEnsemble
        The average of the best ``ENSEMBLE_SIZE`` (5) distinct candidates
        (those whose validation error is within ``ENSEMBLE_RATIO`` (2) times
        the best one's),
        each an :class:`~reservoir.ESNForecaster` fitted on the series given
        to the search with its chosen penalty (fixed, so refitting repeats
        the choice).
    best_params : dict
        The hyperparameters of the best candidate (``alpha`` the chosen
        value).
    best_score : float
        Its cross-validation score (see ``ESNForecaster.alpha_scores_``):
        minus the squared error of its forecasts relative to persistence's,
        averaged over the steps of the horizon (-1 is as good as
        persistence).
    ensemble : list of dict
        The hyperparameters of every member, best first.
    results : list of dict
        Every candidate scored, in order: ``params``, ``score``, ``alpha``,
        ``seconds`` (and ``error`` when it could not be fitted).
    elapsed : float
        Seconds the search took.
    complete : bool
        False when the time budget stopped it before every candidate was
        scored.

    Examples
    --------
    >>> from reservoir.forecasting import SearchResult
    >>> sorted(SearchResult.__dataclass_fields__)[:3]
    ['best_estimator', 'best_params', 'best_score']
    """

    best_estimator: ForecastEnsemble
    best_params: dict
    best_score: float
    ensemble: list = field(default_factory=list)
    results: list = field(default_factory=list)
    elapsed: float = 0.0
    complete: bool = True


def transform_candidates(y: np.ndarray, season: int | None, n_rows: int) -> list:
    """Transforms worth trying on ``y``: differences, log, seasonal difference.

    As in Hyndman & Khandakar's automatic ARIMA, the KPSS test decides the
    first difference: of the series itself, and, with a ``season`` and data
    for at least four seasons, of its seasonal difference (a second
    branch). A positive series adds the same on its logarithm. The series
    as it is (no transform) is always a candidate as well: the test is a
    heuristic and over-differences series whose trend stopped (a level
    shift), where cross-validation can still pick the levels.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir.forecasting.search import transform_candidates
    >>> transform_candidates(np.arange(1.0, 101.0)[:, None], None, 100)
    [{'difference': 1}, {'log': True, 'difference': 1}, {}]
    """
    positive = bool(np.all(y > 0))
    branches = [{}]
    if season and season >= 2 and n_rows >= 4 * season:
        branches.append({"seasonal_difference": season})
    out = []
    for log in (False, True) if positive else (False,):
        levels = np.log(y) if log else y
        for branch in branches:
            m = branch.get("seasonal_difference", 0)
            series = levels[m:] - levels[:-m] if m else levels
            candidate = {"log": True} if log else {}
            if _needs_difference(series):
                candidate["difference"] = 1
            out.append(dict(candidate, **branch))
    if {} not in out:
        out.append({})  # levels: cross-validation may overrule the test
    return out


#: KPSS critical value at the 5 % level (level stationarity).
KPSS_CRITICAL = 0.463


def _needs_difference(y: np.ndarray) -> bool:
    """Whether any column looks non-stationary by the KPSS test at 5 %."""
    return any(kpss_statistic(column) > KPSS_CRITICAL for column in y.T)


def _lag_choices(season: int | None) -> tuple[int, ...]:
    if season and season >= 2:
        return (1, season, 2 * season) if season <= 24 else (1, 2)
    return (1, 2, 4)


def search_forecaster(
    y,
    horizon: int,
    *,
    X=None,
    season: int | None = None,
    time_budget: float = 20.0,
    n_candidates: int = N_CANDIDATES,
    max_units: int = MAX_UNITS,
    cv: int = 5,
    random_state: int = 0,
    progress: Callable[[str], None] | None = None,
) -> SearchResult:
    """Search transforms, reservoir hyperparameters and the ridge penalty.

    Candidates are :class:`~reservoir.ESNForecaster` models with lagged
    values in the readout (a linear autoregression is a special case), on
    the series as it is, differenced, logged (positive series) or
    seasonally differenced (with a ``season``), with a reservoir sized for
    the data (at most ``max_units`` units, fewer for short series) and a
    washout adapted to the length. Each is scored by ``cv`` rolling-origin
    folds on ``y``: its closed-loop forecasts of ``horizon`` steps from
    origins in each validation block, in the units of ``y``, for every
    penalty of a path. The first candidates try every transform with one
    middle-of-the-road reservoir; the rest draw reservoirs (spectral radius,
    leak rate, feedback and bias scaling, lags) for the two best transforms.

    The search stops when ``time_budget`` seconds are used up (a candidate
    that has started is finished); what it scored by then decides. With
    enough budget for all candidates the result depends only on the data
    and ``random_state``.

    Parameters
    ----------
    y : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
        The training series.
    horizon : int
        Steps ahead the forecasts are scored on (>= 1).
    X : array-like of shape (n_timesteps, n_exog_features), default=None
        Exogenous inputs, as for :meth:`ESNForecaster.fit`.
    season : int, default=None
        Season length (for seasonal differences and the lags); None or 1 for
        none.
    time_budget : float, default=20.0
        Seconds the search may take (> 0).
    n_candidates : int, default=24
        Most candidates scored (>= 1).
    max_units : int, default=400
        Largest reservoir (>= 10).
    cv : int, default=5
        Rolling-origin folds (>= 2).
    random_state : int, default=0
        Seed of the candidates' draws and of every reservoir.
    progress : callable, default=None
        Called with a short message after every candidate (e.g. ``print``).

    Returns
    -------
    result : SearchResult
        The best candidate, fitted on ``y``, and every score.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir.forecasting import search_forecaster
    >>> t = np.arange(240)
    >>> y = 10 + 0.05 * t + np.sin(2 * np.pi * t / 12)
    >>> result = search_forecaster(y[:200], 12, season=12, n_candidates=4)
    >>> forecast = result.best_estimator.forecast(12)
    >>> bool(np.sqrt(np.mean((forecast - y[200:212]) ** 2)) < 0.5)
    True
    """
    start = time.perf_counter()
    horizon = check_int(horizon, "horizon", low=1)
    time_budget = check_real(time_budget, "time_budget", low=0.0, low_inclusive=False)
    n_candidates = check_int(n_candidates, "n_candidates", low=1)
    max_units = check_int(max_units, "max_units", low=10)
    cv = check_int(cv, "cv", low=2)
    if season is not None:
        season = check_int(season, "season", low=1)
    Y = np.asarray(y, dtype=np.float64)
    Y2 = Y.reshape(Y.shape[0], -1) if Y.ndim == 1 else Y
    n_steps = Y2.shape[0]
    washout = int(np.clip(n_steps * WASHOUT_FRACTION, 2, 100))
    n_rows = n_steps - washout
    rng = np.random.RandomState(random_state)
    # a transform needs rows enough for the folds after its differences
    transforms = [
        t
        for t in transform_candidates(Y2, season, n_rows)
        if n_rows - _lost(t) > (cv + 1) * min(horizon, 4)
    ] or [{}]
    lags = _lag_choices(season)
    base = dict(BASE, n_lags=lags[1] if len(lags) > 1 else 1)
    fixed = dict(
        n_units=int(min(max_units, max(10, n_rows))),
        density=0.05 if n_rows > 200 else None,
        washout=washout,
        alpha=ALPHAS,
        # validation blocks cover the last VALIDATION_FRACTION of the rows
        cv=TimeSeriesSplit(
            cv, test_size=max(1, int((n_rows - horizon) * VALIDATION_FRACTION / cv))
        ),
        horizon=horizon,
        random_state=random_state,
    )
    candidates = [dict(base, **t) for t in transforms]
    planned = _plan(n_steps, fixed, horizon, cv, time_budget)
    n_candidates = min(n_candidates, max(planned, len(candidates)))
    results: list[dict] = []
    complete = True

    def score(params):
        began = time.perf_counter()
        model = ESNForecaster(**fixed, **params)
        entry = {"params": params}
        try:
            with warnings.catch_warnings():
                # diverging penalties score -inf; tiny ones are tried on purpose
                warnings.simplefilter("ignore", DivergenceWarning)
                warnings.simplefilter("ignore", LinAlgWarning)
                # the washout is set from the series length, not by the user,
                # and the candidates are scored on held-out forecasts anyway
                warnings.simplefilter("ignore", WashoutWarning)
                model.fit(y, X)
                alpha, entry["score"] = _chosen_penalty(model)
                if alpha != model.alpha_:  # re-solve: one harvest, no validation
                    model.set_params(alpha=alpha, cv=None).fit(y, X)
            entry["alpha"] = alpha
            entry["model"] = model
            if X is None and np.isfinite(entry["score"]):
                _check_stable(model, y, max(3 * horizon, STABILITY_STEPS))
        except (ValueError, DivergenceError) as exc:
            entry["score"] = -np.inf
            entry["error"] = str(exc)
        entry["seconds"] = time.perf_counter() - began
        results.append(entry)
        if progress is not None:
            best = max(r["score"] for r in results)
            progress(
                f"candidate {len(results)}/{n_candidates}: {_brief(params)} "
                f"score {entry['score']:.4g} (best {best:.4g})"
            )

    with blas_threads(1):
        for params in candidates[:n_candidates]:
            if time.perf_counter() - start > time_budget and results:
                complete = False
                break
            score(params)
        ranked = sorted(
            {_key(r["params"]): r for r in results if np.isfinite(r["score"])}.values(),
            key=lambda r: -r["score"],
        )
        best_transforms = [
            {k: v for k, v in r["params"].items() if k in _TRANSFORM_KEYS}
            for r in ranked[:2]
        ] or [{}]
        while complete and len(results) < n_candidates:
            if time.perf_counter() - start > time_budget:
                complete = False
                break
            params = {name: float(rng.choice(v)) for name, v in SPACE.items()}
            params["n_lags"] = int(rng.choice(lags))
            params.update(best_transforms[len(results) % len(best_transforms)])
            score(params)
    finite = [r for r in results if np.isfinite(r["score"])]
    if not finite:
        errors = "; ".join(sorted({r.get("error", "diverged") for r in results}))
        raise ValueError(f"no candidate could be fitted: {errors}")
    ranked = sorted(
        {_key(r["params"]): r for r in finite}.values(), key=lambda r: -r["score"]
    )[:ENSEMBLE_SIZE]
    ranked = [r for r in ranked if r["score"] >= ENSEMBLE_RATIO * ranked[0]["score"]]
    members = []
    for entry in ranked:
        # the chosen penalty, fixed: refitting a member repeats its choice
        members.append(entry["model"].set_params(alpha=entry["alpha"], cv=None))
    for entry in results:
        entry.pop("model", None)
    best = ranked[0]
    keep = ("n_units", "density", "washout", "horizon", "random_state")
    base_params = {k: v for k, v in fixed.items() if k in keep}
    return SearchResult(
        best_estimator=ForecastEnsemble.from_fitted(members),
        best_params=dict(base_params, **best["params"], alpha=best["alpha"]),
        best_score=best["score"],
        ensemble=[dict(r["params"], alpha=r["alpha"]) for r in ranked],
        results=results,
        elapsed=time.perf_counter() - start,
        complete=complete,
    )


_TRANSFORM_KEYS = ("log", "difference", "seasonal_difference")


def _plan(n_steps: int, fixed: dict, horizon: int, cv: int, budget: float) -> int:
    """Candidates the budget allows, from the work one candidate does.

    Counts reservoir updates (harvests, validation closed loops over the
    penalty path, stability runs) times the recurrent weights per update:
    a deterministic plan, the same on any machine for the same data.
    """
    n_units = fixed["n_units"]
    density = fixed["density"] if fixed["density"] is not None else 0.1
    per_step = n_units * max(1.0, density * n_units) + 4 * n_units
    origins = int(
        np.clip(CV_CLOSED_LOOP_STEPS // horizon, CV_MIN_ORIGINS, CV_CLOSED_LOOP_ORIGINS)
    )
    validation = cv * origins * ALPHAS.size * horizon
    stability = (STABILITY_ORIGINS + 1) * max(3 * horizon, STABILITY_STEPS)
    work = per_step * (3 * n_steps + validation + stability)
    return max(MIN_CANDIDATES, int(PLAN_SHARE * budget * PLAN_RATE // work))


def _chosen_penalty(model: ESNForecaster) -> tuple[float, float]:
    """The largest penalty within ``SE_FACTOR`` standard errors of the best
    score (the best itself at 0).

    Breiman's rule at ``SE_FACTOR = 1``: among penalties whose mean
    validation score is within one standard error (over the folds) of the
    best, take the largest, the most regularised. Returns it and its score.
    """
    scores, folds = model.alpha_scores_, model.alpha_fold_scores_
    alphas = np.asarray(model.alpha, dtype=np.float64)
    best = int(np.argmax(scores))
    if not np.isfinite(scores[best]):
        return float(alphas[best]), -np.inf
    spread = folds[:, best].std(ddof=1) / np.sqrt(folds.shape[0])
    close = np.flatnonzero(scores >= scores[best] - SE_FACTOR * spread)
    chosen = close[np.argmax(alphas[close])]
    return float(alphas[chosen]), float(scores[chosen])


def _check_stable(model: ESNForecaster, y, n_steps: int) -> None:
    """Raise DivergenceError if long free runs run away.

    Free runs of ``n_steps`` from the end of ``y`` and from
    ``STABILITY_ORIGINS`` earlier points of it: a candidate that validates
    well over the horizon may still diverge over longer runs, or from other
    starting points.
    """
    n = np.shape(y)[0]
    lowest = model._transform.n_lost + max(model._washout, model.n_lags, 1)
    origins = np.unique(
        np.linspace(lowest, n, STABILITY_ORIGINS + 1).round().astype(np.int64)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        try:
            model.forecast_origins(y, origins, n_steps)
        except DivergenceWarning as exc:
            raise DivergenceError(f"a free run of {n_steps} steps diverged") from exc


def _lost(transform: dict) -> int:
    return int(transform.get("difference", 0)) + int(
        transform.get("seasonal_difference", 0)
    )


def _key(params: dict) -> tuple:
    return tuple(sorted(params.items()))


def _brief(params: dict) -> str:
    short = {
        "spectral_radius": "sr",
        "leak_rate": "leak",
        "feedback_scaling": "fb",
        "bias_scaling": "bias",
        "n_lags": "lags",
        "seasonal_difference": "sdiff",
        "difference": "diff",
    }
    return " ".join(f"{short.get(k, k)}={v:g}" for k, v in params.items())


def kpss_statistic(y: np.ndarray) -> float:
    """The KPSS statistic of level stationarity (Kwiatkowski et al., 1992).

    ``eta = sum(S_t^2) / (n^2 s^2)`` with ``S_t`` the partial sums of the
    deviations from the mean and ``s^2`` the Newey-West long-run variance
    with ``int(4 (n / 100)^(1/4))`` lags. Above 0.463 the hypothesis of a
    stationary series is rejected at the 5 % level.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir.forecasting.search import kpss_statistic
    >>> rng = np.random.RandomState(0)
    >>> bool(kpss_statistic(rng.standard_normal(200)) < 0.463)
    True
    >>> bool(kpss_statistic(np.cumsum(rng.standard_normal(200))) > 0.463)
    True
    """
    y = np.asarray(y, dtype=np.float64)
    n = y.shape[0]
    deviations = y - y.mean()
    partial = np.cumsum(deviations)
    lags = min(int(4 * (n / 100) ** 0.25), n - 1)
    variance = deviations @ deviations / n
    for k in range(1, lags + 1):
        weight = 1.0 - k / (lags + 1)
        variance += 2.0 * weight * (deviations[k:] @ deviations[:-k]) / n
    if variance <= 0:
        return 0.0
    return float(partial @ partial / (n * n * variance))
