"""Check of ``train_ten_class``: a ten-digit MNIST network trained with Adam, on subsets.

The loop is judged on its own: while it runs, ``adam_step`` and ``linear_backward`` are the
reference's (the grader has judged the student's own already), and they record what the loop
hands them: each step's counter and each mini-batch's size. The grader trains at its own
settings, on the first digits of the training set, and tests on all 10,000 test digits (a few
seconds per run on a busy two-core machine, well within the 20 s a call may take):

- the visible test: 2,000 digits, 64 hidden units, 2 epochs, at least 80 % (the reference
  loop reaches about 86 %);
- the hidden test: 6,000 digits, 64 hidden units, 2 epochs, at least 88 % (about 91 %);
- the grader's fresh problem: the same run with the ten labels permuted, drawn for each grading
  run, so that only a loop that learns from the ``Y`` it is given scores.

The same loop on all 30,000 digits (256 units, 5 epochs at 0.001) reaches 97.30 %
(``mlp_helpers/data/README.md``); the notebook shows the student's own run.
"""

from functools import lru_cache

import numpy as np

from mlp_helpers import data, layers, modules, optimisers
from mlp_helpers.checks.engine.core import Diagnosis
from mlp_helpers.checks.engine.fixtures import salt
from mlp_helpers.checks.engine.running import failed_call, params_and_losses, run
from mlp_helpers.checks.engine.swapping import Recorder
from mlp_helpers.checks.kernel.wire import made
from mlp_helpers.checks.part import TRAINING_LOOP, Part
from mlp_helpers.checks.parts.symptoms import frozen_biases, symmetric_units
from mlp_helpers.network import MLP

LEARNING_RATE, BATCH_SIZE, EPOCHS = 2e-3, 64, 2
# (digits, hidden units, accuracy to reach) of each run.
VISIBLE, HIDDEN = (2000, 64, 0.80), (6000, 64, 0.88)
_WATCHED = ((MLP, "_forward"), (modules.Sequential, "forward"))


@lru_cache(maxsize=1)
def _test_split():
    # Read by the check alone, never handed to a student's code.
    raw = data._raw_mnist_10(data.MNIST_10_PATH)
    return data._digit_split(raw["x_test"], raw["y_test"], True, np.float64)


def training_X(count):
    """``(count, 784)``: the pixels of the first ``count`` training digits, in [0, 1]."""
    raw = data._raw_mnist_10(data.MNIST_10_PATH)
    X = data._digit_split(raw["x_train"][:count], raw["y_train"][:count], True, np.float64).X
    return made(X, f"{__name__}.training_X", count)


def training_Y(count, permutation):
    """``(count, 10)`` one-hot labels of those digits; digit ``k`` is column ``permutation[k]``."""
    raw = data._raw_mnist_10(data.MNIST_10_PATH)
    labels = np.asarray(permutation)[raw["y_train"][:count]]
    return made(np.eye(10)[labels], f"{__name__}.training_Y", count, list(permutation))


def _counter(result, param, grad, state, *rest):
    try:
        return int(state["t"])
    except (TypeError, KeyError, ValueError):
        return -1


# The reference's rules, recording the step counter of every Adam step and each batch's size.
ADAM_SEEING_STEPS = Recorder(f"{__name__}.ADAM_SEEING_STEPS", optimisers.adam_step, _counter)
LINEAR_SEEING_BATCHES = Recorder(f"{__name__}.LINEAR_SEEING_BATCHES", layers.linear_backward,
                                 lambda result, dout, cache: len(dout))


def _accuracy(params, permutation):
    test = _test_split()
    hidden = np.maximum(test.X @ params["W1"] + params["b1"], 0.0)
    predicted = (hidden @ params["W2"] + params["b2"]).argmax(axis=1)
    return float(np.mean(predicted == np.asarray(permutation)[test.labels]))


def _numbers(records):
    return [int(value) for value in records
            if isinstance(value, int | np.integer) and not isinstance(value, bool)]


