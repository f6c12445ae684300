"""Every script in benchmarks/ runs at smoke-test size.

The timings themselves are not checked (speed is never a unit test); these
tests only keep the scripts working, and the harvesting benchmark's own
checks that every path computed the same states.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = sorted(p.name for p in (ROOT / "benchmarks").glob("bench_*.py"))

#: Smoke-test arguments of each script.
SMOKE_ARGS = {
    "bench_harvest.py": ["--quick"],
    "bench_classification.py": ["--quick"],
    "bench_accuracy.py": ["--quick"],
    "bench_channel.py": ["--quick"],
    "bench_forecast.py": ["--quick"],
    # its pass/fail limit is for the full size; the smoke run only has to work
    # (the imports alone take 200-280 MB, depending on what is installed)
    "bench_memory.py": ["--quick", "--limit-mb", "100000"],
    "bench_search.py": ["--quick"],
    "bench_rnn.py": ["--epochs", "1", "--cells", "elman"],
    "bench_architectures.py": ["--quick"],
    "bench_nvar_online.py": ["--quick"],
    "bench_real_series.py": ["--quick"],
    "bench_public.py": ["--quick"],
    "bench_capacity.py": ["--quick"],
    "bench_plasticity.py": ["--quick"],
    "bench_model_space.py": ["--quick"],
    "bench_committee.py": ["--quick"],
}


def test_every_benchmark_has_smoke_arguments():
    assert BENCHMARKS, "benchmarks/ is empty"
    assert sorted(SMOKE_ARGS) == BENCHMARKS


def run_benchmark(script):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *SMOKE_ARGS[script]],
        capture_output=True,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
        timeout=600,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert proc.stdout.strip(), f"{script} printed nothing"
    return proc.stdout


@pytest.mark.parametrize("script", [b for b in BENCHMARKS if b != "bench_harvest.py"])
def test_benchmark_runs_at_smoke_size(script):
    run_benchmark(script)


def test_harvest_benchmark_paths_agree():
    """Its notes (lines 'N=...') hold a '!' when a path's states differ."""
    out = run_benchmark("bench_harvest.py")
    assert "N=20: single uses serial" in out
    assert "N=50: single uses serial" in out
    assert "batch median" in out
    notes = [line for line in out.splitlines() if line.startswith("N=")]
    flagged = [line for line in notes if "!" in line]
    assert not flagged, flagged
