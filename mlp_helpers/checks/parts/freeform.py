"""Checks of the free-form graded parts: backward passes, training loops, the sum-vs-mean rate.

They judge by behaviour, with the reference network as the oracle: a backward pass is compared
with ``MLP.backward`` and with the same network run under each known mistake, so a wrong
gradient is named by its layer and, when one fits, by its mistake. A training loop runs with the
reference versions of the other graded functions swapped into its notebook, so one mistake
costs points once.
"""

import numpy as np

from mlp_helpers.activations import sigmoid_derivative, sigmoid_unchecked
from mlp_helpers.checks.engine.core import Diagnosis
from mlp_helpers.checks.engine.fixtures import salt, seeded
from mlp_helpers.checks.engine.running import (
    failed_call,
    params_and_losses,
    run,
    same,
    shown,
)
from mlp_helpers.checks.engine.values import numbers
from mlp_helpers.checks.part import NETWORK_GRADIENTS, TRAINING_LOOP, Part
from mlp_helpers.checks.parts.backprop_mistakes import gradient_fixture, judge_gradients
from mlp_helpers.checks.parts.student_runs import network_from
from mlp_helpers.checks.parts.symptoms import frozen_biases, symmetric_units
from mlp_helpers.data import xor
from mlp_helpers.deltas import (
    dense_gradients_unchecked,
    hidden_delta_unchecked,
    output_delta_mse_unchecked,
)
from mlp_helpers.network import MLP
from mlp_helpers.training import train

# The reference network's forward and backward passes: ``train``, ``forward``, ``loss`` and
# ``predict`` all run through them, so a loop that calls any of them is caught.
REFERENCE_METHODS = ((MLP, "_forward"), (MLP, "backward"))


def _sides(name, net, X, Y):
    predicted = net.forward(X)[0] > 0.5
    wrong = np.count_nonzero(predicted != (Y > 0.5))
    if wrong and (predicted.all() or not predicted.any()):
        side = "above" if predicted.all() else "below"
        return Diagnosis("other", f"`{name}`: after training all {len(X)} outputs are {side} 0.5, "
                         "stuck on one side whatever the target. Check that each example's "
                         "delta uses its own error (a - y), and that the update subtracts "
                         "lr * gradient.")
    if wrong:
        return Diagnosis("other", f"`{name}`: after training {wrong} of {len(X)} outputs are still "
                         "on the wrong side of 0.5, though the loss goes down: train for more "
                         "epochs or with a larger learning rate, or start from larger random "
                         "weights (of size about 1: the first layer's gradient is multiplied by "
                         "the second layer's weights, so tiny weights take tiny steps).")
    return None


def _trained(name, params, X, Y):
    # What the trained parameters show, the cause before the symptom: identical hidden units,
    # biases never updated, then outputs on the wrong side of 0.5.
    return (symmetric_units(name, params, [1], "so the network works as if it "
                                            "had one hidden unit, and one cannot separate XOR")
            or frozen_biases(name, params, 2, "In the update after the backward pass,")
            or _sides(name, network_from(params, "sigmoid"), X, Y))


# The reference's kernels: a training loop calls them thousands of times, without the checks.
_XOR_RULES = {"sigmoid": sigmoid_unchecked, "sigmoid_derivative": sigmoid_derivative,
              "output_delta_mse": output_delta_mse_unchecked,
              "hidden_delta": hidden_delta_unchecked, "dense_gradients": dense_gradients_unchecked}


# Training runs a function has already passed, by id: the hidden test repeats the visible
# test's run, and training XOR twice would double the grading time of the notebook. The
# function itself is kept so that its id cannot be reused by another one.
_PASSED_RUNS = {}


