"""Every backward function and every delta of the contract against finite differences."""

import numpy as np
import pytest

import mlp_helpers as mh

# Central differences with h = 1e-5 agree with a correct float64 gradient to ~1e-8 on these
# fixed fixtures; entries near zero make the worst relative error larger, so 1e-6 still
# separates right from wrong. Stricter than the course's threshold for any network
# (mh.GRADIENT_CHECK_THRESHOLD, tested below), to catch a subtle slip in the reference.
TOLERANCE = 1e-6
SHAPES = [(1, 3, 2), (4, 2, 5), (7, 5, 3)]  # (n, fan_in, fan_out): n = 1 included


def numeric(f, x):
    return mh.numerical_gradient(f, x)


@pytest.mark.parametrize(("n", "fan_in", "fan_out"), SHAPES)
def test_dense_backward_matches_finite_differences(rng, n, fan_in, fan_out):
    a_prev = rng.standard_normal((n, fan_in))
    W = rng.standard_normal((fan_in, fan_out))
    b = rng.standard_normal((1, fan_out))
    upstream = rng.standard_normal((n, fan_out))

    def f(_):
        return float(np.sum(mh.dense_forward(a_prev, W, b)[0] * upstream))

    _, cache = mh.dense_forward(a_prev, W, b)
    da_prev, dW, db = mh.dense_backward(upstream, cache)
    assert mh.relative_error(da_prev, numeric(f, a_prev)) < TOLERANCE
    assert mh.relative_error(dW, numeric(f, W)) < TOLERANCE
    assert mh.relative_error(db, numeric(f, b)) < TOLERANCE


@pytest.mark.parametrize(("n", "units"), [(1, 3), (5, 4)])
def test_sigmoid_backward_matches_finite_differences(rng, n, units):
    z = rng.standard_normal((n, units)) * 3
    upstream = rng.standard_normal((n, units))
    _, cache = mh.sigmoid_forward(z)
    delta = mh.sigmoid_backward(upstream, cache)
    expected = numeric(lambda _: float(np.sum(mh.sigmoid(z) * upstream)), z)
    assert mh.relative_error(delta, expected) < TOLERANCE


def test_sigmoid_derivative_is_the_slope_of_sigmoid(rng):
    z = rng.standard_normal((4, 3)) * 4
    slope = (mh.sigmoid(z + 1e-5) - mh.sigmoid(z - 1e-5)) / 2e-5
    assert mh.relative_error(mh.sigmoid_derivative(mh.sigmoid(z)), slope) < TOLERANCE


@pytest.mark.parametrize(("n", "k"), [(1, 1), (4, 1), (6, 3)])
def test_mse_gradient_matches_finite_differences(rng, n, k):
    a, y = rng.random((n, k)), rng.random((n, k))
    loss, dA = mh.mse_loss(a, y)
    assert loss == pytest.approx(np.sum((a - y) ** 2) / (2 * n))
    assert mh.relative_error(dA, numeric(lambda _: mh.mse_loss(a, y)[0], a)) < TOLERANCE


@pytest.mark.parametrize(("n", "k"), [(1, 2), (5, 2), (8, 4)])
def test_cross_entropy_delta_is_the_gradient_at_the_logits(rng, n, k):
    z = rng.standard_normal((n, k)) * 2
    y = np.eye(k)[rng.integers(0, k, n)]
    loss, delta_out = mh.cross_entropy_loss(mh.softmax(z), y)
    assert loss == pytest.approx(-np.sum(y * np.log(mh.softmax(z))) / n)
    expected = numeric(lambda _: mh.cross_entropy_loss(mh.softmax(z), y)[0], z)
    assert mh.relative_error(delta_out, expected) < TOLERANCE


@pytest.mark.parametrize(("n", "k"), [(1, 1), (4, 1), (5, 3)])
def test_output_delta_mse_is_the_gradient_at_the_output_logits(rng, n, k):
    z, y = rng.standard_normal((n, k)), rng.random((n, k))
    delta_out = mh.output_delta_mse(mh.sigmoid(z), y)
    expected = numeric(lambda _: mh.mse_loss(mh.sigmoid(z), y)[0], z)
    assert mh.relative_error(delta_out, expected) < TOLERANCE


@pytest.mark.parametrize(("n", "units", "units_next"), [(1, 3, 2), (4, 5, 1), (6, 2, 4)])
def test_hidden_delta_is_the_gradient_at_the_hidden_logits(rng, n, units, units_next):
    z = rng.standard_normal((n, units))
    W_next = rng.standard_normal((units, units_next))
    y = rng.random((n, units_next))

    def loss(_):
        return mh.mse_loss(mh.sigmoid(mh.sigmoid(z) @ W_next), y)[0]

    a = mh.sigmoid(z)
    delta_next = mh.output_delta_mse(mh.sigmoid(a @ W_next), y)
    delta = mh.hidden_delta(delta_next, W_next, a)
    assert delta.shape == (n, units)
    assert mh.relative_error(delta, numeric(loss, z)) < TOLERANCE


