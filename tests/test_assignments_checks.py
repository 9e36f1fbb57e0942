"""The checks of the assignments' free-form parts, on students' functions written here."""

import functools

import numpy as np
import pytest

import mlp_helpers as mh
from mlp_helpers import checks
from mlp_helpers.checks.engine.fixtures import fresh

X_XOR, Y_XOR = mh.xor()


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def make_train_xor(step_sign=-1.0, delta_rule=None, frozen=(), weights=None):
    """A student's XOR loop; ``step_sign=+1`` climbs the loss, ``delta_rule`` replaces theirs,
    the biases named in ``frozen`` never take a step, ``weights(rng, shape)`` draws the weights.
    """
    def train_xor(X, Y, hidden_units=5, lr=2.0, epochs=2000, seed=0):
        rng = np.random.default_rng(seed)
        draw = weights or (lambda rng, shape: rng.standard_normal(shape))
        W1, b1 = draw(rng, (2, hidden_units)), np.zeros((1, hidden_units))
        W2, b2 = draw(rng, (hidden_units, 1)), np.zeros((1, 1))
        losses = []
        for _ in range(epochs):
            a1 = sigmoid(X @ W1 + b1)
            a2 = sigmoid(a1 @ W2 + b2)
            losses.append(float(np.sum((a2 - Y) ** 2)) / (2 * len(X)))
            delta2 = (delta_rule or (lambda a, y: (a - y) / len(y) * a * (1 - a)))(a2, Y)
            delta1 = (delta2 @ W2.T) * a1 * (1 - a1)
            W2 = W2 + step_sign * lr * a1.T @ delta2
            W1 = W1 + step_sign * lr * X.T @ delta1
            if "b2" not in frozen:
                b2 = b2 + step_sign * lr * delta2.sum(0)
            if "b1" not in frozen:
                b1 = b1 + step_sign * lr * delta1.sum(0)
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


@pytest.mark.parametrize("frozen", [("b1",), ("b2",), ("b1", "b2")])
def test_loop_that_never_updates_a_bias_loses_the_points_and_is_told_which(frozen):
    train_xor = make_train_xor(frozen=frozen)
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_train_xor(train_xor, hidden=True)
    assert failure.value.diagnosis.code == "bias-not-updated"
    subject = " and ".join(frozen) + (" is" if len(frozen) == 1 else " are")
    assert str(failure.value).startswith(f"`train_xor`: after training, {subject} still exactly "
                                         "zero, where the biases start")
    assert "In the update after the backward pass, every parameter moves" in str(failure.value)
    assert "b1 -=" not in str(failure.value)
    assert checks.diagnose("train_xor", train_xor, hidden=False) == failure.value.diagnosis


@pytest.mark.parametrize("weights", [lambda rng, shape: np.zeros(shape),
                                     lambda rng, shape: np.full(shape, 0.5)],
                         ids=["zero", "constant"])
def test_loop_whose_hidden_units_start_identical_is_told_about_the_symmetry(weights):
    found = checks.diagnose("train_xor", make_train_xor(weights=weights))
    assert found.code == "symmetric-init"
    assert found.message.startswith("`train_xor`: after training, all 5 hidden units have the "
                                    "same incoming weights (the 5 columns of W1 are identical).")
    assert "as if it had one hidden unit" in found.message
    assert "a random initialisation breaks the symmetry" in found.message
    assert "sign" not in found.message


def test_loop_with_tiny_random_weights_is_not_told_about_symmetry_but_about_their_size():
    found = checks.diagnose("train_xor", make_train_xor(
        weights=lambda rng, shape: 0.01 * rng.standard_normal(shape)))
    assert found.code == "other"
    assert "start from larger random weights" in found.message


def test_loop_with_nan_losses_is_told_its_weights_blew_up():
    def train_xor(X, Y, hidden_units=5, lr=2.0, epochs=2000, seed=0):
        params, losses = make_train_xor()(X, Y, hidden_units, lr, 10, seed)
        return params, [*losses, float("nan")]
    found = checks.diagnose("train_xor", train_xor)
    assert found.code == "unstable"
    assert "nan or inf" in found.message


