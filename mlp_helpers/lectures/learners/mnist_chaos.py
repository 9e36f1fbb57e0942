"""The MNIST learner's run is chaotic: its realisations, the gap between two, and the machine.

Each of their summed steps moves ``W1`` by about 1e6, so a difference in the last bit (the
order in which a matrix product adds, another ``exp``) grows pass after pass until two runs of
the same code are two different runs. A *realisation* here is their run with the training digits
in another order (``order``: a row permutation drawn by ``default_rng(order)``, 0 the file's
order): the same sums, added in another order, the same run up to round-off. What holds for
every realisation is what can be said of their run on any computer; ``RECORDED`` realisations
of 10000 passes each are in the recording (``mnist_recording``), of their run and of the other
run on the sum (``SUMMED``), each with its network after the last pass (``last_pass``).
"""

import ctypes
import json
import os
import platform
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlp_helpers.data import load_mnist_3v7
from mlp_helpers.lectures.diagnostics import inactive
from mlp_helpers.lectures.learners.mnist import (
    PARAMETERS,
    POSTED_LOSSES,
    SETTING,
    VARIANTS,
    _network,
    learning_rate,
    recorded,
)
from mlp_helpers.lectures.replays import mnist_training_set

# The realisations in the recording: the file's order and four permutations of it.
RECORDED = (0, 1, 2, 3, 4)
# The variants on the summed gradient, chaotic both: recorded as realisations, each with its
# network after the last pass.
SUMMED = ("learner", "derivative_fixed")
# Passes over which any two computers (or realisations) give the same loss to 1e-6: measured
# over pairs of realisations, their losses part beyond 1e-9 from pass 89 at the earliest,
# beyond 1e-6 from pass 209.
AGREED_PASSES = 100
AGREED_RTOL = 1e-6


def training_set(order=0):
    """The training digits ``(X, Y, labels)`` in the file's order (0) or permuted by ``order``."""
    X, Y, labels = mnist_training_set()
    if order == 0:
        return X, Y, labels
    rows = np.random.default_rng(order).permutation(len(X))
    return np.ascontiguousarray(X[rows]), np.ascontiguousarray(Y[rows]), labels[rows]


@dataclass
class Trace:
    """Before every pass: the mean cross-entropy, the training digits right, those called 7."""

    loss: np.ndarray
    correct: np.ndarray
    sevens: np.ndarray


def run(passes, order=0, variant="learner", net=None, keep=None):
    """Their run, realisation ``order``, for ``passes`` full-batch passes.

    Parameters
    ----------
    passes : int
    order : int
        0 for the file's order, else the seed of a row permutation (``training_set``).
    variant : key of ``mnist.VARIANTS``
        Whose rules; its learning rate must be its own (the runs on the sum).
    net : MLP, optional
        Trained in place; their initial network by default.
    keep : callable ``keep(passes_done, net)``, optional
        Called after every pass.

    Returns
    -------
    Trace
    """
    X, Y, labels = training_set(order)
    net = SETTING.network() if net is None else net
    rules, lr = VARIANTS[variant].rules, VARIANTS[variant].lr
    trace = Trace(loss=np.empty(passes), correct=np.empty(passes, dtype=np.int32),
                  sevens=np.empty(passes, dtype=np.int32))
    with np.errstate(over="ignore"):  # their sigmoid and softmax overflow: only a warning
        for p in range(passes):
            output, activations = net._forward(X)
            predicted = output.argmax(axis=1)
            trace.loss[p] = net._loss_sum(output, Y) / len(X)
            trace.correct[p] = np.count_nonzero(predicted == labels)
            trace.sevens[p] = np.count_nonzero(predicted)
            net.step(net.backward(activations, Y, **rules), lr)
            if keep is not None:
                keep(p + 1, net)
    return trace


