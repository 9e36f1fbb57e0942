"""The deltas of backpropagation: the reference for the graded functions of assignment 1.

``delta_l = dL/dz_l`` has shape ``(n, units_l)`` and already contains the ``1/n`` of the mean
loss. Going down one layer is always the same two moves of the chain rule: back through the
weights (``delta_next @ W_next.T``), then through the activation (times ``a * (1 - a)`` for a
sigmoid layer, times ``relu_derivative(a)`` for a ReLU layer).

Each graded function checks its arguments; its ``*_unchecked`` twin does the arithmetic alone
so that training loops, which call it thousands of times on arrays they built themselves, pay
nothing for the checks.
"""

from mlp_helpers._validation import as_array, require_shape
from mlp_helpers.activations import relu_derivative_unchecked, sigmoid_derivative_unchecked
from mlp_helpers.losses import mean_loss_gradient


def output_delta_mse_unchecked(a_out, y):
    """``output_delta_mse`` without the argument checks."""
    return mean_loss_gradient(a_out, y) * sigmoid_derivative_unchecked(a_out)


def output_delta_softmax_cross_entropy(p, y):
    """Delta of a softmax output under the mean cross-entropy: ``(p - y) / n`` (no checks).

    Parameters
    ----------
    p : (n, k) array
        Softmax probabilities.
    y : (n, k) array
        One-hot targets.

    Returns
    -------
    delta_out : (n, k) array
    """
    return mean_loss_gradient(p, y)


def hidden_delta_unchecked(delta_next, W_next, a, derivative=sigmoid_derivative_unchecked):
    """``hidden_delta`` without the argument checks, for any activation's ``derivative``.

    Back through the weights, then times ``derivative(a)``, the slope of the layer's
    activation written with ``a``: the sigmoid's by default, ``relu_derivative_unchecked``
    for a ReLU layer, or one of the wrong slopes of ``mlp_helpers.lectures.bugs``.
    """
    delta = delta_next @ W_next.T
    delta *= derivative(a)  # in place on the new array: one temporary fewer
    return delta


def hidden_delta_relu_unchecked(delta_next, W_next, a):
    """``hidden_delta_relu`` without the argument checks."""
    return hidden_delta_unchecked(delta_next, W_next, a, relu_derivative_unchecked)


def dense_gradients_unchecked(a_prev, delta):
    """``dense_gradients`` without the argument checks."""
    return a_prev.T @ delta, delta.sum(axis=0, keepdims=True)


def output_delta_mse(a_out, y):
    """Delta of a sigmoid output layer under the mean MSE.

    ``delta_out = dL/da * sigma'(z) = (a_out - y) / n * a_out * (1 - a_out)``. The first factor
    is the *gradient* of the loss, a matrix with one entry per example, never the loss value.

    Parameters
    ----------
    a_out : (n, k) array
        Sigmoid activations of the output layer.
    y : (n, k) array
        Targets.

    Returns
    -------
    delta_out : (n, k) array
    """
    a_out = as_array("a_out", a_out, ndim=2)
    y = as_array("y", y, ndim=2)
    require_shape("y", y, a_out.shape)
    return output_delta_mse_unchecked(a_out, y)


def _hidden_inputs(delta_next, W_next, a):
    # The arguments of a hidden delta as float arrays, with shapes that fit one another.
    delta_next = as_array("delta_next", delta_next, ndim=2)
    W_next = as_array("W_next", W_next, ndim=2)
    a = as_array("a", a, ndim=2)
    n, units_next = delta_next.shape
    require_shape("W_next", W_next, (None, units_next))
    require_shape("a", a, (n, W_next.shape[0]))
    return delta_next, W_next, a


def hidden_delta(delta_next, W_next, a):
    """Delta of a sigmoid hidden layer: ``(delta_next @ W_next.T) * a * (1 - a)``.

    Parameters
    ----------
    delta_next : (n, units_next) array
        dL/dz of the layer above, already divided by n.
    W_next : (units, units_next) array
        Weights from this layer to the one above.
    a : (n, units) array
        This layer's sigmoid activation (not its ``z``).

    Returns
    -------
    delta : (n, units) array
    """
    return hidden_delta_unchecked(*_hidden_inputs(delta_next, W_next, a))


def hidden_delta_relu(delta_next, W_next, a):
    """Delta of a ReLU hidden layer: ``(delta_next @ W_next.T) * relu_derivative(a)``.

    The same two moves as ``hidden_delta``, with the ReLU's derivative: the delta passes
    unchanged where the unit is on (``a > 0``) and is 0 where it is off (``a = 0``, which
    includes ``z = 0`` exactly).

    Parameters
    ----------
    delta_next : (n, units_next) array
        dL/dz of the layer above, already divided by n.
    W_next : (units, units_next) array
        Weights from this layer to the one above.
    a : (n, units) array
        This layer's ReLU activation (not its ``z``).

    Returns
    -------
    delta : (n, units) array
    """
    return hidden_delta_relu_unchecked(*_hidden_inputs(delta_next, W_next, a))


def dense_gradients(a_prev, delta):
    """Weight and bias gradients of a dense layer ``z = a_prev @ W + b``.

    Parameters
    ----------
    a_prev : (n, fan_in) array
        The activation feeding the layer (``X`` for the first layer).
    delta : (n, fan_out) array
        dL/dz of the layer, already divided by n.

    Returns
    -------
    dW : (fan_in, fan_out) array
        ``a_prev.T @ delta``: the sum over examples happens in the matrix product.
    db : (1, fan_out) array
        ``delta`` summed over examples, shaped like ``b``.
    """
    a_prev = as_array("a_prev", a_prev, ndim=2)
    delta = as_array("delta", delta, ndim=2)
    require_shape("delta", delta, (a_prev.shape[0], None))
    return dense_gradients_unchecked(a_prev, delta)
