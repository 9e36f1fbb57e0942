"""The course's catalogue of named mistakes: the bugs learners wrote, as code.

Each mistake is written here once, under its diagnosis code, and everything that shows or
detects it derives from it: the lectures' replays and widgets, the broken runs and sanity
networks of the assignments, and the checks' hypotheses about a student's code.

The sigmoid's derivative, written with the activation ``a``, is where most of them start:
``derivative_one_minus_activation``, ``derivative_at_sigmoid_of_activation``,
``derivative_squared`` and ``derivative_at_preactivation`` are the wrong slopes, and the hidden
deltas below are made of them, as they are of the wrong errors sent down a layer
(``error_down_untransposed``, ``error_down_weights_skipped``). The sigmoid's, the softmax's and
the cross-entropy's wrong forms come first. The others are whole rules of the backward pass,
with that rule's signature: passing one to ``train(net, X, Y, ..., output_delta=bug)`` (or
``hidden_delta=``, ``dense_gradients=``) runs the very same network with the bug in place.
``BUGS`` (sigmoid output and MSE) and ``MNIST_BUGS`` (softmax output and cross-entropy) list
them by diagnosis code, for the "pick a bug" widgets.

Each bug is also a student's answer the checks must name: a rule calls none of the reference's
functions for its own part (``hidden_delta``, ``dense_gradients``...), or the checks would
rightly call it a call to the reference. That is why each writes its own product.
"""

from dataclasses import dataclass

import numpy as np

from mlp_helpers.activations import (
    relu_derivative_unchecked,
    sigmoid_derivative_unchecked,
    sigmoid_unchecked,
    softmax_unchecked,
    tanh_derivative_unchecked,
)
from mlp_helpers.losses import mean_loss_gradient, squared_error_sum


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


def cross_entropy_binary(p, y):
    """Bug ``other``: the binary cross-entropy's ``(1 - y) log(1 - p)`` added for a softmax."""
    return -np.mean(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p), axis=1))


def cross_entropy_exp(p, y):
    """Bug ``wrong-formula``: ``-1/n sum y exp(p)``, exp where the log belongs."""
    return -np.sum(y * np.exp(p)) / p.shape[0]


def cross_entropy_gradient_at_probabilities(p, y):
    """Bug ``other``: ``dL/dp = -y / p / n`` as ``delta_out``, not the gradient at the logits."""
    return -y / p / p.shape[0]


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


def output_delta_loss_value(a_out, y):
    """Bug ``loss-not-gradient``: the loss *value* ``sum (y - a)^2`` times ``a * (1 - a)``.

    Written as the XOR learner wrote it (their unscaled sum of squares, their order of
    operations), so a replay computes what their code computed.
    """
    return np.sum(np.square(y - a_out)) * sigmoid_derivative_unchecked(a_out)


def output_delta_summed(a_out, y):
    """Bug ``sum-not-mean``: ``(a - y) * a * (1 - a)``, the ``1/n`` of the mean left out."""
    return (a_out - y) * sigmoid_derivative_unchecked(a_out)


def output_delta_mean_loss_value(a_out, y):
    """Bug ``loss-not-gradient`` in the course's terms: the mean MSE's value times ``a (1 - a)``."""
    return squared_error_sum(a_out, y) / a_out.shape[0] * sigmoid_derivative_unchecked(a_out)


def output_delta_flipped_sign(a_out, y):
    """Bug ``sign``: ``(y - a) / n * a * (1 - a)``, so every step climbs the loss."""
    return -mean_loss_gradient(a_out, y) * sigmoid_derivative_unchecked(a_out)


def output_delta_without_derivative(a_out, y):
    """Bug ``derivative-missing``: ``dL/da = (a - y) / n`` alone, the sigmoid's slope left out."""
    return mean_loss_gradient(a_out, y)


def error_down_untransposed(delta_next, W_next):
    """Bug ``missing-transpose``: ``delta_next @ W_next``, where ``W_next.T`` belongs.

    It runs only when ``W_next`` is square, and then sums over the wrong index.
    """
    return delta_next @ W_next


def error_down_weights_skipped(delta_next, W_next):
    """Bug ``weights-skipped``: ``delta_next`` itself, not sent back through ``W_next``."""
    return delta_next


