"""Shared by the tests that compare a search's scores with GridSearchCV's."""


def scores_by_params(results):
    """``{sorted parameter items: mean test score}`` of a ``cv_results_``."""
    return {
        tuple(sorted(p.items())): s
        for p, s in zip(results["params"], results["mean_test_score"], strict=True)
    }
