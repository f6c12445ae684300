"""NG-RC and online-learning figures (issue 17); protocols in docs/nvar.rst and
docs/online.rst.

1. ``ngrc``: NG-RC on Lorenz-63 with the protocol of Gauthier et al. (2021):
   dt 0.025, 400 training points, k=2, s=1, constant + linear + quadratic,
   ridge 2.5e-6, increments; NRMSE over one Lyapunov time (44 steps),
   normalised by the sum of the component variances; median over windows.
2. ``scroll``: the double-scroll circuit task of the same paper.
3. ``nvar-speed``: NVAR feature construction and closed-loop generation vs
   ReservoirPy 0.4.2's ``NVAR`` (needs ``reservoirpy``).
4. ``exact``: RLS with forgetting factor 1 against ridge.
5. ``drift``: RLS with forgetting tracks a regime switch; a batch ridge fit
   does not.
6. ``force``: FORCE learning of the sum of four sines, ten periods of free
   generation; and what fails without feedback or with teacher forcing.
7. ``rls-speed``: reservoir + RLS online steps/s, ``ESNRegressor.partial_fit``
   vs ReservoirPy's ``Reservoir >> RLS`` ``partial_fit`` (needs
   ``reservoirpy``).

Run ``python benchmarks/bench_nvar_online.py`` for every figure (a few
minutes on two cores), ``--only ngrc`` (etc.) for one, ``--quick`` for a
smoke run at tiny sizes. Speed ratios come from one run, timings interleaved,
best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import time

import numpy as np
from scipy.integrate import solve_ivp
from sklearn.linear_model import Ridge

from reservoir import (
    ESNForecaster,
    ESNRegressor,
    FORCEForecaster,
    NVARForecaster,
    NVARTransformer,
    ReservoirTransformer,
    RLSRegressor,
)
from reservoir.datasets import double_scroll, lorenz, regime_switch

SECTIONS = ("ngrc", "scroll", "nvar-speed", "exact", "drift", "force", "rls-speed")

#: The protocols' data: RK23 at SciPy's default tolerances from the papers'
#: initial states on the attractor, sampled on a grid from t = 0.
LORENZ_X0 = (17.67715816276679, 12.931379185960404, 43.91404334248268)
SCROLL_X0 = (0.37926545, 0.058339, -0.08167691)


def lorenz_rhs(t, s):
    return [10 * (s[1] - s[0]), s[0] * (28 - s[2]) - s[1], s[0] * s[1] - 8 / 3 * s[2]]


def scroll_rhs(t, s):
    dv = s[0] - s[1]
    g = dv / 3.44 + 2 * 2.25e-5 * math.sinh(11.6 * dv)
    return [s[0] / 1.2 - g, g - s[2], s[1] - 0.193 * s[2]]


def protocol_data(rhs, x0, max_time, dt):
    """The papers' sampling: ``round(max_time / dt)`` points of an RK23
    solution on ``linspace(0, max_time, n + 1)`` (its low-accuracy error,
    which depends on ``max_time``, is part of the protocol: see the docs)."""
    n = round(max_time / dt)
    t = np.linspace(0, max_time, n + 1)
    sol = solve_ivp(rhs, (0, max_time), x0, t_eval=t, method="RK23")
    return sol.y.T[:n]


def ngrc_nrmse(truth, forecast, variance):
    """sqrt(mean over steps and components of the squared error / sum var)."""
    return float(np.sqrt(np.mean((truth - forecast) ** 2) / variance))


def ngrc_windows(rhs, x0, dt, warmups, train, lyapunov_steps, tail, params, pinv=False):
    """NRMSE of every window: train on ``train`` points after the warm-up,
    forecast one Lyapunov time. Also the paper code's variant (first window
    point included, pooled variance), for comparison."""
    ours, paper_style = [], []
    for warmup in warmups:
        max_time = warmup + train * dt + tail  # the papers' integration spans
        data = protocol_data(rhs, x0, max_time, dt)
        start = round(warmup / dt)
        end = start + train
        model = NVARForecaster(**params).fit(data[start - 2 : end])
        if pinv:  # the paper code's solver: pseudo-inverse of the normal eqs.
            history = model.history_
            U = np.ascontiguousarray(data[start - 1 : end - 1])
            Z = NVARTransformer(
                params["n_delays"],
                degree=params["degree"],
                include_bias=params["include_bias"],
            ).fit(U)
            Z = Z.transform(U, history=data[start - 2 : start - 1])
            T = data[start:end] - data[start - 1 : end - 1]
            A = Z.T @ Z + params["alpha"] * np.eye(Z.shape[1])
            model._W = np.ascontiguousarray(np.linalg.pinv(A) @ Z.T @ T)
            model.history_ = history
        forecast = model.forecast(lyapunov_steps)
        truth = data[end : end + lyapunov_steps]
        with np.errstate(all="ignore"):
            ours.append(ngrc_nrmse(truth, forecast, data.var(axis=0).sum()))
            both = np.vstack([data[end - 1 : end], forecast[:-1]])
            paper_style.append(
                ngrc_nrmse(data[end - 1 : end - 1 + lyapunov_steps], both, data.var())
            )
    return np.array(ours), np.array(paper_style)


def fmt(values):
    return "[" + " ".join(f"{v:.2e}" for v in values) + "]"


def bench_ngrc(quick):
    print(
        "== NG-RC, Lorenz-63 (dt 0.025, 400 points, k=2, s=1, quadratic, "
        "ridge 2.5e-6, increments) =="
    )
    params = dict(n_delays=2, stride=1, degree=2, include_bias=True, alpha=2.5e-6)
    n_windows = 2 if quick else 10
    warmups = 5.0 + 10.0 * np.arange(n_windows)  # the paper's 10 windows
    for label, pinv in (("ridge (Cholesky)", False), ("paper's pinv solver", True)):
        ours, paper = ngrc_windows(
            lorenz_rhs, LORENZ_X0, 0.025, warmups, 400, 44, 1.104, params, pinv
        )
        print(f"{label:>20}: NRMSE per window {fmt(ours)}")
        print(
            f"{'':>20}  median over {n_windows} windows: {np.median(ours):.3e} "
            f"(paper-code variant: first point included, pooled variance: "
            f"{np.median(paper):.3e})"
        )
    if not quick:
        more = 5.0 + 10.0 * np.arange(40)
        ours, paper = ngrc_windows(
            lorenz_rhs, LORENZ_X0, 0.025, more, 400, 44, 1.104, params
        )
        print(
            f"{'40 windows':>20}: median {np.median(ours):.3e} (paper-code "
            f"variant {np.median(paper):.3e}); diverged (> 1e-2): "
            f"{int((~(ours < 1e-2)).sum())}"
        )
    # the same model on accurately integrated data (DOP853, rtol 1e-10)
    data = lorenz(5000 if not quick else 1500, dt=0.025)
    scores = []
    for start in range(0, data.shape[0] - 450, 450):
        model = NVARForecaster(**params).fit(data[start : start + 402])
        with np.errstate(all="ignore"):
            scores.append(
                ngrc_nrmse(
                    data[start + 402 : start + 446],
                    model.forecast(44),
                    data.var(axis=0).sum(),
                )
            )
    scores = np.array(scores)
    print(
        f"{'accurate data':>20}: same settings on datasets.lorenz (DOP853): "
        f"{int((~(scores < 1e-2)).sum())}/{scores.size} windows diverge, median "
        f"{np.median(scores):.3g}"
    )


def bench_scroll(quick):
    print(
        "== NG-RC, double-scroll circuit (dt 0.25, 400 points, k=2, s=1, cubic "
        "only, no constant, ridge 1e-3, increments; 1 Lyapunov time = 31 steps) =="
    )
    params = dict(n_delays=2, stride=1, degree=(3, 3), include_bias=False, alpha=1e-3)
    n_windows = 2 if quick else 10
    warmups = 1.0 + 100.0 * np.arange(n_windows)
    ours, paper = ngrc_windows(
        scroll_rhs, SCROLL_X0, 0.25, warmups, 400, 31, 800.0, params
    )
    print(f"  RK23 protocol data: NRMSE per window {fmt(ours)}")
    print(f"  median {np.median(ours):.3e} (paper-code variant {np.median(paper):.3e})")
    data = double_scroll(4400 if not quick else 1000)
    scores = []
    for start in range(0, data.shape[0] - 433, 433):
        model = NVARForecaster(**params).fit(data[start : start + 402])
        scores.append(
            ngrc_nrmse(
                data[start + 402 : start + 433],
                model.forecast(31),
                data.var(axis=0).sum(),
            )
        )
    print(
        f"  datasets.double_scroll (DOP853): median {np.median(scores):.3e} over "
        f"{len(scores)} windows"
    )


def best_rate(functions, n_items, repeat):
    """Best items/s of each function, timed in turn ``repeat`` times."""
    best = [0.0] * len(functions)
    for _ in range(repeat):
        for i, function in enumerate(functions):
            start = time.perf_counter()
            function()
            best[i] = max(best[i], n_items[i] / (time.perf_counter() - start))
    return best


def have_reservoirpy():
    return importlib.util.find_spec("reservoirpy") is not None


def bench_nvar_speed(quick, repeat):
    print("== NVAR speed vs ReservoirPy 0.4.2 NVAR (k=2, s=1, quadratic, Lorenz) ==")
    if not have_reservoirpy():
        print("  reservoirpy is not installed: skipped")
        return
    from reservoirpy.nodes import NVAR
    from reservoirpy.nodes import Ridge as RpyRidge

    n_steps, n_free = (2000, 200) if quick else (20000, 2000)
    data = lorenz(n_steps + 1, dt=0.025)
    ours = NVARTransformer(2, 1, degree=2).fit(data)
    theirs = NVAR(delay=2, order=2, strides=1)
    theirs.run(data[:10])  # initialise

    def rpy_features():
        theirs.reset()
        return theirs.run(data[:n_steps])

    ours_f, theirs_f = ours.transform(data[:n_steps]), rpy_features()
    # ReservoirPy has no constant feature; the rest is in the same order
    # after its first run, ReservoirPy's buffer is not reset (their #237):
    # compare from the first row with a full delay window
    assert np.allclose(ours_f[1:, 1:], theirs_f[1:]), "feature mismatch"
    rates = best_rate(
        [lambda: ours.transform(data[:n_steps]), rpy_features],
        [n_steps, n_steps],
        repeat,
    )
    print(
        f"  features: ours {rates[0]:,.0f} steps/s, ReservoirPy {rates[1]:,.0f} "
        f"steps/s -> {rates[0] / rates[1]:.1f}x"
    )
    forecaster = NVARForecaster(2, 1, degree=2, alpha=2.5e-6).fit(data[:402])
    readout = RpyRidge(ridge=2.5e-6)
    model = theirs >> readout
    model.fit(data[:401], data[1:402] - data[:401], warmup=2)

    def rpy_closed_loop():
        u = data[401]
        with np.errstate(all="ignore"):  # timing only: their forecast may blow up
            for _ in range(n_free):
                u = u + model(u)

    rates = best_rate(
        [lambda: forecaster.forecast(n_free), rpy_closed_loop], [n_free, n_free], repeat
    )
    print(
        f"  closed loop: ours {rates[0]:,.0f} steps/s, ReservoirPy "
        f"{rates[1]:,.0f} steps/s -> {rates[0] / rates[1]:.1f}x"
    )


def bench_exact():
    print("== RLS with forgetting factor 1 vs ridge (same penalty) ==")
    rng = np.random.default_rng(11)
    X = rng.normal(size=(5000, 50))
    y = X @ rng.normal(size=50) + 0.5 + 0.1 * rng.normal(size=5000)
    rls = RLSRegressor(1.0, alpha=0.1)
    for start in range(0, 5000, 777):
        rls.partial_fit(X[start : start + 777], y[start : start + 777])
    Z = np.hstack([np.ones((5000, 1)), X])
    ridge = Ridge(alpha=0.1, fit_intercept=False, solver="cholesky").fit(Z, y)
    diff = max(
        np.abs(rls.coef_ - ridge.coef_[1:]).max(), abs(rls.intercept_ - ridge.coef_[0])
    )
    print(
        f"  5000 rows x 50 features in 7 chunks: max |w_RLS - w_ridge| = "
        f"{diff:.2e} (target 1e-8)"
    )


def rolling_rmse(error, window):
    kernel = np.ones(window) / window
    return np.sqrt(np.convolve(error**2, kernel, mode="valid"))


def bench_drift(quick):
    print("== Drift: datasets.regime_switch, switch halfway; ESN N=100 + readouts ==")
    n_steps = 4000 if quick else 20000
    switch = n_steps // 2
    u, y = regime_switch(n_steps, noise=0.01, random_state=0)
    states = ReservoirTransformer(
        100, leak_rate=1.0, spectral_radius=0.5, random_state=0
    ).fit_transform(u)
    Z = np.hstack([u, states])
    window = 200
    results = {}
    for name, lam in (("RLS lambda=0.995", 0.995), ("RLS lambda=1", 1.0)):
        prior = RLSRegressor(lam, alpha=1e-2).partial_fit_predict(Z, y[:, 0])
        results[name] = prior - y[:, 0]
    batch = Ridge(1e-6).fit(Z[100:switch], y[100:switch, 0]).predict(Z)
    results["ridge fitted before"] = batch - y[:, 0]
    rls_before = rolling_rmse(
        results["RLS lambda=0.995"][switch - 2000 : switch], window
    ).mean()
    print(
        f"  pre-switch error level (RLS 0.995, a-priori RMSE over {window} steps "
        f"before the switch): {rls_before:.4f}"
    )
    for name, error in results.items():
        after = rolling_rmse(error[switch:], window)
        back = np.flatnonzero(after <= 2 * rls_before)
        when = f"{back[0] + window} steps" if back.size else "never"
        print(
            f"  {name:>20}: RMSE last {window} steps {after[-1]:.4f}; back "
            f"within 2x the pre-switch level after {when}"
        )


def four_sines(n_steps, period):
    """Sussillo & Abbott's periodic target: four harmonics, amplitude 1.3/1.5."""
    t = np.arange(n_steps) * 2 * np.pi / period
    return (
        (np.sin(t) + np.sin(2 * t) / 2 + np.sin(3 * t) / 6 + np.sin(4 * t) / 3)
        * 1.3
        / 1.5
    )


