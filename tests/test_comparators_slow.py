"""Long-running evidence for the BPTT comparators (``pytest -m slow``).

They run the examples themselves, so the numbers the examples print are the
ones tested here. They take minutes: part of the full suite (and CI);
``pytest -m "not slow"`` leaves them out while developing.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _example(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_adding_problem_length_50_is_solved():
    error, updates, _ = _example("adding_problem").solve(50, verbose=False)
    assert error < 0.05
    assert updates <= 100 * 200


@pytest.mark.slow
def test_adding_problem_length_100_is_solved():
    error, updates, _ = _example("adding_problem").solve(
        100, learning_rate=1e-3, verbose=False
    )
    assert error < 0.05
    assert updates <= 100 * 200


@pytest.mark.slow
def test_esn_vs_rnn_small_table(capsys):
    rows = _example("esn_vs_rnn").run("small")
    out = capsys.readouterr().out
    assert "test NRMSE" in out
    assert len(rows) == 2 * 8
    scores = {(task, name): score for task, name, _, score, _ in rows}
    assert all(np.isfinite(s) for s in scores.values())
    assert scores[("Mackey-Glass", "ESN (ridge readout)")] < 0.01
    # trained networks learn both tasks far beyond the mean predictor
    assert all(s < 0.8 for s in scores.values())
