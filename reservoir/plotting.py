"""Pictures of forecasts, attractors, searches and reservoirs (matplotlib).

matplotlib is the optional ``plot`` extra: importing this module does not
import it; each function does, and says how to install it when it is
missing (``pip install "reservoir-esn[plot]"``).

Every function but :func:`plot_backtest` draws into the Axes given as
``ax=`` (or ``axes=``), or into a new figure, and returns what it drew on,
so that the picture can be adjusted, combined or saved by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse
from numpy.typing import ArrayLike

from ._validation import as_float_array, check_int, check_real
from .metrics import _step_errors, valid_prediction_time

__all__ = [
    "plot_attractor",
    "plot_backtest",
    "plot_eigenvalues",
    "plot_forecast_intervals",
    "plot_memory_capacity",
    "plot_search_results",
    "plot_states",
    "plot_valid_time",
]

#: Most backtest forecasts drawn; more origins are thinned evenly.
MAX_DRAWN = 12

#: How to get matplotlib, in every ImportError of this module.
INSTALL_HINT = 'pip install "reservoir-esn[plot]"'

#: Name of the forecaster in a Backtest's ``forecasts``.
MODEL = "ESN"


def _pyplot():
    """matplotlib.pyplot, or an ImportError that says how to install it.

    The backend is left as the user (or ``MPLBACKEND``) chose it.
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            f"reservoir.plotting needs matplotlib; install it with {INSTALL_HINT}"
        ) from None
    return plt


def _new_axes(ax, **subplot_kw):
    """``ax`` if given (checked to be an Axes), else the Axes of a new figure."""
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(subplot_kw=subplot_kw or None)
        return ax
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; got {ax!r}.")
    return ax


def _axis_times(stamps) -> np.ndarray:
    """Stamps matplotlib can draw: numbers, or datetime64 of whole days or
    finer."""
    stamps = np.asarray(stamps)
    if stamps.dtype.kind != "M":
        return stamps.astype(np.float64)
    if np.datetime_data(stamps.dtype)[0] in ("Y", "M", "W"):
        return stamps.astype("datetime64[D]")
    return stamps