def bench_force(quick):
    period = 120  # steps (leak 0.1 = dt / tau: one period is 12 tau, as in the paper)
    n_units, n_train = (150, 10) if quick else (1000, 40)
    seeds = range(10, 11) if quick else range(10, 15)  # tuned on seeds 0-3
    print(
        f"== FORCE, sum of four sines (period {period} steps), N={n_units}, "
        f"{n_train} periods of training, 10 of free generation =="
    )
    y = four_sines((n_train + 10) * period, period)
    train, test = y[: n_train * period], y[n_train * period :]

    def score(forecast):
        return float(np.sqrt(np.mean((forecast - test) ** 2)) / test.std())

    runs = {"FORCE": [], "FORCE without feedback": [], "teacher forcing (ridge)": []}
    for seed in seeds:
        start = time.perf_counter()
        model = FORCEForecaster(n_units, random_state=seed).fit(train)
        runs["FORCE"].append(score(model.forecast(test.shape[0])))
        seconds = time.perf_counter() - start
        model = FORCEForecaster(n_units, feedback_scaling=0.0, random_state=seed)
        runs["FORCE without feedback"].append(
            score(model.fit(train).forecast(test.shape[0]))
        )
        teacher = ESNForecaster(
            n_units,
            spectral_radius=1.5,
            leak_rate=0.1,
            bias_scaling=0.0,
            include_input=False,
            washout=100,
            alpha=1e-6,
            random_state=seed,
        ).fit(train)
        with np.errstate(all="ignore"):
            runs["teacher forcing (ridge)"].append(
                score(np.nan_to_num(teacher.forecast(test.shape[0]), nan=1e6))
            )
    for name, values in runs.items():
        print(
            f"  {name:>24}: NRMSE over 10 free periods {fmt(values)}, median "
            f"{np.median(values):.3f}"
        )
    print(f"  (one FORCE training run: {seconds:.1f} s)")


