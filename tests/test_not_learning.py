"""Lecture 4 (why a network does not learn): the claims its text makes about numbers hold.

Each test repeats a measurement of ``notebooks/04_not_learning.ipynb`` with the same settings
and checks what the text around it says.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mlp_helpers as mh
from mlp_helpers.lectures import bugs, diagnostics, learners, replays, tuning
from mlp_helpers.lectures.learners import mnist_chaos
from mlp_helpers.lectures.plots.training import (
    plot_gradient_norms,
    plot_layer_histograms,
    plot_range_test,
    plot_training_and_validation,
)
from mlp_helpers.lectures.widgets import training as widgets_training

LECTURE_3 = {"lr": 0.5, "epochs": 5, "batch_size": 32}


@pytest.fixture(scope="module")
def data():
    return mh.load_mnist_3v7(validation_size=1000, seed=0)


@pytest.fixture(scope="module")
def lecture_3_runs(data):
    """Lecture 3's run in float32 with sigmoid (Xavier) and with ReLU (He) hidden layers."""
    X, Y = data.train.X.astype(np.float32), data.train.Y.astype(np.float32)
    validation = (data.val.X.astype(np.float32), data.val.Y.astype(np.float32))
    runs = {}
    for hidden, init in (("sigmoid", "xavier"), ("relu", "he")):
        net = mh.MLP((784, 64, 32, 2), hidden=hidden, init=init, seed=0, dtype=np.float32)
        runs[hidden] = (net, mh.train(net, X, Y, **LECTURE_3, validation=validation))
    return runs


def xor_network(draw):
    net = mh.MLP((2, 3, 1), output="sigmoid", seed=0)
    for W in net.weights:
        W[...] = draw(W.shape)
    return net


# 1. Sanity checks -----------------------------------------------------------------------------

def test_untrained_network_starts_near_ln_2_and_with_randn_weights_far_above_it(data):
    net = mh.MLP((784, 64, 32, 2), init="xavier", seed=0)
    assert abs(net.loss(data.train.X, data.train.Y) - np.log(2)) < 0.1
    relu = mh.MLP((784, 64, 32, 2), hidden="relu", init="he", seed=0)
    assert abs(relu.loss(data.train.X, data.train.Y) - np.log(2)) < 0.1
    rng = np.random.default_rng(0)
    for W in net.weights:
        W[...] = rng.standard_normal(W.shape)
    assert net.loss(data.train.X, data.train.Y) > 2 * np.log(2)
    assert np.mean(net.forward(data.train.X)[0].max(axis=1) > 0.99) > 0.25


def test_lecture_3_network_learns_20_digits_by_heart_and_with_the_sign_bug_does_not(data):
    X, Y, labels = data.train.X[:20], data.train.Y[:20], data.train.labels[:20]
    net = mh.MLP((784, 64, 32, 2), init="xavier", seed=0)
    tiny = net.copy()
    history = mh.train(tiny, X, Y, lr=0.5, epochs=200)
    assert history.loss[-1] < 0.01
    assert tiny.accuracy(X, labels) == 1.0
    sign = bugs.MNIST_BUGS["sign"]
    broken = net.copy()
    broken_history = mh.train(broken, X, Y, lr=0.5, epochs=200, **{sign.rule: sign.function})
    assert broken_history.loss[-1] > 10 * broken_history.loss[0]
    assert broken.accuracy(X, labels) < 0.75


def test_randn_weights_saturate_lecture_3s_hidden_layers_and_xavier_weights_do_not(data):
    net = mh.MLP((784, 64, 32, 2), init="xavier", seed=0)
    X = data.train.X[:1000]
    assert all(row["inactive"] == 0 for row in diagnostics.layer_statistics(net, X))
    rng = np.random.default_rng(0)
    for W in net.weights:
        W[...] = rng.standard_normal(W.shape)
    assert diagnostics.layer_statistics(net, X)[0]["inactive"] > 0.5
    assert "saturated" in diagnostics.layer_report(net, data.train.X[:10])


