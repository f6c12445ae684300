"""scikit-learn's estimator checks on the BPTT comparators (small settings)."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from reservoir.comparators import RNNClassifier, RNNRegressor

_TIME_ORDERED = {
    "check_methods_sample_order_invariance": (
        "rows are time steps; the state at step t depends on the earlier rows"
    ),
    "check_methods_subset_invariance": (
        "the output at step t depends on the earlier rows of the sequence"
    ),
}

_SMALL = dict(
    n_units=8, max_epochs=20, truncation=20, learning_rate=0.02, random_state=0
)


def _xfails(estimator):
    return _TIME_ORDERED


@parametrize_with_checks(
    [RNNRegressor(**_SMALL), RNNClassifier(**_SMALL)],
    expected_failed_checks=_xfails,
)
def test_sklearn_api(estimator, check):
    check(estimator)
