"""A small reverse-mode autograd over numpy arrays: what ``loss.backward()`` does.

Each operation on a ``Tensor`` makes a new ``Tensor`` that remembers its inputs (its *parents*)
and its *vector-Jacobian product*: given ``dL/dout``, the gradient of every input. The
operations form a graph; ``backward`` walks it from the loss down, in reverse topological
order, and adds each input's share to its ``grad``. Nothing else is needed: every rule of
the course's backward pass is one of these local products, chained.

Broadcasting is the one subtle rule: an operand that numpy stretched to a larger shape gets
the sum of its copies' gradients (``mlp_helpers.broadcasting.unbroadcast``).
"""

import numpy as np

from mlp_helpers.activations import (
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    tanh,
    tanh_derivative,
)
from mlp_helpers.broadcasting import unbroadcast


def _swap(x):
    # The transpose of the last two axes: a batch of matrices transposed one by one.
    return np.swapaxes(x, -1, -2)


class Tensor:
    """An array that records how it was computed, so that ``backward`` can differentiate it.

    Parameters
    ----------
    data : array-like
        Stored as float64.
    parents : tuple of Tensor
        The inputs of the operation that made this tensor (empty for a leaf).
    vjp : callable ``vjp(grad) -> tuple of arrays``, optional
        From ``dL/dself`` to ``dL/dparent`` for each parent, each shaped like that parent.
    op : str
        The operation's name, for reading a graph.
    """

    def __init__(self, data, parents=(), vjp=None, op="leaf"):
        self.data = np.asarray(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)
        self.parents = parents
        self.vjp = vjp
        self.op = op

    @property
    def shape(self):
        """The shape of ``data``."""
        return self.data.shape

    def __repr__(self):
        return f"Tensor(shape={self.shape}, op={self.op!r})"

    # Elementwise arithmetic: numpy broadcasts, the gradients are unbroadcast. ----------------
    def __add__(self, other):
        other = _tensor(other)
        return Tensor(self.data + other.data, (self, other),
                      lambda g: (unbroadcast(g, self.shape), unbroadcast(g, other.shape)), "+")

    def __mul__(self, other):
        other = _tensor(other)
        return Tensor(self.data * other.data, (self, other),
                      lambda g: (unbroadcast(g * other.data, self.shape),
                                 unbroadcast(g * self.data, other.shape)), "*")

    def __truediv__(self, other):
        other = _tensor(other)
        return Tensor(self.data / other.data, (self, other),
                      lambda g: (unbroadcast(g / other.data, self.shape),
                                 unbroadcast(-g * self.data / other.data**2, other.shape)), "/")

    def __pow__(self, exponent):
        """``self ** exponent`` for a constant number ``exponent``."""
        return Tensor(self.data**exponent, (self,),
                      lambda g: (g * exponent * self.data ** (exponent - 1),), f"**{exponent}")

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-_tensor(other))

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return _tensor(other) - self

    def __rtruediv__(self, other):
        return _tensor(other) / self

    def __matmul__(self, other):
        """Matrix product of the last two axes; leading axes broadcast as in ``np.matmul``."""
        other = _tensor(other)
        if min(self.data.ndim, other.data.ndim) < 2:
            raise ValueError(f"@ needs operands of 2 axes or more, got {self.shape} and "
                             f"{other.shape}; make a vector a (1, d) or (d, 1) matrix.")
        return Tensor(self.data @ other.data, (self, other),
                      lambda g: (unbroadcast(g @ _swap(other.data), self.shape),
                                 unbroadcast(_swap(self.data) @ g, other.shape)), "@")

    # Reductions: a sum copies its gradient back to every entry it added up. -------------------
    def sum(self, axis=None, keepdims=False):
        """Sum over ``axis`` (all axes when None), as ``np.sum``."""
        def vjp(g):
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            return (np.broadcast_to(g, self.shape).copy(),)
        return Tensor(self.data.sum(axis=axis, keepdims=keepdims), (self,), vjp, "sum")

    def mean(self, axis=None, keepdims=False):
        """Mean over ``axis``: the sum divided by the number of entries summed."""
        count = self.data.size // self.data.sum(axis=axis, keepdims=keepdims).size
        return self.sum(axis=axis, keepdims=keepdims) / count

    # Elementwise functions, each with its derivative from the activations module. -------------
    def exp(self):
        """``e ** self``, whose derivative is itself."""
        out = np.exp(self.data)
        return Tensor(out, (self,), lambda g: (g * out,), "exp")

    def log(self):
        """Natural logarithm."""
        return Tensor(np.log(self.data), (self,), lambda g: (g / self.data,), "log")

    def sigmoid(self):
        """Sigmoid; its derivative is read from the activation, ``a * (1 - a)``."""
        a = sigmoid(self.data)
        return Tensor(a, (self,), lambda g: (g * sigmoid_derivative(a),), "sigmoid")

    def tanh(self):
        """tanh; its derivative is read from the activation, ``1 - a**2``."""
        a = tanh(self.data)
        return Tensor(a, (self,), lambda g: (g * tanh_derivative(a),), "tanh")

    def relu(self):
        """ReLU; its derivative is 1 where the activation is positive."""
        a = relu(self.data)
        return Tensor(a, (self,), lambda g: (g * relu_derivative(a),), "relu")

    # The backward pass. ------------------------------------------------------------------------
    def backward(self, grad=None):
        """Fill ``grad`` of every tensor this one depends on with ``d self / d tensor``.

        Parameters
        ----------
        grad : array shaped like ``self``, optional
            The gradient to start from; by default 1, for a scalar loss.

        Every ``grad`` in the graph is first reset to zero: unlike PyTorch, which adds to the
        leaves' ``.grad`` across calls, one call gives one gradient.
        """
        if grad is None:
            if self.data.size != 1:
                raise ValueError(f"backward() without a gradient needs a scalar, not {self.shape}.")
            grad = np.ones_like(self.data)
        order = topological_order(self)
        for node in order:
            node.grad = np.zeros_like(node.data)
        self.grad = np.asarray(grad, dtype=np.float64).reshape(self.shape).copy()
        for node in reversed(order):  # the loss first, each node after everything it feeds
            if node.vjp is not None:
                for parent, parent_grad in zip(node.parents, node.vjp(node.grad)):
                    parent.grad += parent_grad  # a tensor used twice adds both gradients


def _tensor(value):
    return value if isinstance(value, Tensor) else Tensor(value, op="constant")


def topological_order(root):
    """Every tensor ``root`` depends on, each after all of its parents; ``root`` last."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((parent, False) for parent in node.parents)
    return order
