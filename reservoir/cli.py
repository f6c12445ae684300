"""The ``reservoir`` command line (also ``python -m reservoir``).

``reservoir forecast`` runs :func:`reservoir.forecasting.backtest` on a
series (a built-in system or columns of a CSV file): it chooses an echo
state network's settings from the training part (or takes fixed ones with
``--no-search``), forecasts in closed loop from many origins in the rest
beside persistence, the mean, the seasonal naive forecast and a linear
autoregression, says plainly which is best, then forecasts past the end of
the data with time stamps. This module only parses and prints. Exit status:
0 done, 1 the forecaster failed (diverged; reported, not scored), 2 bad
input (a one-line error on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from collections.abc import Sequence

__all__ = ["main"]

PROG = "reservoir"

#: Horizons shown in the NRMSE table (those below the horizon, and it).
TABLE_HORIZONS = (1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)

#: Fixed reservoir settings (used with --no-search): option -> default.
FIXED = {
    "n_units": 300,
    "n_layers": 1,
    "spectral_radius": 0.95,
    "density": 0.05,
    "leak_rate": 0.6,
    "feedback_scaling": 0.5,
    "bias_scaling": 0.2,
    "alpha": 1e-8,
    "washout": None,  # 10% of the training steps, at most 100
    "noise_level": 0.0,
    "strategy": "recursive",
    "n_lags": 1,
    "log": False,
    "difference": 0,
    "seasonal_difference": 0,
}


class InputError(Exception):
    """Bad user input: reported as one line, without a traceback."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are a single line."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {value}")
    return value


def _nonneg_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {value}")
    return value


