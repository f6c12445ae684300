"""Behaviour of RNNRegressor, RNNClassifier and from_esn."""

import numpy as np
import pytest
import scipy.stats
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from reservoir import ESNClassifier, ESNForecaster, ESNRegressor, spectral_radius
from reservoir.comparators import RNNClassifier, RNNRegressor, from_esn
from reservoir.datasets import mackey_glass, to_forecasting

FAST = dict(n_units=6, max_epochs=3, learning_rate=0.01, random_state=0)


@pytest.fixture(scope="module")
def series():
    return to_forecasting(mackey_glass(300), horizon=1)


def _memory_task(n_seq=12, length=20, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (n_seq, length, 1))
    y = np.concatenate([np.zeros((n_seq, 2)), X[:, :-2, 0]], axis=1)
    return X, y


# ----------------------------------------------------------------------------
# from_esn


@pytest.mark.parametrize(
    "esn_params",
    [
        dict(),
        dict(include_input=False, leak_rate=0.3),
        dict(activation="relu", spectral_radius=0.5, washout=20),
        dict(activation="sigmoid", density=0.9),
        dict(activation="identity", spectral_radius=0.5, topology="ring"),
        dict(leak_rate=np.linspace(0.1, 1.0, 25)),
    ],
)
def test_from_esn_zero_epochs_reproduces_esn(series, esn_params):
    X, y = series
    esn = ESNRegressor(25, random_state=0, **esn_params).fit(X, y)
    rnn = from_esn(esn, max_epochs=0).fit(X, y)
    np.testing.assert_allclose(rnn.predict(X), esn.predict(X), rtol=0, atol=1e-12)
    assert rnn.predict(X).shape == esn.predict(X).shape


