"""Test set-up shared by tests/ and the doctests in reservoir/."""

import importlib.util
import os
import sys

import pytest

# pictures are drawn off screen in tests and doctests (reservoir.plotting)
os.environ.setdefault("MPLBACKEND", "Agg")

# modules of optional extras: their doctests need the extra installed
collect_ignore = [
    path
    for path, package in [("reservoir/_sktime.py", "sktime")]
    if importlib.util.find_spec(package) is None
]


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the figures a test or doctest opened."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
