"""Where the MNIST learner's code came from: a tutorial's network, changed one step at a time.

Their code is Denny Britz's tutorial "Implementing a neural network from scratch in Python"
(repository ``dennybritz/nn-from-scratch``, MIT License, Copyright (c) 2023 Denny Britz): the
same names, the ``corect_logprobs`` typo, ``delta3 = probs``, ``db1 = np.sum(delta2, axis=0)``,
``np.random.seed(0)`` and ``randn / sqrt(fan_in)``. The tutorial trains a 2-3-2 network with
tanh hidden units on 200 "two moons" points, with the summed gradient, ``epsilon = 0.01`` and
an L2 penalty of 0.01, for 20000 passes. ``run`` is that algorithm on the course's network
(no line of the tutorial is copied), with the tutorial's rules and the learner's changes as its
options: more hidden layers, the sigmoid with the factor ``1 - sigmoid(a)``, no penalty, other
data.
"""

from dataclasses import dataclass

import numpy as np

from mlp_helpers.activations import tanh_derivative
from mlp_helpers.deltas import hidden_delta_unchecked
from mlp_helpers.lectures.bugs import (
    hidden_delta_one_minus_sigmoid_of_activation,
    output_delta_softmax_summed,
    sigmoid_unstable,
    softmax_unshifted,
)
from mlp_helpers.network import MLP
from mlp_helpers.training import train

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


def _hidden_delta_tanh(delta_next, W_next, a):
    # tanh' = 1 - tanh^2, written on the activation a = tanh(z), as the tutorial does.
    return hidden_delta_unchecked(delta_next, W_next, a, tanh_derivative)


# Each hidden unit and the hidden delta that goes with it. The learner swapped tanh for the
# sigmoid and tanh's 1 - a^2 for 1 - sigmoid(a).
_UNITS = {"tanh": (np.tanh, _hidden_delta_tanh),
          "learner's sigmoid": (sigmoid_unstable, hidden_delta_one_minus_sigmoid_of_activation)}


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
    activation, hidden_delta = _UNITS[change.unit]
    # The tutorial's draws, in its order: np.random.seed(0), then randn(a, b) / sqrt(a).
    net = MLP((X.shape[1], *change.hidden, 2), output="softmax", init="scaled_normal",
              rng=np.random.RandomState(0), hidden_activation=activation,
              output_activation=softmax_unshifted)
    # The tutorial's gradient is summed over the examples: no 1/n.
    history = train(net, X, np.eye(2)[y], lr=change.epsilon, epochs=passes,
                    weight_decay=change.reg_lambda, output_delta=output_delta_softmax_summed,
                    hidden_delta=hidden_delta)
    return Run(loss=np.array(history.loss), accuracy=np.array(history.accuracy),
               weights=net.weights)


__all__ = ["STEPS", "STRAIGHT_LINE", "TUTORIAL", "Change", "Run", "run", "two_moons"]
