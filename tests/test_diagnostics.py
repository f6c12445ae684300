"""Echo-state diagnostics, the washout warning and the Rodan & Tino topologies."""

import warnings

import numpy as np
import pytest
import scipy.sparse
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from reservoir import (
    ESNClassifier,
    ESNForecaster,
    ESNRegressor,
    ReservoirTransformer,
    echo_state_property,
    effective_spectral_radius,
    input_matrix,
    recurrent_matrix,
    spectral_radius,
)
from reservoir.diagnostics import washout_residual
from reservoir.exceptions import WashoutWarning
from reservoir.matrices import pi_digits


def _inputs(n=400, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 1))


# -- effective spectral radius ---------------------------------------------


def test_effective_radius_of_scalar_and_per_unit_leak_matches_eigenvalues():
    W = recurrent_matrix(40, spectral_radius=1.2, density=0.2, random_state=0)
    dense = W.toarray()
    for leak in (1.0, 0.3):
        expected = np.max(
            np.abs(np.linalg.eigvals((1 - leak) * np.eye(40) + leak * dense))
        )
        assert effective_spectral_radius(W, leak) == pytest.approx(expected, rel=1e-10)
    leaks = np.linspace(0.1, 1.0, 40)
    # row convention: x_t = x_(t-1) (diag(1 - a) + W diag(a))
    jacobian = np.diag(1 - leaks) + dense @ np.diag(leaks)
    expected = np.max(np.abs(np.linalg.eigvals(jacobian)))
    assert effective_spectral_radius(dense, leaks) == pytest.approx(expected, rel=1e-10)
    assert effective_spectral_radius(W, 1.0) == pytest.approx(1.2, rel=1e-6)


def test_effective_radius_rejects_bad_input():
    with pytest.raises(ValueError, match="square"):
        effective_spectral_radius(np.ones((2, 3)))
    with pytest.raises(ValueError, match="leak_rate"):
        effective_spectral_radius(np.eye(3), 0.0)


# -- echo-state property -----------------------------------------------------


def test_contracting_reservoir_has_the_echo_state_property():
    X = _inputs()
    esn = ReservoirTransformer(60, spectral_radius=0.7, random_state=0).fit(X)
    check = echo_state_property(esn, X, n_initial_states=3, random_state=0)
    assert check.converged
    assert 1 < check.steps < 200
    assert check.distance.shape == (400,)
    assert np.all(check.distance[check.steps - 1 :] <= 1e-6)
    assert check.distance[check.steps - 2] > 1e-6
    assert 0 < check.contraction_rate < 1


def test_linear_reservoir_with_radius_above_one_fails_the_check():
    X = _inputs()
    esn = ReservoirTransformer(
        30, spectral_radius=1.05, topology="ring", activation="identity",
        bias_scaling=0.0, random_state=0,
    ).fit(X)  # fmt: skip
    check = echo_state_property(esn, X, random_state=0)
    assert not check.converged and check.steps is None
    assert check.contraction_rate > 1


def test_echo_state_rate_agrees_with_effective_radius_for_linear_units():
    X = _inputs(300)
    esn = ReservoirTransformer(
        30, spectral_radius=0.9, topology="orthogonal", activation="identity",
        leak_rate=0.5, random_state=0,
    ).fit(X)  # fmt: skip
    check = echo_state_property(esn, X, tol=1e-12, random_state=0)
    rho = effective_spectral_radius(esn.W_, 0.5)
    assert check.contraction_rate == pytest.approx(rho, abs=0.01)


def test_echo_state_check_works_on_deep_and_forecaster_models():
    X = _inputs(200)
    deep = ESNRegressor(20, n_layers=2, random_state=0).fit(X, X[:, 0])
    assert echo_state_property(deep, X, random_state=0).converged
    y = np.sin(np.arange(300) * 0.1)
    fc = ESNForecaster(30, random_state=0).fit(y)
    # the reservoir sees the fed-back series (one column)
    assert echo_state_property(fc, np.zeros((100, 1)), random_state=0).converged


def test_echo_state_check_rejects_bad_arguments():
    X = _inputs(50)
    with pytest.raises(TypeError, match="fitted reservoir estimator"):
        echo_state_property(ESNRegressor(), X)
    esn = ReservoirTransformer(10, random_state=0).fit(X)
    with pytest.raises(ValueError, match="X has 2 features"):
        echo_state_property(esn, np.zeros((10, 2)))
    with pytest.raises(ValueError, match="tol"):
        echo_state_property(esn, X, tol=2.0)


# -- washout warning -------------------------------------------------------


