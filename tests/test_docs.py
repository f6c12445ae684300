"""The documentation: docstrings of every public name, and the Sphinx build."""

import ast
import doctest
import importlib
import inspect
import re
import subprocess
import sys
import textwrap
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


def test_every_readme_python_block_runs(tmp_path, monkeypatch):
    """The README's Python blocks, in order in one namespace (the later ones
    use the ESN of "In code"), on a monthly sales.csv; a block after
    ``<!-- test-requires: package -->`` is skipped only without the package."""
    text = (ROOT / "README.md").read_text()
    # the time-budgeted searches at 1 s (the README shows 10 s and the default)
    for old, new in [
        ("time_budget=10", "time_budget=1"),
        ("backtest(series.values,", "backtest(time_budget=1, y=series.values,"),
    ]:
        assert text.count(old) == 1, f"README: small-size rule {old!r} is stale"
        text = text.replace(old, new)
    blocks = re.findall(
        r"(?:<!-- test-requires: ([\w.]+) -->\n)?```python\n(.*?)```", text, re.S
    )
    assert len(blocks) >= 5
    _write_sales_csv(tmp_path)
    monkeypatch.chdir(tmp_path)
    skipped = _run_blocks(
        [("python", code, requires or None) for requires, code in blocks],
        "README.md",
        _quiet_namespace(),
    )
    if skipped:
        pytest.skip(f"optional packages missing for {skipped}")


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


# ----------------------------------------------------------------------------
# issue 16: every code block of docs/*.rst and of the README runs
# ----------------------------------------------------------------------------

#: Marker (an rST comment, invisible in the built pages) on the line before a
#: code block that needs an optional package: ``.. test-requires: dask``. The
#: block is skipped only when that package cannot be imported.
REQUIRES = re.compile(r"^\.\. test-requires: ([\w.]+)\s*$")

#: Blocks that would take minutes at the sizes the pages show, run at small
#: sizes: page -> (text as written, text run, number of occurrences). Each
#: must match exactly, so a changed page cannot slip out of the test.
SMALL_SIZES = {
    "comparators.rst": [
        ("max_epochs=20).fit(X, y)", "max_epochs=2).fit(X, y)", 1),
        ("max_epochs=100, random_state=0)", "max_epochs=2, random_state=0)", 1),
    ],
    "model_selection.rst": [
        ("LocalCluster(n_workers=2, threads_per_worker=1)",
         "LocalCluster(n_workers=1, threads_per_worker=1, processes=False)", 1),
    ],
}  # fmt: skip


def _literal_block(lines, start):
    """The indented block after line ``start`` (dedented) and the next line."""
    i = start + 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    body = []
    while i < len(lines) and (not lines[i].strip() or lines[i][:1] in " \t"):
        body.append(lines[i])
        i += 1
    return textwrap.dedent("\n".join(body)).strip("\n") + "\n", i


def _code_blocks(text):
    """``(kind, code, required package or None)`` for every block of a page:
    kind is 'python' (a ``code-block:: python``) or 'doctest' (``>>>``).

    A plain ``::`` literal block must not hold Python (``ast.parse`` fails on
    formulas and shell lines): a Python snippet there would escape the test,
    so it is reported as kind 'unmarked-python'.
    """
    lines = text.splitlines()
    blocks = []
    for n, line in enumerate(lines):
        stripped = line.strip()
        requires = None
        k = n - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        if k >= 0 and (match := REQUIRES.match(lines[k].strip())):
            requires = match.group(1)
        if stripped.startswith(".. code-block::") or stripped.startswith(".. code::"):
            language = stripped.split("::", 1)[1].strip()
            code, _ = _literal_block(lines, n)
            if ">>>" in code:
                blocks.append(("doctest", code, requires))
            elif language in ("python", "py", "python3"):
                blocks.append(("python", code, requires))
        elif stripped.endswith("::") and not stripped.startswith(".."):
            code, _ = _literal_block(lines, n)
            if ">>>" in code:
                blocks.append(("doctest", code, requires))
            else:
                try:
                    ast.parse(code)
                except SyntaxError:
                    continue  # a formula or a shell line
                blocks.append(("unmarked-python", code, requires))
    return blocks


def _run_blocks(blocks, name, namespace):
    """Run the blocks in order in ``namespace``; return the skipped ones."""
    skipped = []
    for i, (kind, code, requires) in enumerate(blocks):
        label = f"{name}, block {i + 1}"
        assert kind != "unmarked-python", (
            f"{label} is Python in a plain '::' block, which this test cannot "
            f"tell from text; mark it '.. code-block:: python':\n{code}"
        )
        if requires is not None:
            try:
                importlib.import_module(requires)
            except ImportError:
                skipped.append((label, requires))
                continue
        if kind == "python":
            exec(compile(code, label, "exec"), namespace)
        else:
            test = doctest.DocTestParser().get_doctest(code, namespace, label, name, 0)
            runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS
                                           | doctest.NORMALIZE_WHITESPACE)  # fmt: skip
            runner.run(test, out=lambda s: None)
            assert runner.failures == 0, f"{label} failed its doctest:\n{code}"
    return skipped


def _quiet_namespace():
    return {"__name__": "__docs__", "print": lambda *a, **k: None}


@pytest.mark.parametrize("page", sorted(p.name for p in (ROOT / "docs").glob("*.rst")))
def test_every_docs_code_block_runs(page, tmp_path, monkeypatch):
    """Every Python block of the page runs, in order, in a fresh namespace
    (as a reader would paste them), in a scratch directory."""
    import matplotlib

    matplotlib.use("Agg")
    text = (ROOT / "docs" / page).read_text()
    for old, new, count in SMALL_SIZES.get(page, []):
        assert text.count(old) == count, f"{page}: small-size rule {old!r} is stale"
        text = text.replace(old, new)
    blocks = _code_blocks(text)
    monkeypatch.chdir(tmp_path)
    _write_sales_csv(tmp_path)
    namespace = _quiet_namespace()
    try:
        skipped = _run_blocks(blocks, page, namespace)
    finally:  # a page that starts a Dask client and cluster: close them
        for kind in ("Client", "LocalCluster"):
            for value in list(namespace.values()):
                if type(value).__name__ == kind and hasattr(value, "close"):
                    value.close()
    if skipped:
        pytest.skip(f"optional packages missing for {skipped}")


def _write_sales_csv(directory):
    """A monthly ``sales.csv`` (the file the docs' CSV examples read)."""
    t = np.arange(144)
    rng = np.random.default_rng(0)
    y = np.exp(4.8 + 0.01 * t + 0.15 * np.sin(2 * np.pi * t / 12))
    y = y * np.exp(rng.normal(0, 0.03, t.size))
    months = np.datetime64("2010-01") + t
    rows = "\n".join(f"{m},{v:.2f}" for m, v in zip(months, y, strict=True))
    (directory / "sales.csv").write_text("month,sales\n" + rows + "\n")


def test_docs_block_extraction_sees_every_kind():
    page = (
        "Text::\n\n    x_t = (1 - a) * x_{t-1}\n\n"
        ".. code-block:: python\n\n    a = 1\n\n"
        ".. code-block:: console\n\n    $ pip install x\n\n"
        ".. test-requires: dask\n\n.. code-block:: python\n\n    import dask\n\n"
        "Example::\n\n    >>> 1 + 1\n    2\n\n"
        "Sneaky::\n\n    b = a + 1\n"
    )
    kinds = [(kind, req) for kind, _, req in _code_blocks(page)]
    assert kinds == [("python", None), ("python", "dask"), ("doctest", None),
                     ("unmarked-python", None)]  # fmt: skip
