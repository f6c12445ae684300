"""The BPTT comparators against PyTorch's RNN, LSTM and GRU (optional).

The same weights are loaded into ``torch.nn.RNN`` / ``LSTM`` / ``GRU`` (two
layers, learned initial state, linear readout, mean squared error) and the
outputs, the loss and every gradient must agree; likewise for
``bidirectional=True`` on packed sequences of different lengths, and for the
skip connection through time against a PyTorch loop. Skipped without torch.
"""

import numpy as np
import pytest

from reservoir.comparators._network import Network, init_params

torch = pytest.importorskip("torch")

T, B, D, N, K, L = 7, 3, 2, 5, 2, 2


def _setup(cell, activation, seed=0, include_input=False, summary=False, **arch):
    """Random weights (moved off their initial values) and data; ``arch`` are
    ``bidirectional``, ``readout_layers`` or ``skip``."""
    rng = np.random.RandomState(seed)
    params = init_params(
        rng,
        cell=cell,
        init="glorot",
        n_layers=L,
        n_units=N,
        n_features=D,
        n_outputs=K,
        include_input=include_input,
        learn_initial_state=True,
        spectral_radius=0.9,
        density=None,
        input_scaling=1.0,
        bias_scaling=1.0,
        output_bias=np.zeros(K),
        **arch,
    )
    for key in params:
        params[key] = params[key] + 0.3 * rng.standard_normal(params[key].shape)
    net = Network(
        cell,
        L,
        N,
        params,
        activation=activation,
        include_input=include_input,
        summary=summary,
        **arch,
    )
    X = rng.standard_normal((T, B, D))
    Y = rng.standard_normal((T, B, K))
    return net, params, X, Y


def _torch_module(cell, activation, params):
    kwargs = {"input_size": D, "hidden_size": N, "num_layers": L}
    if cell == "elman":
        module = torch.nn.RNN(nonlinearity=activation, **kwargs)
    elif cell == "lstm":
        module = torch.nn.LSTM(**kwargs)
    else:
        module = torch.nn.GRU(**kwargs)
    module = module.double()
    with torch.no_grad():
        for layer in range(L):
            b = params[f"{layer}.b"]
            b_hh = np.zeros_like(b)
            if cell == "gru":
                b_hh[2 * N :] = params[f"{layer}.b_hn"]
            getattr(module, f"weight_ih_l{layer}").copy_(
                torch.from_numpy(params[f"{layer}.W_in"].T.copy())
            )
            getattr(module, f"weight_hh_l{layer}").copy_(
                torch.from_numpy(params[f"{layer}.W"].T.copy())
            )
            getattr(module, f"bias_ih_l{layer}").copy_(torch.from_numpy(b))
            getattr(module, f"bias_hh_l{layer}").copy_(torch.from_numpy(b_hh))
    return module


@pytest.mark.parametrize(
    ("cell", "activation"),
    [("elman", "tanh"), ("elman", "relu"), ("lstm", "tanh"), ("gru", "tanh")],
)
def test_outputs_and_gradients_match_torch(cell, activation):
    net, params, X, Y = _setup(cell, activation)
    loss, grads, _ = net.loss_grad(
        X, Y, np.ones((T, B)), net.initial_states(B), first=True
    )
    out, _, _ = net.forward(X, net.initial_states(B))

    module = _torch_module(cell, activation, params)
    h0 = torch.tensor(
        np.stack([params[f"{layer}.h0"] for layer in range(L)]), requires_grad=True
    )
    c0 = None
    state = h0[:, None, :].expand(L, B, N)
    if cell == "lstm":
        c0 = torch.tensor(
            np.stack([params[f"{layer}.c0"] for layer in range(L)]),
            requires_grad=True,
        )
        state = (state, c0[:, None, :].expand(L, B, N))
    W_out = torch.tensor(params["W_out"], requires_grad=True)
    b_out = torch.tensor(params["b_out"], requires_grad=True)
    H, _ = module(torch.from_numpy(X), state)
    t_out = H @ W_out + b_out
    t_loss = ((t_out - torch.from_numpy(Y)) ** 2).mean()
    t_loss.backward()

    np.testing.assert_allclose(out, t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert loss == pytest.approx(t_loss.item(), rel=1e-10)

    def close(mine, theirs):
        np.testing.assert_allclose(mine, theirs, rtol=1e-8, atol=1e-12)

    close(grads["W_out"], W_out.grad.numpy())
    close(grads["b_out"], b_out.grad.numpy())
    for layer in range(L):
        close(grads[f"{layer}.W_in"], getattr(module, f"weight_ih_l{layer}").grad.T)
        close(grads[f"{layer}.W"], getattr(module, f"weight_hh_l{layer}").grad.T)
        close(grads[f"{layer}.b"], getattr(module, f"bias_ih_l{layer}").grad)
        close(grads[f"{layer}.h0"], h0.grad[layer])
        if cell == "lstm":
            close(grads[f"{layer}.c0"], c0.grad[layer])
        if cell == "gru":
            close(
                grads[f"{layer}.b_hn"],
                getattr(module, f"bias_hh_l{layer}").grad[2 * N :],
            )


# ----------------------------------------------------------------------------
# bidirectional layers (padded sequences of different lengths) and skip


LENGTHS = [T, T - 3, T - 1]


def _bidirectional_setup(cell, activation, readout_layers="top", summary=False):
    net, params, X, Y = _setup(
        cell,
        activation,
        seed=1,
        include_input=True,
        summary=summary,
        bidirectional=True,
        readout_layers=readout_layers,
    )
    M = np.zeros((T, B))
    for b, n in enumerate(LENGTHS):
        M[:n, b] = 1.0
    return net, params, X, Y, M


def _torch_bidirectional(cell, activation, params):
    kwargs = dict(input_size=D, hidden_size=N, num_layers=L, bidirectional=True)
    if cell == "elman":
        module = torch.nn.RNN(nonlinearity=activation, **kwargs)
    else:
        module = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](**kwargs)
    module = module.double()
    with torch.no_grad():
        for layer in range(L):
            for prefix, suffix in ((f"{layer}.", ""), (f"{layer}r.", "_reverse")):
                b = params[prefix + "b"]
                b_hh = np.zeros_like(b)
                if cell == "gru":
                    b_hh[2 * N :] = params[prefix + "b_hn"]
                for name, value in (
                    ("weight_ih", params[prefix + "W_in"].T),
                    ("weight_hh", params[prefix + "W"].T),
                    ("bias_ih", b),
                    ("bias_hh", b_hh),
                ):
                    getattr(module, f"{name}_l{layer}{suffix}").copy_(
                        torch.from_numpy(np.ascontiguousarray(value))
                    )
    return module