def test_from_esn_sparse_collection_and_multioutput():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (4, 30, 2))
    Y = np.stack([np.roll(X[..., 0], 1, axis=1), X[..., 1] ** 2], axis=-1)
    esn = ESNRegressor(40, density=0.1, random_state=0).fit(X, Y)
    assert hasattr(esn.W_, "toarray")  # sparse reservoir
    rnn = from_esn(esn, max_epochs=0).fit(X, Y)
    np.testing.assert_allclose(rnn.predict(X), esn.predict(X), rtol=0, atol=1e-12)
    X_list = [X[0], X[1, :17]]
    for a, b in zip(rnn.predict(X_list), esn.predict(X_list), strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


def test_from_esn_fine_tunes_and_clones(series):
    X, y = series
    esn = ESNRegressor(20, random_state=0).fit(X, y)
    rnn = from_esn(esn, max_epochs=4, learning_rate=1e-3, truncation=50, random_state=0)
    params = rnn.get_params()
    assert params["cell"] == "elman" and params["n_units"] == 20
    np.testing.assert_array_equal(params["init"]["W"], esn.W_.toarray())
    twin = clone(rnn)
    rnn.fit(X, y)
    twin.fit(X, y)
    np.testing.assert_array_equal(rnn.predict(X), twin.predict(X))
    # fine-tuning moved the weights but never the init parameter
    assert not np.array_equal(rnn.layers_[0]["W"], params["init"]["W"])
    np.testing.assert_array_equal(rnn.init["W"], esn.W_.toarray())
    # every window update lowered the training loss
    assert rnn.loss_curve_[-1] < rnn.loss_curve_[0]


def test_from_esn_in_grid_search(series):
    X, y = series
    esn = ESNRegressor(15, random_state=0).fit(X, y)
    search = GridSearchCV(
        from_esn(esn, max_epochs=1, truncation=60, random_state=0),
        {"learning_rate": [1e-4, 1e-3]},
        cv=TimeSeriesSplit(2),
    ).fit(X, y)
    assert search.best_estimator_.n_iter_ == 1


def test_from_esn_rejects():
    with pytest.raises(TypeError, match="fitted ESNRegressor"):
        from_esn(ESNRegressor(10))
    X = np.random.RandomState(0).rand(50, 1)
    esn = ESNRegressor(10, density=0.5, readout=Ridge(), random_state=0)
    esn.fit(X, X[:, 0])
    with pytest.raises(TypeError, match="readout"):
        from_esn(esn)
    good = ESNRegressor(10, density=0.5, random_state=0).fit(X, X[:, 0])
    with pytest.raises(ValueError, match="init\\['W'\\] must have shape"):
        from_esn(good, n_units=12).fit(X, X[:, 0])
    with pytest.raises(ValueError, match="cell='elman' and skip=None"):
        from_esn(good, cell="gru").fit(X, X[:, 0])


# ----------------------------------------------------------------------------
# regressor


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_regressor_learns_memory_task(cell):
    X, y = _memory_task()
    rnn = RNNRegressor(
        12, cell=cell, learning_rate=0.02, batch_size=4, max_epochs=40, random_state=0
    ).fit(X, y)
    assert rnn.predict(X).shape == y.shape
    assert rnn.loss_curve_[-1] < 0.3 * rnn.loss_curve_[0]
    assert rnn.n_iter_ == 40 and rnn.n_updates_ == 40 * 3


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_determinism(cell):
    X, y = _memory_task(6, 15)
    kw = dict(cell=cell, n_layers=2, batch_size=2, truncation=6, **FAST)
    a = RNNRegressor(**kw).fit(X, y)
    b = RNNRegressor(**kw).fit(X, y)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    assert a.loss_curve_ == b.loss_curve_
    c = RNNRegressor(**{**kw, "random_state": 1}).fit(X, y)
    assert not np.array_equal(a.predict(X), c.predict(X))


def test_layouts_and_lengths():
    rng = np.random.RandomState(0)
    X_list = [rng.rand(n, 2) for n in (5, 9, 7)]
    y_list = [x.sum(axis=1) for x in X_list]
    rnn = RNNRegressor(**FAST).fit(X_list, y_list)
    out = rnn.predict(X_list)
    assert isinstance(out, list) and [o.shape for o in out] == [(5,), (9,), (7,)]
    # a sequence predicts the same alone as in a padded batch
    np.testing.assert_allclose(rnn.predict(X_list[0]), out[0], rtol=1e-13)
    X3 = rng.rand(3, 8, 2)
    Y3 = rng.rand(3, 8, 2)
    assert RNNRegressor(**FAST).fit(X3, Y3).predict(X3).shape == (3, 8, 2)


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
@pytest.mark.parametrize("init", ["orthogonal", "glorot", "identity", "reservoir"])
def test_inits(cell, init):
    X, y = _memory_task(2, 10)
    rnn = RNNRegressor(
        20, cell=cell, init=init, spectral_radius=0.7, max_epochs=0, random_state=0
    ).fit(X, y)
    W = rnn.layers_[0]["W"]
    blocks = {"elman": 1, "lstm": 4, "gru": 3}[cell]
    assert W.shape == (20, 20 * blocks)
    candidate = W[:, {"elman": 0, "lstm": 40, "gru": 40}[cell] :][:, :20]
    if init == "reservoir":
        assert spectral_radius(candidate) == pytest.approx(0.7, rel=1e-6)
    elif init == "identity":
        np.testing.assert_array_equal(candidate, np.eye(20))
    elif init == "orthogonal":
        np.testing.assert_allclose(candidate.T @ candidate, np.eye(20), atol=1e-12)
    if cell == "lstm":
        assert np.all(rnn.layers_[0]["b"][20:40] >= 1.0 - 1e-12)


def test_truncation_updates_and_equivalence():
    rng = np.random.RandomState(0)
    X = rng.rand(50, 1)
    y = np.cumsum(X[:, 0]) / 10
    r = RNNRegressor(truncation=12, **FAST).fit(X, y)
    assert r.n_updates_ == 3 * 5  # ceil(50 / 12) windows per epoch
    full = RNNRegressor(**FAST).fit(X, y)
    same = RNNRegressor(truncation=50, **FAST).fit(X, y)
    np.testing.assert_array_equal(full.predict(X), same.predict(X))


@pytest.mark.parametrize("nesterov", [True, False])
def test_sgd_trains(nesterov):
    X, y = _memory_task()
    rnn = RNNRegressor(
        12,
        solver="sgd",
        nesterov=nesterov,
        learning_rate=0.1,
        batch_size=4,
        max_epochs=20,
        random_state=0,
    ).fit(X, y)
    assert rnn.loss_curve_[-1] < 0.7 * rnn.loss_curve_[0]


def test_early_stopping_keeps_best_weights():
    X, y = _memory_task(20)
    rnn = RNNRegressor(
        8,
        learning_rate=0.5,
        batch_size=4,
        max_epochs=60,
        early_stopping=True,
        n_iter_no_change=3,
        validation_fraction=0.25,
        random_state=0,
    ).fit(X, y)
    assert rnn.n_iter_ < 60
    assert len(rnn.validation_loss_curve_) == rnn.n_iter_
    assert rnn.best_validation_loss_ == min(rnn.validation_loss_curve_)
    # one sequence: the validation part is its tail
    X1, y1 = X.reshape(-1, 1), y.reshape(-1)
    one = RNNRegressor(
        early_stopping=True, truncation=50, **{**FAST, "max_epochs": 4}
    ).fit(X1, y1)
    assert len(one.validation_loss_curve_) == one.n_iter_


def test_verbose_prints_losses(capsys):
    X, y = _memory_task(4, 10)
    RNNRegressor(
        verbose=True, early_stopping=True, validation_fraction=0.25, **FAST
    ).fit(X, y)
    out, err = capsys.readouterr()
    assert out == ""  # progress goes to stderr, as every estimator's verbose
    assert err.count("[RNNRegressor] epoch") == 3 and "validation loss" in err


def test_sequence_targets_and_warm_start():
    rng = np.random.RandomState(0)
    X = [rng.uniform(-1, 1, (n, 1)) for n in rng.randint(5, 12, 30)]
    y = np.array([x.sum() for x in X])
    kw = {**FAST, "n_units": 8, "learning_rate": 0.02, "batch_size": 10}
    rnn = RNNRegressor(warm_start=True, **kw)
    rnn.fit(X, y)
    assert rnn.predict(X).shape == (30,) and rnn.n_updates_ == 3 * 3
    first = list(rnn.loss_curve_)
    rnn.fit(X, y)  # continues
    assert rnn.n_iter_ == 6 and rnn.n_updates_ == 18
    assert rnn.loss_curve_[:3] == first
    cold = RNNRegressor(**{**kw, "max_epochs": 6}).fit(X, y)
    np.testing.assert_allclose(cold.loss_curve_[:3], first)
    with pytest.raises(ValueError, match="one target per sequence"):
        RNNRegressor().fit(X, y[:-1])


def test_washout_leaves_first_steps_out_of_the_loss():
    X, y = _memory_task(4, 10)
    y_bad = y.copy()
    y_bad[:, :3] = 1e6  # only inside the washout
    a = RNNRegressor(washout=3, **FAST).fit(X, y)
    b = RNNRegressor(washout=3, **FAST).fit(X, y_bad)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    with pytest.raises(ValueError, match="washout=10 leaves no training step"):
        RNNRegressor(washout=10).fit(X, y)


def test_zero_epochs_and_no_learned_state():
    X, y = _memory_task(3, 10)
    rnn = RNNRegressor(learn_initial_state=False, **{**FAST, "max_epochs": 0})
    rnn.fit(X, y)
    assert rnn.loss_curve_ == [] and rnn.n_iter_ == 0
    assert "h0" not in rnn.layers_[0]


BAD = [
    ("cell", "rnn", ValueError, "cell must be one of"),
    ("init", "he", ValueError, "init must be one of"),
    ("solver", "rmsprop", ValueError, "solver must be one of"),
    ("n_units", 0, ValueError, "n_units must be"),
    ("n_units", 2.5, TypeError, "n_units must be an integer"),
    ("n_layers", 0, ValueError, "n_layers"),
    ("learning_rate", 0.0, ValueError, "learning_rate"),
    ("momentum", 1.0, ValueError, "momentum"),
    ("clip", 0.0, ValueError, "clip"),
    ("clip", -1.0, ValueError, "clip"),
    ("truncation", 0, ValueError, "truncation"),
    ("validation_fraction", 1.0, ValueError, "validation_fraction"),
    ("validation_fraction", -0.1, ValueError, "validation_fraction"),
    ("batch_size", 0, ValueError, "batch_size"),
    ("max_epochs", -1, ValueError, "max_epochs"),
    ("leak_rate", 0.0, ValueError, "leak_rate"),
    ("activation", "softplus", ValueError, "activation must be one of"),
    ("spectral_radius", -1.0, ValueError, "spectral_radius"),
    ("density", 1.5, ValueError, "density"),
    ("include_input", "yes", TypeError, "include_input"),
    ("shuffle", 1, TypeError, "shuffle"),
    ("n_iter_no_change", 0, ValueError, "n_iter_no_change"),
    ("tol", -1.0, ValueError, "tol"),
    ("washout", -1, ValueError, "washout"),
    ("warm_start", "no", TypeError, "warm_start"),
    ("verbose", "loud", TypeError, "verbose"),
]


@pytest.mark.parametrize(("name", "value", "error", "match"), BAD)
@pytest.mark.parametrize("Estimator", [RNNRegressor, RNNClassifier])
def test_bad_parameters(Estimator, name, value, error, match):
    X = np.random.RandomState(0).rand(10, 1)
    y = np.arange(10) % 2
    with pytest.raises(error, match=match):
        Estimator(**{name: value}).fit(X, y)


def test_bad_combinations():
    X = np.random.RandomState(0).rand(10, 1)
    y = X[:, 0]
    with pytest.raises(ValueError, match="activation applies to cell='elman'"):
        RNNRegressor(cell="lstm", activation="relu").fit(X, y)
    with pytest.raises(ValueError, match="leak_rate applies to cell='elman'"):
        RNNRegressor(cell="gru", leak_rate=0.5).fit(X, y)
    with pytest.raises(ValueError, match="early_stopping=True needs"):
        RNNRegressor(early_stopping=True, validation_fraction=0.0).fit(X, y)
    with pytest.raises(ValueError, match="leaves no training sequence"):
        RNNRegressor(early_stopping=True, validation_fraction=0.9).fit([X, X], [y, y])


# ----------------------------------------------------------------------------
# classifier


def test_classifier_sequence_labels():
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(n, 1)) for n in rng.randint(8, 16, 40)]
    y = np.array(["up" if x.sum() > 0 else "down" for x in X])
    clf = RNNClassifier(
        8, learning_rate=0.05, batch_size=8, max_epochs=40, random_state=0
    ).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, ["down", "up"])
    assert clf.predict(X).shape == (40,)
    proba = clf.predict_proba(X)
    assert proba.shape == (40, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert clf.score(X, y) > 0.9


def test_classifier_per_step_labels_in_collections():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(6, 12, 1))
    y = (X[:, :, 0] > 0).astype(int)
    clf = RNNClassifier(8, learning_rate=0.05, max_epochs=30, random_state=0).fit(X, y)
    assert clf.predict(X).shape == (6, 12)
    assert clf.predict_proba(X).shape == (6, 12, 2)
    assert clf.score(X[0], y[0]) > 0.8
    X_list = [X[0], X[1, :5]]
    clf.fit(X_list, [y[0], y[1, :5]])
    pred = clf.predict(X_list)
    assert isinstance(pred, list) and pred[1].shape == (5,)