def _real(low=None, high=None, low_open=False, high_open=False):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a number, got {text!r}"
            ) from None
        bad = not math.isfinite(value)
        if low is not None:
            bad |= value <= low if low_open else value < low
        if high is not None:
            bad |= value >= high if high_open else value > high
        if bad:
            lb = "(" if low_open else "["
            rb = ")" if high_open else "]"
            lo = "-inf" if low is None else f"{low:g}"
            hi = "inf" if high is None else f"{high:g}"
            raise argparse.ArgumentTypeError(
                f"must be a number in {lb}{lo}, {hi}{rb}, got {text}"
            )
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``reservoir`` command."""
    from .forecasting.data import BUILTIN

    parser = _Parser(
        prog=PROG,
        description="Echo state networks from the command line.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    fc = sub.add_parser(
        "forecast",
        help="backtest and forecast a built-in system or a CSV column",
        description=(
            "Choose an echo state network for a series by rolling-origin "
            "cross-validation on its first part (within --time-budget), forecast "
            "the rest in closed loop from many origins beside simple baselines "
            "(NRMSE = RMSE over the origins / std of the training part), then "
            "refit on the whole series and forecast past its end."
        ),
    )
    fc.prog = f"{PROG} forecast"
    data = fc.add_argument_group("data")
    data.add_argument(
        "--dataset",
        choices=sorted(BUILTIN),
        default=None,
        help="built-in system (default: mackey-glass when no --csv is given)",
    )
    data.add_argument("--csv", metavar="FILE", help="CSV file with a header row")
    data.add_argument(
        "--column",
        action="append",
        metavar="NAME",
        help="CSV column to forecast (repeat for several; default: the only "
        "non-time column)",
    )
    data.add_argument(
        "--time-column",
        metavar="NAME",
        help="CSV column of time stamps: numbers, years, ISO dates or times "
        "(2024-01, 2024-01-31, 2024-01-31T10:00) or quarters (2024Q1); daily, "
        "business-day, weekly, monthly, quarterly, annual and hourly stamps "
        "are continued past the data",
    )
    data.add_argument(
        "--n-timesteps",
        type=_positive_int,
        metavar="INT",
        help="length of a built-in series (default depends on the system)",
    )
    task = fc.add_argument_group("task")
    task.add_argument(
        "--horizon", type=_positive_int, default=None, metavar="INT",
        help="steps to forecast (default: by the calendar - monthly 18, "
        "quarterly 8, annual 6, weekly 13, daily 14, hourly 48 - else 100, at "
        "most half the test part)",
    )  # fmt: skip
    task.add_argument(
        "--train-fraction", type=_real(0, 1, True, True), default=0.7, metavar="F",
        help="fraction of the series used for training (default: 0.7)",
    )  # fmt: skip
    task.add_argument(
        "--n-origins", type=_positive_int, default=50, metavar="INT",
        help="most forecast origins spread over the test part (default: 50)",
    )  # fmt: skip
    task.add_argument(
        "--season", type=_positive_int, default=None, metavar="INT",
        help="season length (default: by the calendar: 12 monthly, 4 quarterly, "
        "7 daily, 24 hourly, 52 weekly; none otherwise)",
    )  # fmt: skip
    srch = fc.add_argument_group("search")
    srch.add_argument(
        "--time-budget", type=_real(0, low_open=True), default=20.0, metavar="S",
        help="seconds the hyperparameter search may take (default: 20)",
    )  # fmt: skip
    srch.add_argument(
        "--no-search",
        action="store_true",
        help="no search: use the fixed settings below (their defaults unless given)",
    )
    res = fc.add_argument_group("fixed settings (with --no-search)")
    _fixed_options(res)
    res.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    out = fc.add_argument_group("output")
    out.add_argument(
        "--output", metavar="CSV",
        help="write the forecasts to a CSV file: origin,time,horizon,actual,"
        "forecast (a column 'column' too for several columns); the forecast past "
        "the data has an empty 'actual'",
    )  # fmt: skip
    out.add_argument(
        "--plot", metavar="PNG",
        help="save a picture of the series, the backtest forecasts and the "
        "forecast past the data (needs matplotlib: pip install "
        "'reservoir-esn[plot]')",
    )  # fmt: skip
    out.add_argument(
        "--quiet", action="store_true", help="no progress messages on stderr"
    )
    return parser


def _fixed_options(group) -> None:
    """The --no-search settings; their defaults are in FIXED (None here, so
    that an option given without --no-search is noticed)."""
    add = group.add_argument
    # fmt: off
    add("--n-units", type=_positive_int, metavar="INT",
        help=f"reservoir size N, of each layer (default: {FIXED['n_units']})")
    add("--n-layers", type=_positive_int, metavar="INT",
        help="stacked reservoirs (a deep ESN) (default: 1)")
    add("--spectral-radius", type=_real(0), metavar="F",
        help=f"spectral radius of W (default: {FIXED['spectral_radius']})")
    add("--density", type=_real(0, 1, low_open=True), metavar="F",
        help=f"fraction of non-zero recurrent weights (default: {FIXED['density']})")
    add("--leak-rate", type=_real(0, 1, low_open=True), metavar="F",
        help=f"leak rate in (0, 1] (default: {FIXED['leak_rate']})")
    add("--feedback-scaling", type=_real(0), metavar="F",
        help=f"scale of the feedback weights (default: {FIXED['feedback_scaling']})")
    add("--bias-scaling", type=_real(0), metavar="F",
        help=f"scale of the reservoir bias (default: {FIXED['bias_scaling']})")
    add("--alpha", type=_real(0), metavar="F",
        help=f"ridge penalty (default: {FIXED['alpha']:g})")
    add("--washout", type=_nonneg_int, metavar="INT",
        help="teacher-forced steps not trained on (default: 10%% of the "
        "training steps, at most 100)")
    add("--noise-level", type=_real(0), metavar="F",
        help="training noise (default: 0)")
    add("--strategy", choices=["recursive", "direct"],
        help="closed loop (recursive, the default) or one readout per step")
    add("--n-lags", type=_positive_int, metavar="INT",
        help="lagged values in the readout (default: 1)")
    add("--log", action="store_true", default=None,
        help="model the logarithm of a positive series")
    add("--difference", type=int, choices=[0, 1], metavar="{0,1}",
        help="model first differences (default: 0)")
    add("--seasonal-difference", type=_nonneg_int, metavar="M",
        help="model differences over a season of M steps (default: 0, none)")
    # fmt: on


# ----------------------------------------------------------------------
# the forecast command
# ----------------------------------------------------------------------


def _progress(args, message: str) -> None:
    if not args.quiet:
        print(f"[{PROG}] {message}", file=sys.stderr, flush=True)


def _fixed_model(args, n_train: int, horizon: int):
    """The ESNForecaster of --no-search (FIXED defaults, options given)."""
    from .forecast import ESNForecaster

    given = {k: getattr(args, k) for k in FIXED if getattr(args, k) is not None}
    if given and not args.no_search:
        options = ", ".join("--" + k.replace("_", "-") for k in given)
        raise InputError(
            f"{options} set fixed values, which the search would ignore; add "
            "--no-search to use fixed settings"
        )
    params = dict(FIXED, **given)
    if params["washout"] is None:
        params["washout"] = int(min(100, max(2, n_train // 10)))
    if params["strategy"] == "direct":
        params["horizon"] = horizon
    return ESNForecaster(**params, random_state=args.seed), params


def _load(args):
    from .forecasting import builtin_series, read_csv

    if args.csv is not None:
        if args.dataset is not None:
            raise InputError("give either --dataset or --csv, not both")
        if args.n_timesteps is not None:
            raise InputError("--n-timesteps applies to built-in datasets only")
        return read_csv(args.csv, args.column, args.time_column)
    if args.column or args.time_column:
        raise InputError("--column and --time-column need --csv FILE")
    return builtin_series(args.dataset or "mackey-glass", args.n_timesteps)


def run_forecast(args) -> int:
    """Backtest, print the table and verdict, forecast past the data."""
    from .forecasting import backtest, check_length, default_horizon

    began = time.perf_counter()
    series = _load(args)
    n_total, n_columns = series.values.shape
    n_train = int(n_total * args.train_fraction)
    horizon = args.horizon or default_horizon(
        series.calendar, n_total, args.train_fraction
    )
    check_length(n_total, args.train_fraction, horizon)  # before any output
    model, params = (None, None)
    if args.no_search or any(getattr(args, k) is not None for k in FIXED):
        model, params = _fixed_model(args, n_train, horizon)
    cal = series.calendar

    print(f"{PROG} forecast")
    print(f"  data      : {series.label}, {n_total} steps, {n_columns} column(s)")
    if cal.name != "steps":
        print(f"  calendar  : {cal.describe()}")
    print(
        f"  training  : first {n_train} steps (train fraction "
        f"{args.train_fraction:g}), to {cal.format(cal.stamps[n_train - 1])}"
    )
    sys.stdout.flush()
    report = backtest(
        series.values,
        calendar=cal,
        names=series.names,
        horizon=horizon,
        train_fraction=args.train_fraction,
        n_origins=args.n_origins,
        season=args.season,
        model=model,
        time_budget=args.time_budget,
        random_state=args.seed,
        progress=lambda message: _progress(args, message),
    )
    origins = report.origins
    print(
        f"  backtest  : horizon {horizon}, {origins.size} origin(s) from "
        f"{cal.format(cal.stamps[origins[0] - 1])} to "
        f"{cal.format(cal.stamps[origins[-1] - 1])}"
        + (f", season {report.season}" if report.season else "")
    )
    if report.search is None:
        shown = {k: v for k, v in params.items() if v or k in ("difference",)}
        print("  model     : fixed settings (--no-search): "
              + " ".join(f"{k}={v}" for k, v in shown.items()))  # fmt: skip
    else:
        search = report.search
        done = "" if search.complete else " (time budget reached)"
        print(
            f"  search    : {len(search.results)} candidates in "
            f"{search.elapsed:.1f} s{done}; forecasts average the best "
            f"{len(search.ensemble)}"
        )
        print("  chosen    : " + _settings(search.best_params))
    _print_table(report)
    print()
    for line in report.verdict():
        print(line)
    _print_future(report, cal)
    if args.output:
        _write_output(args.output, report)
        print(f"\nforecasts written to {args.output}")
    if args.plot:
        from .plotting import plot_backtest

        try:
            caption = plot_backtest(report, args.plot)
        except ImportError as exc:
            raise InputError(str(exc)) from None
        print(f"\nplot saved to {args.plot}: {caption}")
    _progress(args, f"done in {time.perf_counter() - began:.1f} s")
    return 1 if report.failed else 0


def _settings(params: dict) -> str:
    order = ("log", "difference", "seasonal_difference", "n_units", "spectral_radius",
             "leak_rate", "feedback_scaling", "bias_scaling", "input_penalty",
             "n_lags", "washout", "alpha")  # fmt: skip
    shown = [(k, params[k]) for k in order if k in params]
    return " ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                    for k, v in shown)  # fmt: skip


def _print_table(report) -> None:
    scores = report.nrmse()
    methods = list(report.forecasts)
    n_columns = report.values.shape[1]
    print()
    print(
        f"NRMSE by horizon (RMSE over {report.origins.size} origin(s) / std of the "
        "training part" + (", averaged over columns)" if n_columns > 1 else ")")
    )
    width = max(10, *(len(m) for m in methods))
    print("  horizon " + " ".join(f"{m:>{width}}" for m in methods))
    shown = [h for h in TABLE_HORIZONS if h < report.horizon] + [report.horizon]
    for h in shown:
        cells = [
            "failed" if m in report.failed else f"{scores[m][h - 1]:.4g}"
            for m in methods
        ]
        print(f"  {h:>7} " + " ".join(f"{c:>{width}}" for c in cells))


def _print_future(report, cal) -> None:
    print()
    if report.future is None:
        print(f"No forecast past the data: {report.future_failed}")
        return
    times = cal.future(report.horizon)
    print(
        f"Forecast of the {report.horizon} steps after "
        f"{cal.format(cal.stamps[-1])} (refitted on all {report.values.shape[0]} "
        "steps)"
    )
    width = max(12, *(len(cal.format(t)) for t in times))
    print(f"  {'time':<{width}} " + " ".join(f"{n[:12]:>12}" for n in report.names))
    for t, row in zip(times, report.future, strict=True):
        print(f"  {cal.format(t):<{width}} " + " ".join(f"{v:>12.6g}" for v in row))


def _write_output(path: str, report) -> None:
    several = report.values.shape[1] > 1
    header = ["origin", "time", "horizon"] + (["column"] if several else [])
    header += ["actual", "forecast"]
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for origin, when, h, name, actual, forecast in report.rows():
                row = [origin, when, h] + ([name] if several else [])
                row += ["" if actual is None else repr(float(actual)),
                        "" if forecast is None else repr(float(forecast))]  # fmt: skip
                writer.writerow(row)
    except OSError as exc:
        raise InputError(f"--output {path}: cannot write the file ({exc})") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``reservoir`` console script.

    Parameters
    ----------
    argv : sequence of str, default=None
        Arguments without the program name; None reads ``sys.argv``.

    Returns
    -------
    status : int
        0 on success, 1 when the forecaster failed (diverged: reported, not
        scored), 2 on bad input (after a one-line message on stderr).

    Examples
    --------
    >>> from reservoir.cli import main
    >>> main(["forecast", "--n-timesteps", "600", "--no-search", "--n-units", "50",
    ...       "--horizon", "20", "--n-origins", "2", "--quiet"])  # doctest: +ELLIPSIS
    reservoir forecast
    ...
    NRMSE by horizon (RMSE over 2 origin(s) / std of the training part)
    ...
    0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "forecast":
            return run_forecast(args)
    except (InputError, ValueError, TypeError) as exc:
        message = " ".join(str(exc).split())
        print(f"{PROG} {args.command}: error: {message}", file=sys.stderr)
        return 2
    return 0  # pragma: no cover
