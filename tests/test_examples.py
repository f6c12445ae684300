"""Every script in examples/ runs at CI size (``--small``)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("*.py"))

#: Examples run, with checks of what they print, by their own module's tests.
COVERED_ELSEWHERE = {
    "grid_search.py": "tests/test_search.py::test_example_runs_at_ci_size",
    "mackey_glass_forecast.py": "tests/test_forecast.py::test_examples_run_small",
    "lorenz_closed_loop.py": "tests/test_forecast.py::test_examples_run_small",
}


def test_every_example_is_run_somewhere():
    assert EXAMPLES, "examples/ is empty"
    for name in COVERED_ELSEWHERE:
        assert name in EXAMPLES, f"{name} is listed but not in examples/"


@pytest.mark.parametrize("script", [e for e in EXAMPLES if e not in COVERED_ELSEWHERE])
def test_example_runs_at_ci_size(script):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script), "--small"],
        capture_output=True,
        text=True,
        env={**os.environ, "RESERVOIR_EXAMPLES_SMALL": "1", "MPLBACKEND": "Agg"},
        timeout=900,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert proc.stdout.strip(), f"{script} printed nothing"