def test_classifier_rejects_bad_labels():
    X = np.random.RandomState(0).rand(4, 5, 1)
    with pytest.raises(ValueError, match="one label per sequence"):
        RNNClassifier().fit(X, [0, 1, 0])
    with pytest.raises(ValueError, match="Unknown label type"):
        RNNClassifier().fit(X[0], np.linspace(0, 1, 5))


# ----------------------------------------------------------------------------
# from_esn on deep and bidirectional ESNs (issue 15, items 1 and 4)


@pytest.mark.parametrize(
    "esn_params",
    [
        dict(n_units=[10, 10], n_layers=2),  # the failing case of issue 15
        dict(n_units=10, bidirectional=True),
        dict(n_units=[12, 7, 5], n_layers=3, leak_rate=[0.3, 1.0, 0.6]),
        dict(
            n_units=[10, 6],
            n_layers=2,
            bidirectional=True,
            activation=["tanh", "relu"],
            leak_rate=[np.linspace(0.2, 1.0, 10), 0.5],
            include_input=False,
            washout=15,
        ),
        dict(n_units=8, n_layers=2, bidirectional=True, density=0.5, dtype="float64"),
        dict(n_units=8, n_layers=2, leak_rate=scipy.stats.uniform(0.2, 0.8)),
    ],
)
def test_from_esn_deep_and_bidirectional_reproduce_esn(esn_params):
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (200, 2))
    y = np.stack([X[:, 0], np.roll(X[:, 1], 2)], axis=1)
    esn = ESNRegressor(random_state=0, **esn_params).fit(X, y)
    rnn = from_esn(esn, max_epochs=0).fit(X, y)
    np.testing.assert_allclose(rnn.predict(X), esn.predict(X), rtol=0, atol=1e-10)
    # several sequences of different lengths (reverse layers per length)
    X_list = [X[:50], X[50:170], X[170:]]
    for a, b in zip(rnn.predict(X_list), esn.predict(X_list), strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)


