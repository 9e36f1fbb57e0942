"""Activation functions and their derivatives.

Notation: ``z`` is a pre-activation, ``a = f(z)`` the activation. Each derivative is written in
terms of the *activation*: ``sigma'(z) = a * (1 - a)`` for the sigmoid, and for the ReLU
``relu'(z) = 1`` where ``a > 0``, else 0. That is why the backward pass stores ``a`` in its
cache, and why ``1 - a`` alone is a bug, not a shortcut.
"""

import numpy as np

from mlp_helpers._validation import as_array


def sigmoid_unchecked(z):
    """``sigmoid`` without the argument checks, for loops that call it on arrays they built."""
    # exp only ever sees -|z|, so it cannot overflow: e = exp(-|z|) lies in (0, 1].
    e = np.exp(-np.abs(z))
    # sigma(z) is 1 / (1 + e) for z >= 0 and e / (1 + e) for z < 0. Since e <= 1, the
    # numerator is max(e, [z >= 0]): exactly 1 or e, and faster than np.where (``out=...``
    # keeps a 0-d input an array). The division happens in place: at mini-batch sizes a
    # fresh array costs more than the arithmetic.
    a = np.maximum(e, z >= 0, out=...)
    e += 1.0
    a /= e
    return a


def sigmoid_derivative_unchecked(a):
    """``sigmoid_derivative`` without the argument checks: ``a * (1 - a)``, from the activation."""
    return a * (1.0 - a)


def relu_unchecked(z):
    """``relu`` without the argument checks (a float32 ``z`` stays float32)."""
    # ``out=...`` keeps a 0-d input an array, as ``sigmoid_unchecked`` does.
    return np.maximum(z, 0.0, out=...)


def relu_derivative_unchecked(a):
    """``relu_derivative`` without the argument checks: 1.0 where ``a > 0``, else 0.0."""
    return (a > 0).astype(a.dtype)


def tanh_derivative_unchecked(a):
    """``tanh_derivative`` without the argument checks: ``1 - a**2``, from the activation."""
    return 1.0 - a * a


def softmax_unchecked(z):
    """``softmax`` without the argument checks, for loops that call it on arrays they built."""
    # Subtracting each row's maximum changes nothing mathematically and keeps exp <= 1.
    shifted = np.exp(z - z.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def sigmoid(z):
    """Logistic function ``1 / (1 + exp(-z))``, elementwise.

    Parameters
    ----------
    z : array of any shape
        Pre-activations. Stable for any finite value: ``exp`` only ever sees ``-|z|``, so
        ``|z| = 1e4`` gives exactly 0 or 1 with no overflow warning.

    Returns
    -------
    a : array, same shape and float dtype as ``z``
    """
    return sigmoid_unchecked(as_array("z", z))


def sigmoid_derivative(a):
    """Derivative of the sigmoid, given its *activation* ``a = sigmoid(z)``: ``a * (1 - a)``.

    Parameters
    ----------
    a : array of any shape, values in [0, 1]

    Returns
    -------
    array, same shape as ``a``
    """
    return sigmoid_derivative_unchecked(as_array("a", a))


def softmax(z):
    """Row-wise softmax: ``p_ik = exp(z_ik) / sum_j exp(z_ij)``.

    Parameters
    ----------
    z : (n, k) array
        Logits, one row per example; no overflow at logits of 1e4.

    Returns
    -------
    p : (n, k) array whose rows are probabilities summing to 1
    """
    return softmax_unchecked(as_array("z", z, ndim=2))


def relu(z):
    """Rectified linear unit ``max(z, 0)``, elementwise.

    Parameters
    ----------
    z : array of any shape
        Pre-activations.

    Returns
    -------
    a : array, same shape and float dtype as ``z``
    """
    return relu_unchecked(as_array("z", z))


def relu_derivative(a):
    """Derivative of the ReLU from its *activation* ``a = relu(z)``: 1.0 where ``a > 0``, else 0.0.

    At ``z = 0`` the ReLU has a kink and no derivative; this returns 0.0 there (one of its
    subgradients). It has to: ``a = 0`` for every ``z <= 0``, so the activation cannot tell
    ``z = 0`` from ``z < 0``. A unit whose ``z`` is exactly 0 therefore passes no gradient,
    like a unit that is off.

    Parameters
    ----------
    a : array of any shape, values >= 0

    Returns
    -------
    array of 0.0 and 1.0, same shape and float dtype as ``a``
    """
    return relu_derivative_unchecked(as_array("a", a))


# GELU in its tanh form: sqrt(2 / pi) and the cubic's coefficient.
_GELU_SCALE = np.sqrt(2.0 / np.pi)
_GELU_CUBIC = 0.044715


def tanh(z):
    """Hyperbolic tangent, elementwise: ``(e^z - e^-z) / (e^z + e^-z)``, values in (-1, 1).

    Parameters
    ----------
    z : array of any shape

    Returns
    -------
    a : array, same shape and float dtype as ``z``
    """
    return np.tanh(as_array("z", z))


def tanh_derivative(a):
    """Derivative of tanh from its *activation* ``a = tanh(z)``: ``1 - a**2``.

    Parameters
    ----------
    a : array of any shape, values in [-1, 1]

    Returns
    -------
    array, same shape as ``a``
    """
    return tanh_derivative_unchecked(as_array("a", a))


def _gelu_parts(z):
    # u = sqrt(2/pi) (z + 0.044715 z^3) and tanh(u), shared by the GELU and its derivative.
    return np.tanh(_GELU_SCALE * (z + _GELU_CUBIC * z**3))


def gelu(z):
    """GELU in its tanh form: ``z/2 * (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3)))``.

    The form of GPT-2 and of ``torch.nn.functional.gelu(z, approximate="tanh")``; it stays
    within 5e-4 of the exact ``z * Phi(z)``.

    Parameters
    ----------
    z : array of any shape

    Returns
    -------
    a : array, same shape and float dtype as ``z``
    """
    z = as_array("z", z)
    return 0.5 * z * (1.0 + _gelu_parts(z))


def gelu_derivative(z):
    """Derivative of ``gelu`` at the *pre-activation* ``z``.

    Unlike the sigmoid's, tanh's and the ReLU's, it cannot be written from the activation:
    the GELU dips below 0 and comes back, so one value of ``a`` comes from two ``z`` with
    different slopes. A backward pass through a GELU keeps ``z`` in its cache.

    Parameters
    ----------
    z : array of any shape

    Returns
    -------
    array, same shape as ``z``
    """
    z = as_array("z", z)
    t = _gelu_parts(z)
    du_dz = _GELU_SCALE * (1.0 + 3.0 * _GELU_CUBIC * z * z)
    return 0.5 * (1.0 + t) + 0.5 * z * tanh_derivative_unchecked(t) * du_dz