def _check_2d(value, name: str, min_columns: int = 1) -> np.ndarray:
    """A finite float64 array of shape (n_steps, n_columns); 1-D is one column."""
    arr = as_float_array(value, name)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(
            f"{name} must be a non-empty array of shape (n_steps, n_columns); "
            f"got shape {arr.shape}."
        )
    if arr.shape[1] < min_columns:
        raise ValueError(
            f"{name} must have at least {min_columns} columns; got {arr.shape[1]}."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity; pass finite values.")
    return arr


def plot_backtest(report, path: str | Path, max_drawn: int = MAX_DRAWN) -> str:
    """Save a picture of a :class:`~reservoir.forecasting.Backtest`.

    One panel per column (at most three): the observed series, the end of
    the training part, the forecaster's backtest forecasts from every origin
    (or from ``max_drawn`` evenly spaced ones, which the title says), and
    the forecast past the data. A failed forecaster is drawn as such.

    Parameters
    ----------
    report : Backtest
        What :func:`~reservoir.forecasting.backtest` returned.
    path : str or Path
        The image file (PNG, SVG or PDF, by its suffix).
    max_drawn : int, default=12
        Most backtest forecasts drawn.

    Returns
    -------
    caption : str
        Which forecasts the picture shows, in words.

    See Also
    --------
    plot_forecast_intervals : The forecast past the data with intervals
        from the backtest errors.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> from reservoir import ESNForecaster
    >>> from reservoir.forecasting import backtest
    >>> from reservoir.plotting import plot_backtest
    >>> report = backtest(np.sin(np.arange(300) / 8), horizon=10,
    ...                   model=ESNForecaster(30, washout=20, random_state=0))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "backtest.png"
    >>> plot_backtest(report, path)
    'forecasts from 12 of 50 origins (evenly spaced) and 10 steps past the data'
    """
    _pyplot()
    from matplotlib.figure import Figure

    max_drawn = check_int(max_drawn, "max_drawn", low=1)
    cal = report.calendar
    times = _axis_times(cal.stamps)
    future_times = _axis_times(cal.future(report.horizon))
    origins = report.origins
    if origins.size > max_drawn:
        pick = np.unique(np.linspace(0, origins.size - 1, max_drawn).round())
        drawn = pick.astype(np.int64)
        which = f"forecasts from {drawn.size} of {origins.size} origins (evenly spaced)"
    else:
        drawn = np.arange(origins.size)
        which = f"forecasts from all {origins.size} origins"
    failed = MODEL in report.failed
    if failed:
        which = f"the {MODEL} failed (diverged): no forecasts drawn"
    if report.future is not None:
        which += f" and {report.horizon} steps past the data"
    n_panels = min(report.values.shape[1], 3)
    # a Figure without pyplot: nothing is shown, nothing stays open
    fig = Figure(figsize=(10, 2.8 * n_panels))
    axes = fig.subplots(n_panels, 1, squeeze=False)
    forecast = report.forecasts[MODEL]
    for k in range(n_panels):
        ax = axes[k, 0]
        ax.plot(times, report.values[:, k], color="black", lw=1, label="observed")
        ax.axvline(
            times[report.n_train - 1], color="tab:blue", lw=1, ls=":",
            label="end of training",
        )  # fmt: skip
        if not failed:
            for j, i in enumerate(drawn):
                start = origins[i]
                span = times[start : start + report.horizon]
                ax.plot(
                    span, forecast[i, : span.shape[0], k], color="tab:red", lw=1,
                    alpha=0.7, label="backtest forecasts" if j == 0 else None,
                )  # fmt: skip
        if report.future is not None:
            ax.plot(
                future_times, report.future[:, k], color="tab:green", lw=1.5,
                label="forecast past the data",
            )  # fmt: skip
        ax.set_ylabel(report.names[k])
    axes[0, 0].legend(loc="upper left", fontsize=8)
    axes[0, 0].set_title(f"{MODEL}: {which}", fontsize=9)
    axes[-1, 0].set_xlabel("time" if cal.kind != "steps" else "time step")
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=110)
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: cannot save the figure ({exc})") from None
    return which


def _column_index(column, names: list) -> int:
    if isinstance(column, str):
        if column not in names:
            raise ValueError(f"column must be one of {names}; got {column!r}.")
        return names.index(column)
    index = check_int(column, "column", low=0)
    if index >= len(names):
        raise ValueError(
            f"column must be below the number of columns ({len(names)}); got {index}."
        )
    return index