def test_from_esn_deep_bidirectional_fine_tunes():
    X, y = to_forecasting(mackey_glass(300), horizon=1)
    esn = ESNRegressor([15, 10], n_layers=2, bidirectional=True, random_state=0)
    esn.fit(X, y)
    rnn = from_esn(
        esn, max_epochs=3, solver="sgd", learning_rate=1e-4, random_state=0
    ).fit(X, y)
    assert rnn.get_params()["readout_layers"] == "all"
    assert len(rnn.layers_) == 4  # forward layers, then reverse ones
    assert rnn.loss_curve_[-1] < rnn.loss_curve_[0]
    # the zero blocks that keep the ESN's directions apart are trained too
    assert np.any(rnn.layers_[1]["W_in"][15:])
    with pytest.raises(ValueError, match="truncation needs a causal network"):
        from_esn(esn, truncation=50).fit(X, y)


def test_from_esn_names_what_it_supports():
    X = np.random.RandomState(0).rand(60, 2)
    labels = (X[:, 0] > 0.5).astype(int)
    for model in (
        ESNClassifier(20, random_state=0).fit(X, labels),  # issue 15, item 4
        ESNForecaster(20, washout=10, random_state=0).fit(X[:, 0]),
        RNNRegressor(4, max_epochs=0).fit(X, X[:, 0]),
        "esn",
    ):
        with pytest.raises(TypeError, match="from_esn needs a fitted ESNRegressor"):
            from_esn(model)
    with pytest.raises(TypeError, match="not fitted"):
        from_esn(ESNRegressor(10, n_layers=2))
    # directions with different leak rates cannot be one bidirectional layer
    esn = ESNRegressor(
        10, bidirectional=True, leak_rate=scipy.stats.uniform(0.2, 0.8), random_state=0
    ).fit(X, X[:, 0])
    with pytest.raises(TypeError, match="different leak rates in layer 0"):
        from_esn(esn)


