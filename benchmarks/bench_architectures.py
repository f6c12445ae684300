"""Bidirectional, encoder-decoder and skip-connection comparators: speed and accuracy.

Two parts, both printed as tables.

**Speed** (``--part speed``): seconds per training epoch of each new
architecture against the same network in PyTorch on CPU with one thread
(float64, hidden 64, batch 32, 10 minibatches per epoch, Adam, norm clipping,
whole-sequence BPTT), through ``fit`` as in ``bench_rnn.py``:

- bidirectional Elman/LSTM/GRU (length 100) against
  ``torch.nn.RNN/LSTM/GRU(bidirectional=True)``;
- the encoder-decoder (GRU and LSTM, 100 input and 84 output steps), teacher
  forced (PyTorch runs its decoder over the shifted targets in one call) and
  with scheduled sampling at 0.5 (both decode step by step);
- the Elman network with a skip connection (``skip=4``) against a PyTorch loop
  (PyTorch has no such module).

**Accuracy on equal wall-clock budgets** (``--part accuracy``): every model
gets the same training time, ``--budget`` seconds. The BPTT models train
epoch after epoch (``warm_start``) until the budget is spent; the ESNs spend
it on a random search of their hyperparameters (spectral radius, leak rate,
input scaling, ridge penalty, and the aggregation for the classifier), scored
on a validation part of the training data, and the best is refitted on all of
it. Tasks:

- Mackey-Glass (tau=17) 84-step forecasting: the ``ESNForecaster`` in closed
  loop (warmed up on the 100 steps before each forecast origin) against the
  ``EncoderDecoderRegressor`` reading the same 100 steps; NRMSE over the 84
  steps, pooled over 40 test origins of a separate test stretch;
- Lorenz-63 (dt=0.02, all three variables) 40-step forecasting, the same way;
- sequence classification (``make_sequence_classification``: 4 generating
  systems, lengths 50-100, noise 0.3): a bidirectional GRU (``RNNClassifier``)
  against ``ESNClassifier(bidirectional=True)``; test accuracy.

The BPTT models' settings are fixed by hand (GRU, 64 units, Adam at 3e-3 or
1e-2, teacher forcing decaying linearly by 0.05 per epoch), not tuned on the
reported seeds 1 to ``--seeds`` (data and weights drawn anew for each).

    python benchmarks/bench_architectures.py                  # both parts
    python benchmarks/bench_architectures.py --part accuracy --budget 60
    python benchmarks/bench_architectures.py --quick          # smoke test
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from reservoir import ESNClassifier, ESNForecaster
from reservoir.comparators import EncoderDecoderRegressor, RNNClassifier, RNNRegressor
from reservoir.datasets import lorenz, mackey_glass, make_sequence_classification

HIDDEN, BATCH, N_BATCHES, LENGTH, T_IN, T_OUT = 64, 32, 10, 100, 100, 84


# ----------------------------------------------------------------------------
# speed


def _sequences(length, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (BATCH * N_BATCHES, length, 1))
    return X, np.cumsum(X, axis=1) * 0.1


def _best_epoch(fit, epochs: int) -> float:
    fit(1)  # compile and warm up
    best = np.inf
    for _ in range(2):
        tic = time.perf_counter()
        fit(epochs)
        best = min(best, (time.perf_counter() - tic) / epochs)
    return best


def ours(kind: str, cell: str, epochs: int) -> float:
    kw = dict(batch_size=BATCH, learning_rate=1e-3, random_state=0)
    if kind == "encoder-decoder" or kind == "scheduled sampling":
        X, y = _sequences(T_IN + T_OUT)
        X, y = X[:, :T_IN], y[:, T_IN:]
        tf = 1.0 if kind == "encoder-decoder" else 0.5
        return _best_epoch(
            lambda e: EncoderDecoderRegressor(
                HIDDEN, cell=cell, teacher_forcing=tf, max_epochs=e, **kw
            ).fit(X, y),
            epochs,
        )
    X, y = _sequences(LENGTH)
    extra = {"bidirectional": True} if kind == "bidirectional" else {"skip": 4}
    return _best_epoch(
        lambda e: RNNRegressor(HIDDEN, cell=cell, max_epochs=e, **extra, **kw).fit(
            X, y
        ),
        epochs,
    )


def theirs(kind: str, cell: str, epochs: int) -> float:
    """The same training loop in PyTorch on one thread."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    modules = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "elman": torch.nn.RNN}
    seq2seq = kind in ("encoder-decoder", "scheduled sampling")
    X, y = _sequences(T_IN + T_OUT if seq2seq else LENGTH)
    Xt = torch.from_numpy(X.transpose(1, 0, 2).copy())
    yt = torch.from_numpy(y.transpose(1, 0, 2).copy())
    if seq2seq:
        Xt, yt = Xt[:T_IN], yt[T_IN:]
    width = 2 if kind == "bidirectional" else 1
    if kind == "skip":
        W_in = torch.nn.Linear(1, HIDDEN).double()
        W = torch.nn.Linear(HIDDEN, HIDDEN, bias=False).double()
        W_skip = torch.nn.Linear(HIDDEN, HIDDEN, bias=False).double()
        parts = [W_in, W, W_skip]
    elif seq2seq:
        encoder = modules[cell](1, HIDDEN).double()
        decoder = modules[cell](1, HIDDEN).double()
        parts = [encoder, decoder]
    else:
        rnn = modules[cell](1, HIDDEN, bidirectional=True).double()
        parts = [rnn]
    readout = torch.nn.Linear(width * HIDDEN, 1).double()
    params = [p for m in [*parts, readout] for p in m.parameters()]
    optimizer = torch.optim.Adam(params, lr=1e-3)

    def outputs(Xb, yb):
        if kind == "skip":
            P = W_in(Xb)
            history = [torch.zeros(Xb.shape[1], HIDDEN, dtype=torch.float64)] * 4
            for t in range(Xb.shape[0]):
                history.append(torch.tanh(P[t] + W(history[-1]) + W_skip(history[-4])))
            return readout(torch.stack(history[4:]))
        if not seq2seq:
            return readout(rnn(Xb)[0])
        _, state = encoder(Xb)
        go = torch.zeros(1, Xb.shape[1], 1, dtype=torch.float64)
        if kind == "encoder-decoder":  # teacher forcing: one decoder call
            H, _ = decoder(torch.cat([go, yb[:-1]]), state)
            return readout(H)
        v, out = go[0], []
        mask = torch.rand(yb.shape[0], yb.shape[1], 1) < 0.5
        for k in range(yb.shape[0]):
            if k:
                v = torch.where(mask[k], yb[k - 1], out[-1])
            h, state = decoder(v[None], state)
            out.append(readout(h[0]))
        return torch.stack(out)

    def epoch():
        order = torch.randperm(X.shape[0])
        for start in range(0, X.shape[0], BATCH):
            idx = order[start : start + BATCH]
            optimizer.zero_grad()
            loss = ((outputs(Xt[:, idx], yt[:, idx]) - yt[:, idx]) ** 2).mean()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()

    epoch()
    best = np.inf
    for _ in range(2):
        tic = time.perf_counter()
        for _ in range(epochs):
            epoch()
        best = min(best, (time.perf_counter() - tic) / epochs)
    torch.set_num_threads(previous)
    return best