def plot_forecast_intervals(
    report,
    *,
    coverage: float = 0.8,
    column: int | str = 0,
    n_history: int | None = None,
    ax=None,
):
    """Draw the forecast past the data with intervals from backtest errors.

    The errors ``actual - forecast`` of the backtest forecasts from every
    origin give, at each horizon ``h``, an empirical distribution of the
    error ``h`` steps ahead. The band is the forecast past the data plus the
    ``(1 - coverage) / 2`` and ``(1 + coverage) / 2`` quantiles of those
    errors (linear interpolation between origins), so it widens where the
    backtest forecasts were less reliable. It is as honest as the backtest:
    with few origins, or a series that changes after them, the coverage is
    not guaranteed.

    Parameters
    ----------
    report : Backtest
        What :func:`~reservoir.forecasting.backtest` returned, with a
        forecast past the data (``report.future``) and at least two origins.
    coverage : float, default=0.8
        Share of the backtest errors inside the band, in (0, 1).
    column : int or str, default=0
        The column of the series drawn, by position or by name.
    n_history : int, default=None
        Observed steps drawn before the forecast; None draws four horizons.
    ax : matplotlib Axes, default=None
        Where to draw; None makes a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    Raises
    ------
    ValueError
        If the report has no forecast past the data or fewer than two
        origins, or ``coverage``, ``column`` or ``n_history`` are out of range.

    See Also
    --------
    reservoir.forecasting.backtest : Where the forecasts and origins come from.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir import ESNForecaster
    >>> from reservoir.forecasting import backtest
    >>> from reservoir.plotting import plot_forecast_intervals
    >>> rng = np.random.default_rng(0)
    >>> y = np.sin(np.arange(300) / 8) + 0.1 * rng.normal(size=300)
    >>> report = backtest(y, horizon=10,
    ...                   model=ESNForecaster(30, washout=20, random_state=0))
    >>> ax = plot_forecast_intervals(report, coverage=0.9)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['observed', 'forecast past the data', '90% interval (errors from 50 origins)']
    """
    _pyplot()
    coverage = check_real(coverage, "coverage", low=0.0, high=1.0,
                          low_inclusive=False, high_inclusive=False)  # fmt: skip
    if report.future is None:
        why = report.future_failed or report.failed.get(MODEL) or "not asked for"
        raise ValueError(
            f"report has no forecast past the data ({why}); run backtest with "
            "the default future=True and a forecaster that does not fail."
        )
    if MODEL in report.failed:
        raise ValueError(
            f"report's {MODEL} failed ({report.failed[MODEL]}); its backtest "
            "errors give no interval."
        )
    if report.origins.size < 2:
        raise ValueError(
            "report needs backtest forecasts from at least two origins to "
            f"estimate intervals; it has {report.origins.size} (lengthen the "
            "series or shorten the horizon)."
        )
    k = _column_index(column, list(report.names))
    horizon = report.horizon
    if n_history is None:
        n_history = 4 * horizon
    n_history = check_int(n_history, "n_history", low=1)
    errors = report.truth[:, :, k] - report.forecasts[MODEL][:, :, k]
    low, high = np.quantile(errors, [(1 - coverage) / 2, (1 + coverage) / 2], axis=0)
    future = report.future[:, k]
    times = _axis_times(report.calendar.stamps)
    future_times = _axis_times(report.calendar.future(horizon))
    ax = _new_axes(ax)
    ax.plot(times[-n_history:], report.values[-n_history:, k], color="black", lw=1,
            label="observed")  # fmt: skip
    ax.plot(future_times, future, color="tab:green", lw=1.5,
            label="forecast past the data")  # fmt: skip
    ax.fill_between(
        future_times, future + low, future + high, color="tab:green", alpha=0.25,
        label=f"{coverage:.0%} interval (errors from {report.origins.size} origins)",
    )  # fmt: skip
    ax.set_ylabel(report.names[k])
    ax.set_xlabel("time" if report.calendar.kind != "steps" else "time step")
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_attractor(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    dims: Sequence[int] = (0, 1),
    names: Sequence[str] | None = None,
    ax=None,
):
    """Draw true and generated trajectories projected on two or three columns.

    For a closed-loop (free-running) forecast of a chaotic system, the
    generated trajectory should fill the same attractor as the true one
    even after it has lost the exact path.

    Parameters
    ----------
    y_true : array-like of shape (n_steps, n_columns)
        The true trajectory; finite.
    y_pred : array-like of shape (n_generated, n_columns)
        The generated trajectory, with the same columns (its length may
        differ); finite.
    dims : sequence of 2 or 3 int, default=(0, 1)
        The columns drawn; three make a 3-D picture.
    names : sequence of str, default=None
        Names of the columns for the axis labels; None uses ``x0, x1, ...``.
    ax : matplotlib Axes, default=None
        Where to draw (a 3-D Axes for three ``dims``); None makes a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    Raises
    ------
    ValueError
        If the arrays are not 2-D and finite, their columns differ, or
        ``dims`` does not name 2 or 3 distinct columns.

    Examples
    --------
    >>> from reservoir.datasets import lorenz
    >>> from reservoir.plotting import plot_attractor
    >>> data = lorenz(1000, dt=0.02)
    >>> ax = plot_attractor(data[:500], data[500:], dims=(0, 2),
    ...                     names=["x", "y", "z"])
    >>> ax.get_xlabel(), ax.get_ylabel(), len(ax.get_lines())
    ('x', 'z', 2)
    >>> ax3d = plot_attractor(data[:500], data[500:], dims=(0, 1, 2))
    >>> ax3d.name
    '3d'
    """
    _pyplot()
    true = _check_2d(y_true, "y_true", min_columns=2)
    pred = _check_2d(y_pred, "y_pred", min_columns=2)
    if pred.shape[1] != true.shape[1]:
        raise ValueError(
            f"y_pred must have the columns of y_true ({true.shape[1]}); got "
            f"{pred.shape[1]}."
        )
    try:
        dims = [int(d) for d in dims]
    except (TypeError, ValueError):
        raise TypeError(
            f"dims must be a sequence of 2 or 3 integers; got {dims!r}."
        ) from None
    if len(dims) not in (2, 3) or len(set(dims)) != len(dims):
        raise ValueError(f"dims must name 2 or 3 distinct columns; got {dims}.")
    if min(dims) < 0 or max(dims) >= true.shape[1]:
        raise ValueError(
            f"dims must be column numbers in [0, {true.shape[1] - 1}]; got {dims}."
        )
    if names is None:
        names = [f"x{j}" for j in range(true.shape[1])]
    elif len(names) != true.shape[1]:
        raise ValueError(
            f"names must have one name per column ({true.shape[1]}); got {len(names)}."
        )
    three_d = len(dims) == 3
    ax = _new_axes(ax, **({"projection": "3d"} if three_d else {}))
    if three_d and ax.name != "3d":
        raise ValueError(
            "ax must be a 3-D Axes for three dims (add_subplot(projection='3d'))."
        )
    if not three_d and ax.name == "3d":
        raise ValueError("ax is a 3-D Axes; pass three dims or a 2-D Axes.")
    ax.plot(*true[:, dims].T, color="black", lw=0.5, label="truth")
    ax.plot(*pred[:, dims].T, color="tab:red", lw=0.5, alpha=0.8, label="generated")
    ax.set_xlabel(names[dims[0]])
    ax.set_ylabel(names[dims[1]])
    if three_d:
        ax.set_zlabel(names[dims[2]])
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_valid_time(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    threshold: float = 0.4,
    scale: ArrayLike | None = None,
    lyapunov_exponent: float | None = None,
    dt: float = 1.0,
    ax=None,
):
    """Draw the normalised error of a free-running forecast and its valid time.

    The curve is the normalised error ``e_t`` of each forecast step (see
    :func:`~reservoir.metrics.valid_prediction_time`), against steps or, with
    ``lyapunov_exponent``, Lyapunov times; a horizontal line marks
    ``threshold`` and a vertical one the valid prediction time, the last
    step before the error first exceeds the threshold.

    Parameters
    ----------
    y_true : array-like of shape (n_steps,) or (n_steps, n_outputs)
        True continuation; finite.
    y_pred : array-like of shape (n_steps,) or (n_steps, n_outputs)
        Forecast; finite, same shape.
    threshold : float, default=0.4
        Error level (> 0) at which the forecast stops being valid.
    scale : float or array-like of shape (n_outputs,), default=None
        Normaliser of each column (> 0); None uses the standard deviation
        of each column of ``y_true``.
    lyapunov_exponent : float, default=None
        Largest Lyapunov exponent (> 0) per time unit; None draws steps.
    dt : float, default=1.0
        Time between steps (> 0); used only with ``lyapunov_exponent``.
    ax : matplotlib Axes, default=None
        Where to draw; None makes a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    Raises
    ------
    ValueError
        As :func:`~reservoir.metrics.valid_prediction_time`, naming the
        argument.

    Examples
    --------
    >>> from reservoir.plotting import plot_valid_time
    >>> y_true = [0.0, 1.0, 0.0, -1.0, 0.0, 1.0]
    >>> y_pred = [0.0, 1.1, 0.2, -0.5, 1.0, 1.0]
    >>> ax = plot_valid_time(y_true, y_pred, scale=1.0, threshold=0.4)
    >>> [line.get_label() for line in ax.get_lines()]
    ['normalised error', 'threshold 0.4', 'valid prediction time: 3 steps']
    """
    _pyplot()
    vpt = valid_prediction_time(
        y_true, y_pred, threshold=threshold, scale=scale,
        lyapunov_exponent=lyapunov_exponent, dt=dt,
    )  # fmt: skip
    errors = _step_errors(y_true, y_pred, scale)
    steps = np.arange(1, errors.size + 1, dtype=np.float64)
    if lyapunov_exponent is None:
        x, unit, shown = steps, "forecast step", f"{vpt} steps"
    else:
        x = steps * float(dt) * float(lyapunov_exponent)
        unit, shown = "Lyapunov times", f"{vpt:.3g} Lyapunov times"
    ax = _new_axes(ax)
    ax.plot(x, errors, color="tab:red", lw=1, label="normalised error")
    ax.axhline(threshold, color="gray", ls="--", lw=1, label=f"threshold {threshold:g}")
    ax.axvline(vpt, color="tab:blue", ls=":", lw=1.5,
               label=f"valid prediction time: {shown}")  # fmt: skip
    ax.set_xlabel(unit)
    ax.set_ylabel("normalised error")
    ax.legend(loc="upper left", fontsize=8)
    return ax