def gap(passes, orders=(0, 1)):
    """Two realisations side by side, pass by pass: how far apart they are.

    Returns
    -------
    parameters : (passes,) array
        After each pass, ``|theta_a - theta_b| / |theta_a|`` over all parameters.
    losses : (2, passes) array
        Each realisation's loss before each pass.
    """
    states, losses = [], []
    for order in orders:
        after = []
        losses.append(run(passes, order, keep=lambda _, net, after=after: after.append(
            _flat(net))).loss)
        states.append(np.array(after))
    difference = np.linalg.norm(states[0] - states[1], axis=1)
    return difference / np.linalg.norm(states[0], axis=1), np.array(losses)


def _flat(net):
    return np.concatenate([value.ravel() for value in net.parameters().values()])


def passes_per_e(distances, start=1e-14, end=1e-6):
    """Average passes for the gap to grow by a factor e, from ``start`` to ``end``."""
    first, last = np.argmax(distances > start), np.argmax(distances > end)
    if not distances[last] > end:
        raise ValueError(f"the gap never exceeds {end:g}: run more passes")
    return (last - first) / np.log(distances[last] / distances[first])


def blas_kernel():
    """The name of the kernel OpenBLAS chose at start-up (``Haswell``, ``SkylakeX``, ...).

    Asked of the OpenBLAS that numpy loaded, without threadpoolctl; None if there is none.
    """
    try:
        maps = Path("/proc/self/maps").read_text().splitlines()
    except OSError:
        return None
    for path in sorted({line.split()[-1] for line in maps if "openblas" in line.lower()}):
        library = ctypes.CDLL(path)
        for symbol in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename",
                       "openblas_get_corename64_", "openblas_get_corename"):
            function = getattr(library, symbol, None)
            if function is not None:
                function.restype = ctypes.c_char_p
                return function().decode()
    return None


