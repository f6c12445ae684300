"""NG-RC and online-learning figures (issue 17); protocols in docs/nvar.rst and
docs/online.rst.

1. ``ngrc``: NG-RC on Lorenz-63 with the protocol of Gauthier et al. (2021)
   exactly as in the authors' script (RK23 at default tolerances, dt 0.025,
   fixed initial state, 10 windows, 400 training points, k=2, s=1, constant
   + linear + quadratic, ridge 2.5e-6 on every weight, increments, one
   Lyapunov time of closed loop), the authors' computation re-implemented in
   NumPy (``PaperRecipe``) side by side with ``NVARForecaster``, each scored
   the paper's way and ours; then 10 held-out initial states; consistency
   checks (features, closed loop with the same weights, backward errors of
   the two ridge solves, the exact rational ridge solution of window 1).
2. ``scroll``: the double-scroll circuit task of the same paper, likewise.
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
from fractions import Fraction
from itertools import combinations_with_replacement

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

#: The papers' initial states on the attractor (their scripts integrated to
#: t = 50 from an arbitrary point and took the end state).
LORENZ_X0 = (17.67715816276679, 12.931379185960404, 43.91404334248268)
SCROLL_X0 = (0.37926545, 0.058339, -0.08167691)
#: Lorenz-63: Lyapunov time 1.104 (lambda_max = 0.9056) = 44 steps of 0.025;
#: double scroll: 7.8125 time units = 31 steps of 0.25 (the papers' values).
#: ``test``: time integrated after the training span (it sets the data length
#: and so the NRMSE's variance).
LORENZ = dict(dt=0.025, train=10.0, test=1.104, lyapunov=1.104, alpha=2.5e-6)
SCROLL = dict(dt=0.25, train=100.0, test=800.0, lyapunov=7.8125, alpha=1e-3)


def lorenz_rhs(t, s):
    return [10 * (s[1] - s[0]), s[0] * (28 - s[2]) - s[1], s[0] * s[1] - 8 / 3 * s[2]]


def scroll_rhs(t, s):
    dv = s[0] - s[1]
    g = dv / 3.44 + 2 * 2.25e-5 * math.sinh(11.6 * dv)
    return [s[0] / 1.2 - g, g - s[2], s[1] - 0.193 * s[2]]


def protocol_data(rhs, x0, max_time, dt):
    """The papers' data: ``solve_ivp(..., method='RK23')`` at SciPy's default
    tolerances (rtol 1e-3, atol 1e-6) sampled on ``linspace(0, max_time, n +
    1)``, ``n = round(max_time / dt)``; all ``n + 1`` points (the NRMSE's
    variance is taken over all of them). RK23's error at these tolerances is
    part of the protocol: see docs/nvar.rst."""
    n = round(max_time / dt)
    t = np.linspace(0, max_time, n + 1)
    return solve_ivp(rhs, (0, max_time), x0, t_eval=t, method="RK23").y.T


class PaperRecipe:
    """The authors' NG-RC computation, re-implemented in NumPy as the
    reference (Gauthier et al. 2021, code at github.com/quantinfo/
    ng-rc-paper-code): features ``[1, lin, monomials of lin]`` with ``lin =
    [y_t, y_(t-1)]`` and the monomials in nested-loop order ``i <= j (<= l)``;
    ``W = T' Z pinv(Z' Z + alpha I)`` on the increments ``T``; closed loop
    from the last known point."""

    def __init__(self, n_inputs, degree, bias, alpha, time_major=False):
        n_linear = 2 * n_inputs
        self.n_inputs, self.bias, self.alpha = n_inputs, bias, alpha
        self.time_major = time_major  # True: the same formula, other layout
        self.terms = list(combinations_with_replacement(range(n_linear), degree))

    def features(self, lin):
        columns = [lin[:, list(term)].prod(axis=1) for term in self.terms]
        parts = ([np.ones(lin.shape[0])] if self.bias else []) + list(lin.T)
        return np.column_stack(parts + columns)

    def fit(self, series, start, n_train):
        """Train on targets ``series[start : start + n_train]``."""
        end = start + n_train
        lin = np.hstack([series[start - 1 : end - 1], series[start - 2 : end - 2]])
        # the authors' layout, (features, time) and (components, time) in C
        # order: the BLAS rounding of this ill-conditioned solve depends on it
        Zt = np.ascontiguousarray(self.features(lin).T)
        Tt = np.ascontiguousarray((series[start:end] - series[start - 1 : end - 1]).T)
        if self.time_major:
            Zt, Tt = (
                self.features(lin).T,
                (series[start:end] - series[start - 1 : end - 1]).T,
            )
        A = Zt @ Zt.T + self.alpha * np.eye(Zt.shape[0])
        self.W = np.ascontiguousarray((Tt @ Zt.T @ np.linalg.pinv(A)).T)
        self.A, self.B = A, Zt @ Tt.T
        return self

    def rollout(self, last, before, n_points, W=None):
        """``n_points`` rows: the known ``last`` then ``n_points - 1`` steps."""
        W = self.W if W is None else W
        out = [last]
        for _ in range(n_points - 1):
            feat = self.features(np.hstack([out[-1], before])[None])[0]
            before = out[-1]
            out.append(out[-1] + feat @ W)
        return np.array(out)


def paper_nrmse(truth, forecast, series, variance):
    """sqrt(mean squared error / variance); ``variance`` is 'pooled' (``np.var``
    of all components together, the published Lorenz NRMSE script) or 'sum'
    (sum of the per-component variances, the scripts corrected on 2021-07-15:
    double scroll, NRMSE vs training size)."""
    var = series.var() if variance == "pooled" else series.var(axis=0).sum()
    with np.errstate(all="ignore"):
        return float(np.sqrt(np.mean((truth - forecast) ** 2) / var))


def exact_ridge(Z, T, alpha):
    """The ridge solution of the float64 data ``Z``, ``T`` in exact rational
    arithmetic (``fractions``): the yardstick for both float solutions."""
    m = Z.shape[1]
    Zf = [[Fraction(v) for v in row] for row in Z]
    Tf = [[Fraction(v) for v in row] for row in T]
    rows = []
    for i in range(m):
        row = [sum(z[i] * z[j] for z in Zf) for j in range(m)]
        row[i] += Fraction(alpha)
        row += [
            sum(z[i] * t[j] for z, t in zip(Zf, Tf, strict=True))
            for j in range(T.shape[1])
        ]
        rows.append(row)
    for c in range(m):  # Gauss-Jordan (the matrix is positive definite)
        pivot = rows[c][c]
        rows[c] = [v / pivot for v in rows[c]]
        for r in range(m):
            if r != c and rows[r][c] != 0:
                f = rows[r][c]
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[c], strict=True)]
    return np.array([[float(v) for v in row[m:]] for row in rows])


def ridge_residual(A, B, W):
    """Normwise backward error of ``W`` as a solution of ``A W = B``."""
    return float(
        np.linalg.norm(A @ W - B)
        / (np.linalg.norm(A) * np.linalg.norm(W) + np.linalg.norm(B))
    )


def ngrc_window(rhs, x0, setup, warmup, degree, bias, exact=False):
    """One window of the papers' protocol, with the authors' recipe and ours.

    Returns a dict: both forecasts and the truth (``n + 1`` rows, the first
    the last known point, ``n`` steps in a Lyapunov time), the series, and
    the consistency checks (features, closed loop with the same weights,
    backward errors of both solutions)."""
    dt = setup["dt"]
    n_lyap = round(setup["lyapunov"] / dt)
    series = protocol_data(rhs, x0, warmup + setup["train"] + setup["test"], dt)
    start, n_train = round(warmup / dt), round(setup["train"] / dt)
    end = start + n_train
    paper = PaperRecipe(3, degree, bias, setup["alpha"]).fit(series, start, n_train)
    model = NVARForecaster(
        2, 1, degree=(degree, degree), include_bias=bias, alpha=setup["alpha"]
    )
    model.fit(series[start - 2 : end])
    with np.errstate(all="ignore"):
        ours = np.vstack([series[end - 1], model.forecast(n_lyap)])
        theirs = paper.rollout(series[end - 1], series[end - 2], n_lyap + 1)
    other = PaperRecipe(3, degree, bias, setup["alpha"], time_major=True)
    other.fit(series, start, n_train)
    with np.errstate(all="ignore"):
        other_layout = other.rollout(series[end - 1], series[end - 2], n_lyap + 1)
    lin = np.hstack([series[start - 1 : end - 1], series[start - 2 : end - 2]])
    if exact:
        T = series[start:end] - series[start - 1 : end - 1]
        W_exact = exact_ridge(paper.features(lin), T, setup["alpha"])
        scale = np.abs(W_exact).max()
        exact = (
            float(np.abs(model._W - W_exact).max() / scale),
            float(np.abs(paper.W - W_exact).max() / scale),
        )
    features = NVARTransformer(2, 1, degree=(degree, degree), include_bias=bias)
    features = features.fit(series).transform(
        series[start - 1 : end - 1], history=series[start - 2 : start - 1]
    )
    injected = NVARForecaster(
        2, 1, degree=(degree, degree), include_bias=bias, alpha=setup["alpha"]
    ).fit(series[start - 2 : end])
    injected._W = np.ascontiguousarray(paper.W)  # the authors' weights, our loop
    with np.errstate(all="ignore"):
        same_w = np.abs(injected.forecast(n_lyap) - theirs[1:]).max()
    return dict(
        ours=ours,
        theirs=theirs,
        other_layout=other_layout,
        exact=exact,
        truth=series[end - 1 : end + n_lyap],
        series=series,
        feature_diff=float(np.abs(features - paper.features(lin)).max()),
        loop_diff=float(same_w),
        residual_ours=ridge_residual(paper.A, paper.B, model._W),
        residual_paper=ridge_residual(paper.A, paper.B, paper.W),
        weight_diff=float(np.abs(model._W - paper.W).max() / np.abs(paper.W).max()),
    )


def score_windows(windows, variance, first_point):
    """NRMSE of both recipes per window. ``first_point``: the papers' window
    (the known last training point plus n - 1 forecast steps); else n
    forecast steps."""
    scores = {"paper": [], "ours": [], "layout": []}
    for w in windows:
        sl = slice(0, -1) if first_point else slice(1, None)
        for name, key in (
            ("paper", "theirs"),
            ("ours", "ours"),
            ("layout", "other_layout"),
        ):
            scores[name].append(
                paper_nrmse(w["truth"][sl], w[key][sl], w["series"], variance)
            )
    return {k: np.array(v) for k, v in scores.items()}


def fmt(values):
    return "[" + " ".join(f"{v:.2e}" for v in values) + "]"


def attractor_states(rhs, seed, n_states, settle, box):
    """Initial states on the attractor: random points in ``box`` integrated
    ``settle`` time units (RK23, as the authors found theirs)."""
    rng = np.random.default_rng(seed)
    lo, hi = np.array(box).T
    return [
        solve_ivp(rhs, (0, settle), rng.uniform(lo, hi), method="RK23").y[:, -1]
        for _ in range(n_states)
    ]


def report_ngrc(label, windows):
    """Both recipes side by side, scored both ways."""
    checks = (
        f"  checks: features max|diff| "
        f"{max(w['feature_diff'] for w in windows):.1e}; closed loop with the "
        f"authors' W max|diff| {max(w['loop_diff'] for w in windows):.1e}; "
        f"ridge backward error ours <= "
        f"{max(w['residual_ours'] for w in windows):.1e}, authors' pinv <= "
        f"{max(w['residual_paper'] for w in windows):.1e}; max rel |W_ours - "
        f"W_pinv| {max(w['weight_diff'] for w in windows):.1e}"
    )
    print(f"-- {label}")
    for variance, first, name in (
        (
            "pooled",
            True,
            "pooled variance, known point + n-1 steps (the "
            "published Lorenz NRMSE script)",
        ),
        (
            "sum",
            True,
            "sum of variances, known point + n-1 steps (the "
            "double-scroll script, scripts corrected 2021-07-15)",
        ),
        ("sum", False, "sum of variances, n forecast steps (our docs' NRMSE)"),
    ):
        s = score_windows(windows, variance, first)
        print(f"  {name}:")
        print(
            f"    authors' recipe (NumPy): median {np.median(s['paper']):.4e} "
            f"mean {np.mean(s['paper']):.4e} {fmt(s['paper'])}"
        )
        print(
            f"    NVARForecaster         : median {np.median(s['ours']):.4e} "
            f"mean {np.mean(s['ours']):.4e} {fmt(s['ours'])}"
        )
        print(
            f"    authors' recipe, Z time-major: median "
            f"{np.median(s['layout']):.4e} {fmt(s['layout'])}"
        )
    print(checks)
    exact = [w["exact"] for w in windows if w["exact"]]
    for i, (ours, theirs) in enumerate(exact):
        print(
            f"  window {i + 1} vs the exact (rational) ridge solution: max rel "
            f"weight error ours {ours:.1e}, authors' pinv {theirs:.1e}"
        )


def bench_ngrc(quick):
    print(
        "== NG-RC, Lorenz-63 (RK23 default tolerances, dt 0.025, warm-up, 400 "
        "training points, k=2, s=1, const+linear+quadratic, ridge 2.5e-6 on "
        "every weight, increments, 1 Lyapunov time = 44 points) =="
    )
    n_windows = 2 if quick else 10
    windows = [
        ngrc_window(
            lorenz_rhs, LORENZ_X0, LORENZ, warmup, 2, True, i == 0 and not quick
        )
        for i, warmup in enumerate(5.0 + 10.0 * np.arange(n_windows))
    ]
    report_ngrc(f"the paper's {n_windows} windows (warm-up 5, 15, ...)", windows)
    # held-out initial states, never used while writing this benchmark
    states = attractor_states(
        lorenz_rhs, 2017, n_windows, 50.0, [(-15, 15), (-20, 20), (5, 45)]
    )
    windows = [
        ngrc_window(lorenz_rhs, tuple(x0), LORENZ, 5.0, 2, True) for x0 in states
    ]
    report_ngrc(f"{n_windows} random initial states on the attractor", windows)
    # the same model on accurately integrated data (DOP853, rtol 1e-10)
    data = lorenz(5000 if not quick else 1500, dt=0.025)
    scores = []
    params = dict(n_delays=2, stride=1, degree=2, include_bias=True, alpha=2.5e-6)
    for start in range(0, data.shape[0] - 450, 450):
        model = NVARForecaster(**params).fit(data[start : start + 402])
        scores.append(
            paper_nrmse(
                data[start + 402 : start + 446], model.forecast(44), data, "sum"
            )
        )
    scores = np.array(scores)
    print(
        f"-- accurate data (datasets.lorenz, DOP853): same settings diverge in "
        f"{int((~(scores < 1e-2)).sum())}/{scores.size} windows, median "
        f"{np.median(scores):.3g}"
    )


def bench_scroll(quick):
    print(
        "== NG-RC, double-scroll circuit (RK23, dt 0.25, 400 points, k=2, s=1, "
        "linear + cubic, no constant, ridge 1e-3, increments; 1 Lyapunov time "
        "= 31 points) =="
    )
    n_windows = 2 if quick else 10
    windows = [
        ngrc_window(scroll_rhs, SCROLL_X0, SCROLL, warmup, 3, False)
        for warmup in 1.0 + 100.0 * np.arange(n_windows)
    ]
    report_ngrc(f"the paper's {n_windows} windows (warm-up 1, 101, ...)", windows)
    data = double_scroll(4400 if not quick else 1000)
    scores = []
    params = dict(n_delays=2, stride=1, degree=(3, 3), include_bias=False, alpha=1e-3)
    for start in range(0, data.shape[0] - 433, 433):
        model = NVARForecaster(**params).fit(data[start : start + 402])
        scores.append(
            paper_nrmse(
                data[start + 402 : start + 433], model.forecast(31), data, "sum"
            )
        )
    print(
        f"-- datasets.double_scroll (DOP853), 31 forecast steps: median "
        f"{np.median(scores):.3e} over {len(scores)} windows"
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