def _results_dict(search) -> Mapping:
    results = getattr(search, "cv_results_", search)
    if not isinstance(results, Mapping) or "params" not in results:
        raise TypeError(
            "search must be a fitted search (ESNSearchCV, GridSearchCV, ...) or "
            f"its cv_results_ dict with a 'params' key; got {type(search).__name__}."
        )
    return results


def _score_key(results: Mapping, search, scoring) -> str:
    metrics = sorted(
        k[len("mean_test_") :] for k in results if k.startswith("mean_test_")
    )
    if not metrics:
        raise ValueError("search has no 'mean_test_<score>' entry in cv_results_.")
    if scoring is None:
        refit = getattr(search, "refit", None)
        if len(metrics) == 1:
            scoring = metrics[0]
        elif isinstance(refit, str) and refit in metrics:
            scoring = refit
        else:
            raise ValueError(
                f"scoring must name one of the scores {metrics} (the search has "
                "several); got None."
            )
    if scoring not in metrics:
        raise ValueError(f"scoring must be one of {metrics}; got {scoring!r}.")
    return scoring


def _numeric(values: list) -> bool:
    return all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
        for v in values
    )


def plot_search_results(
    search,
    *,
    params: Sequence[str] | None = None,
    scoring: str | None = None,
    axes=None,
):
    """Draw the cross-validated score against each searched hyperparameter.

    One panel per hyperparameter: every candidate's mean test score (with
    its standard deviation over the folds as an error bar) at its value of
    that hyperparameter, the best candidate marked. Numeric values spanning
    two decades or more get a logarithmic axis; other values are shown as
    categories. Works with the ``cv_results_`` of :class:`ESNSearchCV` and of
    scikit-learn's ``GridSearchCV`` and ``RandomizedSearchCV``.

    Parameters
    ----------
    search : fitted search object or dict
        A fitted search, or its ``cv_results_`` dict.
    params : sequence of str, default=None
        The hyperparameters drawn (names in ``params``, without ``param_``);
        None draws every one that takes more than one value.
    scoring : str, default=None
        For a multi-metric search, the score drawn (a key of ``scoring``);
        None uses the only one, or the search's ``refit`` name.
    axes : sequence of matplotlib Axes, default=None
        One Axes per hyperparameter drawn; None makes a new figure.

    Returns
    -------
    fig : matplotlib Figure
        The figure drawn on.

    Raises
    ------
    ValueError
        If ``params`` names a hyperparameter the search did not vary,
        ``scoring`` is not one of its scores, or ``axes`` has the wrong length.
    TypeError
        If ``search`` has no ``cv_results_``.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.model_selection import GridSearchCV
    >>> from reservoir.plotting import plot_search_results
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(60, 3)), rng.normal(size=60)
    >>> grid = GridSearchCV(Ridge(), {"alpha": [0.01, 1.0, 100.0],
    ...                               "fit_intercept": [True, False]}).fit(X, y)
    >>> fig = plot_search_results(grid)
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['alpha', 'fit_intercept']
    >>> fig.axes[0].get_xscale()
    'log'
    """
    _pyplot()
    results = _results_dict(search)
    metric = _score_key(results, search, scoring)
    n_rows = len(results["params"])
    varied = []
    for key in results:
        if not key.startswith("param_"):
            continue
        column = np.ma.asarray(results[key], dtype=object)
        present = [v for v, m in zip(column.data, np.ma.getmaskarray(column),
                                     strict=True) if not m]  # fmt: skip
        if len({repr(v) for v in present}) > 1:
            varied.append(key[len("param_") :])
    if params is None:
        if not varied:
            raise ValueError(
                "search varied no hyperparameter; there is nothing to draw."
            )
        params = varied
    else:
        params = [params] if isinstance(params, str) else list(params)
        for name in params:
            if name not in varied:
                raise ValueError(
                    f"params must name hyperparameters the search varied {varied}; "
                    f"got {name!r}."
                )
    if axes is None:
        plt = _pyplot()
        fig, axes = plt.subplots(1, len(params), figsize=(3.2 * len(params), 3),
                                 sharey=True, squeeze=False)  # fmt: skip
        axes = list(axes[0])
    else:
        axes = list(np.ravel(axes))
        if len(axes) != len(params):
            raise ValueError(
                f"axes must hold one Axes per hyperparameter drawn ({len(params)}); "
                f"got {len(axes)}."
            )
        fig = axes[0].figure
    mean = np.asarray(results[f"mean_test_{metric}"], dtype=np.float64)
    std = np.asarray(results.get(f"std_test_{metric}", np.zeros(n_rows)), np.float64)
    finite = np.isfinite(mean)
    best = int(np.nanargmax(np.where(finite, mean, -np.inf))) if finite.any() else None
    for ax, name in zip(axes, params, strict=True):
        column = np.ma.asarray(results[f"param_{name}"], dtype=object)
        keep = ~np.ma.getmaskarray(column) & finite
        values = list(column.data[keep])
        if _numeric(values):
            x = np.asarray(values, dtype=np.float64)
            if x.min() > 0 and x.max() / x.min() >= 100:
                ax.set_xscale("log")
            best_x = (
                float(column.data[best]) if best is not None and keep[best] else None
            )
        else:
            labels = sorted({repr(v) for v in values})
            x = np.array([labels.index(repr(v)) for v in values], dtype=np.float64)
            ax.set_xticks(range(len(labels)), [lab.strip("'") for lab in labels])
            best_x = (labels.index(repr(column.data[best]))
                      if best is not None and keep[best] else None)  # fmt: skip
        ax.errorbar(x, mean[keep], yerr=std[keep], fmt="o", ms=4, color="tab:blue",
                    ecolor="lightgray", label="candidates")  # fmt: skip
        if best_x is not None:
            ax.plot([best_x], [mean[best]], marker="*", ms=12, color="tab:red",
                    ls="none", label="best")  # fmt: skip
        ax.set_xlabel(name)
    axes[0].set_ylabel(f"mean test {metric}")
    axes[0].legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig


