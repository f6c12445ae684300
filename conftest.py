"""Test set-up shared by tests/ and the doctests in reservoir/."""

import os
import sys

import pytest

# pictures are drawn off screen in tests and doctests (reservoir.plotting)
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the figures a test or doctest opened."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
