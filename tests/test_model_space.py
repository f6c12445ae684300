"""Model-space representations (Bianchi et al. 2021) against the per-sequence
NumPy reference in ``tests/naive_model_space.py``."""

import pickle

import numpy as np
import pytest
from naive_model_space import model_space, pca_components, ridge, running_states
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline

from reservoir import ESNClassifier, ReservoirTransformer
from reservoir.datasets import make_sequence_classification

KINDS = ("output_model_space", "reservoir_model_space")

#: Tolerance of the batched kernel against the per-sequence NumPy solve (the
#: two solve the same well-conditioned systems in a different order).
TOL = 1e-8

ARCHITECTURES = {
    "plain": {},
    "deep": {"n_units": [9, 6], "n_layers": 2},
    "bidirectional": {"bidirectional": True},
    "deep_bidirectional": {"n_units": [7, 5], "n_layers": 2, "bidirectional": True},
}


@pytest.fixture(scope="module")
def data():
    # lengths 6..40 around a state size of 12-24: both the dual (n <= d) and
    # the primal (n > d) branch of the kernel run
    rng = np.random.default_rng(1)
    lengths = rng.integers(6, 41, size=24)
    X = [np.sin(np.cumsum(0.4 * rng.standard_normal((n, 3)), axis=0)) for n in lengths]
    y = np.array(["a", "b", "c"])[rng.integers(0, 3, size=24)]
    return X, y


def _space(kind, architecture, **params):
    settings = {"n_units": 12, "leak_rate": 0.7, "random_state": 3}
    settings.update(ARCHITECTURES[architecture])
    settings.update(params)
    return ReservoirTransformer(aggregation=kind, **settings)


def test_reference_ridge_is_sklearns_ridge():
    rng = np.random.default_rng(0)
    Z, Y = rng.standard_normal((15, 4)), rng.standard_normal((15, 2))
    fitted = Ridge(alpha=0.3).fit(Z, Y)
    expected = np.concatenate([fitted.coef_.ravel(), fitted.intercept_])
    np.testing.assert_allclose(ridge(Z, Y, 0.3), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("architecture", list(ARCHITECTURES))
@pytest.mark.parametrize("kind", KINDS)
def test_model_space_vectors_equal_a_per_sequence_numpy_ridge(data, kind, architecture):
    X, _ = data
    space = _space(kind, architecture, washout=2, model_space_alpha=0.5)
    got = space.fit_transform(X)
    expected = model_space(space, X, kind, 0.5, washout=2)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=TOL)


@pytest.mark.parametrize("method", ["pca", "tensor_pca"])
@pytest.mark.parametrize("architecture", ["plain", "deep_bidirectional"])
def test_state_reduction_is_fitted_on_the_training_sequences_only(
    data, method, architecture
):
    X, _ = data
    train, test = X[:14], X[14:]
    space = _space(
        "reservoir_model_space",
        architecture,
        washout=1,
        state_reduction=method,
        n_components=5,
        model_space_alpha=2.0,
    ).fit(train)
    rows = [running_states(space, U, 1)[0] for U in train]
    components, mean = pca_components(rows, method, 5)
    np.testing.assert_allclose(space.state_components_, components, atol=1e-9)
    expected = model_space(
        space, test, "reservoir_model_space", 2.0, 1, (components, mean)
    )
    np.testing.assert_allclose(space.transform(test), expected, rtol=0, atol=TOL)
    # transforming other data leaves the reduction as fitted
    before = space.state_components_.copy()
    space.transform(X)
    np.testing.assert_array_equal(space.state_components_, before)
    # fitted on the test sequences instead, the components differ
    other = _space(
        "reservoir_model_space",
        architecture,
        washout=1,
        state_reduction=method,
        n_components=5,
    ).fit(test)
    assert not np.allclose(other.state_components_, before)


@pytest.mark.parametrize("kind", KINDS)
def test_classifier_readout_is_ridge_on_the_model_space_vectors(data, kind):
    X, y = data
    params = {"n_units": 12, "washout": 2, "random_state": 0}
    clf = ESNClassifier(
        aggregation=kind, alpha=0.1, state_reduction="pca", n_components=6, **params
    ).fit(X, y)
    space = ReservoirTransformer(
        aggregation=kind, state_reduction="pca", n_components=6, **params
    )
    F = space.fit_transform(X)
    targets = np.where(y[:, None] == clf.classes_[None, :], 1.0, -1.0)
    if targets.shape[1] == 2:
        targets = targets[:, 1:]
    reference = Ridge(alpha=0.1).fit(F, targets)
    np.testing.assert_allclose(clf.coef_, reference.coef_, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(
        clf.decision_function(X[:5]).reshape(5, -1),
        reference.predict(F[:5]).reshape(5, -1),
        rtol=1e-7,
        atol=1e-8,
    )


def test_model_space_classifies_and_pickles():
    X, y = make_sequence_classification(120, random_state=0)
    clf = ESNClassifier(
        50,
        aggregation="reservoir_model_space",
        washout=5,
        state_reduction="tensor_pca",
        n_components=15,
        random_state=0,
    ).fit(X[:60], y[:60])
    assert clf.score(X[60:], y[60:]) >= 0.8  # 0.87 measured
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(
        restored.decision_function(X[60:]), clf.decision_function(X[60:])
    )
    assert not hasattr(clf, "partial_fit")  # model spaces are not streamed


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_bits_on_any_thread_count(data, kind):
    X, y = data
    params = {
        "n_units": 20,
        "aggregation": kind,
        "bidirectional": True,
        "state_reduction": "tensor_pca",
        "n_components": 8,
        "random_state": 5,
    }
    one = ESNClassifier(**params, n_jobs=1).fit(X, y).decision_function(X)
    again = ESNClassifier(**params, n_jobs=1).fit(X, y).decision_function(X)
    two = ESNClassifier(**params, n_jobs=2).fit(X, y).decision_function(X)
    np.testing.assert_array_equal(one, again)
    np.testing.assert_array_equal(one, two)


def test_model_space_vectors_feed_clustering_and_any_classifier(data):
    X, y = data
    space = ReservoirTransformer(
        15, aggregation="output_model_space", washout=2, random_state=0
    )
    labels = KMeans(2, n_init=3, random_state=0).fit_predict(space.fit_transform(X))
    assert labels.shape == (len(X),)
    model = make_pipeline(space, LogisticRegression(max_iter=500)).fit(X, y)
    assert model.predict(X).shape == (len(X),)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"model_space_alpha": 0.0}, "model_space_alpha"),
        ({"state_reduction": "svd", "n_components": 3}, "state_reduction"),
        ({"state_reduction": "pca"}, "n_components"),
        ({"state_reduction": "pca", "n_components": 99}, "n_components=99"),
        ({"washout": 5}, "at least 2 steps after washout=5"),
    ],
)
def test_model_space_errors_name_what_to_change(params, match):
    X = [np.ones((6, 2)) * k for k in range(4)]
    X[2] = np.ones((6, 2))
    settings = {"aggregation": "reservoir_model_space", "random_state": 0}
    settings.update(params)
    with pytest.raises(ValueError, match=match):
        ESNClassifier(10, **settings).fit(X, [0, 1, 0, 1])


def test_transformer_model_space_needs_a_collection():
    with pytest.raises(ValueError, match="collection of sequences"):
        ReservoirTransformer(10, aggregation="output_model_space").fit(np.ones((9, 2)))
    with pytest.raises(ValueError, match="aggregation"):
        ReservoirTransformer(10, aggregation="mean").fit([np.ones((9, 2))])
