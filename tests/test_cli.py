"""Tests for the ``reservoir`` command line (reservoir/cli.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reservoir.cli import main
from reservoir.datasets import mackey_glass

ROOT = Path(__file__).resolve().parents[1]
FAST = [
    "--no-search", "--n-units", "40", "--washout", "50", "--n-origins", "3", "--quiet"
]  # fmt: skip


def _run_main(argv, capsys):
    """Run main in-process; return (status, stdout, stderr)."""
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse errors
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def _assert_one_line_error(status, out, err, *fragments):
    assert status != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("reservoir")
    assert "error:" in lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture
def mg_csv(tmp_path):
    values = mackey_glass(700).ravel()
    path = tmp_path / "series.csv"
    lines = ["time,value,other"]
    lines += [f"{i * 0.5},{float(v)!r},{-float(v)!r}" for i, v in enumerate(values)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _scores(out):
    """{horizon: {method: NRMSE}} from the printed table."""
    lines = out[out.index("NRMSE by horizon") :].split("\n\n")[0].splitlines()
    methods = lines[1].split()[1:]
    return {
        int(cells[0]): dict(zip(methods, map(float, cells[1:]), strict=True))
        for cells in (line.split() for line in lines[2:])
    }


def _write(tmp_path, text, name="bad.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# ----------------------------------------------------------------------
# working runs
# ----------------------------------------------------------------------


def test_default_run_in_subprocess():
    """``python -m reservoir forecast``: built-in Mackey-Glass, searched
    settings (a short budget here), the table, verdict and future."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "reservoir", "forecast", "--time-budget", "3"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "mackey-glass" in out and "search    :" in out and "chosen    :" in out
    assert "NRMSE by horizon (RMSE over 50 origin(s)" in out
    table = out[out.index("NRMSE by horizon") :].split("\n\n")[0].splitlines()
    assert table[1].split() == ["horizon", "ESN", "persistence", "mean", "AR(2)"]
    rows = [line.split() for line in table[2:]]
    assert [int(r[0]) for r in rows] == [1, 2, 3, 5, 10, 20, 50, 100]
    assert all(float(r[1]) < 0.1 for r in rows)
    assert "beats the best baseline" in out
    future = out[out.index("Forecast of the 100 steps after 1999") :].splitlines()
    assert future[2].split()[0] == "2000" and future[-1].split()[0] == "2099"
    assert "[reservoir] searching" in proc.stderr  # progress goes to stderr
    assert "candidate 1/" in proc.stderr


@pytest.mark.parametrize("dataset", ["lorenz", "henon", "logistic", "rossler"])
def test_builtin_datasets(dataset, capsys):
    status, out, err = _run_main(
        [
            "forecast",
            "--dataset",
            dataset,
            "--n-timesteps",
            "600",
            "--horizon",
            "10",
            "--alpha",
            "1e-4",
            *FAST,
        ],
        capsys,
    )
    assert status == 0, out + err
    assert err == ""  # --quiet
    assert f"{dataset} (" in out
    assert max(_scores(out)) == 10


def test_csv_input(mg_csv, capsys):
    status, out, err = _run_main(
        [
            "forecast",
            "--csv",
            str(mg_csv),
            "--column",
            "value",
            "--horizon",
            "30",
            *FAST,
        ],
        capsys,
    )
    assert status == 0, err
    assert "(value)" in out and "700 steps" in out
    assert _scores(out)[30]["ESN"] < 0.5


def test_csv_time_column_and_several_columns(mg_csv, capsys):
    status, out, err = _run_main(
        [
            "forecast",
            "--csv",
            str(mg_csv),
            "--time-column",
            "time",
            "--column",
            "value",
            "--column",
            "other",
            "--horizon",
            "5",
            *FAST,
        ],
        capsys,
    )
    assert status == 0, err
    assert "value" in out and "other" in out and "2 column(s)" in out


def test_direct_strategy(capsys):
    status, out, err = _run_main(
        [
            "forecast",
            "--n-timesteps",
            "600",
            "--strategy",
            "direct",
            "--horizon",
            "8",
            *FAST,
        ],
        capsys,
    )
    assert status == 0, err
    assert "strategy=direct" in out and "horizon 8" in out


def test_deep_reservoir(capsys):
    status, out, err = _run_main(
        ["forecast", "--n-timesteps", "600", "--horizon", "10", "--n-layers", "2",
         *FAST],
        capsys,
    )  # fmt: skip
    assert status == 0, err
    assert "n_units=40 n_layers=2" in out
    assert max(_scores(out)) == 10
    _assert_one_line_error(
        *_run_main(["forecast", "--no-search", "--n-layers", "0"], capsys)
    )