@pytest.mark.parametrize(("n", "fan_in", "fan_out"), SHAPES)
def test_dense_gradients_match_finite_differences(rng, n, fan_in, fan_out):
    a_prev = rng.random((n, fan_in))
    W, b = rng.standard_normal((fan_in, fan_out)), rng.standard_normal((1, fan_out))
    y = rng.random((n, fan_out))

    def loss(_):
        return mh.mse_loss(a_prev @ W + b, y)[0]

    _, delta = mh.mse_loss(a_prev @ W + b, y)  # identity output: delta = dL/da
    dW, db = mh.dense_gradients(a_prev, delta)
    assert db.shape == (1, fan_out)
    assert mh.relative_error(dW, numeric(loss, W)) < TOLERANCE
    assert mh.relative_error(db, numeric(loss, b)) < TOLERANCE


@pytest.mark.parametrize(
    ("sizes", "output", "bias"),
    [((2, 5, 1), "sigmoid", False), ((3, 4, 2), "softmax", True),
     ((5, 4, 3, 2), "softmax", True), ((3, 4, 3, 2, 2), "sigmoid", True)],
)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_every_network_parameter_passes_the_gradient_check(rng, sizes, output, bias, reduction):
    net = mh.MLP(sizes, output=output, bias=bias, seed=3)
    for n in (1, 6):
        X = rng.standard_normal((n, sizes[0]))
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)] if output == "softmax" \
            else rng.random((n, sizes[-1]))
        _, activations = net.forward(X)
        grads = net.backward(activations, Y, reduction=reduction)
        for name, param in net.parameters().items():
            expected = mh.numerical_gradient(
                lambda _, X=X, Y=Y: net.loss(X, Y, reduction=reduction), param)
            assert mh.relative_error(grads[name], expected) < TOLERANCE, name


def test_gradient_report_names_the_parameter_whose_gradient_is_wrong(rng):
    net = mh.MLP((3, 4, 2), seed=0)
    X, Y = rng.standard_normal((5, 3)), np.eye(2)[[0, 1, 1, 0, 1]]

    def one_minus_a(delta_next, W_next, a):
        return (delta_next @ W_next.T) * (1 - a)

    good = mh.check_network_gradients(net, X, Y)
    bad = mh.check_network_gradients(net, X, Y, hidden_delta=one_minus_a)
    assert good.passed
    assert good.failing == []
    assert bad.failing == ["W1", "b1"]
    assert "W1" in str(bad)
    assert "WRONG" in str(bad)


def test_the_course_threshold_passes_every_correct_gradient_and_fails_every_known_bug_widely():
    # A sample of the measurement behind GRADIENT_CHECK_THRESHOLD (mlp_helpers/gradcheck.py).
    from mlp_helpers.lectures import bugs

    X, Y = mh.xor()
    threshold = mh.GRADIENT_CHECK_THRESHOLD
    for init in ("xavier", "uniform", "scaled_normal"):
        for units in (3, 5, 8):
            for seed in range(10):
                net = mh.MLP((2, units, 1), output="sigmoid", init=init, seed=seed)
                assert mh.check_network_gradients(net, X, Y).passed, (init, units, seed)
                for bug in bugs.BUGS.values():
                    wrong = mh.check_network_gradients(net, X, Y, **{bug.rule: bug.function})
                    assert max(wrong.errors.values()) > 100 * threshold, (bug, init, units, seed)


def test_numerical_gradient_leaves_its_argument_unchanged(rng):
    x = rng.standard_normal((3, 2))
    before = x.copy()
    grad = mh.numerical_gradient(lambda v: float(np.sum(v**3)), x)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-8)


def test_numerical_gradient_restores_its_argument_when_f_raises():
    x = np.ones(3)

    def explode(v):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        mh.numerical_gradient(explode, x)
    np.testing.assert_array_equal(x, np.ones(3))


def test_relative_error_follows_the_contract():
    assert mh.relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert mh.relative_error(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)
    assert mh.relative_error(np.zeros(2), np.zeros(2)) == 0.0
    assert mh.relative_error(np.array([0.0]), np.array([1e-9])) == pytest.approx(0.1)


def test_gradient_check_of_a_float32_network_is_refused_with_the_reason(rng):
    net = mh.MLP((3, 2), dtype=np.float32)
    with pytest.raises(ValueError, match="need a float64 network, got float32"):
        mh.check_network_gradients(net, rng.random((2, 3)), np.eye(2))
