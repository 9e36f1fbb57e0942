"""A multilayer perceptron of any depth with sigmoid or ReLU hidden layers (see ``training``).

Layer ``l`` computes ``z_l = a_{l-1} @ W_l + b_l`` and ``a_l = f(z_l)``, with ``a_0 = X``.
Hidden layers use the sigmoid (``hidden="sigmoid"``) or the ReLU (``hidden="relu"``). The
output is either a sigmoid under the MSE (``"sigmoid"``) or a softmax under the cross-entropy
(``"softmax"``). Backpropagation is the course's three rules, each replaceable so a lecture or
a grader can run the same network with other rules:

1. ``delta_L = output_delta(a_L, y)``
2. ``delta_l = hidden_delta(delta_{l+1}, W_{l+1}, a_l)``
3. ``dW_l, db_l = dense_gradients(a_{l-1}, delta_l)``
"""

from itertools import pairwise

import numpy as np

from mlp_helpers._validation import as_array, require_shape
from mlp_helpers.activations import relu_unchecked, sigmoid_unchecked, softmax_unchecked
from mlp_helpers.deltas import (
    dense_gradients_unchecked,
    hidden_delta_relu_unchecked,
    hidden_delta_unchecked,
    output_delta_mse_unchecked,
    output_delta_softmax_cross_entropy,
)
from mlp_helpers.initialisation import INIT_SCHEMES, init_weights
from mlp_helpers.losses import (
    check_reduction,
    cross_entropy_sum,
    reduction_scale,
    squared_error_sum,
)

__all__ = ["HIDDEN", "INIT_SCHEMES", "MLP", "OUTPUTS", "class_labels", "init_weights"]

# An output activation with its loss and output delta, and a hidden activation with its hidden
# delta: one is never chosen without the others.
OUTPUTS = {"sigmoid": (sigmoid_unchecked, squared_error_sum, output_delta_mse_unchecked),
           "softmax": (softmax_unchecked, cross_entropy_sum, output_delta_softmax_cross_entropy)}
HIDDEN = {"sigmoid": (sigmoid_unchecked, hidden_delta_unchecked),
          "relu": (relu_unchecked, hidden_delta_relu_unchecked)}