def test_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    png = tmp_path / "forecast.png"
    status, out, err = _run_main(
        [
            "forecast",
            "--n-timesteps",
            "600",
            "--horizon",
            "20",
            "--plot",
            str(png),
            *FAST,
        ],
        capsys,
    )
    assert status == 0, err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "plot saved" in out and "forecasts from all 3 origins" in out
    assert "20 steps past the data" in out


# ----------------------------------------------------------------------
# bad input: one line on stderr, non-zero exit, no traceback
# ----------------------------------------------------------------------


def test_missing_file(tmp_path, capsys):
    missing = str(tmp_path / "nope.csv")
    _assert_one_line_error(
        *_run_main(["forecast", "--csv", missing], capsys), "no such file"
    )


def test_missing_column(mg_csv, capsys):
    _assert_one_line_error(
        *_run_main(["forecast", "--csv", str(mg_csv), "--column", "price"], capsys),
        "'price' is not a column",
        "value",
    )


def test_ambiguous_column(mg_csv, capsys):
    _assert_one_line_error(
        *_run_main(["forecast", "--csv", str(mg_csv)], capsys), "--column"
    )


def test_non_numeric_value(tmp_path, capsys):
    rows = "\n".join(str(v) for v in np.sin(np.arange(400) / 5))
    path = _write(tmp_path, "y\n" + rows.replace("\n", "\nabc\n", 1) + "\n")
    _assert_one_line_error(
        *_run_main(["forecast", "--csv", path], capsys),
        "line 3",
        "non-numeric value 'abc'",
    )


@pytest.mark.parametrize("gap", ["", "NaN", "nan", "NA"])
def test_gap_or_nan(tmp_path, capsys, gap):
    values = [str(v) for v in np.sin(np.arange(400) / 5)]
    values[10] = gap
    path = _write(
        tmp_path, "t,y\n" + "\n".join(f"{i},{v}" for i, v in enumerate(values))
    )
    _assert_one_line_error(
        *_run_main(["forecast", "--csv", path, "--column", "y"], capsys),
        "line 12",
        "missing value",
    )


def test_gap_in_time_column(tmp_path, capsys):
    t = list(range(400))
    del t[50]
    path = _write(tmp_path, "t,y\n" + "\n".join(f"{i},{np.sin(i / 5)}" for i in t))
    _assert_one_line_error(
        *_run_main(
            ["forecast", "--csv", path, "--column", "y", "--time-column", "t"], capsys
        ),
        "line 52",
        "time column 't'",
        "gap",
    )


def test_dates_in_time_column(tmp_path, capsys):
    days = np.arange("2024-01-01", "2025-03-01", dtype="datetime64[D]")
    rows = "\n".join(f"{d},{np.sin(i / 5)}" for i, d in enumerate(days))
    path = _write(tmp_path, "date,y\n" + rows)
    status, _out, err = _run_main(
        ["forecast", "--csv", path, "--time-column", "date", "--horizon", "5", *FAST],
        capsys,
    )
    assert status == 0, err
    shuffled = "\n".join(f"{d},{i}" for i, d in enumerate(days[::-1]))
    path = _write(tmp_path, "date,y\n" + shuffled, "rev.csv")
    _assert_one_line_error(
        *_run_main(["forecast", "--csv", path, "--time-column", "date"], capsys),
        "not strictly increasing",
    )


def test_empty_file(tmp_path, capsys):
    _assert_one_line_error(
        *_run_main(["forecast", "--csv", _write(tmp_path, "")], capsys), "empty"
    )
    _assert_one_line_error(
        *_run_main(["forecast", "--csv", _write(tmp_path, "y\n", "h.csv")], capsys),
        "no data rows",
    )


def test_series_too_short_for_washout(capsys):
    _assert_one_line_error(
        *_run_main(
            [
                "forecast",
                "--n-timesteps",
                "120",
                "--no-search",
                "--washout",
                "100",
                "--quiet",
            ],
            capsys,
        ),
        "washout=100",
    )


def test_series_too_short_names_the_minimum_length(tmp_path, capsys):
    path = _write(tmp_path, "y\n" + "\n".join(str(i % 7) for i in range(25)))
    _assert_one_line_error(
        *_run_main(["forecast", "--csv", path, "--horizon", "6"], capsys),
        "too short: 25 steps",
        "at least 43",
    )


@pytest.mark.parametrize("horizon", ["0", "-5", "ten"])
def test_bad_horizon(horizon, capsys):
    _assert_one_line_error(
        *_run_main(["forecast", "--horizon", horizon], capsys), "--horizon"
    )


