"""EncoderDecoderRegressor: gradients, teacher forcing, truncation, layouts."""

import numpy as np
import pytest
from sklearn.base import clone
from test_comparators_gradients import assert_gradients, finite_differences

from reservoir import spectral_radius
from reservoir.comparators import EncoderDecoderRegressor
from reservoir.comparators._network import init_params
from reservoir.comparators._seq2seq import teacher_forcing_probability
from reservoir.comparators._seq2seq_network import EncoderDecoder

T_IN, T_OUT, B, D, K, N = 5, 4, 3, 2, 2, 4


def encoder_decoder(cell, *, n_layers=2, leak=None, seed=0, learn_initial_state=True):
    """An EncoderDecoder with random weights (shared with the torch test)."""
    rng = np.random.RandomState(seed)
    common = dict(
        cell=cell,
        init="glorot",
        n_layers=n_layers,
        n_units=N,
        include_input=False,
        spectral_radius=0.9,
        density=None,
        input_scaling=1.0,
        bias_scaling=1.0,
        n_outputs=K,
        output_bias=np.zeros(K),
    )
    enc = init_params(
        rng, n_features=D, learn_initial_state=learn_initial_state, **common
    )
    dec = init_params(rng, n_features=K, learn_initial_state=False, **common)
    params = {f"e{k}": v for k, v in enc.items() if k[0].isdigit()}
    params.update({f"d{k}": v for k, v in dec.items() if k[0].isdigit()})
    params["W_out"], params["b_out"] = dec["W_out"], dec["b_out"]
    for key in params:
        params[key] = params[key] + 0.3 * rng.standard_normal(params[key].shape)
    net = EncoderDecoder(
        cell,
        n_layers,
        N,
        params,
        leak=leak,
        learn_initial_state=learn_initial_state,
    )
    X = rng.standard_normal((T_IN, B, D))
    Y = rng.standard_normal((T_OUT, B, K))
    M = np.ones((T_OUT, B))
    M[T_OUT - 1 :, 1] = 0.0  # a shorter output sequence
    return net, params, X, Y, M, rng


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
@pytest.mark.parametrize("chance", [1.0, 0.5, 0.0])
def test_gradients_against_finite_differences(cell, chance):
    """Teacher-forced, mixed and free-running decoders; ragged inputs."""
    leak = np.linspace(0.3, 1.0, N) if cell == "elman" else None
    net, params, X, Y, M, rng = encoder_decoder(cell, leak=leak)
    lengths = np.array([T_IN, T_IN - 2, T_IN])
    teacher = (rng.random_sample((T_OUT, B)) < chance).astype(float)

    def loss():
        return net.loss_grad(X, lengths, Y, M, teacher)[0]

    _, grads, _, _ = net.loss_grad(X, lengths, Y, M, teacher)
    assert set(grads) == set(params)
    assert_gradients(grads, params, loss)