def test_weight_mapping_is_checked():
    X = np.random.RandomState(0).rand(30, 1)
    esn = ESNRegressor(6, n_layers=2, random_state=0).fit(X, X[:, 0])
    init = from_esn(esn).init
    with pytest.raises(ValueError, match="list of 2 arrays, one per recurrent layer"):
        RNNRegressor(6, n_layers=2, init={**init, "W": init["W"][0]}).fit(X, X[:, 0])
    with pytest.raises(ValueError, match=r"init\['W_in'\]\[1\] must have shape"):
        RNNRegressor(6, n_layers=2, init={**init, "W_in": [init["W_in"][0]] * 2}).fit(
            X, X[:, 0]
        )
    with pytest.raises(ValueError, match=r"init\['W_out'\] must have shape"):
        RNNRegressor(6, n_layers=2, init=init).fit(X, X[:, 0])  # top-layer readout


# ----------------------------------------------------------------------------
# bidirectional networks and skip connections


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_bidirectional_regressor_sees_the_future(cell):
    """A target that depends on the next input needs the reverse layer."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (16, 12, 1))
    y = np.concatenate([X[:, 1:, 0], np.zeros((16, 1))], axis=1)
    kw = dict(
        cell=cell, learning_rate=0.03, batch_size=4, max_epochs=30, random_state=0
    )
    bi = RNNRegressor(8, bidirectional=True, n_layers=2, **kw).fit(X, y)
    uni = RNNRegressor(8, **kw).fit(X, y)
    assert bi.loss_curve_[-1] < 0.3 * uni.loss_curve_[-1]
    assert bi.predict(X).shape == y.shape
    # a sequence alone predicts what it predicts in a padded batch
    X_list = [X[0, :7], X[1], X[2, :9]]
    out = bi.predict(X_list)
    np.testing.assert_allclose(bi.predict(X_list[0]), out[0], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cell", ["elman", "gru"])
def test_bidirectional_sequence_labels(cell):
    """Per-sequence labels from both directions' final states."""
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(n, 1)) for n in rng.randint(6, 14, 40)]
    y = np.array(["first" if x[0, 0] > 0 else "other" for x in X])  # needs t=0
    clf = RNNClassifier(
        8,
        cell=cell,
        bidirectional=True,
        learning_rate=0.05,
        batch_size=8,
        max_epochs=30,
        random_state=0,
    ).fit(X, y)
    assert clf.score(X, y) > 0.95
    assert clf.predict_proba(X).shape == (40, 2)
    np.testing.assert_allclose(
        clf.predict_proba(X[:1]), clf.predict_proba(X)[:1], rtol=1e-12
    )


