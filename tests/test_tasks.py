"""Tests for the issue-18 tasks in reservoir.datasets: Lorenz-96,
Kuramoto-Sivashinsky (ETDRK4) and nonlinear channel equalization."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from reservoir.datasets import (
    CHANNEL_TAPS,
    channel_equalization,
    kuramoto_sivashinsky,
    lorenz96,
)

# --------------------------------------------------------------------------
# Lorenz-96
# --------------------------------------------------------------------------


def _l96_reference(t, x, forcing):
    n = x.size
    out = np.empty(n)
    for i in range(n):  # the textbook loop, indices modulo n
        out[i] = (x[(i + 1) % n] - x[(i - 2) % n]) * x[(i - 1) % n] - x[i] + forcing
    return out


def test_lorenz96_matches_a_tight_adaptive_reference():
    x0 = np.random.RandomState(3).uniform(-2, 10, 12)
    runs = [
        lorenz96(51, n_variables=12, dt=0.02, integration_step=h, x0=x0, discard=0.0)
        for h in (0.01, 0.005)
    ]
    ref = solve_ivp(
        _l96_reference,
        (0.0, 1.0),
        x0,
        method="DOP853",
        t_eval=0.02 * np.arange(51),
        args=(8.0,),
        rtol=1e-12,
        atol=1e-12,
    ).y.T
    errors = [np.abs(run - ref).max() for run in runs]
    assert errors[1] < 5e-6
    # fourth order: halving the step divides the error by about 16
    assert 10 < errors[0] / errors[1] < 24
    assert np.array_equal(runs[0][0], x0)


def test_lorenz96_energy_decays_exactly_without_forcing():
    # the advection term conserves E = |x|^2 / 2, so with F = 0, E(t) = E0 e^{-2t}
    x0 = np.random.RandomState(0).standard_normal(20)
    X = lorenz96(101, n_variables=20, forcing=0.0, dt=0.01, x0=x0, discard=0.0)
    energy = 0.5 * (X**2).sum(axis=1)
    expected = energy[0] * np.exp(-2.0 * 0.01 * np.arange(101))
    np.testing.assert_allclose(energy, expected, rtol=1e-8)


def test_lorenz96_energy_balance_on_the_attractor():
    # dE/dt = -2E + F sum(x); on the attractor the time averages balance
    X = lorenz96(4000, n_variables=40, dt=0.05, random_state=0)
    energy = 0.5 * (X**2).sum(axis=1)
    forcing_work = 8.0 * X.sum(axis=1)
    assert abs(2 * energy.mean() - forcing_work.mean()) < 0.05 * forcing_work.mean()


def test_lorenz96_seeding_and_validation():
    a = lorenz96(20, n_variables=8, random_state=1, discard=1.0)
    b = lorenz96(20, n_variables=8, random_state=1, discard=1.0)
    c = lorenz96(20, n_variables=8, random_state=2, discard=1.0)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    with pytest.raises(ValueError, match="n_variables"):
        lorenz96(10, n_variables=3)
    with pytest.raises(ValueError, match="dt must be an integer multiple"):
        lorenz96(10, dt=0.015, integration_step=0.01)
    with pytest.raises(ValueError, match="x0 must contain exactly 40"):
        lorenz96(10, x0=np.zeros(5))
    with pytest.raises(ValueError, match="diverged"):
        lorenz96(10, forcing=8.0, integration_step=1.0, dt=1.0, discard=50.0)


# --------------------------------------------------------------------------
# Kuramoto-Sivashinsky
# --------------------------------------------------------------------------


def _ks_reference(u0, length, t_eval):
    """Pseudo-spectral KS as an ODE in Fourier space, integrated by an
    adaptive explicit method at tight tolerances (independent of ETDRK4)."""
    n = u0.size
    k = 2 * np.pi / length * np.arange(n // 2 + 1)
    k[-1] = 0.0
    lin = k**2 - k**4

    def rhs(t, w):
        v = w[: k.size] + 1j * w[k.size :]
        dv = lin * v - 0.5j * k * np.fft.rfft(np.fft.irfft(v, n) ** 2)
        return np.concatenate([dv.real, dv.imag])

    v0 = np.fft.rfft(u0)
    sol = solve_ivp(
        rhs,
        (0.0, t_eval[-1]),
        np.concatenate([v0.real, v0.imag]),
        method="DOP853",
        t_eval=t_eval,
        rtol=1e-12,
        atol=1e-12,
    )
    v = sol.y[: k.size] + 1j * sol.y[k.size :]
    return np.fft.irfft(v.T, n, axis=1)


def test_ks_etdrk4_matches_a_fine_reference_with_fourth_order():
    u0 = kuramoto_sivashinsky(1, n_grid=32, discard=50.0)[0]
    t_eval = 0.5 * np.arange(21)
    ref = _ks_reference(u0, 22.0, t_eval)
    errors = []
    for h in (0.25, 0.125):
        ours = kuramoto_sivashinsky(
            21, n_grid=32, dt=0.5, integration_step=h, u0=u0, discard=0.0
        )
        errors.append(np.abs(ours - ref).max())
    assert errors[0] < 1e-6  # measured 3.7e-7 over 10 time units
    # high order: halving the step divides the error by 6-7 here (Cox-Matthews
    # ETDRK4 shows a mild stiff order reduction from 4), never by 4 or less
    assert errors[0] / errors[1] > 5


def test_ks_conserves_the_mean_and_is_chaotic():
    U = kuramoto_sivashinsky(400, n_grid=64, random_state=0)
    means = U.mean(axis=1)
    assert abs(means[0]) > 1e-4  # the perturbation moved the mean off zero
    np.testing.assert_allclose(means, means[0], atol=1e-12)
    assert 0.5 < U.std() < 3.0
    # two nearby starts separate (sensitive dependence)
    V = kuramoto_sivashinsky(400, n_grid=64, random_state=1)
    assert np.abs(U[-1] - V[-1]).max() > 0.5


def test_ks_validation():
    with pytest.raises(ValueError, match="n_grid must be even"):
        kuramoto_sivashinsky(10, n_grid=33)
    with pytest.raises(ValueError, match="integer multiple of integration_step"):
        kuramoto_sivashinsky(10, dt=0.3, integration_step=0.25)
    with pytest.raises(ValueError, match="length"):
        kuramoto_sivashinsky(10, length=-1.0)
    with pytest.raises(ValueError, match="u0 must contain exactly 64"):
        kuramoto_sivashinsky(10, u0=np.zeros(10))
    with pytest.raises(TypeError, match="n_timesteps"):
        kuramoto_sivashinsky(10.5)


# --------------------------------------------------------------------------
# channel equalization
# --------------------------------------------------------------------------


def test_channel_equals_a_hand_computation():
    u, d = channel_equalization(40, snr_db=None, random_state=0)
    s = d.ravel()  # s(m) = d[m + 2]
    n = 10
    q = (
        0.08 * s[n + 4]
        - 0.12 * s[n + 3]
        + 1.0 * s[n + 2]
        + 0.18 * s[n + 1]
        - 0.1 * s[n]
        + 0.091 * s[n - 1]
        - 0.05 * s[n - 2]
        + 0.04 * s[n - 3]
        + 0.03 * s[n - 4]
        + 0.01 * s[n - 5]
    )
    assert u[n, 0] == pytest.approx(q + 0.036 * q**2 - 0.011 * q**3, abs=1e-12)
    # every step whose ten symbols are all visible in d
    for m in range(5, 36):
        qm = sum(tap * s[m + 4 - k] for k, tap in enumerate(CHANNEL_TAPS))
        assert u[m, 0] == pytest.approx(qm + 0.036 * qm**2 - 0.011 * qm**3)
    assert set(np.unique(d)) <= {-3.0, -1.0, 1.0, 3.0}


def test_channel_noise_has_the_requested_snr():
    clean, d0 = channel_equalization(50000, snr_db=None, random_state=4)
    noisy, d1 = channel_equalization(50000, snr_db=16.0, random_state=4)
    assert np.array_equal(d0, d1)  # same symbols, noise drawn after them
    noise = noisy - clean
    snr = 10 * np.log10(np.mean(clean**2) / np.mean(noise**2))
    assert snr == pytest.approx(16.0, abs=0.1)
    assert abs(noise.mean()) < 0.01 * noise.std() * 10
    # symbols are uniform over the four levels
    counts = np.unique(d0, return_counts=True)[1]
    assert counts.min() > 0.23 * d0.size


def test_channel_validation_and_seeding():
    a = channel_equalization(30, random_state=7)
    b = channel_equalization(30, random_state=7)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    with pytest.raises(ValueError, match="snr_db"):
        channel_equalization(30, snr_db=float("inf"))
    with pytest.raises(ValueError, match="n_timesteps"):
        channel_equalization(0)