def test_short_washout_warns_and_changes_nothing():
    X = _inputs(300)
    y = np.roll(X[:, 0], 1)
    slow = dict(n_units=40, leak_rate=0.05, random_state=0)
    with pytest.warns(WashoutWarning, match="washout=10"):
        warned = ESNRegressor(washout=10, **slow).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", WashoutWarning)
        ESNRegressor(washout=50, n_units=40, random_state=0).fit(X, y)
        ESNRegressor(washout=0, **slow).fit(X, y)  # no washout: nothing to check
        with pytest.warns(WashoutWarning):
            ESNClassifier(washout=10, **slow).fit(X, (y > 0).astype(int))
    # the warning comes from its own runs: same numbers as with it silenced
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WashoutWarning)
        again = ESNRegressor(washout=10, **slow).fit(X, y)
    np.testing.assert_array_equal(warned.coef_, again.coef_)


def test_washout_residual_is_small_for_a_contracting_reservoir():
    X = _inputs(100)
    esn = ReservoirTransformer(30, spectral_radius=0.5, random_state=0).fit(X)
    assert washout_residual(esn.reservoir_, X, 50) < 1e-6
    assert washout_residual(esn.reservoir_, X, 1) > 0.01


# -- topologies ------------------------------------------------------------


def test_cycle_jumps_has_separate_cycle_and_jump_weights():
    W = recurrent_matrix(
        12, spectral_radius=None, topology="cycle_jumps", jump_size=4,
        cycle_weight=0.7, jump_weight=-0.2,
    ).toarray()  # fmt: skip
    expected = np.zeros((12, 12))
    expected[np.arange(12), (np.arange(12) + 1) % 12] = 0.7
    for a in (0, 4):
        expected[a, a + 4] = expected[a + 4, a] = -0.2
    np.testing.assert_array_equal(W, expected)
    scaled = recurrent_matrix(
        12, spectral_radius=0.9, topology="cycle_jumps", jump_size=4,
        cycle_weight=0.7, jump_weight=-0.2,
    ).toarray()  # fmt: skip
    assert spectral_radius(scaled) == pytest.approx(0.9)
    np.testing.assert_allclose(scaled * (0.7 / scaled[0, 1]), W)


def test_delay_line_with_feedback():
    W = recurrent_matrix(
        6, spectral_radius=None, topology="delay_line_feedback",
        forward_weight=0.8, feedback_weight=0.3,
    ).toarray()  # fmt: skip
    assert np.allclose(np.diag(W, 1), 0.8) and np.allclose(np.diag(W, -1), 0.3)
    assert np.count_nonzero(W) == 10
    scaled = recurrent_matrix(50, spectral_radius=0.95, topology="delay_line_feedback")
    assert spectral_radius(scaled) == pytest.approx(0.95, rel=1e-9)
    with pytest.raises(ValueError, match="use topology='delay_line'"):
        recurrent_matrix(6, topology="delay_line_feedback", feedback_weight=0.0)


def test_topology_weights_are_refused_where_they_do_not_apply():
    with pytest.raises(
        ValueError, match="jump_weight applies only to topology='cycle_jumps'"
    ):
        recurrent_matrix(10, topology="ring", jump_weight=0.1)
    with pytest.raises(ValueError, match="feedback_weight applies only"):
        recurrent_matrix(10, topology="cycle_jumps", feedback_weight=0.1)
    with pytest.raises(ValueError, match="cycle_weight must be non-zero"):
        recurrent_matrix(10, topology="cycle_jumps", cycle_weight=0.0)


def test_pi_digits_and_input_signs():
    assert "".join(map(str, pi_digits(30))) == "314159265358979323846264338327"
    assert pi_digits(5000).shape == (5000,)  # beyond Python's int-to-str limit
    W_in = input_matrix(2, 5, input_scaling=[1.0, 0.5], distribution="pi_signs")
    # digits 3 1 4 1 5 | 9 2 6 5 3: 0-4 negative, 5-9 positive
    np.testing.assert_array_equal(
        W_in, [[-1, -1, -1, -1, 1], [0.5, -0.5, 0.5, 0.5, -0.5]]
    )
    sparse = input_matrix(1, 50, density=0.5, distribution="pi_signs", random_state=0)
    signs = sparse[sparse != 0]
    np.testing.assert_array_equal(signs, np.where(pi_digits(signs.size) >= 5, 1, -1))