# 2. Initialisation ----------------------------------------------------------------------------

def test_xor_units_that_start_equal_stay_identical_and_cannot_solve_xor():
    X, Y = mh.xor()
    net = xor_network(lambda shape: np.full(shape, 0.5))
    mh.train(net, X, Y, lr=3.0, epochs=1000)
    assert diagnostics.column_spread(net.weights[0]) == 0.0
    assert np.any(net.weights[0] != 0.5)  # they moved, all together
    assert np.sum((net.forward(X)[0] > 0.5) == (Y > 0.5)) < 4


def test_xor_from_all_zero_weights_never_moves():
    X, Y = mh.xor()
    net = xor_network(np.zeros)
    history = mh.train(net, X, Y, lr=3.0, epochs=1000)
    assert history.loss[0] == history.loss[-1] == 0.125
    assert not any(p.any() for p in net.parameters().values())


@pytest.mark.parametrize(("scale", "learns"), [(0.01, False), (0.1, False), (1.0, True),
                                               (10.0, False), (100.0, False)])
def test_xor_learns_only_from_weights_neither_too_small_nor_too_large(scale, learns):
    X, Y = mh.xor()
    rng = np.random.default_rng(0)
    net = xor_network(lambda shape: scale * rng.standard_normal(shape))
    saturated = diagnostics.layer_statistics(net, X)[0]["inactive"]
    history = mh.train(net, X, Y, lr=3.0, epochs=1000)
    if learns:
        assert history.loss[-1] < 0.01
    else:
        assert history.loss[-1] >= 0.125 - 1e-4  # no better than answering 1/2 everywhere
    if scale >= 10:
        assert saturated > 0.3
    if scale <= 0.1:
        assert saturated == 0.0


def per_layer_factor(layers):
    variances = np.array([a.var() for a in layers])
    return float(np.exp(np.mean(np.log(variances[1:] / variances[:-1]))))


@pytest.mark.parametrize(("init", "factor"), [("xavier", 0.5), ("he", 1.0), (2.0, 2.0)])
def test_relu_layers_multiply_the_variance_by_half_n_v_per_layer(init, factor):
    layers = widgets_training.deep_activations("relu", init)
    assert len(layers) == 10
    assert per_layer_factor(layers) == pytest.approx(factor, rel=0.2)


def test_he_keeps_10_relu_layers_spread_while_randn_explodes_and_tiny_weights_vanish():
    def growth(init):
        layers = widgets_training.deep_activations("relu", init)
        return layers[-1].std() / layers[0].std()

    assert 1 / 3 < growth("he") < 3
    assert growth(16.0) > 1e6  # plain randn on 256 inputs
    assert growth(0.1) < 1e-6


def test_xavier_keeps_10_sigmoid_layers_unsaturated_randn_saturates_tiny_weights_say_one_half():
    def statistics(init):
        layers = widgets_training.deep_activations("sigmoid", init)
        return ([float(np.mean(diagnostics.inactive(a, "sigmoid"))) for a in layers],
                [float(a.std()) for a in layers])

    xavier, xavier_std = statistics("xavier")
    assert max(xavier) == 0.0
    assert max(xavier_std) / min(xavier_std) < 1.5
    large, _ = statistics(16.0)
    assert min(large) > 0.3
    _, tiny_std = statistics(0.1)
    assert max(tiny_std) < 0.02


# 3. Saturation and vanishing gradients --------------------------------------------------------

def test_sigma_prime_is_at_most_one_quarter_at_z_0():
    z = np.linspace(-10, 10, 2001)
    slope = mh.sigmoid_derivative(mh.sigmoid(z))
    assert slope.max() == 0.25
    assert z[np.argmax(slope)] == 0.0


