import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, RidgeClassifier

from reservoir import ESNClassifier, ReservoirTransformer
from reservoir.datasets import make_sequence_classification


@pytest.fixture(scope="module")
def sequences():
    X, y = make_sequence_classification(240, n_classes=4, random_state=0)
    return X[:180], y[:180], X[180:], y[180:]


def _means(X):
    return np.array([x.mean(axis=0) for x in X])


@pytest.mark.parametrize(
    ("aggregation", "minimum"),
    [("mean", 0.85), ("vote", 0.85), ("last", 0.45), ("support", 0.45)],
)
def test_sequence_classification_beats_input_means(sequences, aggregation, minimum):
    X, y, Xt, yt = sequences
    clf = ESNClassifier(
        100,
        aggregation=aggregation,
        washout=10,
        leak_rate=0.5,
        input_scaling=0.5,
        random_state=0,
    ).fit(X, y)
    baseline = RidgeClassifier().fit(_means(X), y).score(_means(Xt), yt)
    accuracy = clf.score(Xt, yt)
    # 4 balanced classes whose means are all zero: the baseline is at chance
    assert baseline < 0.45
    assert accuracy >= minimum
    assert accuracy > baseline + 0.1


def test_mean_and_support_features_match_the_states(sequences):
    X, y, _, _ = sequences
    X, y = X[:20], y[:20]
    states = ReservoirTransformer(30, include_input=True, random_state=1).fit(X)
    feats = states.transform(X)
    mean_clf = ESNClassifier(
        30, aggregation="mean", washout=5, alpha=1e-3, random_state=1
    ).fit(X, y)
    Z = np.array([f[5:].mean(axis=0) for f in feats])
    ref = RidgeClassifier(alpha=1e-3).fit(Z, y)
    np.testing.assert_allclose(mean_clf.coef_, ref.coef_, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(
        mean_clf.decision_function(X), ref.decision_function(Z), atol=1e-8
    )
    sup = ESNClassifier(
        30,
        aggregation="support",
        n_support_points=3,
        washout=5,
        alpha=1e-3,
        random_state=1,
    ).fit(X, y)
    rows = [np.round(np.linspace(5, len(f) - 1, 3)).astype(int) for f in feats]
    Zs = np.array([f[r].ravel() for f, r in zip(feats, rows, strict=True)])
    ref_s = RidgeClassifier(alpha=1e-3).fit(Zs, y)
    np.testing.assert_allclose(
        sup.decision_function(X), ref_s.decision_function(Zs), atol=1e-8
    )


def test_per_step_classification_of_one_sequence():
    rng = np.random.default_rng(0)
    regimes = np.repeat(rng.integers(0, 2, 40), 50)
    t = np.arange(regimes.size)
    freq = np.where(regimes == 0, 0.1, 0.45)
    X = (np.sin(np.cumsum(freq)) + 0.05 * rng.standard_normal(t.size))[:, None]
    labels = np.where(regimes == 0, "slow", "fast")
    clf = ESNClassifier(100, leak_rate=0.3, random_state=0).fit(X[:1500], labels[:1500])
    pred = clf.predict(X)
    assert pred.shape == labels.shape and pred.dtype.kind == "U"
    assert set(clf.classes_) == {"fast", "slow"}
    assert np.mean(pred[1500:] == labels[1500:]) > 0.9
    scores = clf.decision_function(X[:10])
    assert scores.shape == (10,)


def test_per_step_labels_for_a_list_of_sequences():
    rng = np.random.default_rng(1)
    X = [rng.standard_normal((n, 2)) for n in (40, 55, 40)]
    y = [(x[:, 0] > 0).astype(int) for x in X]
    clf = ESNClassifier(40, random_state=0).fit(X, y)
    assert not clf.per_sequence_
    pred = clf.predict(X)
    assert isinstance(pred, list)
    assert [p.shape for p in pred] == [(40,), (55,), (40,)]
    assert np.mean(np.concatenate(pred) == np.concatenate(y)) > 0.95


def test_any_classifier_as_readout_with_probabilities(sequences):
    X, y, Xt, yt = sequences
    lr = LogisticRegression(max_iter=2000)
    for aggregation in ("mean", "vote"):
        clf = ESNClassifier(
            60, aggregation=aggregation, readout=lr, washout=10, random_state=0
        ).fit(X, y)
        proba = clf.predict_proba(Xt)
        assert proba.shape == (len(Xt), 4)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        assert clf.score(Xt, yt) > 0.6
    assert not hasattr(lr, "coef_")
    assert not hasattr(ESNClassifier(), "predict_proba")


def test_three_d_input_and_string_labels():
    X, y = make_sequence_classification(
        60, n_classes=3, min_length=40, max_length=40, random_state=2
    )
    X3 = np.stack(X)
    names = np.array(["a", "bb", "ccc"])[y]
    clf = ESNClassifier(50, washout=5, random_state=0).fit(X3, names)
    pred = clf.predict(X3)
    assert pred.shape == (60,) and set(pred) <= {"a", "bb", "ccc"}
    assert clf.decision_function(X3).shape == (60, 3)
    np.testing.assert_array_equal(pred, clf.predict(list(X3)))


def test_classifier_errors_name_the_argument(sequences):
    X, y, _, _ = sequences
    with pytest.raises(ValueError, match="aggregation"):
        ESNClassifier(10, aggregation="max").fit(X, y)
    with pytest.raises(ValueError, match="n_support_points"):
        ESNClassifier(10, n_support_points=0).fit(X, y)
    with pytest.raises(ValueError, match="one label per sequence"):
        ESNClassifier(10).fit(X, y[:-1])
    with pytest.raises(ValueError, match="washout"):
        ESNClassifier(10, washout=500).fit(X, y)
    with pytest.raises(ValueError, match="Unknown label type"):
        ESNClassifier(10).fit(X, np.linspace(0, 1, len(X)))
    fitted = ESNClassifier(10, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="sequence classification"):
        fitted.predict(X[0])
    with pytest.raises(TypeError, match="readout"):
        ESNClassifier(10, readout=3).fit(X, y)


# ------------------------------------------------------------- partial_fit
TOL = dict(rtol=1e-10, atol=1e-10)


def _same_readout(a, b):
    # to 1e-10 of the weights' scale (summation order differs between calls)
    scale = max(1.0, float(np.abs(b.coef_).max()))
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-10, atol=1e-10 * scale)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-10, atol=1e-10)