@pytest.mark.parametrize("cell", ["elman", "lstm"])
def test_later_window_gradients(cell):
    """A later truncation window: carried state and input are constants."""
    net, params, _, Y, M, rng = encoder_decoder(cell, n_layers=1)
    states = [
        tuple(rng.standard_normal((B, N)) for _ in s) for s in net.initial_states(B)
    ]
    v0 = rng.standard_normal((B, K))
    teacher = np.array([[1, 1, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
    _, grads, _, _ = net.loss_grad(None, None, Y, M, teacher, states, v0)
    assert not np.any(grads["e0.W"]) and not np.any(grads["e0.h0"])
    fd = finite_differences(
        params["d0.W"], lambda: net.loss_grad(None, None, Y, M, teacher, states, v0)[0]
    )
    np.testing.assert_allclose(grads["d0.W"], fd, rtol=1e-5, atol=1e-9)


def test_both_decoder_paths_agree():
    """Teacher forcing over whole layers equals the step-by-step path."""
    net, _, X, Y, _, _ = encoder_decoder("lstm")
    states, _ = net.encode(X, None)
    teacher = np.ones((T_OUT, B))
    results = []
    for stepwise in (False, True):
        out, cache, finals = net.decode(
            states, np.zeros((B, K)), Y, teacher, stepwise=stepwise
        )
        assert cache[0] == ("steps" if stepwise else "whole")
        grads = {}
        dinit = net.decode_backward(out - Y, cache, teacher, grads)
        results.append((out, finals, grads, dinit))
    (out_a, fin_a, g_a, d_a), (out_b, fin_b, g_b, d_b) = results
    np.testing.assert_allclose(out_a, out_b, rtol=1e-12, atol=1e-14)
    for key in g_a:
        np.testing.assert_allclose(g_a[key], g_b[key], rtol=1e-10, atol=1e-13)
    for a, b in zip(d_a + fin_a, d_b + fin_b, strict=True):
        for x, y in zip(a, b, strict=True):
            np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-13)


def test_teacher_forcing_schedules():
    assert teacher_forcing_probability(5, 0.8, "constant", 0.1) == 0.8
    assert teacher_forcing_probability(5, 0.8, "linear", 0.1) == pytest.approx(0.3)
    assert teacher_forcing_probability(9, 0.8, "linear", 0.1) == 0.0
    assert teacher_forcing_probability(2, 1.0, "exponential", 0.5) == 0.25
    k = 10.0
    assert teacher_forcing_probability(0, 1.0, "inverse_sigmoid", k) == pytest.approx(
        k / (k + 1)
    )


def _windows(n=40, t_in=12, t_out=6, seed=0):
    """Input windows of a noisy sine and the steps that follow each."""
    rng = np.random.RandomState(seed)
    series = np.sin(np.arange(n + t_in + t_out) * 0.3) + 0.05 * rng.standard_normal(
        n + t_in + t_out
    )
    X = np.stack([series[s : s + t_in] for s in range(n)])[:, :, None]
    y = np.stack([series[s + t_in : s + t_in + t_out] for s in range(n)])
    return X, y


FAST = dict(n_units=8, learning_rate=0.02, batch_size=10, random_state=0)


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_learns_to_forecast_windows(cell):
    X, y = _windows()
    model = EncoderDecoderRegressor(cell=cell, max_epochs=40, **FAST).fit(X, y)
    assert model.output_length_ == 6
    pred = model.predict(X)
    assert pred.shape == y.shape
    assert model.loss_curve_[-1] < 0.2 * model.loss_curve_[0]
    assert np.sqrt(np.mean((pred - y) ** 2)) < 0.3
    assert model.predict(X[:2], n_steps=9).shape == (2, 9)


def test_schedule_truncation_and_determinism():
    X, y = _windows()
    kw = dict(
        max_epochs=6,
        teacher_forcing=1.0,
        teacher_forcing_schedule="linear",
        teacher_forcing_decay=0.2,
        truncation=4,
        **FAST,
    )
    a = EncoderDecoderRegressor(**kw).fit(X, y)
    assert a.n_updates_ == 6 * 4 * 2  # 4 minibatches, 2 windows of 6 steps
    b = clone(a).fit(X, y)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    assert a.loss_curve_ == b.loss_curve_
    c = EncoderDecoderRegressor(**{**kw, "random_state": 1}).fit(X, y)
    assert not np.array_equal(a.predict(X), c.predict(X))
    # no truncation: the same first epoch's first update
    full = EncoderDecoderRegressor(**{**kw, "truncation": None, "max_epochs": 1})
    assert full.fit(X, y).n_updates_ == 4


def test_layouts_lengths_and_early_stopping():
    rng = np.random.RandomState(0)
    X = [rng.rand(n, 2) for n in (5, 9, 7, 6)]
    y = [rng.rand(m, 3) for m in (2, 4, 3, 3)]
    model = EncoderDecoderRegressor(max_epochs=3, **FAST).fit(X, y)
    assert model.output_length_ is None
    with pytest.raises(ValueError, match="n_steps is required"):
        model.predict(X)
    out = model.predict(X, n_steps=4)
    assert isinstance(out, list) and [o.shape for o in out] == [(4, 3)] * 4
    # a sequence alone generates what it generates in a padded batch
    np.testing.assert_allclose(model.predict([X[1]], n_steps=4)[0], out[1], rtol=1e-12)
    # one 2-D sequence: its output has one row per input row
    X1 = rng.rand(30, 2)
    one = EncoderDecoderRegressor(max_epochs=2, early_stopping=True, **FAST)
    assert one.fit(X1, X1[:, 0]).predict(X1).shape == (30,)
    assert len(one.validation_loss_curve_) == one.n_iter_
    Xc, yc = _windows(20)
    es = EncoderDecoderRegressor(
        max_epochs=50, early_stopping=True, n_iter_no_change=2, **FAST
    ).fit(Xc, yc)
    assert es.best_validation_loss_ == min(es.validation_loss_curve_)


def test_reservoir_encoder_and_warm_start():
    X, y = _windows(20)
    start = EncoderDecoderRegressor(
        init="reservoir", spectral_radius=0.8, max_epochs=0, **FAST
    ).fit(X, y)
    assert len(start.layers_) == 2  # encoder layer, then decoder layer
    assert spectral_radius(start.layers_[0]["W"]) == pytest.approx(0.8)
    model = EncoderDecoderRegressor(warm_start=True, max_epochs=2, **FAST).fit(X, y)
    first = list(model.loss_curve_)
    model.fit(X, y)
    assert model.n_iter_ == 4 and model.loss_curve_[:2] == first


BAD = [
    (dict(teacher_forcing=1.5), ValueError, "teacher_forcing"),
    (dict(teacher_forcing_schedule="cosine"), ValueError, "teacher_forcing_schedule"),
    (
        dict(teacher_forcing_schedule="exponential", teacher_forcing_decay=1.5),
        ValueError,
        "teacher_forcing_decay",
    ),
    (
        dict(teacher_forcing_schedule="inverse_sigmoid", teacher_forcing_decay=0.5),
        ValueError,
        "teacher_forcing_decay",
    ),
    (dict(init={"W": np.eye(2)}), ValueError, "weight mapping is not supported"),
    (dict(cell="gru", activation="relu"), ValueError, "activation applies"),
    (dict(truncation=0), ValueError, "truncation"),
]


@pytest.mark.parametrize(("params", "error", "match"), BAD)
def test_bad_parameters(params, error, match):
    X, y = _windows(4)
    with pytest.raises(error, match=match):
        EncoderDecoderRegressor(**params).fit(X, y)


def test_bad_targets():
    X, y = _windows(4)
    with pytest.raises(ValueError, match="one output sequence per input sequence"):
        EncoderDecoderRegressor().fit(X, y[:3])
    with pytest.raises(ValueError, match="one output sequence per input sequence"):
        EncoderDecoderRegressor().fit(X, y[:, 0])
    with pytest.raises(ValueError, match="same number of targets"):
        EncoderDecoderRegressor().fit(
            list(X), [np.zeros((3, 2)), *(row[:, None] for row in y[1:])]
        )
    with pytest.raises(ValueError, match="NaN"):
        EncoderDecoderRegressor().fit(X, np.where(y == y[0, 0], np.nan, y))
    model = EncoderDecoderRegressor(max_epochs=0).fit(X, y)
    with pytest.raises(ValueError, match="n_steps"):
        model.predict(X, n_steps=0)