def test_sigmoid_gradients_shrink_layer_by_layer_and_relu_gradients_do_not(data):
    X, Y = data.train.X[:256], data.train.Y[:256]
    sigmoid = diagnostics.gradient_norms(
        diagnostics.deep_network("sigmoid", "xavier", depth=10, width=64), X, Y)
    shrink = sigmoid[1:-1] / sigmoid[:-2]
    assert np.all(shrink > 2)
    assert np.median(shrink) > 3.5
    assert sigmoid[-1] / sigmoid[0] > 1e5
    shallow = diagnostics.gradient_norms(
        diagnostics.deep_network("sigmoid", "xavier", depth=5, width=64), X, Y)
    assert shallow[-1] / shallow[0] < sigmoid[-1] / sigmoid[0]
    relu = diagnostics.gradient_norms(
        diagnostics.deep_network("relu", "he", depth=10, width=64), X, Y)
    assert relu.max() / relu.min() < 10
    fig, summary = plot_gradient_norms({"sigmoid": sigmoid, "relu": relu})
    plt.close(fig)
    assert f"{sigmoid[0]:.1e} at layer 1" in summary


def test_the_learners_first_summed_step_is_several_times_the_size_of_w1():
    X, Y, _ = replays.mnist_training_set()
    start = learners.mnist.SETTING.network()
    with np.errstate(over="ignore"):
        summed = diagnostics.gradient_norms(start, X, Y,
                                            **learners.mnist.VARIANTS["derivative_fixed"].rules)
        mean = diagnostics.gradient_norms(start, X, Y)
    assert summed[0] == pytest.approx(len(X) * mean[0], rel=1e-9)
    step = learners.mnist.learning_rate("derivative_fixed") * summed[0]
    assert step > 3 * np.linalg.norm(start.weights[0])


def saturation_and_steps(variant, passes):
    X, Y, labels = replays.mnist_training_set()
    net = learners.mnist.network_at(variant, passes)
    with np.errstate(over="ignore"):
        p, activations = net.forward(X)
        saturated = [np.mean(diagnostics.inactive(a, "sigmoid")) for a in activations[1:-1]]
        correct = np.linalg.norm(net.backward(activations, Y)["W1"])
        own = np.linalg.norm(net.backward(activations, Y,
                                          **learners.mnist.VARIANTS[variant].rules)["W1"])
    return (saturated, correct, learners.mnist.learning_rate(variant) * own,
            p.argmax(axis=1), labels)


def test_with_the_derivative_fixed_and_the_sum_kept_the_units_saturate_and_learning_stops():
    saturated, correct, _, _, _ = saturation_and_steps("derivative_fixed", 1)
    assert saturated[0] > 0.9
    saturated, correct, step, _, _ = saturation_and_steps("derivative_fixed",
                                                          learners.mnist.CHECKPOINTS[1])
    assert min(saturated) > 0.99
    assert correct < 1e-10
    assert step < 1e-10
    # After the last pass, in every recorded realisation of this chaotic run: measured, at least
    # 99.86 % saturated, |dW1| (mean) 2.8e-16, a step of 1.7e-14.
    last = mnist_chaos.last_pass("derivative_fixed")
    assert last["saturated"].min() > 0.99
    assert last["correct_dW1"].max() < 1e-10
    assert last["step"].max() < 1e-10
    assert np.all((last["sevens"] == 0) | (last["sevens"] == 1))  # one answer for every digit


def test_the_learners_own_rule_keeps_moving_saturated_units_that_pass_no_true_gradient():
    saturated, correct, step, _, _ = saturation_and_steps("learner", 1)
    assert saturated[0] > 0.99
    assert correct < 1e-5
    assert step > 100
    # After the last pass, in every recorded realisation of their chaotic run: measured, the
    # first layer 100.0 % saturated, |dW1| (mean) 0 to the last bit, steps of 1.6e6 to 9.1e6.
    last = mnist_chaos.last_pass("learner")
    assert last["saturated"][:, 0].min() > 0.99
    assert last["correct_dW1"].max() < 1e-5
    assert last["step"].min() > 100


