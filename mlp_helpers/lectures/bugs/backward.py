"""Wrong rules of the backward pass: the error sent down a layer, hidden deltas, dense gradients.

Each has its rule's signature: ``hidden_delta(delta_next, W_next, a)`` with ``delta_next``
``(n, units_next)``, ``W_next`` ``(units, units_next)`` and ``a`` ``(n, units)``;
``dense_gradients(a_prev, delta)`` returning ``(dW, db)``. Passing one to
``train(..., hidden_delta=bug)`` (or ``dense_gradients=``) runs the course's network with the bug
in place. The hidden deltas are the wrong errors (``error_down_untransposed``,
``error_down_weights_skipped``) and the wrong slopes of ``bugs.activations``; most of the
gradients' bugs are a transpose in the wrong place.
"""

from mlp_helpers.activations import sigmoid_unchecked
from mlp_helpers.lectures.bugs.activations import (
    derivative_at_sigmoid_of_activation,
    derivative_one_minus_activation,
)


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
