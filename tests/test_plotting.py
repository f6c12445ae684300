"""reservoir.plotting: what each function draws, and what it refuses."""

import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit  # noqa: E402

from reservoir import (  # noqa: E402
    ESNForecaster,
    ESNRegressor,
    ReservoirTransformer,
)
from reservoir.datasets import lorenz, mackey_glass, to_forecasting  # noqa: E402
from reservoir.forecasting import backtest  # noqa: E402
from reservoir.metrics import valid_prediction_time  # noqa: E402
from reservoir.model_selection import ESNSearchCV  # noqa: E402
from reservoir.plotting import (  # noqa: E402
    plot_attractor,
    plot_backtest,
    plot_eigenvalues,
    plot_forecast_intervals,
    plot_memory_capacity,
    plot_search_results,
    plot_states,
    plot_valid_time,
)


def _labels(ax):
    return [line.get_label() for line in ax.get_lines()]


@pytest.fixture(scope="module")
def report():
    rng = np.random.default_rng(3)
    y = np.sin(np.arange(260) / 7) + 0.05 * rng.normal(size=260)
    return backtest(y, horizon=8, model=ESNForecaster(30, washout=20, random_state=0))


# --- optional dependency -------------------------------------------------


def test_core_and_plotting_import_without_matplotlib():
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import reservoir, reservoir.plotting\n"
        "try:\n"
        "    reservoir.plotting.plot_valid_time([0.0, 1.0], [0.0, 1.0])\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert 'pip install "reservoir-esn[plot]"' in proc.stdout


# --- forecast intervals --------------------------------------------------


def test_forecast_intervals_band_holds_the_backtest_error_quantiles(report):
    ax = plot_forecast_intervals(report, coverage=0.5, n_history=20)
    lines = ax.get_lines()
    assert _labels(ax) == ["observed", "forecast past the data"]
    assert lines[0].get_xdata().size == 20
    np.testing.assert_array_equal(lines[1].get_ydata(), report.future[:, 0])
    (band,) = ax.collections
    assert band.get_label() == "50% interval (errors from 50 origins)"
    errors = report.truth[:, :, 0] - report.forecasts["ESN"][:, :, 0]
    low, high = np.quantile(errors, [0.25, 0.75], axis=0)
    # the band's outline passes through future + low and future + high
    vertices = band.get_paths()[0].vertices
    for bound in (report.future[:, 0] + low, report.future[:, 0] + high):
        for value in bound:
            assert np.min(np.abs(vertices[:, 1] - value)) < 1e-12
    assert np.all(high - low >= 0)