def speed(epochs: int, quick: bool) -> None:
    try:
        import torch
    except ImportError:
        torch = None
    cases = [
        ("bidirectional", "elman"),
        ("bidirectional", "lstm"),
        ("bidirectional", "gru"),
        ("encoder-decoder", "gru"),
        ("encoder-decoder", "lstm"),
        ("scheduled sampling", "gru"),
        ("skip", "elman"),
    ]
    if quick:
        cases = cases[2:4]
    print(
        f"Seconds per epoch: hidden {HIDDEN}, batch {BATCH}, {N_BATCHES} minibatches, "
        f"float64, best of 2 (length {LENGTH}; encoder-decoder {T_IN} in, {T_OUT} out)"
    )
    header = f"{'architecture':<20} {'cell':<6} {'reservoir':>10}"
    if torch is not None:
        header += f" {'torch 1thr':>11} {'ratio':>7}"
    print(header)
    for kind, cell in cases:
        mine = ours(kind, cell, epochs)
        line = f"{kind:<20} {cell:<6} {mine:>10.3f}"
        if torch is not None:
            other = theirs(kind, cell, epochs)
            line += f" {other:>11.3f} {mine / other:>7.2f}"
        print(line, flush=True)
    if torch is not None:
        print("ratio = reservoir time / one-thread torch time (goal: <= 2)")


