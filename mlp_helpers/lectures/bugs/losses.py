"""Wrong losses and output deltas: a sigmoid output with MSE, a softmax with cross-entropy.

An output delta has the rule's signature ``output_delta(a_out, y)``: the output's activations
(or probabilities ``p``) and the targets, both ``(n, classes)``, in; ``delta_out``, the loss's
gradient at the output's pre-activations, out. Passing one to ``train(..., output_delta=bug)``
runs the course's network with the bug in place.
"""

import numpy as np

from mlp_helpers.activations import sigmoid_derivative_unchecked
from mlp_helpers.losses import mean_loss_gradient, squared_error_sum


def cross_entropy_binary(p, y):
    """Bug ``other``: the binary cross-entropy's ``(1 - y) log(1 - p)`` added for a softmax."""
    return -np.mean(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p), axis=1))


def cross_entropy_exp(p, y):
    """Bug ``wrong-formula``: ``-1/n sum y exp(p)``, exp where the log belongs."""
    return -np.sum(y * np.exp(p)) / p.shape[0]


def cross_entropy_gradient_at_probabilities(p, y):
    """Bug ``other``: ``dL/dp = -y / p / n`` as ``delta_out``, not the gradient at the logits."""
    return -y / p / p.shape[0]


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