def test_forecast_intervals_draw_into_a_given_axes_and_column_by_name(report):
    _, ax = plt.subplots()
    assert plot_forecast_intervals(report, column="x", ax=ax) is ax
    assert ax.get_ylabel() == "x"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"coverage": 1.0}, "coverage"),
        ({"coverage": 0.0}, "coverage"),
        ({"column": 3}, "column"),
        ({"column": "sales"}, "column"),
        ({"n_history": 0}, "n_history"),
        ({"ax": "left"}, "ax must be a matplotlib Axes"),
    ],
)
def test_forecast_intervals_reject_bad_arguments(report, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        plot_forecast_intervals(report, **kwargs)


def test_forecast_intervals_need_a_future_and_two_origins(report):
    from dataclasses import replace

    with pytest.raises(ValueError, match="report has no forecast past the data"):
        plot_forecast_intervals(replace(report, future=None))
    one = replace(
        report,
        origins=report.origins[:1],
        forecasts={"ESN": report.forecasts["ESN"][:1]},
    )
    with pytest.raises(ValueError, match="at least two origins"):
        plot_forecast_intervals(one)
    with pytest.raises(ValueError, match="report's ESN failed"):
        plot_forecast_intervals(replace(report, failed={"ESN": "diverged"}))


def test_backtest_picture_is_saved_without_opening_a_pyplot_figure(report, tmp_path):
    before = plt.get_fignums()
    caption = plot_backtest(report, tmp_path / "b.png")
    assert (tmp_path / "b.png").stat().st_size > 0
    assert caption.startswith("forecasts from 12 of 50 origins")
    assert plt.get_fignums() == before


# --- attractors ------------------------------------------------------------


def test_attractor_2d_and_3d():
    data = lorenz(600, dt=0.02)
    ax = plot_attractor(data[:300], data[300:], dims=(0, 2), names=["x", "y", "z"])
    assert _labels(ax) == ["truth", "generated"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "z")
    truth, generated = ax.get_lines()
    np.testing.assert_array_equal(truth.get_xdata(), data[:300, 0])
    np.testing.assert_array_equal(generated.get_ydata(), data[300:, 2])
    ax3 = plot_attractor(data[:300], data[300:], dims=(0, 1, 2))
    assert ax3.name == "3d"
    assert len(ax3.get_lines()) == 2
    assert ax3.get_zlabel() == "x2"


@pytest.mark.parametrize(
    ("true", "pred", "kwargs", "match"),
    [
        (np.zeros((10, 1)), np.zeros((10, 1)), {}, "y_true must have at least 2"),
        (np.zeros((10, 3)), np.zeros((10, 2)), {}, "y_pred must have the columns"),
        (np.zeros((10, 3)), np.full((10, 3), np.nan), {}, "y_pred contains NaN"),
        (np.zeros((10, 3)), np.zeros((10, 3)), {"dims": (0, 0)}, "dims"),
        (np.zeros((10, 3)), np.zeros((10, 3)), {"dims": (0, 3)}, "dims"),
        (np.zeros((10, 3)), np.zeros((10, 3)), {"dims": (0,)}, "dims"),
        (np.zeros((10, 3)), np.zeros((10, 3)), {"names": ["a"]}, "names"),
    ],
)
def test_attractor_rejects_bad_input(true, pred, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_attractor(true, pred, **kwargs)


def test_attractor_checks_the_axes_dimension():
    data = np.random.default_rng(0).normal(size=(20, 3))
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="ax must be a 3-D Axes"):
        plot_attractor(data, data, dims=(0, 1, 2), ax=ax)


# --- valid prediction time ---------------------------------------------------


def test_valid_time_curve_and_marker_agree_with_the_metric():
    t = np.arange(400) * 0.05
    truth = np.column_stack([np.sin(t), np.cos(t)])
    drift = np.exp(t / 2) * 1e-3
    pred = truth + drift[:, None]
    vpt = valid_prediction_time(
        truth, pred, lyapunov_exponent=0.9, dt=0.05, scale=[0.5, 0.5]
    )
    ax = plot_valid_time(truth, pred, lyapunov_exponent=0.9, dt=0.05, scale=[0.5, 0.5])
    curve, threshold, marker = ax.get_lines()
    assert ax.get_xlabel() == "Lyapunov times"
    assert marker.get_label() == f"valid prediction time: {vpt:.3g} Lyapunov times"
    assert marker.get_xdata()[0] == pytest.approx(vpt)
    assert threshold.get_ydata()[0] == 0.4
    errors = curve.get_ydata()
    np.testing.assert_allclose(errors, drift / 0.5)
    # the marker sits on the last valid step: the next one is over threshold
    steps = round(vpt / (0.05 * 0.9))
    assert errors[steps - 1] <= 0.4 < errors[steps]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"threshold": 0.0}, "threshold"),
        ({"dt": -1.0, "lyapunov_exponent": 1.0}, "dt"),
        ({"scale": -1.0}, "scale"),
        ({"y_pred": [1.0, 2.0]}, "same shape"),
    ],
)
def test_valid_time_rejects_bad_input(kwargs, match):
    args = {"y_true": [0.0, 1.0, 2.0], "y_pred": [0.0, 1.0, 2.5], **kwargs}
    with pytest.raises(ValueError, match=match):
        plot_valid_time(**args)


# --- search results ---------------------------------------------------------


def test_search_results_of_esn_search_and_grid_search():
    X, y = to_forecasting(mackey_glass(500), horizon=5)
    space = {"spectral_radius": [0.5, 0.9], "alpha": [1e-6, 1e-3, 1.0]}
    search = ESNSearchCV(
        ESNRegressor(20, washout=30, random_state=0), space, cv=TimeSeriesSplit(2)
    ).fit(X, y.ravel())
    fig = plot_search_results(search)
    assert [ax.get_xlabel() for ax in fig.axes] == sorted(space)
    alpha_ax = fig.axes[0]
    assert alpha_ax.get_xscale() == "log"
    best = [line for line in alpha_ax.get_lines() if line.get_label() == "best"]
    assert len(best) == 1
    assert best[0].get_ydata()[0] == search.best_score_
    assert best[0].get_xdata()[0] == search.best_params_["alpha"]

    rng = np.random.default_rng(0)
    Xr, yr = rng.normal(size=(40, 2)), rng.normal(size=40)
    grid = GridSearchCV(
        Ridge(),
        {"alpha": [0.1, 1.0], "fit_intercept": [True, False], "positive": [False]},
        scoring={"r2": "r2", "mae": "neg_mean_absolute_error"},
        refit="mae",
        cv=3,
    ).fit(Xr, yr)
    fig = plot_search_results(grid.cv_results_, scoring="r2")
    # 'positive' took one value only: not drawn; booleans are categories
    assert [ax.get_xlabel() for ax in fig.axes] == ["alpha", "fit_intercept"]
    assert fig.axes[0].get_ylabel() == "mean test r2"
    ticks = [t.get_text() for t in fig.axes[1].get_xticklabels()]
    assert ticks == ["False", "True"]
    # a multi-metric search object defaults to its refit score
    assert plot_search_results(grid).axes[0].get_ylabel() == "mean test mae"
    _, axes = plt.subplots(1, 1)
    assert plot_search_results(grid, params="alpha", axes=axes).axes == [axes]


