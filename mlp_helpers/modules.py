"""Layers as objects: ``forward`` keeps its cache, ``backward(dout)`` returns ``dX``.

Each layer is a node that knows only its own local rule. ``backward`` takes ``dL/dout``, stores
the gradients of the layer's own parameters in ``grads`` and returns ``dL/dX`` for the layer
below. Chaining them from the loss down is backpropagation; no layer needs its neighbours, which
is what lets a framework build any network from a few layer types. The maths lives in
``layers``, ``activations``, ``batchnorm`` and ``losses``; these classes only keep the caches.
"""

import numpy as np

from mlp_helpers.activations import (
    gelu,
    gelu_derivative,
    relu,
    relu_derivative,
    softmax,
    tanh,
    tanh_derivative,
)
from mlp_helpers.batchnorm import batchnorm_backward, batchnorm_forward
from mlp_helpers.initialisation import init_for_activation
from mlp_helpers.layers import dense_forward, linear_backward, sigmoid_backward, sigmoid_forward
from mlp_helpers.losses import cross_entropy_loss
from mlp_helpers.network import class_labels


class Layer:
    """A layer without parameters: ``params`` and ``grads`` are empty dicts."""

    def __init__(self):
        self.params, self.grads, self.cache = {}, {}, None


class Linear(Layer):
    """``out = X @ W + b``; ``W`` is ``(fan_in, fan_out)``, ``b`` is ``(1, fan_out)``."""

    def __init__(self, W, b):
        super().__init__()
        self.params = {"W": np.asarray(W, dtype=np.float64), "b": np.asarray(b, dtype=np.float64)}

    @classmethod
    def initialised(cls, fan_in, fan_out, activation, rng):
        """Weights from ``init_for_activation`` (Glorot or He), biases zero."""
        return cls(init_for_activation(fan_in, fan_out, activation, rng), np.zeros((1, fan_out)))

    def forward(self, X):
        """``(n, fan_in) -> (n, fan_out)``."""
        W, b = self.params["W"], self.params["b"]
        self.cache = (X, W, b)
        return dense_forward(X, W, b)[0]

    def backward(self, dout):
        """``(n, fan_out) -> (n, fan_in)``; ``grads`` gets ``W`` and ``b``."""
        dX, self.grads["W"], self.grads["b"] = linear_backward(dout, self.cache)
        return dX


class Sigmoid(Layer):
    """``a = sigmoid(z)``; the cache is the activation."""

    def forward(self, z):
        """Any shape to the same shape."""
        a, self.cache = sigmoid_forward(z)
        return a

    def backward(self, da):
        """``da * a * (1 - a)``."""
        return sigmoid_backward(da, self.cache)


class FromActivation(Layer):
    """An activation whose derivative is written with its output: the cache is ``a``.

    A subclass names the two functions, ``activation(z)`` and ``derivative(a)``.
    """

    activation = derivative = None

    def forward(self, z):
        """Any shape to the same shape."""
        self.cache = self.activation(z)
        return self.cache

    def backward(self, da):
        """``da * f'(z)``, the slope read from the cached activation."""
        return da * self.derivative(self.cache)


class Tanh(FromActivation):
    """``a = tanh(z)``; backward ``da * (1 - a**2)``."""

    activation, derivative = staticmethod(tanh), staticmethod(tanh_derivative)


class ReLU(FromActivation):
    """``a = max(z, 0)``; backward passes ``da`` where the unit is on, 0 where it is off."""

    activation, derivative = staticmethod(relu), staticmethod(relu_derivative)


class GELU(Layer):
    """``a = gelu(z)``; the cache is ``z``: the GELU's derivative needs it."""

    def forward(self, z):
        """Any shape to the same shape."""
        self.cache = z
        return gelu(z)

    def backward(self, da):
        """``da * gelu'(z)``."""
        return da * gelu_derivative(self.cache)


class BatchNorm(Layer):
    """Batch normalisation of ``units`` columns (training mode): ``gamma`` 1, ``beta`` 0."""

    def __init__(self, units, eps=1e-5):
        super().__init__()
        self.params = {"gamma": np.ones((1, units)), "beta": np.zeros((1, units))}
        self.eps = eps

    def forward(self, x):
        """``(n, units) -> (n, units)``."""
        out, self.cache = batchnorm_forward(x, self.params["gamma"], self.params["beta"],
                                            self.eps)
        return out

    def backward(self, dout):
        """``(n, units) -> (n, units)``; ``grads`` gets ``gamma`` and ``beta``."""
        dx, self.grads["gamma"], self.grads["beta"] = batchnorm_backward(dout, self.cache)
        return dx


class SoftmaxCrossEntropy:
    """The head: softmax of the logits and the mean cross-entropy against one-hot ``Y``."""

    def __init__(self):
        self.delta = None

    def forward(self, z, Y):
        """Mean cross-entropy of ``softmax(z)``, ``(n, k)``, against ``Y``, ``(n, k)``."""
        loss, self.delta = cross_entropy_loss(softmax(z), Y)
        return loss

    def backward(self):
        """``dL/dz = (p - Y) / n``, the output delta."""
        return self.delta


class Sequential:
    """Layers applied in order, then the head; ``backward`` runs them in reverse."""

    def __init__(self, *layers, head=None):
        self.layers = list(layers)
        self.head = head or SoftmaxCrossEntropy()

    def forward(self, X):
        """The last layer's output (the logits) for ``X``."""
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def loss(self, X, Y):
        """Forward pass and the head's loss."""
        return self.head.forward(self.forward(X), Y)

    def backward(self):
        """Every layer's ``grads`` from the last ``loss``; returns ``dL/dX`` of the input."""
        dout = self.head.backward()
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def parameters(self):
        """``{(i, name): array}`` for every parameter of layer ``i``."""
        return {(i, name): value for i, layer in enumerate(self.layers)
                for name, value in layer.params.items()}

    def gradients(self):
        """``{(i, name): array}``: the gradients of the last ``backward``."""
        return {(i, name): layer.grads[name] for i, layer in enumerate(self.layers)
                for name in layer.params}

    def set_parameters(self, new):
        """Replace parameters by new arrays, ``{(i, name): array}`` as ``parameters`` gives."""
        for (i, name), value in new.items():
            self.layers[i].params[name] = value

    def accuracy(self, X, labels):
        """Fraction of rows whose predicted class (the largest logit) is ``labels``, ``(n,)``."""
        return float(np.mean(class_labels(self.forward(X)) == labels))