# ----------------------------------------------------------------------------
# accuracy on equal budgets


def _until(budget: float, step) -> int:
    """Call ``step()`` until ``budget`` seconds have passed; return the count."""
    tic, count = time.perf_counter(), 0
    while count == 0 or time.perf_counter() - tic < budget:
        step()
        count += 1
    return count


def _train_bptt(model, X, y, budget: float):
    model.set_params(warm_start=True, max_epochs=1)
    epochs = _until(budget, lambda: model.fit(X, y))
    return model, f"{epochs} epochs"


def _windows(series, starts, t_in, t_out):
    X = np.stack([series[s : s + t_in] for s in starts])
    y = np.stack([series[s + t_in : s + t_in + t_out] for s in starts])
    return X, y


def _esn_forecaster_search(train, t_in, t_out, budget, rng, n_units):
    """Random search of an ESNForecaster within ``budget`` seconds."""
    cut = int(0.8 * len(train))
    origins = np.linspace(cut, len(train) - t_out, 8).astype(int)
    best = (np.inf, None)

    def trial():
        nonlocal best
        params = dict(
            spectral_radius=rng.uniform(0.5, 1.3),
            leak_rate=float(np.exp(rng.uniform(np.log(0.1), 0.0))),
            input_scaling=float(np.exp(rng.uniform(np.log(0.05), np.log(2.0)))),
            alpha=float(10 ** rng.uniform(-10, -3)),
        )
        model = ESNForecaster(n_units, washout=t_in // 2, random_state=0, **params)
        model.fit(train[:cut])
        errors = [
            model.forecast(t_out, context=train[o - t_in : o]) - train[o : o + t_out]
            for o in origins
        ]
        score = float(np.mean(np.square(errors)))
        if np.isfinite(score) and score < best[0]:
            best = (score, params)

    trials = _until(budget, trial)
    model = ESNForecaster(n_units, washout=t_in // 2, random_state=0, **best[1])
    return model.fit(train), f"{trials} trials"


def forecasting(name, series, t_in, t_out, budget, seed, sizes) -> list:
    """NRMSE of both models over ``t_out`` steps, pooled over test origins."""
    n_train = sizes["n_train"]
    series = series.reshape(len(series), -1)  # windows keep a feature axis
    mean, std = series[:n_train].mean(axis=0), series[:n_train].std(axis=0)
    series = (series - mean) / std
    train, test = series[:n_train], series[n_train:]
    origins = np.linspace(t_in, len(test) - t_out, sizes["n_origins"]).astype(int)
    truth = np.stack([test[o : o + t_out] for o in origins])
    rows = []
    esn, note = _esn_forecaster_search(
        train, t_in, t_out, budget, np.random.RandomState(seed), sizes["esn_units"]
    )
    pred = np.stack([esn.forecast(t_out, context=test[o - t_in : o]) for o in origins])
    rows.append((name, "ESN closed loop (ESNForecaster)", pred, note))
    X, y = _windows(
        train, range(0, n_train - t_in - t_out, sizes["stride"]), t_in, t_out
    )
    model = EncoderDecoderRegressor(
        sizes["rnn_units"],
        cell="gru",
        learning_rate=3e-3,
        batch_size=32,
        teacher_forcing=1.0,
        teacher_forcing_schedule="linear",
        teacher_forcing_decay=0.05,
        random_state=seed,
    )
    model, note = _train_bptt(model, X, y, budget)
    context = np.stack([test[o - t_in : o] for o in origins])
    pred = model.predict(context)
    rows.append((name, "encoder-decoder (GRU)", pred, note))
    scale = np.sqrt(np.mean(np.square(truth - truth.mean(axis=(0, 1)))))
    return [
        (
            task,
            model_name,
            float(np.sqrt(np.mean((p.reshape(truth.shape) - truth) ** 2)) / scale),
            note,
        )
        for task, model_name, p, note in rows
    ]


def classification(budget, seed, sizes) -> list:
    X, y = make_sequence_classification(
        sizes["n_sequences"], n_classes=4, noise=0.3, random_state=seed
    )
    n_train = int(0.75 * len(X))
    X_train, y_train, X_test, y_test = (
        X[:n_train],
        y[:n_train],
        X[n_train:],
        y[n_train:],
    )
    rng = np.random.RandomState(seed)
    cut = int(0.8 * n_train)
    best = (-np.inf, None)

    def trial():
        nonlocal best
        params = dict(
            spectral_radius=rng.uniform(0.5, 1.3),
            leak_rate=float(np.exp(rng.uniform(np.log(0.05), 0.0))),
            input_scaling=float(np.exp(rng.uniform(np.log(0.05), np.log(2.0)))),
            alpha=float(10 ** rng.uniform(-8, 0)),
            aggregation=str(rng.choice(["mean", "last", "support"])),
        )
        model = ESNClassifier(
            sizes["esn_units"], bidirectional=True, random_state=0, **params
        ).fit(X_train[:cut], y_train[:cut])
        score = model.score(X_train[cut:], y_train[cut:])
        if score > best[0]:
            best = (score, params)

    trials = _until(budget, trial)
    esn = ESNClassifier(
        sizes["esn_units"], bidirectional=True, random_state=0, **best[1]
    ).fit(X_train, y_train)
    rows = [
        (
            "sequence classification",
            "ESNClassifier(bidirectional=True)",
            esn.score(X_test, y_test),
            f"{trials} trials",
        )
    ]
    gru = RNNClassifier(
        sizes["rnn_units"] // 2,
        cell="gru",
        bidirectional=True,
        learning_rate=1e-2,
        batch_size=16,
        random_state=seed,
    )
    gru, note = _train_bptt(gru, X_train, y_train, budget)
    rows.append(
        (
            "sequence classification",
            "bidirectional GRU",
            gru.score(X_test, y_test),
            note,
        )
    )
    return rows


SIZES = {
    "full": dict(
        n_train=4000,
        n_origins=40,
        stride=2,
        esn_units=300,
        rnn_units=64,
        n_sequences=400,
    ),
    "quick": dict(
        n_train=500,
        n_origins=4,
        stride=20,
        esn_units=30,
        rnn_units=8,
        n_sequences=40,
    ),
}


def accuracy(budget: float, seeds: list[int], quick: bool) -> None:
    sizes = SIZES["quick" if quick else "full"]
    mg_out, lorenz_out = (84, 40) if not quick else (10, 10)
    t_in = 100 if not quick else 20
    results: dict = {}
    for seed in seeds:
        n = sizes["n_train"] + 1000 if not quick else sizes["n_train"] + 100
        rows = forecasting(
            f"Mackey-Glass {mg_out}-step",
            mackey_glass(n, random_state=seed).reshape(-1),
            t_in,
            mg_out,
            budget,
            seed,
            sizes,
        )
        rows += forecasting(
            f"Lorenz-63 {lorenz_out}-step",
            lorenz(n, random_state=seed),
            t_in,
            lorenz_out,
            budget,
            seed,
            sizes,
        )
        rows += classification(budget, seed, sizes)
        for task, model, score, note in rows:
            results.setdefault((task, model), []).append((score, note))
    print(
        f"Equal wall-clock budgets of {budget:g} s per model; seeds {seeds}; "
        "NRMSE (lower is better) or accuracy"
    )
    print(f"{'task':<26} {'model':<34} {'score per seed':<28} {'budget used for'}")
    for (task, model), values in results.items():
        scores = " ".join(f"{s:.4f}" for s, _ in values)
        notes = ", ".join(n for _, n in values)
        print(f"{task:<26} {model:<34} {scores:<28} {notes}", flush=True)


def _smoke_sizes() -> None:
    """Tiny speed-test sizes for ``--quick``."""
    global HIDDEN, BATCH, N_BATCHES, LENGTH, T_IN, T_OUT
    HIDDEN, BATCH, N_BATCHES, LENGTH, T_IN, T_OUT = 8, 8, 2, 20, 20, 10


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["speed", "accuracy", "both"], default="both")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--seeds", type=int, default=3, help="report seeds 1..SEEDS")
    parser.add_argument("--quick", action="store_true", help="smoke-test sizes")
    args = parser.parse_args(argv)
    budget = 0.2 if args.quick else args.budget
    if args.quick:
        _smoke_sizes()
    seeds = [1] if args.quick else list(range(1, args.seeds + 1))
    if args.part in ("speed", "both"):
        speed(1 if args.quick else args.epochs, args.quick)
        print()
    if args.part in ("accuracy", "both"):
        accuracy(budget, seeds, args.quick)


if __name__ == "__main__":
    main()