def test_search_results_reject_bad_input():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 2)), rng.normal(size=30)
    grid = GridSearchCV(
        Ridge(),
        {"alpha": [0.1, 1.0]},
        scoring={"r2": "r2", "ev": "explained_variance"},
        refit=False,
        cv=3,
    ).fit(X, y)
    with pytest.raises(ValueError, match="scoring must name one of"):
        plot_search_results(grid)
    with pytest.raises(ValueError, match="scoring must be one of"):
        plot_search_results(grid, scoring="mae")
    with pytest.raises(ValueError, match="params must name"):
        plot_search_results(grid, scoring="r2", params=["beta"])
    with pytest.raises(ValueError, match="axes must hold one Axes"):
        plot_search_results(grid, scoring="r2", axes=plt.subplots(1, 2)[1])
    with pytest.raises(TypeError, match="search must be a fitted search"):
        plot_search_results(Ridge())


# --- reservoir diagnostics ---------------------------------------------------


def test_eigenvalues_with_unit_circle_and_spectral_radius():
    X = np.sin(np.arange(100) / 5).reshape(-1, 1)
    esn = ESNRegressor(40, spectral_radius=0.8, random_state=0).fit(X, X[:, 0])
    ax = plot_eigenvalues(esn)
    points, circle, radius = ax.get_lines()
    assert _labels(ax) == ["eigenvalues", "unit circle", "spectral radius 0.8"]
    assert points.get_xdata().size == 40
    np.testing.assert_allclose(np.hypot(circle.get_xdata(), circle.get_ydata()), 1.0)
    np.testing.assert_allclose(
        np.hypot(radius.get_xdata(), radius.get_ydata()), 0.8, rtol=1e-9
    )
    # a sparse matrix, and one layer of a deep reservoir
    W = scipy.sparse.csr_array(np.diag([0.5, -0.25, 0.1]))
    assert _labels(plot_eigenvalues(W))[-1] == "spectral radius 0.5"
    deep = ESNRegressor([20, 10], n_layers=2, random_state=0).fit(X, X[:, 0])
    assert plot_eigenvalues(deep, layer=1).get_lines()[0].get_xdata().size == 10
    with pytest.raises(ValueError, match="layer must be below"):
        plot_eigenvalues(deep, layer=2)


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        (np.zeros((3, 2)), "square"),
        (np.array([[np.nan]]), "NaN"),
        (np.zeros((0, 0)), "square"),
    ],
)
def test_eigenvalues_reject_bad_matrices(weights, match):
    with pytest.raises(ValueError, match=match):
        plot_eigenvalues(weights)


def test_memory_capacity_curves_share_one_axes():
    from reservoir import memory_capacity

    curves = {}
    ax = None
    for topology in ("ring", "orthogonal"):
        esn = ESNRegressor(
            15,
            topology=topology,
            activation="identity",
            spectral_radius=0.9,
            bias_scaling=0.0,
            random_state=0,
        )
        curves[topology] = memory_capacity(
            esn, max_delay=30, n_train=600, n_test=600, random_state=1
        )
        ax = plot_memory_capacity(curves[topology], label=topology, ax=ax)
    lines = ax.get_lines()
    assert len(lines) == 2
    for line, (name, mc) in zip(lines, curves.items(), strict=True):
        np.testing.assert_array_equal(line.get_xdata(), mc.delays)
        np.testing.assert_array_equal(line.get_ydata(), mc.capacity)
        assert line.get_label() == f"{name} (total {mc.total:.1f})"
    # a plain mapping without a total: the sum of the capacities
    line = plot_memory_capacity({"delays": [1, 2], "capacity": [0.9, 0.4]})
    assert _labels(line) == ["total 1.3"]


@pytest.mark.parametrize(
    ("capacity", "match"),
    [
        ({"delays": [1, 2]}, "result of reservoir.capacity.memory_capacity"),
        (np.zeros(3), "result of reservoir.capacity.memory_capacity"),
        ({"delays": [1, 2], "capacity": [0.5]}, "same length"),
        ({"delays": [1, 2], "capacity": [0.5, np.nan]}, "NaN"),
    ],
)
def test_memory_capacity_plot_rejects_bad_input(capacity, match):
    with pytest.raises(ValueError, match=match):
        plot_memory_capacity(capacity)


def test_states_traces_and_histogram():
    u = np.sin(np.arange(200) / 5).reshape(-1, 1)
    states = ReservoirTransformer(30, random_state=0).fit_transform(u)
    fig = plot_states(states, n_shown=4, bins=20)
    traces, histogram = fig.axes
    assert len(traces.get_lines()) == 4
    np.testing.assert_array_equal(traces.get_lines()[2].get_ydata(), states[:, 2])
    assert len(histogram.patches) == 20
    assert sum(p.get_height() for p in histogram.patches) == states.size
    # more units asked than there are: all are drawn
    assert len(plot_states(states[:, :2], n_shown=9).axes[0].get_lines()) == 2


@pytest.mark.parametrize(
    ("states", "kwargs", "match"),
    [
        (np.zeros((3, 2, 2)), {}, "states must be"),
        (np.array([[np.inf]]), {}, "states contains NaN"),
        (np.zeros((5, 2)), {"n_shown": 0}, "n_shown"),
        (np.zeros((5, 2)), {"bins": 0}, "bins"),
        (np.zeros((5, 2)), {"axes": [None]}, "axes must hold two"),
    ],
)
def test_states_reject_bad_input(states, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_states(states, **kwargs)