def _recurrent_matrix(weights, layer: int):
    """The recurrent matrix of a fitted estimator (``W_``) or ``weights``."""
    matrix = getattr(weights, "W_", weights)
    if isinstance(matrix, list):
        layer = check_int(layer, "layer", low=0)
        if layer >= len(matrix):
            raise ValueError(
                f"layer must be below the number of layers ({len(matrix)}); "
                f"got {layer}."
            )
        matrix = matrix[layer]
    if scipy.sparse.issparse(matrix):
        matrix = matrix.toarray()
    matrix = as_float_array(matrix, "weights")
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.size == 0:
        raise ValueError(
            "weights must be a fitted reservoir estimator (with W_) or a square "
            f"matrix; got shape {matrix.shape}."
        )
    if not np.all(np.isfinite(matrix)):
        raise ValueError("weights contains NaN or infinity.")
    return matrix


def plot_eigenvalues(weights, *, layer: int = 0, ax=None):
    """Draw the eigenvalues of a recurrent matrix, the unit circle and its radius.

    Eigenvalues near or outside the unit circle mean slow or unstable
    linearised dynamics around the zero state; the dashed circle is the
    spectral radius (the largest absolute eigenvalue). All eigenvalues are
    computed (LAPACK, dense), which takes seconds for a few thousand units.

    Parameters
    ----------
    weights : fitted reservoir estimator, or array-like or sparse of shape (n, n)
        An estimator with a ``W_`` attribute (such as a fitted
        :class:`~reservoir.ESNRegressor`), or the recurrent matrix itself.
    layer : int, default=0
        For a deep or bidirectional estimator (a list of matrices), the layer.
    ax : matplotlib Axes, default=None
        Where to draw; None makes a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    Raises
    ------
    ValueError
        If the matrix is not square and finite, or ``layer`` is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir import ESNRegressor
    >>> from reservoir.plotting import plot_eigenvalues
    >>> X = np.sin(np.arange(200) / 5).reshape(-1, 1)
    >>> esn = ESNRegressor(50, spectral_radius=0.9, random_state=0).fit(X, X[:, 0])
    >>> ax = plot_eigenvalues(esn)
    >>> [line.get_label() for line in ax.get_lines()]
    ['eigenvalues', 'unit circle', 'spectral radius 0.9']
    """
    _pyplot()
    matrix = _recurrent_matrix(weights, layer)
    eigenvalues = np.linalg.eigvals(matrix)
    radius = float(np.max(np.abs(eigenvalues)))
    ax = _new_axes(ax)
    ax.plot(eigenvalues.real, eigenvalues.imag, "o", ms=3, color="tab:blue",
            alpha=0.7, label="eigenvalues")  # fmt: skip
    angle = np.linspace(0, 2 * np.pi, 361)
    ax.plot(np.cos(angle), np.sin(angle), color="black", lw=1, label="unit circle")
    ax.plot(radius * np.cos(angle), radius * np.sin(angle), color="tab:red", ls="--",
            lw=1, label=f"spectral radius {radius:.3g}")  # fmt: skip
    ax.set_aspect("equal")
    ax.set_xlabel("real part")
    ax.set_ylabel("imaginary part")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)
    return ax