def _steps_taken(name, counters, steps):
    if not counters:
        return Diagnosis("other", f"`{name}` never called `adam_step`: update every parameter "
                         "with it, each with its own state.")
    if max(counters) < 1:
        return Diagnosis("step-not-advanced", f"`{name}` gave `adam_step` a state at t = 0 at "
                         "every step: keep each parameter's new state and hand it to the next "
                         "step, so that m, v and t build up.")
    if max(counters) + 1 < steps:
        return Diagnosis("step-not-advanced", f"`{name}`: the states reached t = "
                         f"{max(counters) + 1} in {steps} mini-batch steps. Each parameter "
                         "keeps one state for the whole run, across epochs, and hands each new "
                         "state to its next step.")
    return None


def diagnose_train_ten_class(student, hidden=True):
    """Train with the student's loop (the reference's rules) on a subset of MNIST; judge it."""
    fresh = bool(salt())
    count, units, target = HIDDEN if hidden else VISIBLE
    permutation = (np.random.default_rng(salt()).permutation(10) if fresh
                   else np.arange(10)).tolist()
    X, Y = training_X(count), training_Y(count, permutation)
    adam, linear = ADAM_SEEING_STEPS, LINEAR_SEEING_BATCHES
    adam.collected.clear()
    linear.collected.clear()
    outcome = run(student, (X, Y), {"hidden_units": units, "lr": LEARNING_RATE,
                                    "epochs": EPOCHS, "batch_size": BATCH_SIZE, "seed": 0},
                  swap={"adam_step": adam, "linear_backward": linear}, watch=_WATCHED)
    found = failed_call("train_ten_class", outcome, outcome.seconds)
    if found:
        return found
    # The records come back from the student's kernel: only whole numbers are read.
    sizes, counters = _numbers(linear.collected), _numbers(adam.collected)
    if sizes and min(sizes) == count:
        return Diagnosis("other", "`train_ten_class` computes each gradient on the whole "
                         "training set: that is full-batch descent. Take a step per "
                         "mini-batch of `batch_size` shuffled examples.")
    steps = EPOCHS * -(-count // BATCH_SIZE)
    value = outcome.value
    params = value[0] if isinstance(value, tuple) and value and isinstance(value[0], dict) else {}
    width = np.shape(params.get("W1"))[-1:] or (0,)
    found = (_steps_taken("train_ten_class", counters, steps)
             or params_and_losses("train_ten_class", value, {
                 "W1": (784, *width), "b1": (1, *width), "W2": (*width, 10), "b2": (1, 10)},
                 epochs=EPOCHS))
    found = found or (symmetric_units("train_ten_class", value[0], [1], "so the layer works as "
                                      "if it had one unit")
                      or frozen_biases("train_ten_class", value[0], 2, "In the update after "
                                       "each mini-batch's backward pass,"))
    if found:
        return found
    accuracy = _accuracy({key: np.asarray(value[0][key], np.float64) for key in value[0]},
                         permutation)
    if accuracy < target:
        return Diagnosis("other", f"`train_ten_class`: trained for {EPOCHS} epochs on {count} "
                         f"digits with {units} hidden units, the network reaches "
                         f"{accuracy:.1%} test accuracy; the goal is {target:.0%}. Check how "
                         "the mini-batches are drawn and that every parameter takes its Adam "
                         "step with its own gradient and state."
                         + (" (This was on data the grader chose: the same digits with the ten "
                            "labels permuted. A loop that learns from the X and Y it is given "
                            "does as well on them.)" if fresh else ""))
    return None


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
    Part("train_ten_class", "05_autograd", 4,
         "`train_ten_class(X, Y, hidden_units=256, lr=1e-3, epochs=5, batch_size=64, seed=0)`",
         "Adam with a state per parameter, mini-batches; 2 epochs on 6,000 digits reach 88 % "
         "test accuracy; when graded, with the ten labels permuted",
         diagnose=diagnose_train_ten_class, network=True,
         implemented_by=TRAINING_LOOP | {"modules.Sequential.forward",
                                         "modules.Sequential.backward"}),
)
