"""Checks of the free-form parts of 03_mnist.

The two-hidden-layer backward pass, the named bugs of the learner's run, and the mini-batch
training loop on real MNIST digits.
"""

from functools import lru_cache

import numpy as np

from mlp_helpers import data
from mlp_helpers.activations import softmax_unchecked
from mlp_helpers.checks.engine.core import CODES, Diagnosis
from mlp_helpers.checks.engine.fixtures import salt
from mlp_helpers.checks.engine.running import (
    absent,
    failed_call,
    listed,
    params_and_losses,
    run,
    same,
)
from mlp_helpers.checks.engine.swapping import Recorder
from mlp_helpers.checks.kernel.wire import made
from mlp_helpers.checks.part import NETWORK_GRADIENTS, TRAINING_LOOP, Part
from mlp_helpers.checks.parts.backprop_mistakes import (
    gradient_fixture,
    judge_gradients,
    network_from,
)
from mlp_helpers.checks.parts.freeform import REFERENCE_METHODS
from mlp_helpers.checks.parts.symptoms import frozen_biases, symmetric_units
from mlp_helpers.losses import cross_entropy_loss
from mlp_helpers.network import MLP

ACCURACY_TARGET = 0.97
# The swapped-in reference backward pass runs MLP.backward itself: only the forward pass
# (which ``train`` runs too) is watched.
_FORWARD_METHOD = ((MLP, "_forward"),)


def reference_backward_two_hidden(activations, Y, params):
    """The reference ``backward_two_hidden``: ``MLP.backward`` of a network holding ``params``."""
    return network_from(params, "softmax", copy=False).backward(activations, Y)


def diagnose_backward_two_hidden(student, hidden=True):
    """Compare every gradient with the reference network's, and name the layer and mistake."""
    fixtures = [((6, 4, 3, 2), 5, 0)] + ([((5, 3, 4, 2), 1, 1), ((8, 5, 2, 3), 9, 2)]
                                         if hidden else [])
    for sizes, n, seed in fixtures:
        found = absent("backward_two_hidden", student)
        if found:
            return found
        net, X, Y = gradient_fixture(sizes, n, "softmax", seed)
        _, activations = net.forward(X)
        params = net.copy().parameters()
        copies, Y_copy = [a.copy() for a in activations], Y.copy()
        outcome = run(student, (list(copies), Y_copy, params), watch=REFERENCE_METHODS)
        found = failed_call("backward_two_hidden", outcome, outcome.seconds)
        if found:
            return found
        changed = [name for name, before, after in [
            *((f'params["{key}"]', value, params.get(key)) for key, value
              in net.parameters().items()),
            *((f"activations[{l}]", a, copy) for l, (a, copy) in enumerate(zip(activations,
                                                                                 copies))),
            ("Y", Y, Y_copy)] if not same(after, before, rtol=0)]
        if changed:
            return Diagnosis("mutates-input", f"`backward_two_hidden` changed {changed[0]} in "
                             "place: it must only compute the gradients. An in-place operator "
                             "such as `-=` on an argument, or on a name that points to it "
                             "(`delta = p`, `grads = params`), changes what the caller holds.")
        found = judge_gradients("backward_two_hidden", net, X, Y, outcome.value)
        if found:
            return found
    return None



def diagnose_learner_bugs(learner_bugs, hidden=True, expected=None):
    """Judge the set of diagnosis codes naming the learner's bugs.

    The visible test checks the form (known codes); the hidden test passes ``expected``, so
    the answer lives only in the instructor's notebook.
    """
    if learner_bugs is None:
        return Diagnosis("other", "`learner_bugs` is not defined: run the cell where you set "
                         "it.")
    answer = {learner_bugs} if isinstance(learner_bugs, str) else learner_bugs
    if (not isinstance(answer, set | frozenset | list | tuple) or not answer
            or not all(isinstance(code, str | int | float) for code in answer)):
        return Diagnosis("other", "`learner_bugs` must be a set of diagnosis codes, such as "
                         "{\"sign\"}; it is empty or not a set.")
    unknown = sorted({repr(code) if not isinstance(code, str) else f'"{code}"'
                      for code in answer if code not in CODES})
    if unknown:
        what = ("is not a diagnosis code" if len(unknown) == 1
                else "are not diagnosis codes")
        return Diagnosis("other", f"`learner_bugs`: {listed(unknown)} {what}. Pick the codes "
                         "from checks.CODES (the table of docs/diagnoses.md says what each "
                         "one means).")
    if expected is not None and set(answer) != set(expected):
        given, right = len(set(answer)), len(set(answer) & set(expected))
        named = (f"{right} of your {given} codes {'names' if right == 1 else 'name'}"
                 if given > 1 else f"your code {'names' if right else 'does not name'}")
        bugs = len(set(expected))
        return Diagnosis("other", f"`learner_bugs`: {named} a bug of the learner's run, which "
                         f"has {bugs} bug{'' if bugs == 1 else 's'}. Replay the run with one "
                         "bug fixed at a time and compare the loss curves.")
    return None



@lru_cache(maxsize=1)
def _test_split():
    # Read by the check alone, never handed to a student's code: one copy per kernel.
    raw = data._raw_mnist(data.MNIST_PATH)
    return data._split(raw["x_test"], raw["y_test"], flatten=True, dtype=np.float64)


@lru_cache(maxsize=1)
def _pixel_buffer():
    raw = data._raw_mnist(data.MNIST_PATH)
    return raw, data.prefaulted_empty((len(raw["y_train"]), 784))


