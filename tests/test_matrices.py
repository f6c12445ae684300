import numpy as np
import pytest
import scipy.sparse

from reservoir import (
    bias_vector,
    input_matrix,
    matrices,
    recurrent_matrix,
    spectral_radius,
)
from reservoir.matrices import SPARSE_DENSITY_THRESHOLD


def _dense(W):
    return W.toarray() if scipy.sparse.issparse(W) else W


@pytest.mark.parametrize(
    ("n_units", "topology"),
    [
        (1, "random"),
        (7, "random"),
        (150, "random"),
        (7, "cycle_jumps"),
        (150, "cycle_jumps"),
        (1, "orthogonal"),
        (150, "orthogonal"),
    ],
)
@pytest.mark.parametrize("distribution", ["normal", "uniform", "bernoulli"])
def test_spectral_radius_is_hit(n_units, distribution, topology):
    density = 1.0 if topology == "random" and n_units < 10 else None
    W = recurrent_matrix(
        n_units,
        spectral_radius=0.77,
        density=density,
        distribution=distribution,
        topology=topology,
        random_state=3,
    )
    exact = np.max(np.abs(np.linalg.eigvals(_dense(W))))
    assert exact == pytest.approx(0.77, rel=1e-6)


@pytest.mark.parametrize("distribution", ["normal", "uniform", "bernoulli"])
def test_ring_is_a_scaled_cycle(distribution):
    W = recurrent_matrix(
        40,
        spectral_radius=0.5,
        topology="ring",
        distribution=distribution,
        random_state=1,
    ).toarray()
    rows, cols = np.nonzero(W)
    assert np.array_equal(cols, (rows + 1) % 40)
    # eigenvalues of a weighted cycle: n-th roots of the product of the weights
    weights = W[rows, cols]
    assert np.exp(np.mean(np.log(np.abs(weights)))) == pytest.approx(0.5, rel=1e-12)
    if distribution == "bernoulli":
        assert np.allclose(np.abs(weights), 0.5)


def test_delay_line_is_nilpotent_with_largest_weight_as_given():
    W = recurrent_matrix(
        10, spectral_radius=0.8, topology="delay_line", random_state=0
    ).toarray()
    rows, cols = np.nonzero(W)
    assert np.array_equal(cols, rows + 1)
    assert np.abs(W).max() == pytest.approx(0.8)
    assert np.allclose(np.linalg.matrix_power(W, 10), 0.0)


def test_cycle_jumps_structure():
    W = recurrent_matrix(
        12,
        spectral_radius=0.9,
        topology="cycle_jumps",
        jump_size=3,
        distribution="bernoulli",
        random_state=0,
    ).toarray()
    for i in range(12):
        assert W[i, (i + 1) % 12] != 0
    for start in range(0, 9, 3):
        assert W[start, start + 3] == W[start + 3, start] != 0


def test_orthogonal_has_all_eigenvalues_on_the_circle():
    W = recurrent_matrix(30, spectral_radius=1.1, topology="orthogonal", random_state=0)
    assert isinstance(W, np.ndarray)
    assert np.allclose(W @ W.T, 1.1**2 * np.eye(30))
    assert np.allclose(np.abs(np.linalg.eigvals(W)), 1.1)


def test_density_sets_the_number_of_connections_and_the_format():
    W = recurrent_matrix(200, density=0.05, random_state=0)
    assert scipy.sparse.issparse(W) and W.format == "csr"
    assert W.nnz == round(0.05 * 200 * 200)
    dense = recurrent_matrix(50, density=0.9, random_state=0)
    assert isinstance(dense, np.ndarray)
    assert np.count_nonzero(dense) == round(0.9 * 2500)
    assert 0.9 >= SPARSE_DENSITY_THRESHOLD
    forced = recurrent_matrix(50, density=0.9, sparse=True, random_state=0)
    assert np.array_equal(forced.toarray(), dense)


