"""The documentation: docstrings of every public name, and the Sphinx build."""

import inspect
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import reservoir
import reservoir.forecasting
import reservoir.plotting

ROOT = Path(__file__).resolve().parents[1]


def _public_objects():
    modules = [reservoir, reservoir.datasets, reservoir.metrics, reservoir.interop,
               reservoir.forecasting, reservoir.plotting]  # fmt: skip
    for optional in ("comparators", "forecast", "model_selection"):
        module = getattr(reservoir, optional, None)
        if inspect.ismodule(module):
            modules.append(module)
    seen = {}
    for module in modules:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                seen[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return sorted(seen.items())


@pytest.mark.parametrize(("name", "obj"), _public_objects())
def test_public_docstrings_are_complete(name, obj):
    numpydoc_validate = pytest.importorskip("numpydoc.validate")
    # PR01/PR02: parameters match the signature; EX01: an Examples section;
    # SS01-SS03: a summary line; RT01: functions document what they return
    checks = {"PR01", "PR02", "EX01", "SS01", "GL08"}
    if inspect.isfunction(obj):
        checks.add("RT01")
    result = numpydoc_validate.validate(name)
    problems = [f"{code}: {msg}" for code, msg in result["errors"] if code in checks]
    assert not problems, f"{name}: {problems}"


def test_sphinx_build_has_no_warnings(tmp_path):
    pytest.importorskip("sphinx")
    pytest.importorskip("numpydoc")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-d",
            str(tmp_path / "doctrees"),
            str(ROOT / "docs"),
            str(tmp_path / "html"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_readme_forecasting_snippet_runs(tmp_path, monkeypatch):
    """The README's Python forecasting snippet, on a monthly sales.csv."""
    import re

    text = (ROOT / "README.md").read_text()
    code = next(c for c in re.findall(r"```python\n(.*?)```", text, re.S)
                if "read_csv" in c)  # fmt: skip
    t = np.arange(144)
    rng = np.random.default_rng(0)
    y = np.exp(4.8 + 0.01 * t + 0.15 * np.sin(2 * np.pi * t / 12))
    y = y * np.exp(rng.normal(0, 0.03, t.size))
    months = np.datetime64("2010-01") + t
    rows = "\n".join(f"{m},{v:.2f}" for m, v in zip(months, y, strict=True))
    (tmp_path / "sales.csv").write_text("month,sales\n" + rows + "\n")
    monkeypatch.chdir(tmp_path)
    code = code.replace("time_budget=10", "time_budget=1")
    code = code.replace(
        "backtest(series.values,", "backtest(time_budget=1, y=series.values,"
    )
    exec(compile(code, "README.md", "exec"), {"print": lambda *a, **k: None})


def test_reproducibility_promise_names_machine_and_blas_threads():
    # issue 15: the user guide promised bit-identical float64 results without
    # saying that they hold per machine and BLAS thread count only
    text = " ".join((ROOT / "docs" / "user_guide.rst").read_text().split())
    section = text.split("Reproducibility and precision")[1].split("Speed and")[0]
    assert "on one machine" in section and "number of BLAS threads" in section
    assert "threadpool_limits(1)" in section
    for est in (reservoir.ESNRegressor, reservoir.RNNRegressor):
        doc = " ".join(est.__doc__.split())
        assert "bit-identical" in doc
        assert "bit-identical float64 results;" not in doc
        assert "same BLAS thread count" in doc
