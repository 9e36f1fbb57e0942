"""The checks of the assignments' free-form parts, on students' functions written here."""

import numpy as np
import pytest

import mlp_helpers as mh
from mlp_helpers import checks

X_XOR, Y_XOR = mh.xor()


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def make_train_xor(step_sign=-1.0, delta_rule=None):
    """A student's XOR loop; ``step_sign=+1`` climbs the loss, ``delta_rule`` replaces theirs."""
    def train_xor(X, Y, hidden_units=5, lr=2.0, epochs=2000, seed=0):
        rng = np.random.default_rng(seed)
        W1, b1 = rng.standard_normal((2, hidden_units)), np.zeros((1, hidden_units))
        W2, b2 = rng.standard_normal((hidden_units, 1)), np.zeros((1, 1))
        losses = []
        for _ in range(epochs):
            a1 = sigmoid(X @ W1 + b1)
            a2 = sigmoid(a1 @ W2 + b2)
            losses.append(float(np.sum((a2 - Y) ** 2)) / (2 * len(X)))
            delta2 = (delta_rule or (lambda a, y: (a - y) / len(y) * a * (1 - a)))(a2, Y)
            delta1 = (delta2 @ W2.T) * a1 * (1 - a1)
            W2, b2 = W2 + step_sign * lr * a1.T @ delta2, b2 + step_sign * lr * delta2.sum(0)
            W1, b1 = W1 + step_sign * lr * X.T @ delta1, b1 + step_sign * lr * delta1.sum(0)
        return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, losses
    return train_xor


def test_training_loop_that_learns_xor_passes_every_check():
    checks.check_train_xor(make_train_xor(), hidden=True)


def test_loop_whose_loss_rises_is_told_about_the_learning_rate_and_sum_vs_mean():
    found = checks.diagnose("train_xor", make_train_xor(step_sign=+1.0))
    assert "the loss went up" in found.message
    assert "lower the learning rate" in found.message
    assert "the mean's, not the sum's" in found.message
    assert "It rose at every step: check that the update subtracts" in found.message


def test_loop_with_nan_losses_is_told_its_weights_blew_up():
    def train_xor(X, Y, hidden_units=5, lr=2.0, epochs=2000, seed=0):
        params, losses = make_train_xor()(X, Y, hidden_units, lr, 10, seed)
        return params, [*losses, float("nan")]
    found = checks.diagnose("train_xor", train_xor)
    assert found.code == "unstable"
    assert "nan or inf" in found.message


def test_loop_whose_outputs_all_end_below_one_half_is_told_they_are_stuck():
    def train_xor(X, Y, hidden_units=5, lr=2.0, epochs=2000, seed=0):
        return ({"W1": np.zeros((2, hidden_units)), "b1": np.zeros((1, hidden_units)),
                 "W2": np.zeros((hidden_units, 1)), "b2": np.full((1, 1), -3.0)},
                [0.3, 0.2, 0.1])
    found = checks.diagnose("train_xor", train_xor)
    assert "all 4 outputs are below 0.5" in found.message
    assert "(a - y)" in found.message


def test_loop_that_runs_the_reference_network_is_told_to_write_its_own():
    def train_xor(X, Y, hidden_units=5, lr=2.0, epochs=2000, seed=0):
        net = mh.MLP((2, hidden_units, 1), output="sigmoid", seed=seed)
        history = mh.train(net, X, Y, lr=lr, epochs=epochs)
        return net.parameters(), history.loss
    assert checks.diagnose("train_xor", train_xor).code == "calls-reference"


def test_loop_with_wrong_parameter_shapes_is_told_the_contract_shape():
    def train_xor(X, Y, hidden_units=5, lr=2.0, epochs=2000, seed=0):
        params, losses = make_train_xor()(X, Y, hidden_units, lr, epochs, seed)
        return {**params, "b1": params["b1"].ravel()}, losses
    found = checks.diagnose("train_xor", train_xor)
    assert found.code == "wrong-shape"
    assert "params['b1']" in found.message


def xor_loss_and_gradients(params, X, Y, slope=lambda a: a * (1 - a), scale=1.0):
    a1 = sigmoid(X @ params["W1"] + params["b1"])
    a2 = sigmoid(a1 @ params["W2"] + params["b2"])
    n = len(X)
    delta2 = scale * (a2 - Y) / n * a2 * (1 - a2)
    delta1 = (delta2 @ params["W2"].T) * slope(a1)
    return float(np.sum((a2 - Y) ** 2)) / (2 * n), {
        "W1": X.T @ delta1, "b1": delta1.sum(axis=0, keepdims=True),
        "W2": a1.T @ delta2, "b2": delta2.sum(axis=0, keepdims=True)}


def test_right_xor_gradients_pass_every_check():
    checks.check_xor_loss_and_gradients(xor_loss_and_gradients, hidden=True)


def test_one_minus_activation_in_the_hidden_layer_is_named_with_layer_1():
    found = checks.diagnose("xor_loss_and_gradients",
                            lambda p, X, Y: xor_loss_and_gradients(p, X, Y, slope=lambda a: 1 - a))
    assert found.code == "one-minus-activation"
    assert "dW1, db1 are wrong while layer 2 is right" in found.message
    assert "the delta of layer 1" in found.message


def test_summed_xor_gradients_are_told_the_factor_n():
    found = checks.diagnose("xor_loss_and_gradients",
                            lambda p, X, Y: xor_loss_and_gradients(p, X, Y, scale=len(X)))
    assert found.code == "sum-not-mean"
    assert "n = 4 times too large" in found.message