def diagnose_train_xor(student, hidden=True):
    """Train with the student's loop (and the reference rules) and judge the run.

    XOR at the test's settings; when graded, XNOR at new sizes and seeds instead
    (``_trained_on_something_new``): the grader decides on its fresh problem alone, and asks
    the test's runs again only to word a mistake as the student saw it.
    """
    if salt():
        return _trained_on_something_new(student)
    X, Y = xor()
    runs = [(), (("hidden_units", 8), ("seed", 1))][:2 if hidden else 1]
    for run_key in runs:
        if run_key in _PASSED_RUNS.get(id(student), (None, ()))[1]:
            continue
        kwargs = dict(run_key)
        found = _xor_run(student, X, Y, kwargs.get("hidden_units", 5), kwargs)
        if found:
            return found
        _PASSED_RUNS.setdefault(id(student), (student, set()))[1].add(run_key)
    return None


def _xor_run(student, X, Y, units, kwargs):
    """What a run of the student's loop on ``X``, ``Y`` with ``kwargs`` shows, or ``None``."""
    outcome = run(student, (X.copy(), Y.copy()), kwargs, swap=_XOR_RULES, watch=REFERENCE_METHODS)
    return (failed_call("train_xor", outcome, outcome.seconds)
            or params_and_losses("train_xor", outcome.value, {
                "W1": (2, units), "b1": (1, units), "W2": (units, 1), "b2": (1, 1)})
            or _trained("train_xor", outcome.value[0], X, Y))


# Hidden sizes of the grader's runs: never the default 5, so a loop that ignores
# ``hidden_units`` returns weights of the wrong shape at every try.
_FRESH_UNITS = (4, 6, 7, 8)


def _trained_on_something_new(student):
    """The grader's fresh problem: XNOR (XOR's targets flipped), at up to three new seeds.

    A loop that learns from its data solves it; one that returns weights it was given, or
    learned once, does not. Three tries keep an honest loop's rare unlucky start from costing.
    """
    X, Y = xor()
    Y = 1.0 - Y
    rng = seeded(5)
    for _ in range(3):
        units, seed = int(rng.choice(_FRESH_UNITS)), int(rng.integers(0, 1000))
        found = _xor_run(student, X, Y, units, {"hidden_units": units, "seed": seed})
        if found is None:
            return None
    return Diagnosis(found.code, f"{found.message} (This was on data the grader chose: the four "
                     "XOR inputs with their targets flipped, XNOR, with "
                     f"hidden_units={units} and seed={seed}. A loop that learns from the X and "
                     "Y it is given solves it as it solves XOR.)")



def diagnose_xor_loss_and_gradients(student, hidden=True):
    """Compare the loss and every gradient with the reference network's, and name the layer."""
    fixtures = [((2, 3, 1), 4, 0)] + ([((2, 5, 1), 1, 1), ((2, 4, 1), 7, 2)] if hidden else [])
    for sizes, n, seed in fixtures:
        net, X, Y = gradient_fixture(sizes, n, "sigmoid", seed)
        if sizes == (2, 3, 1):
            X, Y = xor()
        params = net.copy().parameters()
        outcome = run(student, (params, X.copy(), Y.copy()), swap=("mse_loss",),
                      watch=REFERENCE_METHODS)
        found = failed_call("xor_loss_and_gradients", outcome, outcome.seconds)
        if found:
            return found
        if any(not same(value, params[key]) for key, value in net.parameters().items()):
            return Diagnosis("mutates-input", "`xor_loss_and_gradients` changed the parameters "
                             "it was given: it must only compute, never update the weights.")
        value = outcome.value
        if not (isinstance(value, tuple) and len(value) == 2):
            return Diagnosis("wrong-shape", "`xor_loss_and_gradients` should return a tuple "
                             "`(loss, grads)`.")
        loss, want = numbers(value[0]), net.loss(X, Y)
        if loss is None or loss.size != 1:
            return Diagnosis("wrong-shape", "`xor_loss_and_gradients`: the loss should be one "
                             f"number, the mean MSE; it returned {shown(value[0])}. "
                             "`mse_loss` returns a pair `(loss, dA)`: take its first item.")
        if not same(loss, np.array(want).reshape(loss.shape)) or loss.size != 1:
            ratio = float(loss.reshape(-1)[0]) / want if loss.size == 1 else np.nan
            summed = n > 1 and abs(ratio - n) < 1e-6 * n
            why = ("is the sum over the examples, not their mean" if summed
                   else "misses the 1/2 of the course's MSE" if abs(ratio - 2) < 1e-6
                   else "differs from the mean MSE 1/(2n) sum ||a - y||^2")
            return Diagnosis("sum-not-mean" if summed else "other",
                             f"`xor_loss_and_gradients`: the loss {why} (on {n} examples).")
        found = judge_gradients("xor_loss_and_gradients", net, X, Y, value[1])
        if found:
            return found
    return None



