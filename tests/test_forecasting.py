"""The forecasting workflow: calendar, CSV reading, baselines, ensemble,
search and backtest (reservoir/forecasting/)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from reservoir import ESNForecaster
from reservoir.datasets import mackey_glass
from reservoir.exceptions import DivergenceWarning
from reservoir.forecasting import (
    Calendar,
    ForecastEnsemble,
    backtest,
    baseline_forecasts,
    fit_autoregression,
    minimum_length,
    parse_time_stamps,
    read_csv,
    search_forecaster,
)


def _calendar(values):
    stamps, fmt = parse_time_stamps(values)
    return Calendar.from_stamps(stamps, fmt)


def _future(values, n):
    calendar = _calendar(values)
    return calendar, [calendar.format(t) for t in calendar.future(n)]


# ----------------------------------------------------------------------
# calendar: every frequency continues past the data
# ----------------------------------------------------------------------


def test_month_starts_as_year_month():
    calendar, future = _future(["1949-01", "1949-02", "1949-03"], 11)
    assert (calendar.name, calendar.season, calendar.horizon) == ("monthly", 12, 18)
    assert future[0] == "1949-04" and future[-1] == "1950-02"


def test_month_starts_as_dates():
    calendar, future = _future(["2023-10-01", "2023-11-01", "2023-12-01"], 3)
    assert calendar.name == "monthly" and calendar.anchor == "start"
    assert future == ["2024-01-01", "2024-02-01", "2024-03-01"]


def test_month_ends_and_leap_years():
    """Month ends have 28 to 31 days: a step in days is not a gap."""
    calendar, future = _future(["2023-11-30", "2023-12-31", "2024-01-31"], 14)
    assert calendar.name == "monthly" and calendar.anchor == "end"
    assert future[:3] == ["2024-02-29", "2024-03-31", "2024-04-30"]
    assert future[12] == "2025-02-28"
    calendar, future = _future(["2099-12-31", "2100-01-31"], 1)
    assert future == ["2100-02-28"]  # 2100 is not a leap year


def test_same_day_of_every_month():
    calendar, future = _future(["2024-01-15", "2024-02-15", "2024-03-15"], 2)
    assert calendar.anchor == "day"
    assert future == ["2024-04-15", "2024-05-15"]


@pytest.mark.parametrize(
    "values, name, season, horizon, future",
    [
        (["1959Q1", "1959Q2", "1959Q3", "1959Q4"], "quarterly", 4, 8,
         ["1960Q1", "1960Q2"]),
        (["1959-01-01", "1959-04-01", "1959-07-01"], "quarterly", 4, 8,
         ["1959-10-01", "1960-01-01"]),
        (["2023-03-31", "2023-06-30", "2023-09-30"], "quarterly", 4, 8,
         ["2023-12-31", "2024-03-31"]),
        (["2020-06", "2020-12", "2021-06"], "half-yearly", 2, 6,
         ["2021-12", "2022-06"]),
        (["2001-01-01", "2002-01-01", "2003-01-01"], "annual", 1, 6,
         ["2004-01-01", "2005-01-01"]),
        (["1821", "1822", "1823"], "annual", 1, 6, ["1824", "1825"]),
    ],
)  # fmt: skip
def test_calendar_month_multiples(values, name, season, horizon, future):
    calendar, got = _future(values, 2)
    assert (calendar.name, calendar.season, calendar.horizon) == (
        name,
        season,
        horizon,
    )
    assert got == future


@pytest.mark.parametrize(
    "values, name, season, future",
    [
        (["2024-02-27", "2024-02-28", "2024-02-29"], "daily", 7,
         ["2024-03-01", "2024-03-02"]),
        (["2024-01-01", "2024-01-08", "2024-01-15"], "weekly", 52,
         ["2024-01-22", "2024-01-29"]),
        (["2024-03-10T22:00", "2024-03-10T23:00", "2024-03-11T00:00"], "hourly",
         24, ["2024-03-11T01", "2024-03-11T02"]),
        (["2024-01-01T00:00", "2024-01-01T00:15", "2024-01-01T00:30"],
         "every 15 minutes", 96, ["2024-01-01T00:45", "2024-01-01T01:00"]),
    ],
)  # fmt: skip
def test_calendar_fixed_steps(values, name, season, future):
    calendar, got = _future(values, 2)
    assert (calendar.name, calendar.season) == (name, season)
    assert [g[: len(f)] for g, f in zip(got, future, strict=True)] == future


def test_business_days_skip_weekends():
    days = ["2024-03-06", "2024-03-07", "2024-03-08", "2024-03-11", "2024-03-12"]
    calendar, future = _future(days, 4)
    assert (calendar.name, calendar.season) == ("business-day", 5)
    assert future == ["2024-03-13", "2024-03-14", "2024-03-15", "2024-03-18"]


def test_plain_steps_and_numbers():
    assert Calendar.steps(3).future(2).tolist() == [3.0, 4.0]
    calendar, future = _future(["0.5", "1.0", "1.5"], 2)
    assert calendar.name == "steps" and calendar.season is None
    assert future == ["2", "2.5"]


@pytest.mark.parametrize(
    "values, index, match",
    [
        (["2024-01", "2024-02", "2024-04", "2024-05"], 2, "gap"),
        (["2024-01-01", "2024-01-02", "2024-01-04"], 2, "gap"),
        (["1", "2", "4"], 2, "gap"),
        (["2024-01-02", "2024-01-01"], 1, "not strictly increasing"),
        (["2024-01-01", "2024-01-01"], 1, "not strictly increasing"),
    ],
)
def test_real_gaps_are_errors_naming_the_stamp(values, index, match):
    stamps, fmt = parse_time_stamps(values)
    with pytest.raises(ValueError, match=match) as info:
        Calendar.from_stamps(stamps, fmt)
    assert info.value.index == index


def test_unparseable_stamps():
    with pytest.raises(ValueError, match="neither a number, an ISO date"):
        parse_time_stamps(["2024-01-01", "yesterday"])


# ----------------------------------------------------------------------
# reading a CSV file
# ----------------------------------------------------------------------


def test_read_csv_with_month_stamps(tmp_path):
    path = tmp_path / "s.csv"
    rows = [f"{m},{i}" for i, m in enumerate(np.datetime64("2019-11") + np.arange(5))]
    path.write_text("month,sales\n" + "\n".join(rows) + "\n")
    series = read_csv(path, time_column="month")
    assert series.names == ["sales"] and series.values.shape == (5, 1)
    assert series.calendar.name == "monthly"
    assert series.calendar.format(series.calendar.future(1)[0]) == "2020-04"


@pytest.mark.parametrize(
    "text, match",
    [
        ("month,y\n2024-01,1\n2024-02,2\n2024-04,3\n", "line 4: time column 'month'"),
        ("month,y\n2024-01,1\n,2\n", "line 3: missing time stamp"),
        ("month,y\n2024-01,1\n2024-02,x\n", "line 3: non-numeric value 'x'"),
        ("month,y\n2024-01,1\n2024-02,inf\n", "line 3: non-finite value"),
        ("month,y\n2024-01,1\n2024-02,\n", "line 3: missing value"),
        ("month,y\nsoon,1\nlater,2\n", "time column 'month'"),
    ],
)
def test_read_csv_errors_name_line_and_column(tmp_path, text, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=match):
        read_csv(path, time_column="month")


# ----------------------------------------------------------------------
# baselines
# ----------------------------------------------------------------------


def test_baselines_by_hand():
    y = np.arange(1.0, 41.0)[:, None] ** 1.5
    out = baseline_forecasts(y, 30, [30, 35], 4, season=4, ar_order=1)
    persistence = [[y[29, 0]] * 4, [y[34, 0]] * 4]
    np.testing.assert_array_equal(out["persistence"][:, :, 0], persistence)
    np.testing.assert_allclose(out["mean"], y[:30].mean())
    np.testing.assert_array_equal(out["seasonal-naive"][0, :, 0], y[26:30, 0])
    np.testing.assert_array_equal(out["seasonal-naive"][1, :, 0], y[31:35, 0])
    c, a = fit_autoregression(y[:30], 1)[0]
    step1 = c + a * y[29, 0]
    assert out["AR(1)"][0, 0, 0] == pytest.approx(step1)
    assert out["AR(1)"][0, 1, 0] == pytest.approx(c + a * step1)


def test_seasonal_naive_repeats_the_last_season_beyond_one_season():
    y = np.tile(np.arange(12.0), 7)[:, None]
    out = baseline_forecasts(y, 48, [48], 30, season=12, ar_order=1)
    np.testing.assert_array_equal(out["seasonal-naive"][0, :, 0], y[48:78, 0])


def test_ar_order_chosen_by_validation():
    rng = np.random.default_rng(0)
    y = np.zeros(400)
    for t in range(2, 400):
        y[t] = 1.2 * y[t - 1] - 0.6 * y[t - 2] + rng.normal()
    out = baseline_forecasts(y[:, None], 300, [300], 3)
    order = int(next(k for k in out if k.startswith("AR("))[3:-1])
    assert order >= 2


# ----------------------------------------------------------------------
# ensemble
# ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def mg():
    return mackey_glass(1000)[:, 0]


def test_ensemble_is_the_average_of_its_members(mg):
    members = [ESNForecaster(100, washout=20, alpha=1e-6, random_state=s)
               for s in range(3)]  # fmt: skip
    ensemble = ForecastEnsemble(members).fit(mg[:700])
    fitted = [m.fit(mg[:700]) for m in members]
    expected = np.mean([m.forecast(30) for m in fitted], axis=0)
    np.testing.assert_allclose(ensemble.forecast(30), expected, rtol=1e-12)
    origins = [700, 800]
    expected = np.mean([m.forecast_origins(mg, origins, 30) for m in fitted], axis=0)
    np.testing.assert_allclose(
        ensemble.forecast_origins(mg, origins, 30), expected, rtol=1e-12
    )


def test_ensemble_drops_a_runaway_member_per_origin(mg):
    good = ESNForecaster(200, washout=20, alpha=1e-4, random_state=0).fit(mg[:560])
    bad = ESNForecaster(
        100, washout=50, spectral_radius=1.5, feedback_scaling=2.0, leak_rate=1.0,
        alpha=0.0, random_state=0,
    ).fit(mg[:560])  # fmt: skip
    ensemble = ForecastEnsemble.from_fitted([good, bad])
    with warnings.catch_warnings():
        warnings.simplefilter("error", DivergenceWarning)
        out = ensemble.forecast_origins(mg, [560, 600], 200)
        ahead = ensemble.forecast(200)
    np.testing.assert_array_equal(out, good.forecast_origins(mg, [560, 600], 200))
    np.testing.assert_array_equal(ahead, good.forecast(200))
    with pytest.warns(DivergenceWarning, match="every member"):
        ForecastEnsemble.from_fitted([bad]).forecast(200)


def test_ensemble_refuses_bad_members():
    with pytest.raises(ValueError, match="non-empty list"):
        ForecastEnsemble([]).fit(np.zeros(10))
    with pytest.raises(TypeError, match="forecast_origins"):
        ForecastEnsemble([object()]).fit(np.zeros(10))


# ----------------------------------------------------------------------
# search
# ----------------------------------------------------------------------


def test_search_is_deterministic_and_reports_every_candidate():
    t = np.arange(200)
    y = 50 + 0.3 * t + 5 * np.sin(2 * np.pi * t / 12)
    y = y + np.random.default_rng(0).normal(0, 0.5, t.size)
    a = search_forecaster(y, 6, season=12, n_candidates=5, time_budget=60)
    b = search_forecaster(y, 6, season=12, n_candidates=5, time_budget=60)
    assert a.complete and len(a.results) == 5
    assert a.best_params == b.best_params
    np.testing.assert_array_equal(
        a.best_estimator.forecast(6), b.best_estimator.forecast(6)
    )
    scores = [r["score"] for r in a.results]
    assert a.best_score == max(scores)
    assert 1 <= len(a.ensemble) <= 5
    # a trending series gets a difference in the best candidate
    assert a.best_params.get("difference") == 1 or a.best_params.get(
        "seasonal_difference"
    )


def test_search_keeps_to_its_time_budget():
    y = mackey_glass(1500)[:, 0]
    messages = []
    result = search_forecaster(y, 20, time_budget=0.5, progress=messages.append)
    assert not result.complete
    assert len(result.results) >= 1 and messages[0].startswith("candidate 1/")
    assert result.elapsed < 10


def test_search_refuses_bad_arguments():
    y = np.sin(np.arange(200) / 5)
    for kwargs, match in [
        (dict(horizon=0), "horizon"),
        (dict(horizon=3, time_budget=0), "time_budget"),
        (dict(horizon=3, cv=1), "cv"),
        (dict(horizon=3, max_units=2), "max_units"),
    ]:
        horizon = kwargs.pop("horizon")
        with pytest.raises(ValueError, match=match):
            search_forecaster(y, horizon, **kwargs)


# ----------------------------------------------------------------------
# backtest
# ----------------------------------------------------------------------


def test_backtest_scores_everything_from_the_same_origins():
    y = np.sin(np.arange(400) / 8) + 0.01 * np.arange(400)
    model = ESNForecaster(60, washout=20, alpha=1e-6, difference=1, random_state=0)
    report = backtest(y, horizon=10, n_origins=7, model=model)
    assert report.n_train == 280 and report.origins.tolist() == list(
        np.linspace(280, 390, 7).round().astype(int)
    )
    fitted = ESNForecaster(**model.get_params()).fit(y[:280])
    np.testing.assert_allclose(
        report.forecasts["ESN"][:, :, 0],
        fitted.forecast_origins(y, report.origins, 10),
        rtol=1e-12,
    )
    scores = report.nrmse()
    assert set(scores) == {"ESN", "persistence", "mean", "AR(2)"} or set(scores) >= {
        "ESN",
        "persistence",
        "mean",
    }
    assert scores["ESN"][0] < scores["persistence"][0]
    assert "beats the best baseline" in report.verdict()[0]
    np.testing.assert_allclose(
        report.future[:, 0],
        ESNForecaster(**model.get_params()).fit(y).forecast(10),
        rtol=1e-12,
    )
    rows = list(report.rows())
    assert len(rows) == 7 * 10 + 10
    assert rows[0][:3] == ("279", "280", 1)
    assert rows[-1][4] is None and rows[-1][1] == "409"


def test_backtest_says_plainly_when_a_baseline_wins():
    rng = np.random.default_rng(0)
    y = np.cumsum(rng.normal(size=300))  # a random walk: persistence is optimal
    model = ESNForecaster(100, washout=20, alpha=1.0, random_state=0)
    report = backtest(y, horizon=5, model=model, future=False)
    assert not report.failed
    assert report.future is None
    verdict = " ".join(report.verdict())
    assert "does NOT beat the best baseline" in verdict


def test_backtest_reports_a_runaway_model_as_failed():
    y = mackey_glass(800)[:, 0]
    model = ESNForecaster(
        100, washout=50, spectral_radius=1.5, feedback_scaling=2.0, leak_rate=1.0,
        alpha=0.0, random_state=0,
    )  # fmt: skip
    report = backtest(y, horizon=200, n_origins=3, model=model)
    assert "ESN" in report.failed and "ESN" not in report.nrmse()
    assert "FAILED" in report.verdict()[0]
    assert all(r[5] is None for r in list(report.rows())[:600])


def test_backtest_too_short_series_names_the_minimum():
    assert minimum_length(0.7, 6) == 43
    with pytest.raises(ValueError, match="at least 43"):
        backtest(np.arange(42.0), horizon=6)


def test_backtest_refuses_bad_series():
    with pytest.raises(ValueError, match="NaN"):
        backtest(np.array([1.0, np.nan] * 50))
    with pytest.raises(ValueError, match="constant"):
        backtest(np.ones(100), horizon=3)
    with pytest.raises(ValueError, match="train_fraction"):
        backtest(np.arange(100.0), train_fraction=1.0)


def test_kpss_statistic_equals_statsmodels_short_lag():
    """The KPSS level statistic with Schwert's short lag int(4 (n/100)^0.25)
    (R tseries' default): values from statsmodels.tsa.stattools.kpss(y,
    regression='c', nlags=int(4 * (n / 100) ** 0.25)), statsmodels 0.15."""
    from reservoir.forecasting.search import kpss_statistic

    rng = np.random.default_rng(0)
    series = [
        rng.normal(size=200),
        np.cumsum(rng.normal(size=300)),
        np.sin(np.arange(150) / 3) + rng.normal(size=150),
    ]
    expected = [0.12664736631391624, 2.5642203505181826, 0.13280219814639913]
    for y, value in zip(series, expected, strict=True):
        assert kpss_statistic(y) == pytest.approx(value, rel=1e-12)


def test_search_can_overrule_kpss_with_the_levels():
    """A trend that stopped: KPSS asks for a difference, but the series has
    been level (an AR(1) around 10) over every validation block, so the
    levels candidate, always tried, wins the cross-validation."""
    from reservoir.forecasting.search import transform_candidates

    rng = np.random.default_rng(3)
    noise = np.zeros(300)
    for t in range(1, 300):
        noise[t] = 0.8 * noise[t - 1] + rng.normal()
    y = np.where(np.arange(300) < 60, np.arange(300) / 6.0, 10.0) + noise
    assert transform_candidates(y[:, None], None, 270) == [{"difference": 1}, {}]
    result = search_forecaster(y, 6, n_candidates=4)
    assert "difference" not in result.best_params
    assert np.isfinite(result.best_score)


def test_search_keeps_washout_warnings_of_its_own_choices_quiet():
    """The search sets the washout from the series length; the forecaster's
    WashoutWarning about a candidate would not be the user's to act on."""
    from reservoir.exceptions import WashoutWarning

    t = np.arange(120)
    y = 50 + 5 * np.sin(2 * np.pi * t / 12)
    y = y + np.random.default_rng(0).normal(0, 0.5, t.size)
    with warnings.catch_warnings():
        warnings.simplefilter("error", WashoutWarning)
        result = search_forecaster(y, 6, season=12, n_candidates=3, time_budget=60)
    assert len(result.results) >= 1