def hidden_delta_one_minus_activation(delta_next, W_next, a):
    """Bug ``one-minus-activation``: ``(delta_next @ W_next.T) * (1 - a)``."""
    return (delta_next @ W_next.T) * derivative_one_minus_activation(a)


def hidden_delta_one_minus_sigmoid_of_activation(delta_next, W_next, a):
    """The MNIST learner's hidden delta: ``(delta_next @ W_next.T) * (1 - sigmoid(a))``.

    ``a`` is already an activation, so this is ``1 - sigma(sigma(z))``: two mistakes in one
    factor, the ``a`` of ``a(1 - a)`` left out and the sigmoid applied a second time.
    """
    return (delta_next @ W_next.T) * derivative_one_minus_activation(sigmoid_unchecked(a))


def hidden_delta_derivative_twice(delta_next, W_next, a):
    """Bug ``derivative-twice``: the derivative taken at ``sigma(a)``, a sigmoid applied twice."""
    return (delta_next @ W_next.T) * derivative_at_sigmoid_of_activation(a)


def output_delta_softmax_aliased(p, y):
    """Bug ``mutates-input``: ``delta = p; delta -= y`` names ``p`` twice and overwrites it."""
    delta = p
    delta -= y
    delta /= p.shape[0]
    return delta


def output_delta_softmax_summed(p, y):
    """Bug ``sum-not-mean`` under a softmax output: ``p - y``, the ``1/n`` left out."""
    return p - y


def output_delta_softmax_flipped_sign(p, y):
    """Bug ``sign`` under a softmax output: ``(y - p) / n``, so every step climbs the loss."""
    return -mean_loss_gradient(p, y)


def dense_gradients_no_transpose(a_prev, delta):
    """Bug ``missing-transpose``: ``dW = a_prev @ delta``, where ``a_prev.T`` belongs."""
    return a_prev @ delta, delta.sum(axis=0, keepdims=True)


def dense_gradients_transposed(a_prev, delta):
    """Bug ``missing-transpose``: ``dW = delta.T @ a_prev``, the transpose of the gradient."""
    return delta.T @ a_prev, delta.sum(axis=0, keepdims=True)


def dense_gradients_delta_transposed(a_prev, delta):
    """Bug ``missing-transpose``: ``dW = a_prev @ delta.T``, pairing examples with examples."""
    return a_prev @ delta.T, delta.sum(axis=0, keepdims=True)


def dense_gradients_without_keepdims(a_prev, delta):
    """Bug ``bias-not-summed``: ``db`` summed without ``keepdims``, shape ``(units,)``."""
    return a_prev.T @ delta, delta.sum(axis=0)


def dense_gradients_bias_averaged(a_prev, delta):
    """Bug ``bias-not-summed``: ``db`` averaged over the examples, ``n`` times too small.

    ``delta`` already holds the ``1/n`` of the mean loss: averaging it again divides twice.
    """
    return a_prev.T @ delta, delta.mean(axis=0, keepdims=True)


@dataclass(frozen=True)
class Bug:
    """A named bug: which rule it replaces, and how."""

    code: str
    rule: str
    function: object
    description: str


BUGS = {bug.code: bug for bug in (
    Bug("loss-not-gradient", "output_delta", output_delta_loss_value,
        "the loss value L where its gradient (a - y) belongs"),
    Bug("sum-not-mean", "output_delta", output_delta_summed,
        "the 1/n of the mean left out: steps n times larger"),
    Bug("sign", "output_delta", output_delta_flipped_sign, "(y - a) instead of (a - y)"),
    Bug("derivative-missing", "output_delta", output_delta_without_derivative,
        "the sigmoid's derivative a(1 - a) left out"),
    Bug("one-minus-activation", "hidden_delta", hidden_delta_one_minus_activation,
        "1 - a used as the sigmoid's derivative"),
    Bug("derivative-twice", "hidden_delta", hidden_delta_derivative_twice,
        "the derivative taken at sigma(a) instead of a"),
)}
MNIST_BUGS = {bug.code: bug for bug in (
    Bug("sum-not-mean", "output_delta", output_delta_softmax_summed,
        "the 1/n of the mean left out: steps n times larger"),
    Bug("sign", "output_delta", output_delta_softmax_flipped_sign, "(y - p) instead of (p - y)"),
    BUGS["one-minus-activation"],
    BUGS["derivative-twice"],
)}