def backward_two_hidden(activations, Y, params, slopes=(None, None), scale=1.0):
    X, a1, a2, p = activations
    right = [lambda a: a * (1 - a)] * 2
    slope1, slope2 = (given or default for given, default in zip(slopes, right))
    delta3 = scale * (p - Y) / len(Y)
    delta2 = (delta3 @ params["W3"].T) * slope2(a2)
    delta1 = (delta2 @ params["W2"].T) * slope1(a1)
    return {"W3": a2.T @ delta3, "b3": delta3.sum(axis=0, keepdims=True),
            "W2": a1.T @ delta2, "b2": delta2.sum(axis=0, keepdims=True),
            "W1": X.T @ delta1, "b1": delta1.sum(axis=0, keepdims=True)}


def test_right_two_hidden_backward_passes_every_check():
    checks.check_backward_two_hidden(backward_two_hidden, hidden=True)


@pytest.mark.parametrize(("slopes", "layer"), [((lambda a: 1 - a, None), "layer 1"),
                                               ((None, lambda a: 1 - a), "layer 2")])
def test_one_minus_activation_in_one_hidden_layer_names_that_layer(slopes, layer):
    found = checks.diagnose("backward_two_hidden",
                            lambda acts, Y, p: backward_two_hidden(acts, Y, p, slopes))
    assert found.code == "one-minus-activation"
    assert f"the mistake enters at {layer}" in found.message
    assert f"the delta of {layer}:" in found.message


def test_the_learners_backward_pass_is_told_both_of_its_mistakes():
    def learner(activations, Y, params):
        return backward_two_hidden(activations, Y, params, (lambda a: 1 - a,) * 2, len(Y))
    found = checks.diagnose("backward_two_hidden", learner)
    assert found.code == "sum-not-mean"
    assert "two mistakes: the delta of layer 1 and layer 2" in found.message
    assert "1 - a" in found.message


def test_matching_rate_times_n_is_told_the_factor_goes_the_wrong_way():
    found = checks.diagnose("matching_learning_rate", lambda lr, n: lr * n)
    assert "the factor n goes the wrong way" in found.message
    checks.check_matching_learning_rate(lambda lr, n: lr / n, hidden=True)


def test_keeping_the_same_rate_is_told_the_summed_steps_are_n_times_larger():
    found = checks.diagnose("matching_learning_rate", lambda lr, n: lr)
    assert "takes steps n times larger" in found.message


def test_named_bugs_must_be_diagnosis_codes_and_are_compared_only_when_graded():
    expected = {"one-minus-activation", "sum-not-mean"}
    checks.check_learner_bugs({"sign"})
    with pytest.raises(checks.CheckFailed, match="not diagnosis codes"):
        checks.check_learner_bugs({"too big"})
    with pytest.raises(checks.CheckFailed, match="1 of your 2 codes name a bug"):
        checks.check_learner_bugs({"sign", "sum-not-mean"}, hidden=True, expected=expected)
    checks.check_learner_bugs(list(expected), hidden=True, expected=expected)


def counting(train_xor):
    """``train_xor`` that also counts its calls in ``.calls``."""
    def counted(*args, **kwargs):
        counted.calls += 1
        return train_xor(*args, **kwargs)
    counted.calls = 0
    return counted


def test_hidden_test_does_not_train_again_the_run_the_visible_test_passed():
    train_xor = counting(make_train_xor())
    checks.check_train_xor(train_xor)
    checks.check_train_xor(train_xor, hidden=True)
    checks.check_train_xor(train_xor, hidden=True)
    assert train_xor.calls == 2  # the default run, then the hidden run with 8 units


def test_a_run_that_failed_is_trained_and_judged_again():
    train_xor = counting(make_train_xor(step_sign=+1.0))
    first = checks.diagnose("train_xor", train_xor, hidden=False)
    assert checks.diagnose("train_xor", train_xor) == first
    assert train_xor.calls == 2


def test_a_loop_that_changes_the_digits_in_place_does_not_change_what_the_next_check_gives():
    seen = []

    def train_two_hidden(X, Y, epochs=3):
        seen.append(X[:5].copy())
        X *= 0.0
        raise ValueError("this loop wipes its inputs")

    for hidden in (False, True, False):
        found = checks.diagnose("train_two_hidden", train_two_hidden, hidden=hidden)
        assert found.message.startswith("`train_two_hidden` raised ValueError")
    pristine = mh.load_mnist_3v7().train.X[:5]
    assert len(seen) == 3
    assert all(np.array_equal(X, pristine) for X in seen)


def test_a_loop_that_hides_its_use_of_the_reference_is_still_caught_and_the_reference_restored():
    from mlp_helpers import train as imported_train  # bound before the check runs

    def train_xor(X, Y, hidden_units=5, lr=2.0, epochs=2000, seed=0):
        net = mh.MLP((2, hidden_units, 1), output="sigmoid", seed=seed)
        try:
            history = imported_train(net, X, Y, lr=lr, epochs=epochs)
        except Exception:
            history = mh.History(loss=[0.2, 0.1])
        return make_train_xor()(X, Y, hidden_units, lr, epochs, seed)[0], history.loss

    assert checks.diagnose("train_xor", train_xor).code == "calls-reference"
    net = mh.MLP((2, 3, 1), output="sigmoid")
    assert mh.train(net, X_XOR, Y_XOR, lr=1.0, epochs=2).loss[1] < np.inf


def test_an_mnist_loop_that_trains_the_reference_network_is_told_to_write_its_own():
    def train_two_hidden(X, Y, epochs=3):
        net = mh.MLP((784, 8, 4, 2), seed=0)
        history = mh.train(net, X, Y, lr=0.5, epochs=epochs, batch_size=32)
        return net.parameters(), history.loss

    assert checks.diagnose("train_two_hidden", train_two_hidden).code == "calls-reference"
