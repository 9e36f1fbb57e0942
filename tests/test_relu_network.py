"""The ReLU, its delta and the ReLU network against finite differences; the initialisations."""

import numpy as np
import pytest

import mlp_helpers as mh
from mlp_helpers.lectures import diagnostics, replays, tuning
from mlp_helpers.lectures.widgets import training as widgets_training
from mlp_helpers.network import init_weights

TOLERANCE = 1e-6  # as in test_gradients.py
SHAPES = [(1, 3, 2), (4, 5, 1), (6, 2, 4)]  # (n, units, units_next)


def numeric(f, x):
    return mh.numerical_gradient(f, x)


def away_from_the_kink(rng, shape, margin=0.1):
    """Pre-activations at least ``margin`` from 0, where the ReLU has a derivative."""
    z = rng.standard_normal(shape)
    return np.where(z >= 0, z + margin, z - margin)


# The functions --------------------------------------------------------------------------------

def test_relu_is_max_of_z_and_0_for_any_shape_and_keeps_float32():
    z = np.array([[-3.0, -0.0, 0.0, 1e-300, 2.5]])
    np.testing.assert_array_equal(mh.relu(z), [[0.0, 0.0, 0.0, 1e-300, 2.5]])
    assert mh.relu(np.float32([-1.0, 2.0])).dtype == np.float32
    assert mh.relu(np.array(-3.0)).shape == ()
    assert mh.relu(np.arange(-3, 3)).dtype == np.float64  # integers become float64
    assert mh.relu(np.full((2, 3, 4), 1e4)).max() == 1e4  # nothing to overflow


def test_relu_derivative_is_1_where_the_unit_is_on_and_0_elsewhere_including_at_0():
    a = mh.relu(np.array([-2.0, 0.0, 1e-12, 3.0]))
    np.testing.assert_array_equal(mh.relu_derivative(a), [0.0, 0.0, 1.0, 1.0])
    assert mh.relu_derivative(np.zeros((2, 2))).dtype == np.float64


def test_relu_derivative_is_the_slope_of_relu_away_from_the_kink(rng):
    z = away_from_the_kink(rng, (5, 4))
    slope = (mh.relu(z + 1e-5) - mh.relu(z - 1e-5)) / 2e-5
    np.testing.assert_allclose(mh.relu_derivative(mh.relu(z)), slope, atol=1e-9)


def test_relu_functions_do_not_modify_their_arguments(rng):
    arrays = [rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.random((4, 3))]
    copies = [a.copy() for a in arrays]
    mh.relu(arrays[0])
    mh.relu_derivative(arrays[2])
    mh.hidden_delta_relu(rng.standard_normal((4, 2)), arrays[1], arrays[2])
    mh.init_for_activation(3, 2, "relu", rng)
    for array, copy in zip(arrays, copies):
        np.testing.assert_array_equal(array, copy)


@pytest.mark.parametrize(("n", "units", "units_next"), SHAPES)
def test_hidden_delta_relu_is_the_gradient_at_the_hidden_logits(rng, n, units, units_next):
    z = away_from_the_kink(rng, (n, units))
    W_next = rng.standard_normal((units, units_next))
    y = rng.random((n, units_next))

    def loss(_):
        return mh.mse_loss(mh.sigmoid(mh.relu(z) @ W_next), y)[0]

    a = mh.relu(z)
    delta_next = mh.output_delta_mse(mh.sigmoid(a @ W_next), y)
    delta = mh.hidden_delta_relu(delta_next, W_next, a)
    assert delta.shape == (n, units)
    assert mh.relative_error(delta, numeric(loss, z)) < TOLERANCE


def test_hidden_delta_relu_names_the_argument_of_the_wrong_shape(rng):
    with pytest.raises(ValueError, match="a must have shape"):
        mh.hidden_delta_relu(rng.random((4, 2)), rng.random((3, 2)), rng.random((4, 5)))


