"""linear_backward, tanh, GELU and the layer objects: each backward against finite differences."""

import numpy as np
import pytest

import mlp_helpers as mh
from mlp_helpers import modules
from mlp_helpers.activations import gelu, gelu_derivative, tanh, tanh_derivative
from mlp_helpers.layers import linear_backward

THRESHOLD = mh.GRADIENT_CHECK_THRESHOLD


def test_linear_backward_matches_finite_differences_for_x_w_and_b(rng):
    X, W, b = rng.standard_normal((5, 4)), rng.standard_normal((4, 3)), rng.standard_normal((1, 3))
    dout = rng.standard_normal((5, 3))
    dX, dW, db = linear_backward(dout, (X, W, b))
    def loss(_):
        return float(np.sum((X @ W + b) * dout))
    for analytic, array in ((dX, X), (dW, W), (db, b)):
        assert analytic.shape == array.shape
        assert mh.relative_error(analytic, mh.numerical_gradient(loss, array)) < THRESHOLD


def test_linear_backward_leaves_its_arguments_alone_and_returns_float64(rng):
    X, W, b = rng.standard_normal((3, 2)), rng.standard_normal((2, 4)), np.zeros((1, 4))
    dout = rng.standard_normal((3, 4))
    copies = [array.copy() for array in (dout, X, W, b)]
    results = linear_backward(dout, (X, W, b))
    for array, copy in zip((dout, X, W, b), copies):
        np.testing.assert_array_equal(array, copy)
    assert all(result.dtype == np.float64 for result in results)


def test_linear_backward_names_a_delta_of_the_wrong_shape(rng):
    with pytest.raises(ValueError, match="delta must have shape"):
        linear_backward(np.ones((3, 5)), (np.ones((3, 2)), np.ones((2, 4)), np.ones((1, 4))))


def test_tanh_derivative_from_the_activation_matches_finite_differences():
    z = np.linspace(-3, 3, 13)
    numeric = mh.numerical_gradient(lambda z_: float(np.sum(tanh(z_))), z)
    assert mh.relative_error(tanh_derivative(tanh(z)), numeric) < THRESHOLD
    assert tanh(np.array([1e4, -1e4])).tolist() == [1.0, -1.0]


def test_gelu_derivative_from_z_matches_finite_differences():
    z = np.linspace(-4, 4, 17)
    numeric = mh.numerical_gradient(lambda z_: float(np.sum(gelu(z_))), z)
    assert mh.relative_error(gelu_derivative(z), numeric) < THRESHOLD


def test_gelu_is_within_5e_4_of_the_exact_z_phi_z():
    from math import erf
    z = np.linspace(-6, 6, 1201)
    exact = np.array([0.5 * x * (1 + erf(x / np.sqrt(2))) for x in z])
    assert np.abs(gelu(z) - exact).max() < 5e-4


def test_one_gelu_activation_comes_from_two_z_with_different_slopes():
    # Why its derivative cannot be written from a: the GELU is not monotonic.
    z = np.linspace(-3, 0, 30001)
    rising = z[z > z[np.argmin(gelu(z))]]  # right of the GELU's minimum
    left = np.array(-2.0)
    right = rising[np.argmin(np.abs(gelu(rising) - gelu(left)))]
    assert gelu(right) == pytest.approx(gelu(left), abs=1e-4)
    assert gelu_derivative(left) < 0 < gelu_derivative(right)


@pytest.mark.parametrize("layer", [modules.Sigmoid(), modules.Tanh(), modules.ReLU(),
                                   modules.GELU(), modules.BatchNorm(4)],
                         ids=lambda layer: type(layer).__name__)
def test_each_layers_backward_returns_dx_that_matches_finite_differences(layer, rng):
    x = rng.standard_normal((6, 4)) + 0.1  # no z exactly at the ReLU's kink
    dout = rng.standard_normal((6, 4))
    layer.forward(x)
    dx = layer.backward(dout)
    numeric = mh.numerical_gradient(lambda x_: float(np.sum(layer.forward(x_) * dout)), x)
    assert dx.shape == x.shape
    assert mh.relative_error(dx, numeric) < THRESHOLD


def test_linear_layer_stores_its_parameter_gradients(rng):
    layer = modules.Linear.initialised(4, 3, "sigmoid", rng)
    x, dout = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    layer.forward(x)
    layer.backward(dout)
    for name, param in layer.params.items():
        numeric = mh.numerical_gradient(lambda _: float(np.sum(layer.forward(x) * dout)), param)
        assert mh.relative_error(layer.grads[name], numeric) < THRESHOLD


def lecture_3_network(net):
    layers = []
    for l, (W, b) in enumerate(zip(net.weights, net.biases), start=1):
        layers.append(modules.Linear(W, b))
        if l < len(net.weights):
            layers.append(modules.Sigmoid())
    return modules.Sequential(*layers)


def test_layer_objects_give_the_courses_deltas_and_mlp_backward_to_the_last_digits(rng):
    net = mh.MLP((8, 5, 4, 3), init="xavier", seed=1)
    X, Y = rng.random((7, 8)), np.eye(3)[rng.integers(0, 3, 7)]
    rebuilt = lecture_3_network(net)
    loss = rebuilt.loss(X, Y)
    rebuilt.backward()
    reference = net.backward(net.forward(X)[1], Y)
    assert loss == pytest.approx(net.loss(X, Y), rel=1e-14)
    grads = rebuilt.gradients()
    for l in (1, 2, 3):
        index = 2 * (l - 1)
        np.testing.assert_allclose(grads[index, "W"], reference[f"W{l}"], rtol=1e-12, atol=1e-17)
        np.testing.assert_allclose(grads[index, "b"], reference[f"b{l}"], rtol=1e-12, atol=1e-17)


def test_the_networks_dx_is_the_first_delta_times_w1_transposed(rng):
    net = mh.MLP((6, 4, 2), init="xavier", seed=2)
    X, Y = rng.random((5, 6)), np.eye(2)[rng.integers(0, 2, 5)]
    rebuilt = lecture_3_network(net)
    rebuilt.loss(X, Y)
    dX = rebuilt.backward()
    p, (_, a1, _) = net.forward(X)
    delta1 = mh.hidden_delta(mh.cross_entropy_loss(p, Y)[1], net.weights[1], a1)
    np.testing.assert_allclose(dX, delta1 @ net.weights[0].T, rtol=1e-12)
    numeric = mh.numerical_gradient(lambda X_: rebuilt.loss(X_, Y), X.copy())
    assert mh.relative_error(dX, numeric) < THRESHOLD