def _compare_grads(grads, module, leaves, cell):
    def close(mine, theirs):
        np.testing.assert_allclose(mine, np.asarray(theirs), rtol=1e-10, atol=1e-12)

    for key, leaf in leaves.items():
        close(grads[key], leaf.grad)
    for layer in range(L):
        for prefix, suffix in ((f"{layer}.", ""), (f"{layer}r.", "_reverse")):
            theirs = {
                name: getattr(module, f"{name}_l{layer}{suffix}").grad
                for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            }
            close(grads[prefix + "W_in"], theirs["weight_ih"].T)
            close(grads[prefix + "W"], theirs["weight_hh"].T)
            close(grads[prefix + "b"], theirs["bias_ih"])
            if cell == "gru":
                close(grads[prefix + "b_hn"], theirs["bias_hh"][2 * N :])


@pytest.mark.parametrize(
    ("cell", "activation"),
    [("elman", "tanh"), ("elman", "relu"), ("lstm", "tanh"), ("gru", "tanh")],
)
@pytest.mark.parametrize("readout_layers", ["top", "all"])
def test_bidirectional_matches_torch(cell, activation, readout_layers):
    """nn.RNN/LSTM/GRU(bidirectional=True) on packed sequences of three lengths."""
    net, params, X, Y, M = _bidirectional_setup(cell, activation, readout_layers)
    lengths = np.array(LENGTHS)
    loss, grads, _ = net.loss_grad(
        X, Y, M, net.initial_states(B), first=True, lengths=lengths
    )
    out, _, _ = net.forward(X, net.initial_states(B), lengths)

    module = _torch_bidirectional(cell, activation, params)
    units = [f"{layer}{r}." for layer in range(L) for r in ("", "r")]
    leaves = {
        key: torch.tensor(params[key], requires_grad=True)
        for key in params
        if key.endswith(("h0", "c0")) or key in ("W_out", "b_out")
    }
    h0 = torch.stack([leaves[u + "h0"] for u in units])[:, None, :].expand(-1, B, N)
    state = h0
    if cell == "lstm":
        c0 = torch.stack([leaves[u + "c0"] for u in units])[:, None, :]
        state = (h0, c0.expand(-1, B, N))
    Xt = torch.from_numpy(X)
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        Xt, torch.tensor(LENGTHS), enforce_sorted=False
    )
    outputs = []
    if readout_layers == "all":  # one layer at a time to see every layer
        layers = []
        inp, first_state = packed, state
        for layer in range(L):
            sub = _torch_single_layer(module, cell, activation, layer)
            sl = slice(2 * layer, 2 * layer + 2)
            st = (
                (first_state[0][sl], first_state[1][sl])
                if cell == "lstm"
                else first_state[sl]
            )
            inp, _ = sub(inp, st)
            layers.append(inp)
        for layer_out in layers:
            outputs.append(torch.nn.utils.rnn.pad_packed_sequence(layer_out)[0])
    else:
        H, _ = module(packed, state)
        outputs.append(torch.nn.utils.rnn.pad_packed_sequence(H)[0])
    Z = torch.cat([Xt, *outputs], dim=2)
    t_out = Z @ leaves["W_out"] + leaves["b_out"]
    Mt = torch.from_numpy(M)[:, :, None]
    t_loss = (((t_out - torch.from_numpy(Y)) * Mt) ** 2).sum() / (Mt.sum() * K)
    t_loss.backward()

    np.testing.assert_allclose(
        out * M[:, :, None], (t_out * Mt).detach().numpy(), rtol=1e-10, atol=1e-12
    )
    assert loss == pytest.approx(t_loss.item(), rel=1e-10)
    _compare_grads(grads, module, leaves, cell)


