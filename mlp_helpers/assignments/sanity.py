"""Small networks to run sanity checks on, some broken in a known way, and the reference report.

A ``SanityNetwork`` is the course's network (``MLP``: one sigmoid hidden layer, a softmax
output, the mean cross-entropy) given as three functions of its parameters: ``loss(params, X, Y)``,
``gradients(params, X, Y)`` (its backward pass) and ``parameters()`` (a fresh copy of the
initial ones). It is made from plain arguments, ``sanity_network(hidden_units, seed, flaw)``,
so the same network can be rebuilt anywhere. ``flaw`` is ``None`` (healthy) or one of
``FLAWS``:

- ``"backward"``: the backward pass uses ``1 - a`` as the hidden layer's derivative (the
  catalogue's ``hidden_delta_one_minus_activation``);
- ``"bias-gradient"``: the backward pass averages the bias gradients over the examples (its
  weights' gradients are right, its biases' ``n`` times too small:
  ``dense_gradients_bias_averaged``);
- ``"large-init"``: the output weights start 300 times too large, so the first predictions
  are confident and the initial loss is far from ``ln 2``;
- ``"symmetric"``: every weight starts at 0.5, so the hidden units stay copies of each other.

``sanity_report(net, X, Y)`` is the reference of the course's three checks.
"""

import numpy as np

from mlp_helpers.gradcheck import GRADIENT_CHECK_THRESHOLD, numerical_gradient, relative_error
from mlp_helpers.initialisation import init_for_activation
from mlp_helpers.lectures.bugs import (
    dense_gradients_bias_averaged,
    hidden_delta_one_minus_activation,
)
from mlp_helpers.network import MLP

FLAWS = ("backward", "large-init", "symmetric", "bias-gradient")
# The rule of the backward pass each flawed backward pass replaces.
_RULES = {"backward": {"hidden_delta": hidden_delta_one_minus_activation},
          "bias-gradient": {"dense_gradients": dense_gradients_bias_averaged}}
# The initial loss of a k-class softmax is "at chance" within this fraction of ln k.
CHANCE_TOLERANCE = 0.1
# Overfitting the tiny batch: full-batch gradient descent at this rate for these steps must
# bring the loss below OVERFIT_LOSS. A healthy network of 3 to 6 hidden units on the four XOR
# points ends near 0.005: of 500 drawn, all but one (stuck near 0.35, as at any length) ended
# under 0.014, and the six of the visible test under 0.007.
OVERFIT_LR, OVERFIT_STEPS, OVERFIT_LOSS = 2.5, 500, 0.05


def _glorot(fan_in, fan_out, rng):
    return init_for_activation(fan_in, fan_out, "sigmoid", rng)


def _equal_weights(fan_in, fan_out, rng):
    # The symmetric flaw: every weight 0.5, so no two hidden units ever differ.
    return np.full((fan_in, fan_out), 0.5)


class SanityNetwork:
    """A 2-class network as functions of its parameters (see the module's docstring)."""

    def __init__(self, hidden_units=4, seed=0, flaw=None, inputs=2):
        if flaw is not None and flaw not in FLAWS:
            raise ValueError(f"flaw must be None or one of {FLAWS}, got {flaw!r}.")
        self._recipe = (int(hidden_units), int(seed), flaw, int(inputs))
        init = _equal_weights if flaw == "symmetric" else _glorot
        self._net = MLP((inputs, hidden_units, 2), output="softmax", init=init,
                        rng=np.random.default_rng(seed))
        if flaw != "symmetric":
            # A small output layer: the first predictions are close to 1/2, the loss to ln 2.
            self._net.weights[1] *= 30.0 if flaw == "large-init" else 0.1
        self._rules = _RULES.get(flaw, {})

    def __wire__(self):
        """How a student's kernel builds the same network: its maker and plain arguments."""
        return "mlp_helpers.assignments.sanity.sanity_network", self._recipe

    def parameters(self):
        """A fresh copy of the initial parameters: ``{"W1", "b1", "W2", "b2"}``."""
        return {key: value.copy() for key, value in self._net.parameters().items()}

    def loss(self, params, X, Y):
        """The mean cross-entropy on ``X`` (n, 2) against one-hot ``Y`` (n, 2): a float."""
        return float(self._net.with_parameters(params).loss(X, Y))

    def gradients(self, params, X, Y):
        """The backward pass of this network: a dict of gradients shaped like ``params``."""
        net = self._net.with_parameters(params)
        _, activations = net.forward(X)
        grads = net.backward(activations, Y, **self._rules)
        return {key: grads[key] for key in ("W1", "b1", "W2", "b2")}


def sanity_network(hidden_units=4, seed=0, flaw=None, inputs=2):
    """The ``SanityNetwork`` of these plain arguments."""
    return SanityNetwork(hidden_units, seed, flaw, inputs)


def sanity_report(net, X, Y):
    """The course's three sanity checks of ``net`` on a tiny batch ``X``, ``Y`` (one-hot).

    Returns
    -------
    dict: ``initial_loss`` and ``loss_at_chance`` (within ``CHANCE_TOLERANCE`` of ``ln k``),
    ``gradient_error`` (the largest relative error between the backward pass and central
    differences) and ``gradients_agree`` (below ``GRADIENT_CHECK_THRESHOLD``), and
    ``overfits_tiny_batch`` (gradient descent brings the loss below ``OVERFIT_LOSS``).
    """
    params = net.parameters()
    initial = net.loss(params, X, Y)
    chance = np.log(Y.shape[1])
    grads = net.gradients(params, X, Y)
    error = 0.0
    for key in params:
        def f(value, key=key):
            return net.loss({**params, key: value}, X, Y)
        error = max(error, relative_error(grads[key], numerical_gradient(f, params[key].copy())))
    return {"initial_loss": initial,
            "loss_at_chance": bool(abs(initial - chance) <= CHANCE_TOLERANCE * chance),
            "gradient_error": float(error),
            "gradients_agree": bool(error < GRADIENT_CHECK_THRESHOLD),
            "overfits_tiny_batch": bool(overfitted_loss(net, X, Y) < OVERFIT_LOSS)}


def overfitted_loss(net, X, Y):
    """The loss after ``OVERFIT_STEPS`` of gradient descent at ``OVERFIT_LR`` from the start."""
    params = net.parameters()
    for _ in range(OVERFIT_STEPS):
        grads = net.gradients(params, X, Y)
        params = {key: value - OVERFIT_LR * grads[key] for key, value in params.items()}
    return net.loss(params, X, Y)