def machine():
    """What a run was computed on: processor, Python, numpy, its BLAS and the BLAS's kernel."""
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip()
                   for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    config = np.show_config(mode="dicts")
    blas = config["Build Dependencies"]["blas"]
    return {"cpu": cpu, "python": platform.python_version(), "numpy": np.__version__,
            "blas": f"{blas.get('name')} {blas.get('version')}",
            "blas_kernel": blas_kernel(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
            "simd": " ".join(config.get("SIMD Extensions", {}).get("found", []))}


def recorded_machine():
    """The ``machine()`` that computed the recording."""
    return json.loads(str(recorded()["machine"]))


@dataclass(frozen=True)
class Ensemble:
    """The recorded realisations: per realisation (rows) and pass (columns), before the pass."""

    orders: tuple
    loss: np.ndarray
    accuracy: np.ndarray
    sevens: np.ndarray

    def printed(self):
        """``(realisations, 19)``: what their code prints at each of their posted iterations.

        Their loop prints the loss after the update of iteration ``i``: before pass ``i + 2``.
        """
        return self.loss[:, [i + 1 for i in POSTED_LOSSES]]

    def claims(self, start=500):
        """Per realisation, from pass ``start`` on: what holds of their run.

        Returns a dict of ``(realisations,)`` arrays: ``lowest`` and ``highest`` loss, the
        ``median_accuracy`` on the training digits, the share of passes ``above_90`` % and the
        ``one_class`` passes at which every digit is called the same.
        """
        accuracy, sevens = self.accuracy[:, start:], self.sevens[:, start:]
        return {"lowest": self.loss[:, start:].min(axis=1),
                "highest": self.loss[:, start:].max(axis=1),
                "median_accuracy": np.median(accuracy, axis=1),
                "above_90": np.mean(accuracy > 0.9, axis=1),
                "one_class": np.sum((sevens == 0) | (sevens == 1), axis=1)}


def ensemble(variant="learner"):
    """The recorded realisations (``RECORDED``) of a run on the sum as an ``Ensemble``.

    ``variant`` is ``"learner"`` (their run) or ``"derivative_fixed"``; only their run has the
    digits called 7 at every pass (``sevens`` is None for the other).
    """
    data = recorded()
    n = len(mnist_training_set()[0])
    prefix = f"{variant}/ensemble"
    sevens = data.get(f"{prefix}/sevens")
    return Ensemble(orders=tuple(int(o) for o in data[f"{prefix}/orders"]),
                    loss=data[f"{prefix}/loss"],
                    accuracy=data[f"{prefix}/correct"] / n,
                    sevens=None if sevens is None else sevens / n)


def final_networks(variant="learner", data=None):
    """Each recorded realisation's network after its last pass, in the order of ``RECORDED``.

    ``data`` is the recording (``mnist.recorded()`` by default) or arrays on their way to it.
    """
    data = recorded() if data is None else data
    return [_network({name: data[f"{variant}/ensemble/final/{name}"][row] for name in PARAMETERS})
            for row in range(len(data[f"{variant}/ensemble/orders"]))]


# What ``measure`` returns, in the recording as ``<variant>/ensemble/last_pass/<key>``.
MEASURES = ("loss", "train", "test", "sevens", "saturated", "dW1", "correct_dW1", "step")


def measure(networks, variant):
    """What ``networks`` (of a run of ``variant``) are, measured on the training digits.

    Returns a dict of arrays, one row per network: ``loss`` (mean cross-entropy), ``train`` and
    ``test`` accuracy, ``sevens`` (share of training digits called 7), ``saturated`` (per hidden
    layer, the share of (digit, unit) pairs within ``diagnostics.SATURATION_MARGIN`` of 0 or
    1), ``dW1`` (the norm of the gradient at ``W1`` by the run's own rules) and
    ``correct_dW1`` (of the mean loss, correct rules), and ``step`` (the rate times ``dW1``).
    """
    X, Y, labels = mnist_training_set()
    test = load_mnist_3v7().test
    rows = []
    for net in networks:
        with np.errstate(over="ignore"):  # their sigmoid and softmax overflow: only a warning
            output, cache = net.forward(X)
            own = np.linalg.norm(net.backward(cache, Y, **VARIANTS[variant].rules)["W1"])
            correct = np.linalg.norm(net.backward(cache, Y)["W1"])
            predicted = output.argmax(axis=1)
            rows.append({"loss": net._loss_sum(output, Y) / len(X),
                         "train": np.mean(predicted == labels),
                         "test": net.accuracy(test.X, test.labels),
                         "sevens": np.mean(predicted == 1),
                         "saturated": [np.mean(inactive(a, "sigmoid")) for a in cache[1:-1]],
                         "dW1": own, "correct_dW1": correct,
                         "step": learning_rate(variant) * own})
    return {key: np.array([row[key] for row in rows]) for key in rows[0]}


def last_pass(variant="learner"):
    """``measure`` of every realisation of a run on the sum after its last pass, as recorded.

    The recording holds these numbers so that a lecture need not compute them; the tests
    check them against ``measure(final_networks(variant), variant)``.
    """
    data = recorded()
    return {key: data[f"{variant}/ensemble/last_pass/{key}"] for key in MEASURES}


def agreeing_digits(a, b):
    """How many significant digits two numbers share (their relative difference, in decades)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(divide="ignore"):
        return np.floor(-np.log10(np.abs(a - b) / np.abs(b)))


def describe(about):
    """One line for people from a ``machine()`` dict."""
    return (f"{about['cpu']}, Python {about['python']}, numpy {about['numpy']}, "
            f"{about['blas']} with its {about['blas_kernel']} kernels")


__all__ = ["AGREED_PASSES", "AGREED_RTOL", "MEASURES", "RECORDED", "SUMMED", "Ensemble",
           "Trace", "agreeing_digits", "blas_kernel", "describe", "ensemble", "final_networks",
           "gap", "last_pass", "machine", "measure", "passes_per_e", "recorded_machine", "run",
           "training_set"]