def diagnose_matching_learning_rate(student, hidden=True):
    """Train with the mean at ``lr`` and with the sum at the student's rate; compare the runs."""
    rng = seeded(3)
    X, Y = xor()
    fixtures = [((2, 5, 1), X, Y, 2.0)]
    if hidden:
        # Fresh inputs (the grader's): another batch size and rate, so no number can be kept.
        n, lr = (int(rng.integers(6, 40)), float(rng.uniform(0.2, 3.0))) if salt() else (16, 0.5)
        fixtures.append(((3, 4, 1), rng.normal(size=(n, 3)), rng.random((n, 1)), lr))
    for sizes, X, Y, lr in fixtures:
        n = len(X)
        outcome = run(student, (lr, n))
        found = failed_call("matching_learning_rate", outcome, outcome.seconds)
        if found:
            return found
        rate = numbers(outcome.value)
        if rate is None or rate.ndim != 0 or not (np.isfinite(rate) and rate > 0):
            what = shown(outcome.value) if rate is None or rate.ndim else f"{float(rate):g}"
            return Diagnosis("other", "`matching_learning_rate` must return one positive "
                             f"number; it returned {what}.")
        rate = float(rate)
        mean_run = train(MLP(sizes, output="sigmoid", seed=0), X, Y, lr=lr, epochs=30)
        summed = train(MLP(sizes, output="sigmoid", seed=0), X, Y, lr=float(rate), epochs=30,
                       reduction="sum")
        if same(summed.loss, np.array(mean_run.loss), rtol=1e-9):
            continue
        if abs(rate - lr * n) <= 1e-9 * lr * n:
            why = ("the factor n goes the wrong way: the summed loss already makes every "
                   "gradient n times larger, and this rate makes the step larger still")
        elif abs(rate - lr) <= 1e-9 * lr:
            why = ("with the same rate, the summed loss's gradient, n times the mean's, "
                   "takes steps n times larger")
        else:
            why = "the two runs take steps of different sizes"
        # The gap, not the losses: two losses close enough to tell apart need more decimals
        # than a message may show.
        gap = 100 * (summed.loss[-1] / mean_run.loss[-1] - 1)
        ends = ("not a number, unlike" if not np.isfinite(gap) else "within 0.1 % of"
                if abs(gap) < 0.1 else f"{abs(gap):.1f} % {'higher' if gap > 0 else 'lower'} than")
        return Diagnosis("other", f"`matching_learning_rate({lr:g}, {n})`: trained with it, the "
                         f"summed loss does not follow the mean loss's run ({why}). After 30 "
                         f"epochs the summed run's mean loss is {ends} the mean run's.")
    return None


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
    Part("train_xor", "01_xor", 3, "`train_xor(X, Y, hidden_units=5, lr, epochs, seed=0)`",
         "trained with the reference helpers: XOR solved, every parameter moved; when graded, "
         "XNOR at new sizes and seeds", diagnose=diagnose_train_xor, network=True,
         implemented_by=TRAINING_LOOP),
    Part("xor_loss_and_gradients", "02_mse_gradient", 3,
         "`xor_loss_and_gradients(params, X, Y)`",
         "the loss and every gradient against the reference network, the layer of a mistake",
         diagnose=diagnose_xor_loss_and_gradients, network=True,
         implemented_by=NETWORK_GRADIENTS),
    Part("matching_learning_rate", "02_mse_gradient", 2, "`matching_learning_rate(lr_mean, n)`",
         "a run on the summed loss that follows the mean's run exactly; when graded, new n "
         "and rate", diagnose=diagnose_matching_learning_rate),
)
