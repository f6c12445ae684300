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
FAST = ["--n-units", "40", "--washout", "50", "--n-origins", "3", "--quiet"]


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


def _write(tmp_path, text, name="bad.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# ----------------------------------------------------------------------
# working runs
# ----------------------------------------------------------------------


def test_default_run_in_subprocess():
    """``python -m reservoir forecast`` with no options: built-in Mackey-Glass."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "reservoir", "forecast"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert "mackey-glass" in proc.stdout
    assert "n_units=300" in proc.stdout
    assert "NRMSE by horizon" in proc.stdout
    rows = [
        line.split()
        for line in proc.stdout.splitlines()
        if line.strip() and line.split()[0].isdigit()
    ]
    horizons = [int(r[0]) for r in rows]
    assert horizons == [1, 2, 5, 10, 20, 50, 100]
    assert all(float(r[1]) < 0.1 for r in rows)
    assert "[reservoir] fitting" in proc.stderr  # progress goes to stderr


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
            *FAST,
        ],
        capsys,
    )
    assert status == 0, err
    assert err == ""  # --quiet
    assert f"{dataset} (" in out
    assert out.strip().splitlines()[-1].split()[0] == "10"


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
    last = out.strip().splitlines()[-1].split()
    assert last[0] == "30" and float(last[1]) < 0.5


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
    assert "direct, horizon 8" in out


def test_deep_reservoir(capsys):
    status, out, err = _run_main(
        ["forecast", "--n-timesteps", "600", "--horizon", "10", "--n-layers", "2",
         *FAST],
        capsys,
    )  # fmt: skip
    assert status == 0, err
    assert "n_units=40 n_layers=2" in out
    assert out.strip().splitlines()[-1].split()[0] == "10"
    _assert_one_line_error(*_run_main(["forecast", "--n-layers", "0"], capsys))


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
    assert "plot saved" in out


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
        "gap in time column 't'",
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
        *_run_main(["forecast", "--n-timesteps", "120", "--washout", "100"], capsys),
        "too short for --washout 100",
    )


@pytest.mark.parametrize("horizon", ["0", "-5", "ten"])
def test_bad_horizon(horizon, capsys):
    _assert_one_line_error(
        *_run_main(["forecast", "--horizon", horizon], capsys), "--horizon"
    )


def test_horizon_longer_than_test_part(capsys):
    _assert_one_line_error(
        *_run_main(["forecast", "--n-timesteps", "500", "--horizon", "400"], capsys),
        "fewer than --horizon 400",
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["forecast", "--train-fraction", "1.5"],
        ["forecast", "--leak-rate", "0"],
        ["forecast", "--spectral-radius", "-1"],
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
