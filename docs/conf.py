"""Sphinx configuration for the reservoir documentation."""

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
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path: list[str] = []
nitpicky = False