def test_skip_connection_option():
    X, y = _memory_task(8, 30)
    rnn = RNNRegressor(
        8,
        skip=4,
        learning_rate=0.02,
        batch_size=4,
        max_epochs=10,
        truncation=10,
        random_state=0,
    ).fit(X, y)
    assert set(rnn.layers_[0]) >= {"W", "W_skip", "W_in", "b", "h0"}
    assert rnn.loss_curve_[-1] < rnn.loss_curve_[0]
    ident = RNNRegressor(6, skip=3, init="identity", max_epochs=0).fit(X, y)
    np.testing.assert_array_equal(ident.layers_[0]["W_skip"], np.eye(6) / 2)


def test_new_architecture_parameters_are_checked():
    X = np.random.RandomState(0).rand(10, 1)
    y = X[:, 0]
    cases = [
        (dict(skip=1), ValueError, "skip must be"),
        (dict(skip=2.0), TypeError, "skip must be an integer"),
        (dict(cell="lstm", skip=3), ValueError, "skip .* applies to cell='elman'"),
        (dict(bidirectional="yes"), TypeError, "bidirectional"),
        (dict(readout_layers="some"), ValueError, "readout_layers must be one of"),
        (dict(bidirectional=True, truncation=5), ValueError, "truncation=None"),
        (dict(n_layers=2, n_units=[4, 4, 4]), ValueError, "n_units must be one value"),
        (dict(n_layers=2, activation=["tanh"]), ValueError, "activation must be one"),
        (
            dict(cell="gru", n_layers=2, activation=["tanh", "relu"]),
            ValueError,
            "activation applies to cell='elman'",
        ),
    ]
    for params, error, match in cases:
        with pytest.raises(error, match=match):
            RNNRegressor(**params).fit(X, y)


@pytest.mark.parametrize("cell", ["elman", "gru"])
def test_reservoir_init_of_reverse_layers_and_skip_weights(cell):
    X, y = _memory_task(2, 10)
    kw = dict(init="reservoir", spectral_radius=0.7, max_epochs=0, random_state=0)
    bi = RNNRegressor(12, cell=cell, bidirectional=True, n_layers=2, **kw).fit(X, y)
    assert len(bi.layers_) == 4
    first = {"elman": 0, "gru": 24}[cell]
    for layer in bi.layers_:
        candidate = layer["W"][:, first : first + 12]
        assert spectral_radius(candidate) == pytest.approx(0.7, rel=1e-6)
    assert bi.layers_[1]["W_in"].shape[0] == 24  # sees both directions below
    if cell == "elman":
        sk = RNNRegressor(12, skip=3, **kw).fit(X, y)
        for key in ("W", "W_skip"):  # drawn as reservoirs, then halved
            assert spectral_radius(sk.layers_[0][key]) == pytest.approx(0.35)


# issue 15, item 6: y * 1e300 ended with loss_curve_ == [inf], no error or
# warning
def test_huge_targets_are_refused_and_a_diverged_loss_warns():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 2))
    y = X[:, 0]
    with pytest.raises(
        ValueError, match=r"y has values up to 3.\d+e\+300.*scale y first"
    ):
        RNNRegressor(8, max_epochs=2, random_state=0).fit(X, y * 1e300)
    # below the limit the loss stays finite
    rnn = RNNRegressor(8, max_epochs=2, random_state=0).fit(X, y * 1e100)
    assert np.all(np.isfinite(rnn.loss_curve_))


def test_a_non_finite_training_loss_warns(monkeypatch):
    from sklearn.exceptions import ConvergenceWarning

    from reservoir.comparators import _rnn

    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 2))
    original = _rnn._BaseRNN._batch_gradients

    def overflowing(self, *args):
        for _loss, grads, count in original(self, *args):
            yield np.inf, grads, count

    monkeypatch.setattr(_rnn._BaseRNN, "_batch_gradients", overflowing)
    with pytest.warns(ConvergenceWarning, match=r"stopped at epoch 1.*Scale X"):
        rnn = RNNRegressor(4, max_epochs=5, random_state=0).fit(X, X[:, 0])
    assert rnn.n_iter_ == 1