def bench_rls_speed(quick, repeat):
    print(
        "== Online steps/s: reservoir + RLS partial_fit vs ReservoirPy "
        "Reservoir >> RLS =="
    )
    if not have_reservoirpy():
        print("  reservoirpy is not installed: skipped")
        return
    from reservoirpy.nodes import RLS, Reservoir

    rng = np.random.default_rng(0)
    for n_units, ours_steps, theirs_steps in ((100, 20000, 3000), (500, 4000, 600)):
        if quick:
            ours_steps, theirs_steps = ours_steps // 20, theirs_steps // 20
        U = rng.standard_normal((ours_steps, 1))
        Y = rng.standard_normal((ours_steps, 1))
        ours = ESNRegressor(
            n_units, leak_rate=0.5, random_state=0, readout=RLSRegressor()
        ).partial_fit(U[:10], Y[:10])
        theirs = Reservoir(n_units, sr=0.9, lr=0.5, seed=0) >> RLS(alpha=1e-6)
        theirs.partial_fit(U[:10], Y[:10])
        rates = best_rate(
            [
                lambda ours=ours, U=U, Y=Y: ours.partial_fit(U, Y, continue_state=True),
                lambda theirs=theirs, U=U[:theirs_steps], Y=Y[:theirs_steps]: (
                    theirs.partial_fit(U, Y)
                ),
            ],
            [ours_steps, theirs_steps],
            repeat,
        )
        print(
            f"  N={n_units}: ours {rates[0]:,.0f} steps/s, ReservoirPy "
            f"{rates[1]:,.0f} steps/s -> {rates[0] / rates[1]:.1f}x"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run")
    parser.add_argument("--only", choices=SECTIONS, action="append")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else args.repeat
    for section in args.only or SECTIONS:
        if section == "ngrc":
            bench_ngrc(args.quick)
        elif section == "scroll":
            bench_scroll(args.quick)
        elif section == "nvar-speed":
            bench_nvar_speed(args.quick, repeat)
        elif section == "exact":
            bench_exact()
        elif section == "drift":
            bench_drift(args.quick)
        elif section == "force":
            bench_force(args.quick)
        else:
            bench_rls_speed(args.quick, repeat)


if __name__ == "__main__":
    main()
