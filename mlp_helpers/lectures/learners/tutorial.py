"""Where the MNIST learner's code came from: a tutorial's network, changed one step at a time.

Their code is Denny Britz's tutorial "Implementing a neural network from scratch in Python"
(repository ``dennybritz/nn-from-scratch``, MIT License, Copyright (c) 2023 Denny Britz): the
same names, the ``corect_logprobs`` typo, ``delta3 = probs``, ``db1 = np.sum(delta2, axis=0)``,
``np.random.seed(0)`` and ``randn / sqrt(fan_in)``. The tutorial trains a 2-3-2 network with
tanh hidden units on 200 "two moons" points, with the summed gradient, ``epsilon = 0.01`` and
an L2 penalty of 0.01, for 20000 passes. ``run`` is that algorithm written anew for this course
(no line of the tutorial is copied), with the learner's changes as options: more hidden layers,
the sigmoid with the factor ``1 - sigmoid(a)``, no penalty, other data.
"""

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from mlp_helpers.lectures.bugs import sigmoid_unstable

TUTORIAL = "Denny Britz, nn-from-scratch (MIT License)"


def two_moons(n=200, noise=0.2, seed=3):
    """Two interleaving half circles with Gaussian noise, as the tutorial's data is made.

    The recipe of scikit-learn's ``make_moons`` (upper half circle of radius 1 at the origin,
    label 0; lower one at (1, 0.5), label 1; shuffled, then noise), drawn with numpy's
    ``default_rng(seed)``: the same kind of points, not the tutorial's very points.

    Returns
    -------
    X : (n, 2) array
    y : (n,) int array of 0 and 1
    """
    rng = np.random.default_rng(seed)
    upper, lower = n // 2, n - n // 2
    t_upper, t_lower = np.linspace(0, np.pi, upper), np.linspace(0, np.pi, lower)
    X = np.vstack([np.column_stack([np.cos(t_upper), np.sin(t_upper)]),
                   np.column_stack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)])])
    y = np.repeat([0, 1], [upper, lower])
    order = rng.permutation(n)
    return X[order] + rng.normal(scale=noise, size=(n, 2)), y[order]


@dataclass(frozen=True)
class Change:
    """One version of the network: hidden layers, hidden unit and its factor, penalty, rate."""

    label: str
    hidden: tuple = (3,)
    unit: str = "tanh"
    epsilon: float = 0.01
    reg_lambda: float = 0.0


# The tutorial as written, then the learner's changes, one at a time (each keeps the ones before).
STEPS = (
    Change("the tutorial: 2-3-2, tanh, L2 penalty 0.01", reg_lambda=0.01),
    Change("without the penalty (the learner has none)"),
    Change("a second hidden layer: 2-3-3-2, tanh", hidden=(3, 3)),
    Change("sigmoid units with 1 - sigmoid(a)", hidden=(3, 3), unit="learner's sigmoid"),
)

# For comparison: no hidden layer at all, a softmax on the inputs: one straight line.
STRAIGHT_LINE = Change("no hidden layer: a straight line", hidden=())


def _activation(unit):
    if unit == "tanh":
        # tanh' = 1 - tanh^2, written on the activation a = tanh(z), as the tutorial does.
        return np.tanh, lambda a: 1 - np.power(a, 2)
    # The learner swapped tanh for the sigmoid and tanh's 1 - a^2 for 1 - sigmoid(a).
    return sigmoid_unstable, lambda a: 1 - sigmoid_unstable(a)


@dataclass
class Run:
    """A finished run: mean cross-entropy and accuracy before every pass, and the last weights."""

    loss: np.ndarray
    accuracy: np.ndarray
    weights: list


def run(change, X, y, passes=20000):
    """Train ``change``'s network on ``(X, y)`` by the tutorial's full-batch summed descent.

    Parameters
    ----------
    change : Change
    X : (n, d) array
    y : (n,) int array of class labels 0 and 1
    passes : int

    Returns
    -------
    Run
    """
    f, factor = _activation(change.unit)
    n = len(X)
    sizes = (X.shape[1], *change.hidden, 2)
    np.random.seed(0)  # noqa: NPY002 -- the tutorial's draws, in its order
    Ws = [np.random.randn(a, b) / np.sqrt(a) for a, b in pairwise(sizes)]  # noqa: NPY002
    bs = [np.zeros((1, b)) for b in sizes[1:]]
    loss, accuracy = np.empty(passes), np.empty(passes)
    rows = np.arange(n)
    for p in range(passes):
        activations = [X]
        for W, b in zip(Ws[:-1], bs[:-1]):
            activations.append(f(activations[-1] @ W + b))
        scores = np.exp(activations[-1] @ Ws[-1] + bs[-1])
        probs = scores / scores.sum(axis=1, keepdims=True)
        loss[p] = -np.log(probs[rows, y]).mean()
        accuracy[p] = np.mean(probs.argmax(axis=1) == y)
        delta = probs.copy()
        delta[rows, y] -= 1  # summed over the examples: no 1/n
        for l in range(len(Ws) - 1, -1, -1):
            dW, db = activations[l].T @ delta, delta.sum(axis=0, keepdims=True)
            if l > 0:
                delta = (delta @ Ws[l].T) * factor(activations[l])
            Ws[l] -= change.epsilon * (dW + change.reg_lambda * Ws[l])
            bs[l] -= change.epsilon * db
    return Run(loss=loss, accuracy=accuracy, weights=Ws)


__all__ = ["STEPS", "STRAIGHT_LINE", "TUTORIAL", "Change", "Run", "run", "two_moons"]