class MLP:
    """MLP with ``layer_sizes = (d, hidden_1, ..., k)``, sigmoid (or ReLU) hidden layers.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input first, output last.
    output : {"sigmoid", "softmax"}
        Sigmoid output with the MSE, or softmax output with the cross-entropy.
    init : {"uniform", "scaled_normal", "xavier", "he"} or callable
        Weight initialisation (see ``init_weights``); biases start at zero. ``"xavier"``
        suits sigmoid hidden layers, ``"he"`` ReLU ones. A callable
        ``init(fan_in, fan_out, rng)`` returns each ``(fan_in, fan_out)`` weight matrix itself.
    bias : bool
        ``False`` builds layers ``z = a_prev @ W`` with no bias at all.
    seed : int
        Seeds ``numpy.random.default_rng`` for the initial weights.
    dtype : numpy float dtype
        float64 for gradient checks, float32 for speed.
    rng : numpy.random.Generator or numpy.random.RandomState, optional
        Draw the weights from this generator instead (``seed`` is then unused), layer by
        layer from the input up. ``RandomState(0)`` draws exactly what ``np.random.seed(0)``
        followed by ``np.random.random`` or ``np.random.randn`` draws, as many learners write.
    hidden_activation, output_activation : callables ``f(z) -> a``, optional
        Replace the hidden layers' activation, or the output's sigmoid or softmax, e.g. by
        a learner's own formula so that a replay computes what their code computed.
    hidden : {"sigmoid", "relu"}
        The hidden layers' activation, and with it the hidden delta ``backward`` uses by
        default: ``a * (1 - a)`` for the sigmoid, ``relu_derivative(a)`` for the ReLU. A
        ``hidden_activation`` given as well replaces the forward only.
    """

    def __init__(self, layer_sizes, output="softmax", init="xavier", bias=True, seed=0,
                 dtype=np.float64, rng=None, hidden_activation=None, output_activation=None,
                 hidden="sigmoid"):
        layer_sizes = tuple(int(units) for units in layer_sizes)
        if len(layer_sizes) < 2 or min(layer_sizes) < 1:
            raise ValueError("layer_sizes needs at least an input and an output size, all >= 1; "
                             f"got {layer_sizes}.")
        if output not in OUTPUTS:
            raise ValueError(f"output must be one of {tuple(OUTPUTS)}, got {output!r}.")
        if hidden not in HIDDEN:
            raise ValueError(f"hidden must be one of {tuple(HIDDEN)}, got {hidden!r}.")
        self.layer_sizes = layer_sizes
        self.output = output
        self.hidden = hidden
        self.hidden_activation = hidden_activation or HIDDEN[hidden][0]
        self.output_activation = output_activation or OUTPUTS[output][0]
        rng = np.random.default_rng(seed) if rng is None else rng
        draw = init if callable(init) else (lambda fan_in, fan_out, rng: init_weights(
            fan_in, fan_out, init, rng))
        self.weights = [np.asarray(draw(fan_in, fan_out, rng)).astype(dtype)
                        for fan_in, fan_out in pairwise(layer_sizes)]
        self.biases = [np.zeros((1, fan_out), dtype=dtype) if bias else None
                       for fan_out in layer_sizes[1:]]

    @property
    def dtype(self):
        """Float dtype of the parameters."""
        return self.weights[0].dtype

    def parameters(self):
        """The arrays themselves (not copies), named ``W1, b1, W2, ...`` as in the notes."""
        named = {}
        for l, (W, b) in enumerate(zip(self.weights, self.biases), start=1):
            named[f"W{l}"] = W
            if b is not None:
                named[f"b{l}"] = b
        return named

    def copy(self):
        """An independent network with the same parameters."""
        return self.with_parameters(
            {name: value.copy() for name, value in self.parameters().items()})

    def with_parameters(self, params):
        """The same network holding ``params`` (``{"W1": ..., "b1": ...}``, the arrays themselves).

        Layer ``l`` gets ``params[f"W{l}"]`` and, if present, ``params[f"b{l}"]``; the
        layer sizes follow the weights' shapes. Nothing is copied: a change to one of the
        arrays (a finite difference, say) is a change to the network.
        """
        twin = object.__new__(MLP)
        twin.output, twin.hidden = self.output, self.hidden
        twin.hidden_activation = self.hidden_activation
        twin.output_activation = self.output_activation
        twin.weights = [params[f"W{l}"] for l in range(1, len(self.weights) + 1)]
        twin.biases = [params.get(f"b{l}") for l in range(1, len(self.weights) + 1)]
        twin.layer_sizes = (twin.weights[0].shape[0], *(W.shape[1] for W in twin.weights))
        return twin

    def _check_inputs(self, X, Y=None):
        X = as_array("X", X, ndim=2).astype(self.dtype, copy=False)
        require_shape("X", X, (None, self.layer_sizes[0]))
        if Y is None:
            return X
        Y = as_array("Y", Y, ndim=2).astype(self.dtype, copy=False)
        require_shape("Y", Y, (X.shape[0], self.layer_sizes[-1]))
        return X, Y

    def forward(self, X):
        """Forward pass.

        Parameters
        ----------
        X : (n, d) array

        Returns
        -------
        output : (n, k) array
            Sigmoid activations, or softmax probabilities.
        activations : list of arrays
            ``[a_0 = X, a_1, ..., a_L = output]``, the cache of the backward pass.
        """
        return self._forward(self._check_inputs(X))

    def _forward(self, X):
        activations = [X]
        last = len(self.weights) - 1
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = activations[-1] @ W
            if b is not None:
                z += b
            activations.append(self.output_activation(z) if l == last
                               else self.hidden_activation(z))
        return activations[-1], activations

    def loss(self, X, Y, reduction="mean"):
        """The network's loss on ``(X, Y)``: mean MSE or mean cross-entropy (or their sums)."""
        X, Y = self._check_inputs(X, Y)
        scale = reduction_scale(reduction, X.shape[0])
        output, _ = self._forward(X)
        return scale * self._loss_sum(output, Y)

    def _loss_sum(self, output, Y):
        return OUTPUTS[self.output][1](output, Y)

    def backward(self, activations, Y, reduction="mean", output_delta=None, hidden_delta=None,
                 dense_gradients=None):
        """Backpropagation from the cache of ``forward``.

        Parameters
        ----------
        activations : list of arrays from ``forward``
        Y : (n, k) array
            Targets (one-hot for a softmax output).
        reduction : {"mean", "sum"}
            ``"sum"`` differentiates the summed loss: every gradient ``n`` times larger.
        output_delta, hidden_delta, dense_gradients : callables, optional
            Replace the course's rules (same signatures as in ``mlp_helpers.deltas``). The
            default ``hidden_delta`` is the one of the network's ``hidden`` activation.

        Returns
        -------
        grads : dict
            ``{"W1": dW1, "b1": db1, ...}``, each shaped like its parameter.
        """
        check_reduction(reduction)
        output_delta = output_delta or OUTPUTS[self.output][2]
        hidden_delta = hidden_delta or HIDDEN[self.hidden][1]
        dense_gradients = dense_gradients or dense_gradients_unchecked

        delta = output_delta(activations[-1], Y)
        if reduction == "sum":
            delta = delta * Y.shape[0]
        grads = {}
        for l in range(len(self.weights), 0, -1):
            dW, db = dense_gradients(activations[l - 1], delta)
            grads[f"W{l}"] = dW
            if self.biases[l - 1] is not None:
                grads[f"b{l}"] = db
            if l > 1:
                delta = hidden_delta(delta, self.weights[l - 1], activations[l - 1])
        return grads

    def step(self, grads, lr, weight_decay=0.0):
        """Gradient descent in place: ``param -= lr * grad`` for every parameter.

        ``weight_decay`` is the factor of an L2 penalty ``weight_decay / 2 * ||W||^2`` on the
        weights (not the biases): its gradient ``weight_decay * W`` joins each ``dW``.
        """
        for name, param in self.parameters().items():
            grad = grads[name]
            if weight_decay and name.startswith("W"):
                grad = grad + weight_decay * param
            param -= lr * grad

    def predict(self, X):
        """Predicted labels, ``(n,)`` ints: the argmax class, or ``output > 0.5`` for one unit."""
        output, _ = self.forward(X)
        return class_labels(output)

    def accuracy(self, X, labels):
        """Fraction of examples whose predicted label equals ``labels`` (``(n,)`` ints)."""
        return float(np.mean(self.predict(X) == np.asarray(labels).reshape(-1)))


def class_labels(output_or_targets):
    """``(n,)`` int labels of ``(n, k)`` outputs or targets: the argmax, or ``> 0.5`` if k = 1."""
    if output_or_targets.shape[1] == 1:
        return (output_or_targets[:, 0] > 0.5).astype(int)
    return output_or_targets.argmax(axis=1)