def test_with_both_bugs_fixed_the_units_learn_before_some_of_them_saturate():
    saturated, _, _, predicted, labels = saturation_and_steps("both_fixed",
                                                              learners.mnist.CHECKPOINTS[1])
    assert max(saturated) < 0.1
    assert np.mean(predicted == labels) > 0.99
    saturated, _, _, _, _ = saturation_and_steps("both_fixed", learners.mnist.CHECKPOINTS[-1])
    assert min(saturated) > 0.1


# 4. ReLU --------------------------------------------------------------------------------------

def test_a_huge_full_batch_step_kills_relu_units_whose_weights_never_change_again(data):
    X, Y = data.train.X[:2000], data.train.Y[:2000]
    net = mh.MLP((784, 64, 32, 2), hidden="relu", init="he", seed=0, dtype=np.float32)
    mh.train(net, X, Y, lr=0.1, epochs=1, batch_size=32)
    assert sum(mask.sum() for mask in diagnostics.dead_units(net, X)) == 0
    net.step(net.backward(net.forward(X)[1], Y), lr=30.0)
    dead = diagnostics.dead_units(net, X)
    assert dead[0].mean() > 0.2
    assert dead[1].mean() > 0.2
    W1, b1 = net.weights[0].copy(), net.biases[0].copy()
    mh.train(net, X, Y, lr=0.1, epochs=3, batch_size=32)
    assert np.array_equal(net.weights[0][:, dead[0]], W1[:, dead[0]])
    assert np.array_equal(net.biases[0][:, dead[0]], b1[:, dead[0]])
    assert np.all(diagnostics.dead_units(net, X)[0][dead[0]])


def test_relu_layers_give_lecture_3s_run_a_lower_training_loss_at_every_epoch(lecture_3_runs,
                                                                             data):
    (sigmoid_net, sigmoid), (relu_net, relu) = lecture_3_runs["sigmoid"], lecture_3_runs["relu"]
    assert all(r < s for r, s in zip(relu.loss, sigmoid.loss))
    assert relu_net.accuracy(data.test.X, data.test.labels) > 0.98
    assert sigmoid_net.accuracy(data.test.X, data.test.labels) > 0.97


def test_lecture_3s_run_in_float32_has_lecture_3s_validation_losses_to_four_digits(
        lecture_3_runs, data):
    net = mh.MLP((784, 64, 32, 2), init="xavier", seed=0)
    history = mh.train(net, data.train.X, data.train.Y, **LECTURE_3,
                       validation=(data.val.X, data.val.Y))
    float32 = lecture_3_runs["sigmoid"][1]
    np.testing.assert_array_equal(np.round(float32.val_loss, 4), np.round(history.val_loss, 4))


# 5. The learning rate -------------------------------------------------------------------------

@pytest.mark.parametrize("hidden", ["sigmoid", "relu"])
def test_range_test_best_rate_lies_between_too_small_and_too_large(hidden):
    test = widgets_training.mnist_range_test(hidden)
    assert test.too_small
    assert test.too_large
    assert max(test.too_small) < test.best < min(test.too_large)
    assert np.nanmin(test.losses) < test.start / 5


def test_range_test_of_the_summed_loss_is_the_means_moved_by_the_batch_size():
    mean = widgets_training.mnist_range_test("sigmoid")
    summed = widgets_training.mnist_range_test("sigmoid", reduction="sum")
    assert mean.best / summed.best == pytest.approx(32, rel=0.05)  # 10 ** 1.5 on the grid
    fig, summary = plot_range_test({"mean": mean, "sum": summed})
    plt.close(fig)
    assert f"lowest loss {np.nanmin(summed.losses):.3g} at lr {summed.best:.3g}" in summary