def test_topology_params_reach_the_weights_and_work_with_sklearn():
    X = _inputs(300)
    params = {"jump_size": 3, "cycle_weight": 1.0, "jump_weight": 0.5,
              "input_signs": "pi"}  # fmt: skip
    esn = ESNRegressor(
        12, topology="cycle_jumps", topology_params=params, spectral_radius=None,
        input_scaling=0.3, random_state=0,
    ).fit(X, X[:, 0])  # fmt: skip
    W = esn.W_.toarray()
    assert W[0, 1] == 1.0 and W[0, 3] == W[3, 0] == 0.5
    np.testing.assert_array_equal(
        esn.W_in_[0], 0.3 * np.where(pi_digits(12) >= 5, 1.0, -1.0)
    )
    copy = clone(esn)
    assert copy.get_params()["topology_params"] == params
    search = GridSearchCV(
        ESNRegressor(20, topology="cycle_jumps", random_state=0),
        {"topology_params": [{"jump_size": j, "jump_weight": w}
                             for j in (2, 4) for w in (0.05, 0.2)]},
        cv=TimeSeriesSplit(2),
    ).fit(X, np.roll(X[:, 0], 2))  # fmt: skip
    assert search.best_params_["topology_params"]["jump_size"] in (2, 4)
    for cls in (ESNClassifier, ESNForecaster, ReservoirTransformer):
        assert cls(topology_params=params).get_params()["topology_params"] is params


def test_topology_params_are_validated():
    X = _inputs(50)
    with pytest.raises(ValueError, match="unknown keys \\['jump'\\]"):
        ESNRegressor(10, topology="cycle_jumps", topology_params={"jump": 2}).fit(
            X, X[:, 0]
        )
    with pytest.raises(TypeError, match="topology_params must be a dict"):
        ESNRegressor(10, topology_params=[1]).fit(X, X[:, 0])
    with pytest.raises(ValueError, match="input_signs"):
        ESNRegressor(10, topology_params={"input_signs": "e"}).fit(X, X[:, 0])
    with pytest.raises(ValueError, match="jump_weight applies only"):
        ESNRegressor(10, topology="ring", topology_params={"jump_weight": 0.1}).fit(
            X, X[:, 0]
        )
    assert not scipy.sparse.issparse(
        ReservoirTransformer(10, topology_params={"input_signs": "random"}).fit(X).W_in_
    )


def test_esn_search_cv_tunes_topology_params():
    from reservoir.model_selection import ESNSearchCV

    X = np.sin(np.linspace(0, 40, 601))[:, None]
    grid = {
        "topology_params": [{"jump_size": 3, "jump_weight": w} for w in (0.05, 0.3)],
        "alpha": [1e-8, 1e-4],
    }
    search = ESNSearchCV(
        ESNRegressor(20, topology="cycle_jumps", washout=50, random_state=0),
        grid,
        cv=2,
    ).fit(X[:-1], X[1:, 0])
    assert search.best_params_["topology_params"]["jump_weight"] in (0.05, 0.3)
    assert len(search.cv_results_["params"]) == 4


def test_washout_check_changes_no_number(monkeypatch):
    import reservoir._esn

    X = _inputs(300)
    y = np.roll(X[:, 0], 1)
    params = dict(n_units=30, leak_rate=0.05, washout=10, random_state=0)
    with pytest.warns(WashoutWarning):
        checked = ESNRegressor(**params).fit(X, y)
    monkeypatch.setattr(reservoir._esn, "warn_if_not_washed_out", lambda *a: None)
    with warnings.catch_warnings():
        warnings.simplefilter("error", WashoutWarning)
        unchecked = ESNRegressor(**params).fit(X, y)
    np.testing.assert_array_equal(checked.coef_, unchecked.coef_)
    np.testing.assert_array_equal(checked.predict(X), unchecked.predict(X))


def test_forecaster_warns_on_a_short_washout_and_changes_nothing(monkeypatch):
    import reservoir.forecast

    series = np.sin(np.arange(400) / 7) + 0.1 * _inputs(400)[:, 0]
    slow = dict(n_units=30, leak_rate=0.05, washout=10, random_state=0)
    with pytest.warns(WashoutWarning, match="washout=10"):
        checked = ESNForecaster(**slow).fit(series)
    with warnings.catch_warnings():
        warnings.simplefilter("error", WashoutWarning)
        ESNForecaster(30, washout=100, random_state=0).fit(series)
        monkeypatch.setattr(
            reservoir.forecast, "warn_if_not_washed_out", lambda *a: None
        )
        unchecked = ESNForecaster(**slow).fit(series)
    np.testing.assert_array_equal(checked.coef_, unchecked.coef_)
    np.testing.assert_array_equal(checked.forecast(30), unchecked.forecast(30))
