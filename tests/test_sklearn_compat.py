"""scikit-learn's estimator checks on every reservoir estimator."""

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import check_estimator, parametrize_with_checks

from reservoir import (
    CommitteeClassifier,
    CommitteeRegressor,
    ESNClassifier,
    ESNRegressor,
    LMSRegressor,
    NVARTransformer,
    ReservoirTransformer,
    RLSRegressor,
)
from reservoir.comparators import EncoderDecoderRegressor, RNNClassifier, RNNRegressor

#: The only expected failures: an ESN's output at step t depends on the rows
#: before it, so reordering rows or predicting on a subset changes it.
TIME_ORDER_CHECKS = {
    "check_methods_sample_order_invariance": (
        "rows are time steps; the state at step t depends on the order of the "
        "earlier rows"
    ),
    "check_methods_subset_invariance": (
        "the output at step t depends on the earlier rows, which a subset drops"
    ),
}


#: Row-wise predictors: learning is in time order, predictions are per row.
ROW_WISE = (RLSRegressor, LMSRegressor)


def expected_failures(estimator):
    if isinstance(estimator, ROW_WISE):
        return {}
    return dict(TIME_ORDER_CHECKS)


ESTIMATORS = [
    ESNRegressor(n_units=30, random_state=0),
    ReservoirTransformer(n_units=30, random_state=0),
    ESNClassifier(n_units=20, dtype="float32", random_state=0),
    ESNRegressor(n_units=[20, 10], n_layers=2, bidirectional=True, random_state=0),
    ESNClassifier(n_units=30, random_state=0),
    ESNClassifier(n_units=20, n_layers=2, aggregation="vote", random_state=0),
    ESNClassifier(n_units=30, readout=LogisticRegression(), random_state=0),
    ESNClassifier(
        n_units=20,
        aggregation="reservoir_model_space",
        state_reduction="pca",
        n_components=5,
        random_state=0,
    ),
    EncoderDecoderRegressor(
        n_units=8, cell="gru", max_epochs=10, learning_rate=0.02, random_state=0
    ),
    RNNRegressor(
        n_units=6,
        bidirectional=True,
        skip=3,
        max_epochs=20,
        learning_rate=0.02,
        random_state=0,
    ),
    RNNClassifier(
        n_units=6,
        cell="lstm",
        n_layers=2,
        bidirectional=True,
        max_epochs=20,
        learning_rate=0.05,
        random_state=0,
    ),
    NVARTransformer(n_delays=2, stride=2, degree=2),
    RLSRegressor(forgetting_factor=0.999),
    LMSRegressor(learning_rate=0.5, normalized=True),
    ESNRegressor(n_units=20, readout=RLSRegressor(), random_state=0),
    ESNRegressor(n_units=20, n_lags=3, readout_features="squared", random_state=0),
    CommitteeRegressor(ESNRegressor(n_units=10), n_members=2, random_state=0),
    CommitteeClassifier(ESNClassifier(n_units=10), n_members=2, random_state=0),
    CommitteeClassifier(
        ESNClassifier(n_units=10, readout=LogisticRegression()),
        n_members=2,
        response_method="predict_proba",
        random_state=0,
    ),
]


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failures)
def test_sklearn_api(estimator, check):
    check(estimator)


def test_float32_regressor_fails_only_the_float64_multioutput_check():
    """float32 in, float32 out conflicts with one scikit-learn check.

    ``ESNRegressor(dtype='float32').predict`` returns float32 (issue 16), and
    ``check_regressor_multioutput`` asserts float64 predictions. That is the
    one check besides the time-order ones that this variant fails, so it runs
    here, with the conflict spelled out, instead of in the list above, whose
    only expected failures are the time-order checks.
    """
    est = ESNRegressor(
        n_units=30, topology="ring", leak_rate=0.3, dtype="float32", random_state=0
    )
    results = check_estimator(est, on_fail=None)
    failed = {r["check_name"]: r["exception"] for r in results
              if r["status"] == "failed"}  # fmt: skip
    assert len(results) > 40
    assert set(failed) == set(TIME_ORDER_CHECKS) | {"check_regressor_multioutput"}
    message = str(failed["check_regressor_multioutput"])
    assert "expected to be floating-point precision" in message
    assert "Got float32 instead" in message
    X = np.random.default_rng(0).standard_normal((50, 2))
    assert est.fit(X, X.sum(axis=1)).predict(X).dtype == np.float32