def test_same_seed_same_bits_and_different_seed_differs():
    a = recurrent_matrix(300, density=0.1, random_state=5)
    b = recurrent_matrix(300, density=0.1, random_state=5)
    c = recurrent_matrix(300, density=0.1, random_state=6)
    assert np.array_equal(a.toarray(), b.toarray())
    assert not np.array_equal(a.toarray(), c.toarray())


def test_global_numpy_rng_untouched():
    np.random.seed(123)  # noqa: NPY002 - this test is about the global RNG
    expected = np.random.random_sample()  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002 - this test is about the global RNG
    recurrent_matrix(20, random_state=None)
    input_matrix(2, 20, random_state=None)
    bias_vector(20, random_state=None)
    assert np.random.random_sample() == expected  # noqa: NPY002  # noqa: NPY002


def test_generator_random_state_accepted():
    W1 = recurrent_matrix(20, density=0.5, random_state=np.random.default_rng(1))
    W2 = recurrent_matrix(20, density=0.5, random_state=np.random.default_rng(1))
    assert np.array_equal(_dense(W1), _dense(W2))


def test_spectral_radius_large_sparse_uses_arpack_and_is_reproducible():
    W = recurrent_matrix(1500, spectral_radius=0.95, density=0.01, random_state=0)
    assert spectral_radius(W) == pytest.approx(0.95, rel=1e-6)
    assert spectral_radius(W) == spectral_radius(W)


def test_spectral_radius_input_checks():
    with pytest.raises(ValueError, match="square"):
        spectral_radius(np.ones((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        spectral_radius(np.array([[np.nan]]))


def test_input_matrix_scaling_and_density():
    W_in = input_matrix(3, 50, input_scaling=[1.0, 0.5, 0.0], random_state=0)
    assert W_in.shape == (3, 50)
    assert np.abs(W_in[0]).max() <= 1.0
    assert np.abs(W_in[1]).max() <= 0.5
    assert np.all(W_in[2] == 0)
    sparse = input_matrix(4, 100, density=0.25, random_state=0)
    assert np.count_nonzero(sparse) == 100
    bern = input_matrix(
        2, 10, distribution="bernoulli", input_scaling=0.3, random_state=0
    )
    assert np.allclose(np.abs(bern), 0.3)


def test_bias_vector():
    b = bias_vector(100, bias_scaling=0.2, random_state=0)
    assert b.shape == (100,) and np.abs(b).max() <= 0.2


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"spectral_radius": -0.1}, "spectral_radius"),
        ({"spectral_radius": float("nan")}, "spectral_radius"),
        ({"density": 0.0}, "density"),
        ({"density": 1.5}, "density"),
        ({"distribution": "cauchy"}, "distribution"),
        ({"topology": "star"}, "topology"),
        ({"topology": "ring", "density": 0.2}, "density"),
        ({"topology": "cycle_jumps", "jump_size": 1}, "jump_size"),
    ],
)
def test_recurrent_matrix_rejects_bad_hyperparameters(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        recurrent_matrix(10, **kwargs)


def test_too_sparse_to_scale_gives_a_clear_error(monkeypatch):
    monkeypatch.setattr(matrices, "MAX_REDRAWS", 1)
    with pytest.raises(ValueError, match="increase density"):
        # a single off-diagonal connection: nilpotent, spectral radius 0
        recurrent_matrix(10, density=0.01, random_state=1)
    monkeypatch.undo()
    # a draw that happens to be nilpotent is redrawn with as many connections
    W = recurrent_matrix(10, density=0.1, random_state=1)
    assert W.nnz == 10 and spectral_radius(W) == pytest.approx(0.9)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: recurrent_matrix(0), "n_units"),
        (lambda: recurrent_matrix(2.5), "n_units"),
        (lambda: input_matrix(2, 5, input_scaling=[1.0]), "input_scaling"),
        (lambda: input_matrix(2, 5, input_scaling=-1.0), "input_scaling"),
        (lambda: input_matrix(2, 5, density=0.0), "density"),
        (lambda: bias_vector(5, bias_scaling=-1), "bias_scaling"),
    ],
)
def test_builder_argument_errors(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# issue 15, item 2: a one-unit delay line failed inside NumPy ("zero-size
# array to reduction operation maximum")
@pytest.mark.parametrize(
    ("n_units", "topology", "smallest"),
    [(1, "delay_line", 2), (1, "cycle_jumps", 3), (2, "cycle_jumps", 3)],
)
def test_structured_topology_too_small_names_n_units(n_units, topology, smallest):
    with pytest.raises(
        ValueError, match=rf"topology='{topology}' needs n_units >= {smallest}"
    ):
        recurrent_matrix(n_units, topology=topology, random_state=0)
    W = recurrent_matrix(smallest, topology=topology, random_state=0)
    assert W.shape == (smallest, smallest)


def test_cycle_jumps_error_gives_the_bound_that_works():
    with pytest.raises(ValueError, match=r"jump_size smaller than n_units \(5\)"):
        recurrent_matrix(5, topology="cycle_jumps", jump_size=5)
    W = recurrent_matrix(5, topology="cycle_jumps", jump_size=4, random_state=0)
    assert W.shape == (5, 5)


# issue 15, item 3: complex input silently lost its imaginary part (0.0
# instead of 1.0)
@pytest.mark.parametrize("sparse", [False, True])
def test_spectral_radius_of_a_complex_matrix(sparse):
    M = np.array([[0, 2j], [0.5j, 0]])
    assert spectral_radius(scipy.sparse.csr_array(M) if sparse else M) == (
        pytest.approx(1.0)
    )
    rng = np.random.default_rng(0)
    big = scipy.sparse.random_array(
        (600, 600), density=0.01, random_state=0, dtype=np.complex128
    )
    big = big + 1j * scipy.sparse.random_array((600, 600), density=0.01, rng=rng)
    exact = np.max(np.abs(np.linalg.eigvals(big.toarray())))
    assert spectral_radius(big) == pytest.approx(exact, rel=1e-8)


# issue 15, "Also": strings gave NumPy's "could not convert string to float"
@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: spectral_radius([["1", "b"], ["c", "d"]]), "matrix must hold"),
        (lambda: spectral_radius(np.array([["a", "b"], ["c", "d"]])), "matrix"),
        (lambda: spectral_radius(np.array([[object()]])), "matrix must hold"),
        (lambda: input_matrix(2, 3, input_scaling=["a", 1]), "input_scaling"),
        (lambda: input_matrix(2, 3, input_scaling=[1j, 1]), "input_scaling"),
    ],
)
def test_non_numeric_values_name_the_argument(call, match):
    with pytest.raises(TypeError, match=rf"{match}.*Convert them to float"):
        call()