def test_too_small_a_rate_creeps_and_too_large_a_rate_jumps_without_settling(data):
    X, Y = data.train.X[:256].astype(np.float32), data.train.Y[:256].astype(np.float32)
    runs = {}
    for lr in (0.1, 1.0, 30.0):
        net = mh.MLP((784, 64, 32, 2), init="xavier", seed=0, dtype=np.float32)
        runs[lr] = np.array(mh.train(net, X, Y, lr=lr, epochs=60).loss)
    assert np.all(np.diff(runs[0.1]) < 0)
    assert runs[0.1][-1] > 0.4
    assert runs[1.0][-1] < 0.1
    assert np.mean(np.diff(runs[30.0]) > 0) > 0.3
    assert runs[30.0][-1] > runs[30.0][0]


# 6. Generalisation ----------------------------------------------------------------------------

def test_early_stopping_keeps_the_epoch_of_lowest_validation_loss():
    losses = [0.5, 0.3, 0.35, 0.2, 0.25, 0.26, 0.27, 0.1]
    assert tuning.early_stopping(losses) == (8, 8)
    assert tuning.early_stopping(losses, patience=1) == (2, 3)
    assert tuning.early_stopping(losses, patience=3) == (4, 7)
    assert tuning.early_stopping(losses, patience=4) == (8, 8)


def test_lecture_3s_validation_rise_after_epoch_5_is_not_the_start_of_a_trend(lecture_3_runs,
                                                                            data):
    net, first5 = lecture_3_runs["sigmoid"]
    assert first5.val_loss[4] > first5.val_loss[3]  # the rise lecture 3 shows
    net = net.copy()
    more = mh.train(net, data.train.X, data.train.Y, lr=0.5, epochs=5, batch_size=32, seed=1,
                    validation=(data.val.X, data.val.Y))
    val = first5.val_loss + more.val_loss
    best, _ = tuning.early_stopping(val)
    assert best > 5
    assert val[best - 1] < 0.8 * min(first5.val_loss)  # below everything lecture 3 saw
    assert tuning.early_stopping(val, patience=1)[1] == 2  # the first rise comes after epoch 2


def test_with_100_digits_the_validation_loss_rises_at_every_epoch_after_its_lowest(data):
    X, Y = data.train.X[:100].astype(np.float32), data.train.Y[:100].astype(np.float32)
    validation = (data.val.X.astype(np.float32), data.val.Y.astype(np.float32))
    net = mh.MLP((784, 64, 32, 2), hidden="relu", init="he", seed=0, dtype=np.float32)
    history, kept, kept_epoch = tuning.train_keeping_best(net, X, Y, validation=validation,
                                                         lr=0.3, epochs=120)
    best, stop = tuning.early_stopping(history.val_loss, patience=10)
    assert kept_epoch == best < stop < 120
    assert np.all(np.diff(history.val_loss[best - 1:]) > 0)
    assert history.loss[-1] < 0.2 * history.loss[best - 1]  # heading for 0
    assert kept.loss(*validation) == pytest.approx(history.val_loss[best - 1], rel=1e-5)
    assert kept.loss(data.test.X, data.test.Y) < net.loss(data.test.X, data.test.Y)
    confidence, accuracy = [], []
    for model in (kept, net):
        p = model.forward(data.test.X)[0]
        wrong = p.argmax(axis=1) != data.test.labels
        confidence.append(p[wrong].max(axis=1).mean())
        accuracy.append(1 - wrong.mean())
    assert confidence[1] > confidence[0]  # more confident where it is wrong
    assert abs(accuracy[1] - accuracy[0]) < 0.01
    fig, summary = plot_training_and_validation(history, best=best, stop=stop)
    plt.close(fig)
    assert f"lowest validation loss {history.val_loss[best - 1]:.3g} at epoch {best}" in summary
    assert f"early stopping ends the run at epoch {stop}" in summary


def test_layer_histogram_summary_gives_each_panels_first_and_last_layer():
    layers = widgets_training.deep_activations("sigmoid", 16.0)
    fig, summary = plot_layer_histograms({"randn": layers}, "sigmoid")
    plt.close(fig)
    assert summary.startswith("Activations of the 10 sigmoid layers")
    assert f"std {layers[0].std():.2g} in layer 1 and {layers[-1].std():.2g} in layer 10" in summary
