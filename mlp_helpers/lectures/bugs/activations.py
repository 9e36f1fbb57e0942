"""Wrong activations and wrong slopes: the sigmoid, softmax, ReLU and tanh as learners wrote them.

The activations come first (``(n, units)`` pre-activations ``z`` in, activations out), then the
wrong derivatives. The derivatives are written with the activation ``a``, as the backward pass
has it: ``derivative_one_minus_activation``, ``derivative_at_sigmoid_of_activation``,
``derivative_squared`` and ``derivative_at_preactivation`` are the sigmoid's wrong slopes, of
which the hidden deltas of ``bugs.backward`` are made.
"""

import numpy as np

from mlp_helpers.activations import (
    relu_derivative_unchecked,
    sigmoid_derivative_unchecked,
    sigmoid_unchecked,
    softmax_unchecked,
    tanh_derivative_unchecked,
)


def sigmoid_unstable(z):
    """Bug ``unstable``: ``1 / (1 + exp(-z))`` as usually written.

    ``exp(-z)`` overflows for ``z < -709``. That only warns (``1 / inf`` is the right limit,
    0), so learners rarely notice.
    """
    return 1 / (1 + np.exp(-z))


def sigmoid_exponent_sign(z):
    """Bug ``sign``: ``1 / (1 + exp(z))``, the sign inside the exponent flipped: ``sigma(-z)``."""
    return sigmoid_unchecked(-z)


def sigmoid_one_over_one(z):
    """Bug ``precedence``: ``1 / 1 + exp(-z)``, only the 1 divided: ``1 + exp(-z)``."""
    return 1.0 + np.exp(-z)


def softmax_unshifted(z):
    """Bug ``unstable``: ``exp(z) / sum exp(z)`` without subtracting each row's maximum first."""
    exp_scores = np.exp(z)
    return exp_scores / np.sum(exp_scores, axis=1, keepdims=True)


def softmax_over_columns(z):
    """Bug ``wrong-axis``: normalised down each column (over the examples), not along each row."""
    return softmax_unchecked(z.T).T


def softmax_over_batch(z):
    """Bug ``wrong-axis``: normalised over every entry of the batch at once, not row by row."""
    shifted = np.exp(z - z.max())
    return shifted / shifted.sum()


def softmax_without_keepdims(z):
    """Bug ``other``: the row sums lose their axis, so row ``i`` is divided by sum ``j``.

    ``(n,)`` sums broadcast along each row of an ``(n, n)`` batch, dividing entry ``(i, j)`` by
    the sum of row ``j``; other shapes fail with numpy's shape error.
    """
    shifted = np.exp(z - z.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1)


def relu_abs(z):
    """Bug ``wrong-formula``: ``|z|`` as the ReLU, negative inputs come out positive."""
    return np.abs(z)


def relu_step(z):
    """Bug ``derivative-missing``: the ReLU's derivative, 1 where ``z > 0``, as the ReLU."""
    return relu_derivative_unchecked(z)


def relu_derivative_one_at_zero(a):
    """Bug ``derivative-at-zero``: ``a >= 0``, a slope of 1 where the unit is off (``a = 0``)."""
    return (a >= 0).astype(np.float64)


def derivative_one_minus_activation(a):
    """Bug ``one-minus-activation``: ``1 - a`` as the sigmoid's derivative (one of its factors)."""
    return 1.0 - a


def derivative_at_sigmoid_of_activation(a):
    """Bug ``derivative-twice``: ``sigma'(sigma(a))``, as if the activation ``a`` were ``z``."""
    return sigmoid_derivative_unchecked(sigmoid_unchecked(a))


def derivative_squared(a):
    """Bug ``derivative-twice``: ``sigma'(z) ** 2``, the derivative applied twice."""
    return sigmoid_derivative_unchecked(a) ** 2


def derivative_of_tanh(a):
    """Bug ``wrong-formula``: ``1 - a**2``, tanh's derivative, as the sigmoid's."""
    return tanh_derivative_unchecked(a)


def tanh_derivative_at_tanh_of_activation(a):
    """Bug ``derivative-twice``: ``1 - tanh(a)**2``, as if the activation ``a`` were ``z``."""
    return tanh_derivative_unchecked(np.tanh(a))


def tanh_derivative_as_sigmoid(a):
    """Bug ``wrong-formula``: ``a * (1 - a)``, the sigmoid's derivative, as tanh's."""
    return sigmoid_derivative_unchecked(a)


def tanh_derivative_square_of_difference(a):
    """Bug ``precedence``: ``(1 - a)**2``, the whole difference squared, not ``a`` alone."""
    return (1.0 - a) ** 2


def derivative_at_preactivation(a):
    """Bug ``wrong-activation``: the form ``x * (1 - x)`` applied to ``z`` instead of to ``a``.

    ``z = log(a / (1 - a))`` is the pre-activation that gave ``a``.
    """
    return sigmoid_derivative_unchecked(np.log(a) - np.log1p(-a))