def _tagged_series(n=2400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2))
    smooth = np.convolve(X[:, 0], np.ones(7) / 7, "same")
    y = np.select([smooth > 0.2, smooth < -0.2], ["up", "down"], "flat")
    return X, y


@pytest.mark.parametrize("aggregation", ["mean", "last", "support", "vote"])
def test_partial_fit_over_calls_equals_one_fit_for_sequences(sequences, aggregation):
    X, y, Xt, _ = sequences
    # alpha as in the ESNRegressor streaming tests: with 1e-6 the readout is
    # ill-conditioned enough that summation order shows at 1e-9
    kw = dict(
        aggregation=aggregation, washout=10, leak_rate=0.5, alpha=1e-2, random_state=0
    )
    whole = ESNClassifier(40, **kw).fit(X, y)
    streamed = ESNClassifier(40, **kw)
    for start in range(0, len(X), 50):
        streamed.partial_fit(X[start : start + 50], y[start : start + 50], np.unique(y))
    _same_readout(streamed, whole)
    np.testing.assert_array_equal(streamed.classes_, whole.classes_)
    np.testing.assert_allclose(
        streamed.decision_function(Xt), whole.decision_function(Xt), **TOL
    )
    assert streamed.per_sequence_


def test_partial_fit_streams_one_tagged_series_in_chunks():
    X, y = _tagged_series()
    kw = dict(washout=150, leak_rate=0.4, random_state=3)
    whole = ESNClassifier(60, **kw).fit(X, y)
    streamed = ESNClassifier(60, **kw)
    classes = ["down", "flat", "up"]
    # the first chunk lies entirely inside the washout
    with pytest.warns(UserWarning, match="inside washout=150"):
        streamed.partial_fit(X[:100], y[:100], classes, continue_state=True)
    with pytest.raises(NotFittedError, match=r"no training row.*washout=150"):
        streamed.predict(X[:5])
    for start, stop in [(100, 437), (437, 1500), (1500, len(X))]:
        streamed.partial_fit(X[start:stop], y[start:stop], continue_state=True)
    _same_readout(streamed, whole)
    assert streamed._gram.n_samples == len(X) - 150
    np.testing.assert_array_equal(streamed.predict(X), whole.predict(X))


