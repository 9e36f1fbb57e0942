"""The reference networks learn what the course says they learn."""

import numpy as np
import pytest

import mlp_helpers as mh

XOR_FINAL_LOSS_BOUND = 1e-3


@pytest.fixture(scope="module")
def mnist():
    return mh.load_mnist_3v7()


def test_reference_2_5_1_network_learns_xor_from_a_fixed_seed():
    X, Y = mh.xor()
    net = mh.MLP((2, 5, 1), output="sigmoid", init="xavier", seed=0)
    history = mh.train(net, X, Y, lr=2.0, epochs=5000)
    output, _ = net.forward(X)
    assert np.all((output > 0.5) == (Y > 0.5))
    assert history.loss[-1] < XOR_FINAL_LOSS_BOUND
    assert history.accuracy[-1] == 1.0
    assert history.loss[-1] < history.loss[0] / 100


def test_two_hidden_layer_network_reaches_98_percent_on_real_mnist(mnist):
    net = mh.MLP((784, 64, 32, 2), output="softmax", init="xavier", seed=0)
    history = mh.train(net, mnist.train.X, mnist.train.Y, lr=0.5, epochs=4, batch_size=32,
                       seed=0)
    assert net.accuracy(mnist.test.X, mnist.test.labels) >= 0.98
    assert history.loss[-1] < history.loss[0]


def test_float32_network_trains_as_well_and_stays_float32(mnist):
    net = mh.MLP((784, 32, 16, 2), seed=1, dtype=np.float32)
    mh.train(net, mnist.train.X, mnist.train.Y, lr=0.5, epochs=2, batch_size=64)
    assert all(W.dtype == np.float32 for W in net.weights)
    assert net.accuracy(mnist.test.X, mnist.test.labels) >= 0.97


def test_same_seed_tells_the_same_story_twice():
    X, Y = mh.xor()
    runs = []
    for _ in range(2):
        net = mh.MLP((2, 5, 1), output="sigmoid", seed=4)
        runs.append(mh.train(net, X, Y, lr=1.0, epochs=200, batch_size=2, seed=7).loss)
    assert runs[0] == runs[1]


def test_summed_loss_with_lr_over_n_retraces_the_mean_loss_run():
    X, Y = mh.xor()
    mean_net = mh.MLP((2, 5, 1), output="sigmoid", seed=2)
    sum_net = mean_net.copy()
    mean_history = mh.train(mean_net, X, Y, lr=2.0, epochs=300)
    sum_history = mh.train(sum_net, X, Y, lr=2.0 / len(X), epochs=300, reduction="sum")
    np.testing.assert_allclose(sum_history.loss, mean_history.loss, rtol=1e-12)
    for W_sum, W_mean in zip(sum_net.weights, mean_net.weights):
        np.testing.assert_allclose(W_sum, W_mean, rtol=1e-12)


def test_the_loss_value_used_as_a_gradient_drives_every_xor_output_to_zero():
    # The first learner's bug: output delta = loss value * sigma'(a2), a positive scalar factor.
    X, Y = mh.xor()
    net = mh.MLP((2, 5, 1), output="sigmoid", init="uniform", bias=False, seed=0)

    def loss_times_derivative(a_out, y):
        return mh.mse_loss(a_out, y)[0] * a_out * (1 - a_out)

    mh.train(net, X, Y, lr=0.3, epochs=10000, output_delta=loss_times_derivative)
    output, _ = net.forward(X)
    assert np.all(output < 0.01)
    assert np.all(net.weights[1] < 0)


def test_validation_history_is_recorded_per_epoch(mnist):
    data = mh.load_mnist_3v7(validation_size=500)
    net = mh.MLP((784, 16, 8, 2), seed=0)
    history = mh.train(net, data.train.X[:2000], data.train.Y[:2000], lr=0.5, epochs=3,
                       batch_size=50, validation=(data.val.X, data.val.Y))
    assert len(history.val_loss) == len(history.val_accuracy) == 3
    assert history.val_accuracy[-1] > 0.9


def test_training_with_bad_settings_explains_itself():
    X, Y = mh.xor()
    net = mh.MLP((2, 3, 1), output="sigmoid")
    with pytest.raises(ValueError, match="lr must be > 0"):
        mh.train(net, X, Y, lr=0, epochs=1)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        mh.train(net, X, Y, lr=0.1, epochs=1, batch_size=0)
    with pytest.raises(ValueError, match=r"Y must have shape \(4, 1\), got \(4, 2\)"):
        mh.train(net, X, np.ones((4, 2)), lr=0.1, epochs=1)
