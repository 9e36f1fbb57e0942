"""The MNIST learner: a 784-3-3-2 sigmoid network whose loss never settled, replayed.

Their code (``posted_code("mnist")``) trains on every training digit at once (full batch) for
10000 passes at learning rate 0.005. Two of its bugs shape the run, two do nothing here:

- the hidden deltas multiply by ``1 - sigmoid(a)``, where ``a`` is already an activation
  (``bugs.hidden_delta_one_minus_sigmoid_of_activation``);
- ``delta4 = probs - y`` has no ``1/n``: every gradient is summed over the 12,396 digits
  (``bugs.output_delta_softmax_summed``);
- ``delta4 = probs`` followed by ``delta4[...] -= 1`` changes ``probs`` too;
- ``db1`` is summed without ``keepdims``.

The snippet does not show ``X``, ``y`` or ``sigmoid``. The replay takes the course's training
split in the file's order (pixels in [0, 1], label 1 for a seven) and the sigmoid
``1 / (1 + exp(-x))``: with these, their code prints their first two posted numbers to the last
digit. Ten thousand passes take minutes, so ``RUNS_PATH`` holds a recording of every run below,
made by ``scripts/record_learner_mnist.py`` (with ``mnist_recording``) and checked by a slow
test; ``rerun`` repeats any of them live. Their own run is chaotic: no two computers follow it
digit for digit beyond a couple of hundred passes (``mnist_chaos``).
"""

import io
from contextlib import redirect_stdout
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from mlp_helpers.data import load_mnist_3v7
from mlp_helpers.lectures.bugs import (
    hidden_delta_one_minus_sigmoid_of_activation,
    output_delta_softmax_summed,
    sigmoid_unstable,
    softmax_unshifted,
)
from mlp_helpers.lectures.learners.posted import posted_code
from mlp_helpers.lectures.replays import Replay, Setting, mnist_training_set
from mlp_helpers.training import train

# Their forward pass as they wrote it: the plain sigmoid and a softmax without the max shift
# (both overflow on large inputs, which here only warns). The course's stable versions differ
# from these in the last bits, and 10000 summed passes grow such differences into another run.
SETTING = Setting(layer_sizes=(784, 3, 3, 2), output="softmax", init="scaled_normal", bias=True,
                  seed=0, lr=0.005, epochs=10000, global_seed=True,
                  hidden_activation=sigmoid_unstable, output_activation=softmax_unshifted)
RUNS_PATH = Path(__file__).with_name("mnist_runs.npz")
PARAMETERS = ("W1", "b1", "W2", "b2", "W3", "b3")

# What they printed: "Loss after iter. i" for i = 500, 1000, ..., 9500 (their post starts at 500).
POSTED_LOSSES = {500: 2.115385, 1000: 3.981505, 1500: 4.851937, 2000: 2.286764, 2500: 0.650758,
                 3000: 0.454743, 3500: 2.034308, 4000: 2.221124, 4500: 0.486550, 5000: 1.803266,
                 5500: 2.318486, 6000: 1.594879, 6500: 3.081962, 7000: 2.340241, 7500: 3.693953,
                 8000: 1.618758, 8500: 2.328891, 9000: 2.265693, 9500: 3.503290}
# Their loop prints after the update of iteration i (0-based): i + 1 passes are done then.
ITERATIONS = tuple(range(0, SETTING.epochs, 500))
CHECKPOINTS = (*(i + 1 for i in ITERATIONS), SETTING.epochs)

# The rates tried for a run on the mean (``mnist_recording``). The learner's 0.005 on a sum over
# n digits is 0.005 * n (about 62) on the mean: the last rate.
RATES_FOR_THE_MEAN = (0.3, 1.0, 3.0, 10.0, 30.0, 0.005 * 12396)


@dataclass(frozen=True)
class Variant:
    """One run: a label for people, the backward rules, and the learning rate (None: chosen)."""

    label: str
    rules: dict
    lr: float | None


VARIANTS = {
    "learner": Variant("their code: gradient summed, 1 - sigmoid(a)",
                       {"output_delta": output_delta_softmax_summed,
                        "hidden_delta": hidden_delta_one_minus_sigmoid_of_activation}, 0.005),
    "derivative_fixed": Variant("derivative fixed, gradient still summed",
                                {"output_delta": output_delta_softmax_summed}, 0.005),
    "mean_only": Variant("gradient averaged, still 1 - sigmoid(a)",
                         {"hidden_delta": hidden_delta_one_minus_sigmoid_of_activation}, None),
    "both_fixed": Variant("both fixed: averaged, a(1 - a)", {}, None),
}


# The two bugs that do nothing in their loop, fixed as one would fix them in their code.
HARMLESS_FIXES = (
    ("delta4 = probs\n", "delta4 = probs.copy()\n"),
    ("db1 = np.sum(delta2, axis=0)\n", "db1 = np.sum(delta2, axis=0, keepdims=True)\n"),
)