def test_partial_fit_after_fit_continues_and_fit_restarts():
    X, y = _tagged_series()
    kw = dict(washout=50, random_state=0)
    whole = ESNClassifier(30, **kw).fit(X, y)
    est = ESNClassifier(30, **kw).fit(X[:1000], y[:1000])
    est.partial_fit(X[1000:], y[1000:], continue_state=True)
    _same_readout(est, whole)
    # several per-step sequences, each from the zero state
    parts = [X[:800], X[800:1600], X[1600:]]
    labels = [y[:800], y[800:1600], y[1600:]]
    whole = ESNClassifier(30, **kw).fit(parts, labels)
    est.fit(parts[:1], labels[:1])  # a refit forgets the earlier calls
    est.partial_fit(parts[1:], labels[1:])
    _same_readout(est, whole)


@pytest.mark.parametrize(
    ("first", "second", "error", "match"),
    [
        ({}, None, ValueError, "classes must be given on the first call"),
        ({"classes": ["down", "up"]}, None, ValueError, r"labels \['flat'\]"),
        (
            {"classes": ["down", "flat", "up"]},
            {"classes": ["down", "up"]},
            ValueError,
            "classes must stay",
        ),
        (
            {"classes": ["down", "flat", "up"]},
            {"per_sequence": True},
            ValueError,
            "one label per time step, as in the earlier calls",
        ),
        (
            {"classes": ["down", "flat", "up"]},
            {"continue_state": "yes"},
            TypeError,
            "continue_state must be True or False",
        ),
        (
            {"classes": ["down", "flat", "up"]},
            {"two_sequences": True},
            ValueError,
            r"continues the 1 sequence\(s\) of the previous call, but X holds 2",
        ),
    ],
)
def test_partial_fit_errors_name_what_to_change(first, second, error, match):
    X, y = _tagged_series(600)
    est = ESNClassifier(20, washout=10, random_state=0)
    if second is None:
        with pytest.raises(error, match=match):
            est.partial_fit(X, y, **first)
        return
    est.partial_fit(X, y, **first)
    with pytest.raises(error, match=match):
        if second.get("per_sequence"):
            est.partial_fit([X[:100], X[100:200]], ["up", "down"])
        elif second.get("two_sequences"):
            est.partial_fit([X[:100], X[100:200]], [y[:100], y[100:200]],
                            continue_state=True)  # fmt: skip
        elif "classes" in second:
            est.partial_fit(X, y, second["classes"])
        else:
            est.partial_fit(X, y, continue_state=second["continue_state"])


def test_partial_fit_refuses_other_readouts_and_streamed_sequence_labels():
    X, y = _tagged_series(600)
    est = ESNClassifier(20, readout=LogisticRegression(), random_state=0)
    assert not hasattr(est, "partial_fit")
    with pytest.raises(AttributeError, match="partial_fit"):
        est.partial_fit(X, y, np.unique(y))
    est = ESNClassifier(20, random_state=0)
    with pytest.raises(ValueError, match="with one label per sequence pass whole"):
        est.partial_fit([X[:100], X[100:]], ["a", "b"], ["a", "b"], continue_state=True)
    with pytest.raises(ValueError, match=r"washout=50 leaves no step in sequence 1"):
        ESNClassifier(20, washout=50).partial_fit(
            [X[:100], X[100:140]], ["a", "b"], ["a", "b"]
        )
