"""Runs the lectures show, replayed from a ``Setting``, and the measurements made on them.

A ``Setting`` holds everything a run needs to be exact; ``replay`` trains it with the backward
rules given (a bug from ``mlp_helpers.lectures.bugs``, say). The ``measure_*`` functions run what
the lectures show and return what they measure: the notebooks, the widgets and the tests call them,
so every number a lecture states has one source. The two learners' own runs are in
``mlp_helpers.lectures.learners``.
"""

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from mlp_helpers.data import load_mnist_3v7, xor
from mlp_helpers.deltas import dense_gradients_unchecked
from mlp_helpers.lectures.bugs import dense_gradients_without_keepdims, output_delta_softmax_aliased
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
    global_seed: bool = False
    hidden_activation: object = None
    output_activation: object = None

    def network(self):
        """The network at initialisation (seeded, so always the same).

        ``global_seed=True`` draws the weights as ``np.random.seed(seed)`` followed by
        ``np.random.random`` / ``np.random.randn`` calls would, layer by layer.
        """
        rng = np.random.RandomState(self.seed) if self.global_seed else None
        return MLP(self.layer_sizes, output=self.output, init=self.init, bias=self.bias,
                   seed=self.seed, dtype=self.dtype, rng=rng,
                   hidden_activation=self.hidden_activation,
                   output_activation=self.output_activation)


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


def replay_xor(setting, callback=None, **rules):
    """Replay an XOR run with the ``rules`` given."""
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
    for rule in (dense_gradients_unchecked, dense_gradients_without_keepdims):
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