def _torch_single_layer(module, cell, activation, layer):
    """Layer ``layer`` of ``module`` as its own module sharing the parameters."""
    kwargs = dict(
        input_size=D if layer == 0 else 2 * N, hidden_size=N, bidirectional=True
    )
    if cell == "elman":
        sub = torch.nn.RNN(nonlinearity=activation, **kwargs)
    else:
        sub = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](**kwargs)
    sub = sub.double()
    for suffix in ("", "_reverse"):
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            setattr(
                sub, f"{name}_l0{suffix}", getattr(module, f"{name}_l{layer}{suffix}")
            )
    sub.flatten_parameters = lambda: None
    sub._flat_weights = [getattr(sub, n) for n in sub._flat_weights_names]
    return sub


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_bidirectional_sequence_output_matches_torch(cell):
    """One output per sequence from h_n: forward and reverse final states."""
    net, params, X, _, M = _bidirectional_setup(cell, "tanh", summary=True)
    net.include_input = False
    rng = np.random.RandomState(2)
    params["W_out"] = rng.standard_normal((2 * N, K))
    Y = rng.standard_normal((T, B, K))
    lengths = np.array(LENGTHS)
    loss, grads, _ = net.loss_grad(
        X, Y, M, net.initial_states(B), first=True, lengths=lengths
    )
    module = _torch_bidirectional(cell, "tanh", params)
    units = [f"{layer}{r}." for layer in range(L) for r in ("", "r")]
    leaves = {
        key: torch.tensor(params[key], requires_grad=True)
        for key in params
        if key.endswith(("h0", "c0")) or key in ("W_out", "b_out")
    }
    h0 = torch.stack([leaves[u + "h0"] for u in units])[:, None, :].expand(-1, B, N)
    state = h0
    if cell == "lstm":
        c0 = torch.stack([leaves[u + "c0"] for u in units])[:, None, :]
        state = (h0, c0.expand(-1, B, N))
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        torch.from_numpy(X), torch.tensor(LENGTHS), enforce_sorted=False
    )
    _, final = module(packed, state)
    h_n = final[0] if cell == "lstm" else final
    summary = torch.cat([h_n[-2], h_n[-1]], dim=1)  # top layer, both directions
    t_out = summary @ leaves["W_out"] + leaves["b_out"]
    target = torch.from_numpy(Y[lengths - 1, np.arange(B)])
    t_loss = ((t_out - target) ** 2).mean()
    t_loss.backward()
    assert loss == pytest.approx(t_loss.item(), rel=1e-10)
    _compare_grads(grads, module, leaves, cell)


@pytest.mark.parametrize("skip", [2, 3])
def test_skip_connection_matches_a_torch_loop(skip):
    """h_t = (1-a) h_(t-1) + a tanh(x W_in + h_(t-1) W + h_(t-d) W_skip + b)."""
    rng = np.random.RandomState(3)
    leak = np.linspace(0.3, 1.0, N)
    params = init_params(
        rng,
        cell="elman",
        init="orthogonal",
        n_layers=1,
        n_units=N,
        n_features=D,
        n_outputs=K,
        include_input=False,
        learn_initial_state=True,
        spectral_radius=0.9,
        density=None,
        input_scaling=1.0,
        bias_scaling=1.0,
        output_bias=np.zeros(K),
        skip=skip,
    )
    for key in params:
        params[key] = params[key] + 0.3 * rng.standard_normal(params[key].shape)
    net = Network("elman", 1, N, params, leak=leak, skip=skip)
    X = rng.standard_normal((T, B, D))
    Y = rng.standard_normal((T, B, K))
    loss, grads, _ = net.loss_grad(
        X, Y, np.ones((T, B)), net.initial_states(B), first=True
    )

    P = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    a = torch.from_numpy(leak)
    history = [P["0.h0"].expand(B, N)] * skip
    Xt = torch.from_numpy(X)
    for t in range(T):
        prev, back = history[-1], history[-skip]
        f = torch.tanh(
            Xt[t] @ P["0.W_in"] + prev @ P["0.W"] + back @ P["0.W_skip"] + P["0.b"]
        )
        history.append((1 - a) * prev + a * f)
    H = torch.stack(history[skip:])
    t_loss = ((H @ P["W_out"] + P["b_out"] - torch.from_numpy(Y)) ** 2).mean()
    t_loss.backward()
    assert loss == pytest.approx(t_loss.item(), rel=1e-10)
    for key, value in P.items():
        np.testing.assert_allclose(grads[key], value.grad, rtol=1e-10, atol=1e-12)


