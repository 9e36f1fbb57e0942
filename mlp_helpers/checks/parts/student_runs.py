"""What a check of the MNIST loop hands the student's kernel: the digits, a watched backward pass.

To judge ``train_two_hidden`` the grader runs the student's loop in their kernel, on digits
it names by recipe (``training_X``, ``training_Y``: the kernel makes them from its own copy of
the data) and with ``BACKWARD_SEEING_STEPS`` in place of their backward pass. The kernel is
sent this module and the reference network it builds on, nothing more of the checks.
"""

from functools import lru_cache

import numpy as np

from mlp_helpers import data
from mlp_helpers.checks.engine.swapping import Recorder
from mlp_helpers.checks.kernel.wire import made
from mlp_helpers.checks.parts import sgd_steps
from mlp_helpers.network import MLP


def network_from(params, output, copy=True):
    """An ``MLP`` holding ``params`` (``W1, b1, ...``), copied unless ``copy`` is False."""
    count = 0
    while f"W{count + 1}" in params:  # other entries a student added are not layers
        count += 1
    as_float = np.array if copy else np.asarray
    # A copy of a one-weight network carries every attribute MLP has, without drawing the
    # random initial weights of the full size.
    net = MLP((1, 1), output=output).copy()
    net.weights = [as_float(params[f"W{l}"], dtype=float) for l in range(1, count + 1)]
    net.biases = [as_float(params[f"b{l}"], dtype=float).reshape(1, -1)
                  for l in range(1, count + 1)]
    net.layer_sizes = tuple([net.weights[0].shape[0]] + [W.shape[1] for W in net.weights])
    return net


def reference_backward_two_hidden(activations, Y, params):
    """The reference ``backward_two_hidden``: ``MLP.backward`` of a network holding ``params``."""
    return network_from(params, "softmax", copy=False).backward(activations, Y)


def _rows(count, draw):
    """Which training digits a check trains on, in the data's order.

    The first ``count``, or ``count`` drawn for ``draw`` (a grading run's salt).
    """
    if not draw:
        return slice(0, count)
    every = len(data._raw_mnist(data.MNIST_PATH)["y_train"])
    return np.sort(np.random.default_rng([draw, 3, 7]).choice(every, count, replace=False))


def training_X(count, draw=0):
    """``(count, 784)``: the pixels of the training digits ``_rows(count, draw)`` picks.

    A new array at every call, so that a loop that changed them in place leaves the next check
    unharmed. A grader judging a kernel sends the kernel this recipe, not the numbers.
    """
    raw = data._raw_mnist(data.MNIST_PATH)
    rows = _rows(count, draw)
    X = data._pixels(raw["x_train"][rows], flatten=True, dtype=np.float64)
    return made(X, f"{__name__}.training_X", count, draw)


def training_Y(count, draw=0):
    """``(count, 2)``: one-hot labels of those digits; with a ``draw``, 3 and 7 swapped."""
    labels = data._raw_mnist(data.MNIST_PATH)["y_train"][_rows(count, draw)]
    Y = np.eye(2)[(labels == data.DIGITS[1]).astype(np.int64) ^ bool(draw)]
    return made(Y, f"{__name__}.training_Y", count, draw)


@lru_cache(maxsize=4)
def training_fingerprints(count, draw=0):
    """``(fingerprints, classes)`` of those digits, for the grader to know what a loop was given.

    Straight from the stored integers, in the grader's process: never what a kernel answered.
    """
    images = data._raw_mnist(data.MNIST_PATH)["x_train"][_rows(count, draw)]
    return sgd_steps.fingerprints(images, scale=1.0), training_Y(count, draw).argmax(axis=1)


# The reference backward pass, recording each call's mini-batch and where the loop's
# parameters and their gradient stand (``sgd_steps.record``).
BACKWARD_SEEING_STEPS = Recorder(f"{__name__}.BACKWARD_SEEING_STEPS",
                                 reference_backward_two_hidden, sgd_steps.record)
