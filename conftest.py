"""pytest configuration shared by the doctests of reservoir/ and tests/."""

import importlib.util

# modules of optional extras: their doctests need the extra installed
collect_ignore = [
    path
    for path, package in [("reservoir/_sktime.py", "sktime")]
    if importlib.util.find_spec(package) is None
]