# ----------------------------------------------------------------------------
# encoder-decoder: an encoder and a decoder written in PyTorch


def _load(module, params, side, cell):
    with torch.no_grad():
        for layer in range(L):
            prefix = f"{side}{layer}."
            b = params[prefix + "b"]
            b_hh = np.zeros_like(b)
            if cell == "gru":
                b_hh[-params[prefix + "b_hn"].size :] = params[prefix + "b_hn"]
            for name, value in (
                ("weight_ih", params[prefix + "W_in"].T),
                ("weight_hh", params[prefix + "W"].T),
                ("bias_ih", b),
                ("bias_hh", b_hh),
            ):
                getattr(module, f"{name}_l{layer}").copy_(
                    torch.from_numpy(np.ascontiguousarray(value))
                )


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
@pytest.mark.parametrize("chance", [1.0, 0.5, 0.0])
def test_encoder_decoder_matches_torch(cell, chance):
    """Ragged inputs (packed), a shorter output, mixed teacher forcing."""
    import test_comparators_seq2seq as s2s

    B2, D2, K2, N2, T_IN, T_OUT = s2s.B, s2s.D, s2s.K, s2s.N, s2s.T_IN, s2s.T_OUT
    encoder_decoder = s2s.encoder_decoder
    net, params, X, Y, M, rng = encoder_decoder(cell, n_layers=L)
    lengths = np.array([T_IN, T_IN - 2, T_IN - 1])
    teacher = (rng.random_sample((T_OUT, B2)) < chance).astype(float)
    loss, grads, _, out = net.loss_grad(X, lengths, Y, M, teacher)

    def make(input_size):
        kw = dict(input_size=input_size, hidden_size=N2, num_layers=L)
        if cell == "elman":
            return torch.nn.RNN(nonlinearity="tanh", **kw).double()
        return {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](**kw).double()

    encoder, decoder = make(D2), make(K2)
    _load(encoder, params, "e", cell)
    _load(decoder, params, "d", cell)
    leaves = {
        k: torch.tensor(v, requires_grad=True)
        for k, v in params.items()
        if k.endswith(("h0", "c0")) or k in ("W_out", "b_out")
    }
    h0 = torch.stack([leaves[f"e{layer}.h0"] for layer in range(L)])
    state = h0[:, None, :].expand(L, B2, N2)
    if cell == "lstm":
        c0 = torch.stack([leaves[f"e{layer}.c0"] for layer in range(L)])
        state = (state, c0[:, None, :].expand(L, B2, N2))
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        torch.from_numpy(X), torch.tensor(lengths), enforce_sorted=False
    )
    _, state = encoder(packed, state)  # final state of every layer
    Yt = torch.from_numpy(Y)
    mask = torch.from_numpy(teacher)[:, :, None]
    v = torch.zeros(B2, K2, dtype=torch.float64)
    outputs = []
    for k in range(T_OUT):
        if k:
            v = mask[k] * Yt[k - 1] + (1 - mask[k]) * outputs[-1]
        h, state = decoder(v[None], state)
        outputs.append(h[0] @ leaves["W_out"] + leaves["b_out"])
    t_out = torch.stack(outputs)
    Mt = torch.from_numpy(M)[:, :, None]
    t_loss = (((t_out - Yt) * Mt) ** 2).sum() / (Mt.sum() * K2)
    t_loss.backward()

    np.testing.assert_allclose(out, t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert loss == pytest.approx(t_loss.item(), rel=1e-10)

    def close(mine, theirs):
        np.testing.assert_allclose(mine, np.asarray(theirs), rtol=1e-10, atol=1e-12)

    for key, leaf in leaves.items():
        close(grads[key], leaf.grad)
    for side, module in (("e", encoder), ("d", decoder)):
        for layer in range(L):
            prefix = f"{side}{layer}."
            close(grads[prefix + "W_in"], getattr(module, f"weight_ih_l{layer}").grad.T)
            close(grads[prefix + "W"], getattr(module, f"weight_hh_l{layer}").grad.T)
            close(grads[prefix + "b"], getattr(module, f"bias_ih_l{layer}").grad)
            if cell == "gru":
                close(
                    grads[prefix + "b_hn"],
                    getattr(module, f"bias_hh_l{layer}").grad[2 * N2 :],
                )