def plot_memory_capacity(capacity, *, label: str | None = None, ax=None):
    """Draw a memory-capacity curve: the capacity of every delay.

    The curve of :func:`~reservoir.capacity.memory_capacity`, capacity
    (in [0, 1]) against the delay ``k``; the legend gives the total. Call it
    once per reservoir on the same ``ax`` to compare several.

    Parameters
    ----------
    capacity : Bunch or mapping
        The result of :func:`~reservoir.capacity.memory_capacity`: with
        ``delays`` and ``capacity`` of the same length (and ``total``; their
        sum when absent).
    label : str, default=None
        Name of the curve in the legend, followed by the total.
    ax : matplotlib Axes, default=None
        Where to draw; None makes a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    Raises
    ------
    ValueError
        If ``delays`` and ``capacity`` are missing, differ in length, are not
        1-D or hold NaN or infinity.

    Examples
    --------
    >>> from reservoir import ESNRegressor, memory_capacity
    >>> from reservoir.plotting import plot_memory_capacity
    >>> esn = ESNRegressor(20, topology="ring", activation="identity",
    ...                    spectral_radius=0.95, bias_scaling=0.0, random_state=0)
    >>> mc = memory_capacity(esn, max_delay=40, n_train=1000, n_test=1000,
    ...                      random_state=1)
    >>> ax = plot_memory_capacity(mc, label="ring")
    >>> ax.get_lines()[0].get_xdata().size
    40
    >>> ax.get_lines()[0].get_label().startswith("ring (total 1")
    True
    """
    _pyplot()
    try:
        delays, values = capacity["delays"], capacity["capacity"]
    except (KeyError, TypeError, IndexError):
        raise ValueError(
            "capacity must be the result of reservoir.capacity.memory_capacity "
            f"(with 'delays' and 'capacity'); got {type(capacity).__name__}."
        ) from None
    delays = as_float_array(delays, "capacity['delays']")
    values = as_float_array(values, "capacity['capacity']")
    if delays.ndim != 1 or values.shape != delays.shape or delays.size == 0:
        raise ValueError(
            "capacity['delays'] and capacity['capacity'] must be 1-D of the same "
            f"length; got shapes {delays.shape} and {values.shape}."
        )
    if not (np.all(np.isfinite(delays)) and np.all(np.isfinite(values))):
        raise ValueError("capacity contains NaN or infinity.")
    total = float(capacity["total"]) if "total" in capacity else float(values.sum())
    name = f"total {total:.1f}" if label is None else f"{label} (total {total:.1f})"
    ax = _new_axes(ax)
    ax.plot(delays, values, lw=1.5, label=name)
    ax.set_ylim(-0.02, 1.05)
    ax.set_xlabel("delay k")
    ax.set_ylabel("capacity (squared correlation)")
    ax.legend(fontsize=8)
    return ax