def test_horizon_longer_than_test_part(capsys):
    _assert_one_line_error(
        *_run_main(["forecast", "--n-timesteps", "500", "--horizon", "400"], capsys),
        "too short: 500 steps",
        "at least 1330",
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["forecast", "--train-fraction", "1.5"],
        ["forecast", "--no-search", "--leak-rate", "0"],
        ["forecast", "--no-search", "--spectral-radius", "-1"],
        ["forecast", "--time-budget", "0"],
        ["forecast", "--season", "0"],
        ["forecast", "--dataset", "sunspots"],
        ["forecast", "--unknown-option"],
        [],
    ],
)
def test_bad_arguments(argv, capsys):
    _assert_one_line_error(*_run_main(argv, capsys))


def test_dataset_and_csv_together(mg_csv, capsys):
    _assert_one_line_error(
        *_run_main(["forecast", "--dataset", "lorenz", "--csv", str(mg_csv)], capsys),
        "not both",
    )


def test_bad_input_in_subprocess_has_no_traceback(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "reservoir",
            "forecast",
            "--csv",
            str(tmp_path / "x.csv"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_fixed_settings_need_no_search(capsys):
    _assert_one_line_error(
        *_run_main(["forecast", "--spectral-radius", "0.5", "--alpha", "1"], capsys),
        "--spectral-radius, --alpha",
        "--no-search",
    )


# ----------------------------------------------------------------------
# a user's own series: calendar, baselines, future, --output
# ----------------------------------------------------------------------


def _monthly_csv(tmp_path, n=120, stamps="start"):
    """A trending seasonal monthly series from 2010-01 (month starts or ends)."""
    rng = np.random.default_rng(0)
    t = np.arange(n)
    y = 100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n)
    months = np.datetime64("2010-01") + t
    if stamps == "end":
        text = [str((m + 1).astype("datetime64[D]") - 1) for m in months]
    else:
        text = [str(m) for m in months]
    rows = "\n".join(f"{d},{v!r}" for d, v in zip(text, y.tolist(), strict=True))
    return _write(tmp_path, "month,sales\n" + rows + "\n", f"sales_{stamps}.csv")


def test_monthly_csv_backtest_baselines_future_and_output(tmp_path, capsys):
    path = _monthly_csv(tmp_path)
    output = tmp_path / "forecasts.csv"
    status, out, err = _run_main(
        ["forecast", "--csv", path, "--time-column", "month", "--time-budget", "2",
         "--output", str(output), "--quiet"],
        capsys,
    )  # fmt: skip
    assert status == 0, err
    assert "monthly, season 12, 2010-01 .. 2019-12" in out
    scores = _scores(out)
    assert max(scores) == 18  # the monthly default horizon
    assert list(scores[1]) == [
        "ESN", "persistence", "mean", "seasonal-naive", next(
            m for m in scores[1] if m.startswith("AR(")
        ),
    ]  # fmt: skip
    best_simple = min(scores[18][m] for m in ("persistence", "mean", "seasonal-naive"))
    assert scores[18]["ESN"] < best_simple
    future = out[out.index("Forecast of the 18 steps after 2019-12") :]
    future = future.split("\n\n")[0].splitlines()
    assert future[2].split()[0] == "2020-01" and future[-1].split()[0] == "2021-06"
    lines = output.read_text().splitlines()
    assert lines[0] == "origin,time,horizon,actual,forecast"
    rows = [line.split(",") for line in lines[1:]]
    n_train = int(120 * 0.7)
    n_origins = 120 - 18 - n_train + 1  # every step from n_train to 102
    assert len(rows) == n_origins * 18 + 18
    first = rows[0]
    assert first[0] == "2016-12" and first[1] == "2017-01" and first[2] == "1"
    assert float(first[3]) == pytest.approx(
        np.loadtxt(path, delimiter=",", skiprows=1, usecols=1)[n_train]
    )
    assert rows[17][1] == "2018-06" and rows[17][2] == "18"
    tail = rows[-18:]
    assert all(r[0] == "2019-12" and r[3] == "" for r in tail)
    assert [r[1] for r in tail[:2]] == ["2020-01", "2020-02"]
    printed = [float(line.split()[1]) for line in future[2:]]
    assert [float(r[4]) for r in tail] == pytest.approx(printed, rel=1e-5)


def test_month_end_stamps_continue_at_month_ends(tmp_path, capsys):
    path = _monthly_csv(tmp_path, n=98, stamps="end")  # to 2018-02-28
    status, out, err = _run_main(
        ["forecast", "--csv", path, "--time-column", "month", "--horizon", "13",
         "--difference", "1", "--alpha", "1", *FAST],
        capsys,
    )  # fmt: skip
    assert status == 0, err
    future = out[out.index("Forecast of the 13 steps after 2018-02-28") :]
    stamps = [line.split()[0] for line in future.splitlines()[2:]]
    assert stamps[:2] == ["2018-03-31", "2018-04-30"]
    assert stamps[-1] == "2019-03-31"


def test_annual_series_of_100_points(tmp_path, capsys):
    """Years as numbers: annual, horizon 6, and not rejected for its length."""
    rng = np.random.default_rng(1)
    y = np.cumsum(rng.normal(0, 1, 100)) + 50
    rows = "\n".join(f"{1901 + i},{v!r}" for i, v in enumerate(y.tolist()))
    path = _write(tmp_path, "year,level\n" + rows + "\n", "annual.csv")
    status, out, err = _run_main(
        ["forecast", "--csv", path, "--time-column", "year", "--time-budget", "1",
         "--quiet"],
        capsys,
    )  # fmt: skip
    assert status == 0, err
    assert "annual, 1901 .. 2000" in out
    assert max(_scores(out)) == 6
    assert "Forecast of the 6 steps after 2000" in out
    assert out.rstrip().splitlines()[-1].split()[0] == "2006"


def test_quarters_and_huge_values(tmp_path, capsys):
    """Quarterly stamps continue as quarters; values near the float64 limit
    are modelled without overflow."""
    t = np.arange(80)
    y = 1e307 * (1.5 + 0.3 * np.sin(2 * np.pi * t / 4) + 0.002 * t)
    stamps = [f"{1990 + q // 4}Q{q % 4 + 1}" for q in t]
    rows = "\n".join(f"{s},{v!r}" for s, v in zip(stamps, y.tolist(), strict=True))
    path = _write(tmp_path, "quarter,value\n" + rows + "\n", "huge.csv")
    status, out, err = _run_main(
        ["forecast", "--csv", path, "--time-column", "quarter", "--time-budget", "1",
         "--quiet"],
        capsys,
    )  # fmt: skip
    assert status == 0, err
    assert "quarterly, season 4, 1990Q1 .. 2009Q4" in out
    scores = _scores(out)
    assert all(np.isfinite(v) for row in scores.values() for v in row.values())
    future = out[out.index("Forecast of the 8 steps after 2009Q4") :].splitlines()
    assert future[2].split()[0] == "2010Q1"
    values = [float(line.split()[1]) for line in future[2:]]
    assert all(1e307 < v < 1.8e308 for v in values)


def test_diverging_model_is_reported_as_failed(tmp_path, capsys):
    """A runaway closed loop is 'failed', never a score; exit status 1."""
    output = tmp_path / "out.csv"
    status, out, err = _run_main(
        ["forecast", "--n-timesteps", "800", "--horizon", "200", "--no-search",
         "--n-units", "100", "--spectral-radius", "1.5", "--feedback-scaling", "2",
         "--leak-rate", "1", "--alpha", "0", "--n-origins", "3", "--quiet",
         "--output", str(output)],
        capsys,
    )  # fmt: skip
    assert status == 1, out + err
    table = out[out.index("NRMSE by horizon") :].split("\n\n")[0].splitlines()
    assert all(line.split()[1] == "failed" for line in table[2:])
    assert "The ESN FAILED" in out and "diverged" in out
    rows = [line.split(",") for line in output.read_text().splitlines()[1:]]
    assert rows and all(r[4] == "" for r in rows[: 3 * 200])


def test_short_monthly_series_gets_a_shorter_default_horizon(tmp_path, capsys):
    """60 months: the monthly horizon (18) would leave one backtest origin;
    the default is half the test part (9) instead, with several origins."""
    months = np.datetime64("2001-01", "M") + np.arange(60)
    y = 100 + 10 * np.sin(2 * np.pi * np.arange(60) / 12) + np.arange(60) * 0.3
    lines = [f"{m},{float(v)!r}" for m, v in zip(months, y, strict=True)]
    path = tmp_path / "short.csv"
    path.write_text("month,value\n" + "\n".join(lines) + "\n")
    options = ["--time-column", "month", "--time-budget", "2", "--quiet"]
    code = main(["forecast", "--csv", str(path), *options])
    out = capsys.readouterr().out
    assert code == 0
    assert "backtest  : horizon 9, 10 origin(s)" in out
    table = out.split("NRMSE by horizon")[1].split("\n\n")[0]
    assert table.splitlines()[-1].split()[0] == "9"
    assert "Forecast of the 9 steps after 2005-12" in out