# found by tests/test_properties.py: scipy.linalg.eigvals (LAPACK's own
# rescaling) returned radii clamped near 1.5e138 and 6.7e-139 for matrices
# beyond them
@pytest.mark.parametrize("scale", [1e-320, 1e-301, 1e-150, 1e140, 1e200, 1e300])
@pytest.mark.parametrize("sparse", [False, True])
def test_spectral_radius_at_extreme_magnitudes(scale, sparse):
    M = np.array([[0.0, 2.0], [0.5, 0.0]]) * scale
    M = scipy.sparse.csr_array(M) if sparse else M
    assert spectral_radius(M) == pytest.approx(scale, rel=1e-12)
    W = recurrent_matrix(30, spectral_radius=0.7, random_state=0)
    assert spectral_radius(W * 1e200) == pytest.approx(0.7e200, rel=1e-12)


def test_spectral_radius_beyond_float64_warns():
    with pytest.warns(RuntimeWarning, match="exceeds the largest float64"):
        assert spectral_radius(np.full((2, 2), 1e308)) == np.inf


# found by tests/test_properties.py: a spectral radius near the float64 limit
# gave infinite weights without an error
@pytest.mark.parametrize("topology", ["random", "ring", "delay_line_feedback"])
def test_spectral_radius_that_overflows_the_weights_is_refused(topology):
    with pytest.raises(ValueError, match=r"spectral_radius=1.79e\+308 makes the"):
        recurrent_matrix(
            10, spectral_radius=1.79e308, topology=topology, random_state=0
        )