# The network ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("sizes", "output", "bias"),
    [((3, 4, 2), "softmax", True), ((5, 6, 4, 2), "softmax", True),
     ((2, 5, 1), "sigmoid", False), ((3, 4, 3, 2, 2), "sigmoid", True)],
)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_every_parameter_of_a_relu_network_passes_the_gradient_check(rng, sizes, output, bias,
                                                                    reduction):
    net = mh.MLP(sizes, output=output, bias=bias, hidden="relu", init="he", seed=3)
    for n in (1, 6):
        X = rng.standard_normal((n, sizes[0]))
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)] if output == "softmax" \
            else rng.random((n, sizes[-1]))
        _, activations = net.forward(X)
        # Central differences are only right where no z lies within h of the kink.
        zs = [a_prev @ W for a_prev, W in zip(activations[:-1], net.weights)]
        assert min(np.abs(z).min() for z in zs) > 1e-4
        grads = net.backward(activations, Y, reduction=reduction)
        for name, param in net.parameters().items():
            expected = mh.numerical_gradient(
                lambda _, X=X, Y=Y: net.loss(X, Y, reduction=reduction), param)
            assert mh.relative_error(grads[name], expected) < TOLERANCE, name


def test_relu_network_checked_with_the_sigmoids_delta_fails_below_the_output(rng):
    net = mh.MLP((4, 6, 5, 2), hidden="relu", init="he", seed=0)
    X, Y = rng.standard_normal((8, 4)), np.eye(2)[rng.integers(0, 2, 8)]
    assert mh.check_network_gradients(net, X, Y).passed
    wrong = mh.check_network_gradients(net, X, Y, hidden_delta=mh.hidden_delta)
    assert set(wrong.failing) == {"W1", "b1", "W2", "b2"}


def test_hidden_relu_computes_relu_layers_and_its_copy_keeps_them(rng):
    net = mh.MLP((3, 5, 2), hidden="relu", init="he", seed=1)
    X = rng.standard_normal((7, 3))
    _, activations = net.forward(X)
    np.testing.assert_array_equal(activations[1], mh.relu(X @ net.weights[0] + net.biases[0]))
    twin = net.copy()
    assert twin.hidden == "relu"
    np.testing.assert_array_equal(twin.forward(X)[0], net.forward(X)[0])
    Y = np.eye(2)[rng.integers(0, 2, 7)]
    for name, grad in twin.backward(twin.forward(X)[1], Y).items():
        np.testing.assert_array_equal(grad, net.backward(activations, Y)[name])


def test_networks_built_as_before_are_unchanged_sigmoid_layers_and_the_same_draws():
    net = mh.MLP((4, 3, 2), seed=5)
    assert net.hidden == "sigmoid"
    rng = np.random.default_rng(5)
    for W, (fan_in, fan_out) in zip(net.weights, ((4, 3), (3, 2))):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        np.testing.assert_array_equal(W, rng.uniform(-limit, limit, size=(fan_in, fan_out)))


def test_an_unknown_hidden_activation_is_refused_with_the_choices_listed():
    with pytest.raises(ValueError, match=r"hidden must be one of \('sigmoid', 'relu'\)"):
        mh.MLP((2, 3, 1), hidden="tanh")


# Initialisation -------------------------------------------------------------------------------

@pytest.mark.parametrize(("activation", "variance"), [
    ("sigmoid", lambda fan_in, fan_out: 2 / (fan_in + fan_out)),
    ("relu", lambda fan_in, fan_out: 2 / fan_in),
])
def test_init_for_activation_has_glorots_variance_for_sigmoid_and_hes_for_relu(activation,
                                                                               variance):
    rng = np.random.default_rng(0)
    W = mh.init_for_activation(400, 300, activation, rng)
    assert W.shape == (400, 300)
    assert W.dtype == np.float64
    assert abs(W.mean()) < 0.01 * W.std()
    assert W.var() == pytest.approx(variance(400, 300), rel=0.02)