def plot_states(states: ArrayLike, *, n_shown: int = 5, bins: int = 50, axes=None):
    """Draw reservoir state activations over time and their histogram.

    The left panel shows the first ``n_shown`` units over time; the right one
    the histogram of every unit's activations at every step. A histogram
    piled at the ends of tanh's range (-1 and 1) means a saturated reservoir
    (lower the input scaling or bias); one piled at zero, a reservoir that
    barely responds (raise them).

    Parameters
    ----------
    states : array-like of shape (n_steps, n_units)
        States of one sequence, for example from the ``transform`` of a
        :class:`~reservoir.ReservoirTransformer`; finite.
    n_shown : int, default=5
        Units drawn over time (at most ``n_units``).
    bins : int, default=50
        Bins of the histogram.
    axes : sequence of two matplotlib Axes, default=None
        Where to draw the traces and the histogram; None makes a new figure.

    Returns
    -------
    fig : matplotlib Figure
        The figure drawn on.

    Raises
    ------
    ValueError
        If ``states`` is not a finite 2-D array, or ``n_shown``, ``bins`` or
        ``axes`` are out of range.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir import ReservoirTransformer
    >>> from reservoir.plotting import plot_states
    >>> u = np.sin(np.arange(300) / 5).reshape(-1, 1)
    >>> states = ReservoirTransformer(40, random_state=0).fit_transform(u)
    >>> fig = plot_states(states, n_shown=3)
    >>> traces, histogram = fig.axes
    >>> len(traces.get_lines()), histogram.get_xlabel()
    (3, 'activation')
    """
    _pyplot()
    states = _check_2d(states, "states")
    n_shown = min(check_int(n_shown, "n_shown", low=1), states.shape[1])
    bins = check_int(bins, "bins", low=1)
    if axes is None:
        plt = _pyplot()
        fig, axes = plt.subplots(1, 2, figsize=(9, 3),
                                 gridspec_kw={"width_ratios": [2, 1]})  # fmt: skip
    else:
        axes = list(np.ravel(axes))
        if len(axes) != 2:
            raise ValueError(
                f"axes must hold two Axes (traces, histogram); got {len(axes)}."
            )
        fig = axes[0].figure
    traces, histogram = axes
    steps = np.arange(states.shape[0])
    for j in range(n_shown):
        traces.plot(steps, states[:, j], lw=0.8, label=f"unit {j}")
    traces.set_xlabel("time step")
    traces.set_ylabel("activation")
    traces.set_title(f"{n_shown} of {states.shape[1]} units", fontsize=9)
    histogram.hist(states.ravel(), bins=bins, color="tab:blue")
    histogram.set_xlabel("activation")
    histogram.set_ylabel("count")
    histogram.set_title(f"all units, {states.shape[0]} steps", fontsize=9)
    fig.tight_layout()
    return fig
