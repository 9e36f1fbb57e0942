"""Two learners' bugs, replayed with their exact settings.

The bugs themselves are in ``mlp_helpers.bugs``. The ``replay_*`` and ``measure_*`` functions
run the settings the lectures show and return what they measure: the notebooks, the widgets
and the tests call them, so every number a lecture states has one source.

Learner 000 trained XOR with the output delta ``loss_value * sigma'(a2)``. Learner 001 trained
784-3-3-2 on MNIST with gradients summed over the whole training set and ``1 - a`` as the
sigmoid's derivative; their code also aliased ``p`` and dropped ``keepdims``.
"""

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from mlp_helpers.bugs import (
    dense_gradients_without_keepdims,
    hidden_delta_one_minus_activation,
    output_delta_loss_value,
    output_delta_softmax_aliased,
)
from mlp_helpers.data import load_mnist_3v7, xor
from mlp_helpers.deltas import _dense_gradients
from mlp_helpers.network import MLP
from mlp_helpers.training import train


@dataclass(frozen=True)
class Setting:
    """A network and how it is trained: everything a replay needs to be exact."""

    layer_sizes: tuple
    output: str
    init: str
    bias: bool
    seed: int
    lr: float
    epochs: int
    reduction: str = "mean"
    batch_size: int | None = None
    dtype: type = np.float64

    def network(self):
        """The network at initialisation (seeded, so always the same)."""
        return MLP(self.layer_sizes, output=self.output, init=self.init, bias=self.bias,
                   seed=self.seed, dtype=self.dtype)


XOR_LEARNER = Setting(layer_sizes=(2, 5, 1), output="sigmoid", init="uniform", bias=False,
                      seed=0, lr=0.3, epochs=10000)
XOR_LEARNER_RULES = {"output_delta": output_delta_loss_value}

# The learner ran 10000 passes; the oscillation has period 2 from the first passes, so a few
# dozen show it and keep the lecture fast. float64 like their numpy code: in float32 the
# probabilities underflow sooner and the loss would be cut off at a lower ceiling.
MNIST_LEARNER = Setting(layer_sizes=(784, 3, 3, 2), output="softmax", init="scaled_normal",
                        bias=True, seed=1, lr=0.005, epochs=30, reduction="sum")
MNIST_LEARNER_RULES = {"hidden_delta": hidden_delta_one_minus_activation}
MNIST_SUBSET = 1000


@dataclass(frozen=True)
class Replay:
    """A finished run: the network before and after, and its per-epoch ``History``."""

    before: MLP
    after: MLP
    history: object

    def weight_report(self):
        """Per weight matrix: norm before and after, and how many entries are > 0 and < 0."""
        return {f"W{l}": {"norm_before": float(np.linalg.norm(W0)),
                          "norm_after": float(np.linalg.norm(W)),
                          "positive": int(np.count_nonzero(W > 0)),
                          "negative": int(np.count_nonzero(W < 0)), "size": W.size}
                for l, (W0, W) in enumerate(zip(self.before.weights, self.after.weights), 1)}

    def rises(self):
        """Fraction of epochs whose loss is higher than the epoch before (0 when it settles)."""
        return float(np.mean(np.diff(self.history.loss) > 0))


def replay(setting, X, Y, callback=None, **rules):
    """Train ``setting.network()`` on ``(X, Y)`` with the backward ``rules`` given."""
    net = setting.network()
    before = net.copy()
    history = train(net, X, Y, lr=setting.lr, epochs=setting.epochs,
                    batch_size=setting.batch_size, reduction=setting.reduction,
                    seed=setting.seed, callback=callback, **rules)
    return Replay(before=before, after=net, history=history)


def replay_xor(setting=XOR_LEARNER, callback=None, **rules):
    """Replay an XOR run (the learner's own setting by default) with the ``rules`` given."""
    return replay(setting, *xor(), callback=callback, **rules)


@lru_cache(maxsize=2)
def mnist_training_set(dtype=np.float64):
    """The whole MNIST 3-vs-7 training split as ``(X, Y, labels)`` in ``dtype``."""
    train_split = load_mnist_3v7(dtype=dtype).train
    return train_split.X, train_split.Y, train_split.labels