def test_init_for_activation_is_uniform_for_sigmoid_and_normal_for_relu():
    rng = np.random.default_rng(1)
    limit = np.sqrt(6.0 / (50 + 70))
    uniform = mh.init_for_activation(50, 70, "sigmoid", rng)
    assert np.abs(uniform).max() <= limit
    assert np.abs(uniform).max() > 0.99 * limit
    normal = mh.init_for_activation(500, 200, "relu", rng)
    # A normal has 0.27 % of its draws beyond 3 standard deviations; a uniform has none.
    beyond = np.mean(np.abs(normal) > 3 * np.sqrt(2 / 500))
    assert 0.001 < beyond < 0.005


def test_he_and_xavier_schemes_draw_what_init_for_activation_draws():
    for scheme, activation in (("he", "relu"), ("xavier", "sigmoid")):
        ours = init_weights(30, 20, scheme, np.random.default_rng(7))
        theirs = mh.init_for_activation(30, 20, activation, np.random.default_rng(7))
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize(("arguments", "message"), [
    ((3, 2, "tanh"), "activation must be one of"),
    ((0, 2, "relu"), "fan_in must be a whole number >= 1"),
    ((3, 2.5, "relu"), "fan_out must be a whole number >= 1"),
])
def test_init_for_activation_refuses_what_it_cannot_draw_naming_the_argument(arguments,
                                                                             message):
    with pytest.raises(ValueError, match=message):
        mh.init_for_activation(*arguments, np.random.default_rng(0))


# Too large a learning rate ---------------------------------------------------------------------

# Shuffles of the mini-batches: a claim about a range test must hold for every one of them.
SHUFFLES = (0, 1, 2)
LARGE_RATES = tuple(rate for rate in tuning.RANGE_TEST_RATES if rate >= 0.1)


@pytest.fixture(scope="module")
def range_tests():
    X, Y = replays.mnist_subset()[:2]
    tests = {}
    for hidden in ("relu", "sigmoid"):
        def make_network(hidden=hidden):
            return mh.MLP(widgets_training.RANGE_TEST["layer_sizes"], hidden=hidden,
                          init=widgets_training.INIT_FOR[hidden], seed=0, dtype=np.float32)

        for shuffle in SHUFFLES:
            tests[hidden, shuffle] = tuning.range_test(
                make_network, X, Y, rates=LARGE_RATES, epochs=widgets_training.RANGE_TEST["epochs"],
                seed=shuffle)
    return X, tests


def test_too_large_rates_leave_relu_units_off_and_sigmoid_units_saturated(range_tests):
    # A run at a rate this large is chaotic: a last-bit difference (another machine, another
    # alignment of an array) makes it another run. Measured over six shuffles and two processes:
    # the last hidden layer at least 99.9 % off (ReLU) and 94 % saturated (sigmoid); from a
    # rate of 30 on, the spread of P(7) over the digits at most 3e-7 (at 10 it reached 0.27).
    X, tests = range_tests
    for (hidden, shuffle), test in tests.items():
        threshold = 0.99 if hidden == "relu" else 0.9
        for rate, loss, net in zip(test.rates, test.losses, test.networks):
            if rate in test.too_large and np.isfinite(loss):
                assert diagnostics.layer_statistics(net, X)[-1]["inactive"] > threshold, (
                    hidden, shuffle, rate)
                if rate > 30:
                    assert net.forward(X)[0][:, 1].std() < 1e-3, (hidden, shuffle, rate)
        best = test.networks[int(np.nanargmin(test.losses))]
        assert diagnostics.layer_statistics(best, X)[-1]["inactive"] < 0.8, (hidden, shuffle)


def test_dead_relu_networks_end_near_ln_2_and_saturated_sigmoid_networks_far_above(range_tests):
    # Measured over the shuffles: ReLU at rates 1 and 3.2 ends between 0.69 and 0.90; every
    # sigmoid run at a rate of 10 or more ends above 2.1.
    _, tests = range_tests
    for (hidden, shuffle), test in tests.items():
        for rate, loss in zip(test.rates, test.losses):
            if hidden == "relu" and rate in test.too_large and rate < 5:
                assert np.log(2) - 0.05 < loss < np.log(2) + 0.4, (shuffle, rate)
            if hidden == "sigmoid" and rate > 5 and np.isfinite(loss):
                assert loss > 1.5, (shuffle, rate)
