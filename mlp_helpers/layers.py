"""Layers as forward/backward pairs (the CS231n ``layers.py`` pattern).

``*_forward`` returns the output and a cache; ``*_backward`` takes the upstream gradient and
that cache and returns the gradients. Chaining them is backpropagation:
``sigmoid_backward`` turns ``dL/da`` into ``delta = dL/dz``, ``dense_backward`` turns ``delta``
into ``dW``, ``db`` and the ``dL/da`` of the layer below.
"""

from mlp_helpers._validation import as_array, require_shape
from mlp_helpers.activations import sigmoid, sigmoid_derivative_unchecked
from mlp_helpers.deltas import dense_gradients_unchecked


def dense_forward(a_prev, W, b):
    """``z = a_prev @ W + b``.

    Parameters
    ----------
    a_prev : (n, fan_in) array
    W : (fan_in, fan_out) array
    b : (1, fan_out) array, or None for a layer without bias

    Returns
    -------
    z : (n, fan_out) array
    cache : tuple ``(a_prev, W)`` for ``dense_backward``
    """
    a_prev = as_array("a_prev", a_prev, ndim=2)
    W = as_array("W", W, ndim=2)
    require_shape("W", W, (a_prev.shape[1], None))
    z = a_prev @ W
    if b is not None:
        b = as_array("b", b, ndim=2)
        require_shape("b", b, (1, W.shape[1]))
        z = z + b
    return z, (a_prev, W)


def dense_backward(delta, cache):
    """Backward pass of ``dense_forward``.

    Parameters
    ----------
    delta : (n, fan_out) array
        ``dL/dz`` of this layer.
    cache : tuple from ``dense_forward``

    Returns
    -------
    da_prev : (n, fan_in) array
        ``delta @ W.T``, the gradient with respect to the input activation.
    dW : (fan_in, fan_out) array
    db : (1, fan_out) array
    """
    a_prev, W = cache
    delta = as_array("delta", delta, ndim=2)
    require_shape("delta", delta, (a_prev.shape[0], W.shape[1]))
    dW, db = dense_gradients_unchecked(a_prev, delta)
    return delta @ W.T, dW, db


def sigmoid_forward(z):
    """``a = sigmoid(z)``; the cache is ``a`` itself, since ``sigma'`` is ``a * (1 - a)``.

    Parameters
    ----------
    z : (n, units) array

    Returns
    -------
    a : (n, units) array
    cache : (n, units) array, the activation
    """
    a = sigmoid(z)
    return a, a


def sigmoid_backward(da, cache):
    """``delta = da * a * (1 - a)``: from ``dL/da`` to ``dL/dz``.

    Parameters
    ----------
    da : (n, units) array
    cache : (n, units) array from ``sigmoid_forward``

    Returns
    -------
    delta : (n, units) array
    """
    a = cache
    da = as_array("da", da)
    require_shape("da", da, a.shape)
    return da * sigmoid_derivative_unchecked(a)


def linear_backward(dout, cache):
    """Backward pass of ``out = X @ W + b``: the gradients of all three of its inputs.

    The layer seen as one node of a graph: it takes ``dL/dout`` and returns a gradient for
    every input, ``dX`` included, so layers chain without knowing their neighbours.

    Parameters
    ----------
    dout : (n, fan_out) array
        ``dL/dout``; for a layer ``z_l`` this is ``delta_l``, already divided by n.
    cache : tuple ``(X, W, b)``
        ``X`` (n, fan_in), ``W`` (fan_in, fan_out), ``b`` (1, fan_out).

    Returns
    -------
    dX : (n, fan_in) array
        ``dout @ W.T``.
    dW : (fan_in, fan_out) array
        ``X.T @ dout``.
    db : (1, fan_out) array
        ``dout`` summed over the rows: ``b`` was added to every row.
    """
    X, W, _ = cache
    return dense_backward(dout, (as_array("X", X, ndim=2), as_array("W", W, ndim=2)))
