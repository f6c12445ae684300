"""Sphinx configuration for the reservoir documentation."""

import os

import reservoir

project = "reservoir"
author = "the reservoir developers"
copyright = "2026, the reservoir developers"
release = reservoir.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "numpydoc",
]
autosummary_generate = True
autodoc_default_options = {
    "members": True,
    "inherited-members": False,
    # scikit-learn's generic methods are documented by scikit-learn
    "exclude-members": (
        "set_fit_request,set_predict_request,set_score_request,"
        "set_transform_request,set_partial_fit_request,set_output,set_params,"
        "get_params,get_metadata_routing,score,fit_transform,"
        "get_feature_names_out"
    ),
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()
intersphinx_mapping: dict = {}
templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
html_theme = "alabaster"
html_static_path: list[str] = []
nitpicky = False

# --- the gallery: every script in examples/ is run and its figures shown ---
# The examples read RESERVOIR_EXAMPLES_SMALL=1 (their CI size, seconds each);
# set RESERVOIR_EXAMPLES_SMALL=0 to build the gallery at full size, or
# RESERVOIR_DOCS_GALLERY=0 to skip running the examples (pages without
# pictures, for a quick check of the text).
os.environ.setdefault("RESERVOIR_EXAMPLES_SMALL", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
extensions.append("sphinx_gallery.gen_gallery")
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",  # run every example, not only plot_*.py
    "plot_gallery": os.environ.get("RESERVOIR_DOCS_GALLERY", "1") != "0",
    "abort_on_example_error": True,
    "download_all_examples": False,
    "image_scrapers": ("matplotlib",),
    "min_reported_time": 1,
    "show_memory": False,
    "within_subsection_order": "FileNameSortKey",
}