@lru_cache(maxsize=1)
def mnist_subset(size=MNIST_SUBSET):
    """Seeded ``size`` training and ``size`` test digits (float32), for runs of about 1 s.

    Returns ``(X, Y, X_test, Y_test, labels_test)``.
    """
    data = load_mnist_3v7(dtype=np.float32)
    rng = np.random.default_rng(0)
    train_rows = rng.choice(len(data.train), size, replace=False)
    test_rows = rng.choice(len(data.test), size, replace=False)
    return (data.train.X[train_rows], data.train.Y[train_rows],
            data.test.X[test_rows], data.test.Y[test_rows], data.test.labels[test_rows])


def replay_mnist(setting=MNIST_LEARNER, **rules):
    """Replay a full-batch MNIST run (learner 001's setting by default) with ``rules``."""
    X, Y, _ = mnist_training_set(setting.dtype)
    return replay(setting, X, Y, **rules)


def mnist_learner_variants(epochs=MNIST_LEARNER.epochs, lr_for_the_mean=2.0):
    """Learner 001's run, then its two training bugs fixed one at a time, then both.

    Returns a dict mapping a label to ``(setting, rules)`` for ``replay_mnist``.
    """
    summed = replace(MNIST_LEARNER, epochs=epochs)
    mean = replace(summed, reduction="mean")
    return {
        "learner: sum, 1 - a": (summed, MNIST_LEARNER_RULES),
        "derivative fixed, still summed": (summed, {}),
        "mean, still 1 - a": (mean, MNIST_LEARNER_RULES),
        f"both fixed, mean with lr {lr_for_the_mean}": (replace(mean, lr=lr_for_the_mean), {}),
    }


def measure_sum_versus_mean(setting, X, Y):
    """Train twice: summed loss with ``lr``, mean loss with ``lr * n``.

    Returns ``(sum_replay, mean_replay, largest parameter difference)``.
    """
    summed = replay(replace(setting, reduction="sum"), X, Y)
    mean = replay(replace(setting, reduction="mean", lr=setting.lr * X.shape[0]), X, Y)
    difference = max(float(np.max(np.abs(a - b))) for a, b in
                     zip(summed.after.parameters().values(), mean.after.parameters().values()))
    return summed, mean, difference


def measure_aliasing(net, X, labels):
    """Accuracy read from ``p`` before and after the aliased output delta ran on it.

    Returns ``(accuracy_before, accuracy_after, largest |row sum|)`` of ``p`` afterwards.
    """
    X = np.asarray(X, dtype=net.dtype)
    p, _ = net.forward(X)
    before = float(np.mean(p.argmax(axis=1) == labels))
    output_delta_softmax_aliased(p, np.eye(p.shape[1], dtype=p.dtype)[labels])
    return before, float(np.mean(p.argmax(axis=1) == labels)), float(np.abs(p.sum(1)).max())


def measure_bias_gradient_shapes(net, X, Y, lr):
    """One step with ``db`` with and without ``keepdims``.

    Returns ``(shape with, shape without, largest difference between the two updated nets)``.
    """
    _, activations = net.forward(X)
    steps = []
    for rule in (_dense_gradients, dense_gradients_without_keepdims):
        twin = net.copy()
        grads = twin.backward(activations, Y, dense_gradients=rule)
        twin.step(grads, lr)
        steps.append((grads["b1"].shape, twin))
    (shape_with, net_with), (shape_without, net_without) = steps
    difference = max(float(np.max(np.abs(a - b))) for a, b in
                     zip(net_with.parameters().values(), net_without.parameters().values()))
    return shape_with, shape_without, difference


def measure_batch_size_effect(batch_sizes=(8, 64, MNIST_SUBSET), lr=0.5, tuned_at=8, epochs=5):
    """A learning rate tuned at one batch size, reused at others, with the mean and the sum.

    The summed run gets ``lr / tuned_at`` so that both take the same steps at ``tuned_at``.
    Trains 784-32-16-2 on ``mnist_subset()``.

    Returns
    -------
    runs : dict mapping ``(reduction, batch_size)`` to ``(History, test accuracy)``
    """
    X, Y, X_test, _, labels_test = mnist_subset()
    runs = {}
    for batch_size in batch_sizes:
        for reduction, rate in (("mean", lr), ("sum", lr / tuned_at)):
            net = MLP((784, 32, 16, 2), seed=0, dtype=np.float32)
            history = train(net, X, Y, lr=rate, epochs=epochs, batch_size=batch_size,
                            reduction=reduction)
            runs[reduction, batch_size] = (history, net.accuracy(X_test, labels_test))
    return runs