def test_loop_whose_outputs_all_end_below_one_half_is_told_they_are_stuck():
    def train_xor(X, Y, hidden_units=5, lr=2.0, epochs=2000, seed=0):
        return ({"W1": np.arange(2.0 * hidden_units).reshape(2, hidden_units),
                 "b1": np.full((1, hidden_units), 0.1),
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


def test_loop_with_wrong_parameter_shapes_is_told_the_expected_shape():
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
    with pytest.raises(checks.CheckFailed, match="not a diagnosis code"):
        checks.check_learner_bugs({"too big"})
    with pytest.raises(checks.CheckFailed, match="1 of your 2 codes names a bug"):
        checks.check_learner_bugs({"sign", "sum-not-mean"}, hidden=True, expected=expected)
    checks.check_learner_bugs(list(expected), hidden=True, expected=expected)


@pytest.mark.parametrize(("answer", "told"), [
    ({"1 - a"}, '`learner_bugs`: "1 - a" is not a diagnosis code.'),
    (["sign", "1 - a", "W.T"], '`learner_bugs`: "1 - a" and "W.T" are not diagnosis codes.'),
    ({"sign", 3}, "`learner_bugs`: 3 is not a diagnosis code."),
])
def test_unknown_codes_are_quoted_in_a_sentence_not_as_a_python_list(answer, told):
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_learner_bugs(answer)
    assert str(failure.value).startswith(told)
    assert "[" not in str(failure.value)


@pytest.mark.parametrize(("answer", "told"), [
    ({"sign"}, "`learner_bugs`: your code names a bug of the learner's run, which has 2 bugs."),
    ({"mean-twice"}, "`learner_bugs`: your code does not name a bug of the learner's run"),
    ({"sign", "mean-twice"}, "`learner_bugs`: 1 of your 2 codes names a bug of the learner's"),
    ({"sign", "sum-not-mean", "other"}, "`learner_bugs`: 2 of your 3 codes name a bug of the"),
])
def test_a_wrong_set_of_codes_is_told_how_many_name_a_bug_in_plain_english(answer, told):
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_learner_bugs(answer, hidden=True, expected={"sign", "sum-not-mean"})
    assert str(failure.value).startswith(told)


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


def test_graded_a_right_loop_trains_once_on_the_graders_problem():
    train_xor = counting(make_train_xor())
    with fresh(20261207):
        assert checks.diagnose("train_xor", train_xor) is None
    assert train_xor.calls == 1  # XNOR at a new size and seed; the test's XOR runs are not asked


def test_graded_a_loop_that_ignores_hidden_units_fails_at_every_size_the_grader_draws():
    def train_xor(X, Y, hidden_units=5, lr=2.0, epochs=2000, seed=0):
        return make_train_xor()(X, Y, 5, lr, epochs, seed)

    for salt in range(1, 6):
        with fresh(salt):
            found = checks.diagnose("train_xor", train_xor)
        assert found is not None
        assert "data the grader chose" in found.message


def test_graded_a_mistake_the_tests_xor_runs_show_is_worded_on_them():
    climbing = make_train_xor(step_sign=+1.0)
    with fresh(7):
        graded = checks.diagnose("train_xor", climbing)
    assert "data the grader chose" in graded.message
    # The grader then asks the test's own runs (grading.judge.verdict): they show the same
    # mistake, in the words of the run the student saw in their notebook.
    seen = checks.diagnose("train_xor", climbing)
    assert seen.code == graded.code
    assert seen.message.startswith("`train_xor`: the loss went up")
    assert "data the grader chose" not in seen.message


def test_a_loop_that_changes_the_digits_in_place_does_not_change_what_the_next_check_gives():
    seen = []

    def train_two_hidden(X, Y, lr=0.5, epochs=3):
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
    def train_two_hidden(X, Y, lr=0.5, epochs=3):
        net = mh.MLP((784, 8, 4, 2), seed=0)
        history = mh.train(net, X, Y, lr=lr, epochs=epochs, batch_size=32)
        return net.parameters(), history.loss

    assert checks.diagnose("train_two_hidden", train_two_hidden).code == "calls-reference"


def notebook(source):
    """The namespace of a notebook that ran ``source``: its functions' globals."""
    namespace = {"np": np}
    exec(source, namespace)
    return namespace


XOR_NOTEBOOK = '''
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(z))  # part 1's sign mistake


def hidden_delta(delta_next, W_next, a, derivative=None):
    slope = a * (1 - a) if derivative is None else derivative(a)
    return (delta_next @ W_next.T) * slope


def train_xor(X, Y, hidden_units=5, lr=2.0, epochs=2000, seed=0, act=sigmoid):
    rng = np.random.default_rng(seed)
    W1, b1 = rng.standard_normal((2, hidden_units)), np.zeros((1, hidden_units))
    W2, b2 = rng.standard_normal((hidden_units, 1)), np.zeros((1, 1))
    losses = []
    for _ in range(epochs):
        a1 = act(X @ W1 + b1)
        a2 = act(a1 @ W2 + b2)
        losses.append(float(np.sum((a2 - Y) ** 2)) / (2 * len(X)))
        delta2 = (a2 - Y) / len(Y) * a2 * (1 - a2)
        delta1 = hidden_delta(delta2, W2, a1, derivative=lambda a: a * (1 - a))
        W2, b2 = W2 - lr * a1.T @ delta2, b2 - lr * delta2.sum(0)
        W1, b1 = W1 - lr * X.T @ delta1, b1 - lr * delta1.sum(0)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, losses
'''


def test_loop_reaching_a_function_through_a_default_argument_runs_with_the_reference():
    # Part 1's mistake costs points in part 1 only, however the loop reaches `sigmoid`, and a
    # part with an extra argument of the student's own still gets the reference in its place.
    namespace = notebook(XOR_NOTEBOOK)
    student_sigmoid = namespace["sigmoid"]
    checks.check_train_xor(namespace["train_xor"], hidden=True)
    assert namespace["sigmoid"] is student_sigmoid
    assert student_sigmoid(np.array(0.0)) == 0.5
    assert student_sigmoid(np.array(50.0)) < 1e-20
    assert set(namespace) == {"np", "sigmoid", "hidden_delta", "train_xor", "__builtins__"}


MNIST_NOTEBOOK = '''
import functools


def init_params(layer_sizes, seed=0, constant=None):
    rng = np.random.default_rng(seed)
    params = {}
    for l, (fan_in, fan_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:]), start=1):
        params[f"W{l}"] = (rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)
                           if constant is None else np.full((fan_in, fan_out), constant))
        params[f"b{l}"] = np.zeros((1, fan_out))
    return params


def forward_two_hidden(X, params):
    a1 = 1 / (1 + np.exp(-(X @ params["W1"] + params["b1"])))
    a2 = 1 / (1 + np.exp(-(a1 @ params["W2"] + params["b2"])))
    z3 = a2 @ params["W3"] + params["b3"]
    e = np.exp(z3 - z3.max(axis=1, keepdims=True))
    return [X, a1, a2, e / e.sum(axis=1, keepdims=True)]


def backward_two_hidden(activations, Y, params):
    raise NotImplementedError  # part 3, replaced by the reference while the loop is checked


def sgd(X, Y, layer_sizes=(784, 64, 32, 2), lr=0.5, epochs=3, batch_size=32, seed=0,
        grads_of=backward_two_hidden, per_batch_losses=False, look_at_full_set=False,
        frozen=(), constant=None):
    rng = np.random.default_rng(seed)
    params = init_params(layer_sizes, seed=seed, constant=constant)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        total = 0.0
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            activations = forward_two_hidden(X[batch], params)
            loss = -np.mean(np.sum(Y[batch] * np.log(activations[-1] + 1e-12), axis=1))
            total += loss * len(batch)
            if per_batch_losses:
                losses.append(loss)
            grads = grads_of(activations, Y[batch], params)
            params = {name: value if name in frozen else value - lr * grads[name]
                      for name, value in params.items()}
        if look_at_full_set:  # a gradient norm to watch, not a step
            grads_of(forward_two_hidden(X, params), Y, params)
        if not per_batch_losses:
            losses.append(total / len(X))
    return params, losses


train_two_hidden = functools.partial(sgd, batch_size=32)
'''


@pytest.mark.parametrize("options", [{}, {"look_at_full_set": True}])
def test_mnist_loop_reaching_backward_through_a_default_or_a_partial_is_trained_and_passes(
        options):
    namespace = notebook(MNIST_NOTEBOOK)
    checks.check_train_two_hidden(functools.partial(namespace["train_two_hidden"], **options))


@pytest.mark.parametrize(("frozen", "hidden"), [(("b1",), False), (("b2",), False),
                                               (("b3",), False), (("b1", "b2", "b3"), True)])
def test_mnist_loop_that_never_updates_a_bias_loses_the_points_and_is_told_which(frozen, hidden):
    namespace = notebook(MNIST_NOTEBOOK)
    train_two_hidden = functools.partial(namespace["train_two_hidden"], frozen=frozen)
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_train_two_hidden(train_two_hidden, hidden=hidden)
    assert failure.value.diagnosis.code == "bias-not-updated"
    subject = ", ".join(frozen).replace(", b3", " and b3")
    assert str(failure.value).startswith(f"`train_two_hidden`: {subject} did not move between "
                                         "mini-batches while the other parameters did.")
    assert "the biases as well as the weights" in str(failure.value)


@pytest.mark.parametrize("constant", [0.0, 0.01])
def test_mnist_loop_whose_hidden_units_start_identical_is_told_about_the_symmetry(constant):
    namespace = notebook(MNIST_NOTEBOOK)
    train_two_hidden = functools.partial(namespace["train_two_hidden"], constant=constant)
    found = checks.diagnose("train_two_hidden", train_two_hidden, hidden=False)
    assert found.code == "symmetric-init"
    assert found.message.startswith("`train_two_hidden`: after training, all 64 hidden units of "
                                    "layer 1 have the same incoming weights (the 64 columns of "
                                    "W1 are identical).")


def test_mnist_loop_recording_a_loss_per_mini_batch_is_told_one_per_epoch():
    namespace = notebook(MNIST_NOTEBOOK)
    train_two_hidden = functools.partial(namespace["sgd"], per_batch_losses=True)
    found = checks.diagnose("train_two_hidden", train_two_hidden, hidden=False)
    assert found.message.startswith("`train_two_hidden` returned 126 losses for 2 epoch(s): "
                                    "record one loss per epoch")


def test_loops_returning_odd_losses_or_params_get_a_message_not_a_crash():
    def train_xor(X, Y, hidden_units=5, lr=2.0, epochs=2000, seed=0):
        params, losses = make_train_xor()(X, Y, hidden_units, lr, 50, seed)
        return params, [(loss, "epoch") for loss in losses]
    found = checks.diagnose("train_xor", train_xor)
    assert found.message.startswith("`train_xor` returned losses that are not one number per epoch "
                                    "(its first entry is a tuple of 2 items)")

    def with_extras(X, Y, hidden_units=5, lr=2.0, epochs=2000, seed=0):
        params, losses = make_train_xor()(X, Y, hidden_units, lr, epochs, seed)
        return {**params, "activation": "sigmoid", 7: None}, losses
    checks.check_train_xor(with_extras, hidden=True)


def test_xor_gradients_returning_the_pair_of_mse_loss_as_the_loss_are_told_to_unpack_it():
    def xor_loss_and_gradients(params, X, Y):
        return (0.1, np.zeros((4, 1))), {}  # (loss, dA) where the loss belongs
    found = checks.diagnose("xor_loss_and_gradients", xor_loss_and_gradients)
    assert found.code == "wrong-shape"
    assert "it returned a tuple of 2 items. `mse_loss` returns a pair" in found.message


@pytest.mark.parametrize(("returned", "shown"), [(None, "None"), ("0.5", "a str"),
                                                 (-0.5, "-0.5"), ([0.5], "a list of 1 item")])
def test_a_rate_that_is_not_one_positive_number_is_told_what_came_back(returned, shown):
    found = checks.diagnose("matching_learning_rate", lambda lr, n: returned)
    assert found.message == ("`matching_learning_rate` must return one positive number; it "
                             f"returned {shown}.")


def test_backward_pass_writing_into_its_activations_is_told_it_mutates_them():
    def writes_into_p(activations, Y, params):
        delta3 = activations[-1]
        delta3 -= Y
        delta3 /= len(Y)
        return backward_two_hidden([*activations[:-1], delta3 + Y], Y, params)

    found = checks.diagnose("backward_two_hidden", writes_into_p)
    assert found.code == "mutates-input"
    assert found.message.startswith("`backward_two_hidden` changed activations[3] in place")


def test_loop_using_an_imported_function_runs_and_leaves_that_function_alone():
    namespace = notebook(XOR_NOTEBOOK.replace("def sigmoid(z):", "def _unused(z):")
                         .replace("act=sigmoid", "act=None")
                         .replace("        a1 = act(", "        act = act or sigmoid\n"
                                  "        a1 = act("))
    namespace["sigmoid"] = mh.sigmoid  # `from mlp_helpers import sigmoid`
    checks.check_train_xor(namespace["train_xor"])
    assert namespace["sigmoid"] is mh.sigmoid
    assert mh.sigmoid(np.zeros(2)).tolist() == [0.5, 0.5]