def _training_digits(count=None):
    """``(X, Y)``: the first ``count`` training digits (all by default) as ``load_mnist_3v7``.

    Their pixels are written into the same buffer at every call, so a loop that changed them
    in place leaves the next check unharmed without a new 78 MB array per check. A grader
    judging a kernel sends the kernel ``training_X(count)`` and ``training_Y(count)`` instead.
    """
    raw, buffer = _pixel_buffer()
    count = len(buffer) if count is None else count
    digits = data._split(raw["x_train"][:count], raw["y_train"][:count], flatten=True,
                         dtype=np.float64, out=buffer[:count])
    return (made(digits.X, f"{__name__}.training_X", count),
            made(digits.Y, f"{__name__}.training_Y", count))


def training_X(count):
    """``(count, 784)``: the pixels of the first ``count`` training digits."""
    return _training_digits(count)[0]


def training_Y(count, flipped=False):
    """``(count, 2)``: one-hot labels of the first ``count`` training digits (3 and 7 swapped)."""
    raw = data._raw_mnist(data.MNIST_PATH)
    return np.eye(2)[(raw["y_train"][:count] == data.DIGITS[1]).astype(np.int64) ^ flipped]


# The reference backward pass, recording the batch size of every call (a loop's mini-batches).
BACKWARD_SEEING_BATCHES = Recorder(f"{__name__}.BACKWARD_SEEING_BATCHES",
                                   reference_backward_two_hidden,
                                   lambda activations, Y, params: len(Y))


def diagnose_train_two_hidden(student, hidden=True):
    """Train with the student's loop (reference backward pass) on MNIST and judge the run.

    The visible test trains on 2000 images for 2 epochs; the hidden test trains on the whole
    training set for 1 epoch and expects ``ACCURACY_TARGET`` on the test set. The grader's
    fresh problem is the same run with the labels swapped: a loop that does not learn from its
    Y fails it.
    """
    found = absent("train_two_hidden", student)
    if found:
        return found
    # The grader's fresh problem: the labels swapped (a 3 is called "7"), so that only a loop
    # that learns from the Y it is given scores, not one that returns a network trained once.
    flipped = bool(salt())
    every_digit = hidden
    X, Y = _training_digits(None if every_digit else 2000)
    count = len(X)
    if flipped:
        Y = made(Y[:, ::-1].copy(), f"{__name__}.training_Y", count, True)
    backward = BACKWARD_SEEING_BATCHES
    backward.collected.clear()
    epochs = 1 if every_digit else 2
    outcome = run(student, (X, Y), {"epochs": epochs}, swap={
        "backward_two_hidden": backward, "softmax": softmax_unchecked,
        "cross_entropy_loss": cross_entropy_loss}, watch=_FORWARD_METHOD)
    found = failed_call("train_two_hidden", outcome, outcome.seconds)
    if found:
        return found
    sizes = backward.collected
    if not sizes:
        return Diagnosis("other", "`train_two_hidden` never called `backward_two_hidden`: use "
                         "it to compute the gradients of each mini-batch.")
    if min(sizes) == count:  # a full-set call besides the mini-batch steps is only a look
        return Diagnosis("other", "`train_two_hidden` computes each gradient on the whole "
                         "training set: that is full-batch gradient descent. Take a step per "
                         "mini-batch of `batch_size` shuffled examples.")
    value = outcome.value
    params = value[0] if isinstance(value, tuple) and value and isinstance(value[0], dict) else {}
    units = [np.shape(params.get(f"W{l}"))[-1:] or (0,) for l in (1, 2)]
    found = params_and_losses("train_two_hidden", value, {
        "W1": (784, *units[0]), "b1": (1, *units[0]), "W2": (*units[0], *units[1]),
        "b2": (1, *units[1]), "W3": (*units[1], 2), "b3": (1, 2)}, epochs=epochs)
    found = found or (symmetric_units("train_two_hidden", params, [1, 2],
                                      "so the layer works as if it had one unit, one "
                                      "feature of the image where many are needed")
                      or frozen_biases("train_two_hidden", params, 3, "In the update after each "
                                       "mini-batch's backward pass,"))
    if found:
        return found
    net = network_from(params, "softmax")
    test = _test_split()
    accuracy = net.accuracy(test.X, test.labels ^ flipped)
    target = ACCURACY_TARGET if every_digit else 0.9
    if accuracy < target:
        return Diagnosis("other", f"`train_two_hidden`: trained for {epochs} epoch(s) on "
                         f"{count} images, the network reaches {accuracy:.1%} test accuracy; "
                         f"the goal is {target:.0%}. Check the learning rate and how the "
                         "mini-batches are drawn."
                         + (" (This was on data the grader chose: the same images with the "
                            "labels 3 and 7 swapped. A loop that learns from the X and Y it is "
                            "given does as well on them.)" if flipped else ""))
    return None


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
    Part("backward_two_hidden", "03_mnist", 3, "`backward_two_hidden(activations, Y, params)`",
         "every gradient against the reference network, the layer of a mistake",
         diagnose=diagnose_backward_two_hidden, network=True,
         implemented_by=NETWORK_GRADIENTS),
    Part("learner_bugs", "03_mnist", 2, "`learner_bugs`, a set of diagnosis codes",
         "the codes of the learner's mistakes, all of them", kind="value",
         diagnose=diagnose_learner_bugs),
    Part("train_two_hidden", "03_mnist", 4,
         "`train_two_hidden(X, Y, layer_sizes, lr, epochs, batch_size=32, seed=0)`",
         "mini-batches of `batch_size`; one epoch on every training digit reaches 97 % test "
         "accuracy; when graded, with 3 and 7 swapped",
         diagnose=diagnose_train_two_hidden, network=True, implemented_by=TRAINING_LOOP),
)