def run_posted(passes=SETTING.epochs, edits=()):
    """Their posted code itself on the course's data, for ``passes`` passes.

    ``X`` and ``y`` are the course's training digits and labels, ``sigmoid`` is
    ``1 / (1 + exp(-x))``; ``edits`` are ``(old, new)`` replacements of lines of their code.

    Returns
    -------
    model : dict of arrays ``W1, b1, ..., b3``, as their ``build_model`` returns it
    printout : str
        What their code printed (``Loss after iter. ...`` every 500 passes).
    """
    code = posted_code("mnist")
    for old, new in edits:
        if old not in code:
            raise ValueError(f"{old!r} is not a line of their code")
        code = code.replace(old, new)
    X, _, labels = mnist_training_set()
    namespace = {"np": np, "X": X, "y": labels, "sigmoid": sigmoid_unstable}
    # Everything but their last line, which would train for 10000 passes.
    exec(code[:code.rindex("model, loss = build_model")], namespace)
    with np.errstate(over="ignore"), redirect_stdout(io.StringIO()) as printed:
        model, _ = namespace["build_model"](3, 3, num_passes=passes, print_loss=True)
    return model, printed.getvalue()


def network_at(variant, passes_done):
    """The recorded network of ``variant`` after ``passes_done`` passes (one of ``CHECKPOINTS``)."""
    return _network(recorded_state(variant, passes_done))


def _network(state):
    net = SETTING.network()
    for name, value in state.items():
        net.parameters()[name][...] = value
    return net


def _state(net):
    return {name: value.copy() for name, value in net.parameters().items()}


def rerun(variant="learner", passes=SETTING.epochs, lr=None, start=None, progress=None):
    """Train one variant live from its initial weights (or from ``start``, a recorded state).

    Parameters
    ----------
    variant : key of ``VARIANTS``
    passes : int
        Full-batch passes; 10000 is the learner's whole run (minutes).
    lr : float, optional
        Defaults to the variant's rate, or the recorded choice for a run on the mean.
    start : dict of arrays, optional
        Parameters to start from, e.g. ``recorded_state(variant, 501)``.
    progress : callable ``progress(passes_done, history)``, optional
        Called after every pass (``print_progress`` prints every 500).

    Returns
    -------
    Replay
    """
    rate = lr if lr is not None else learning_rate(variant)
    net = SETTING.network() if start is None else _network(start)
    before = net.copy()
    X, Y, _ = mnist_training_set()
    callback = None if progress is None else (lambda epoch, history: progress(epoch + 1, history))
    with np.errstate(over="ignore"):  # their sigmoid and softmax overflow: only a warning
        history = train(net, X, Y, lr=rate, epochs=passes, callback=callback,
                        **VARIANTS[variant].rules)
    return Replay(before=before, after=net, history=history)


def print_progress(passes_done, history, every=500):
    """A ``progress`` for ``rerun`` that prints a line like the learner's every ``every`` passes."""
    if passes_done % every == 0:
        print(f"pass {passes_done}: loss {history.loss[-1]:.6f}, "
              f"training accuracy {history.accuracy[-1]:.2%}", flush=True)


@lru_cache(maxsize=1)
def recorded():
    """The recording as a dict of arrays (``"<variant>/loss"``, ``"<variant>/W1"``, ...)."""
    with np.load(RUNS_PATH, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def learning_rate(variant):
    """The variant's learning rate: its own, or the one the recording chose for it."""
    own = VARIANTS[variant].lr
    return own if own is not None else float(recorded()[f"{variant}/lr"])


def recorded_losses(variant):
    """``(passes,)`` mean cross-entropy before each pass, as the recording measured it."""
    return recorded()[f"{variant}/loss"]


def recorded_state(variant, passes_done):
    """The parameters after ``passes_done`` passes (one of ``CHECKPOINTS``)."""
    index = CHECKPOINTS.index(passes_done)
    return {name: recorded()[f"{variant}/{name}"][index] for name in PARAMETERS}


def measure_at(variant, passes_done):
    """``(loss, training acc., test acc.)`` of ``variant``'s recorded network after ``passes_done``.

    The loss is their ``calculate_loss`` (mean cross-entropy on the training set), computed
    here from the recorded parameters, with the accuracy on the training digits and on the
    test digits the run never saw.
    """
    X, Y, labels = mnist_training_set()
    test = load_mnist_3v7().test
    net = network_at(variant, passes_done)
    with np.errstate(over="ignore"):
        output, _ = net.forward(X)  # one forward pass for the loss and the accuracy
        return (net._loss_sum(output, Y) / len(X),
                float(np.mean(output.argmax(axis=1) == labels)),
                net.accuracy(test.X, test.labels))


@lru_cache(maxsize=len(VARIANTS))
def checkpoints(variant):
    """At each of ``CHECKPOINTS``: ``(passes done, loss, training acc., test acc.)``.

    See ``measure_at``. Their printout after iteration ``i`` is the row of ``i + 1`` passes;
    the last row is the end of their run, 10000 passes.
    """
    return tuple((passes_done, *measure_at(variant, passes_done)) for passes_done in CHECKPOINTS)


__all__ = ["CHECKPOINTS", "HARMLESS_FIXES", "ITERATIONS", "POSTED_LOSSES", "RATES_FOR_THE_MEAN",
           "RUNS_PATH", "SETTING", "VARIANTS", "Variant", "checkpoints", "learning_rate",
           "measure_at", "network_at", "print_progress", "recorded", "recorded_losses",
           "recorded_state", "rerun", "run_posted"]
