"""Losses, each returning ``(loss, gradient)``.

Both losses are **means** over the ``n`` examples (rows), so their gradients carry a ``1/n``.
``reduction="sum"`` gives the summed loss instead, whose gradient is ``n`` times larger: the
same direction, a different step size for the same learning rate.
"""

import numpy as np

from mlp_helpers._validation import as_array, require_shape

REDUCTIONS = ("mean", "sum")


def check_reduction(reduction):
    """Raise ``ValueError`` unless ``reduction`` is ``"mean"`` or ``"sum"``."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}.")


def reduction_scale(reduction, n):
    """What a loss summed over ``n`` examples is multiplied by: ``1/n`` for the mean, else 1."""
    check_reduction(reduction)
    return 1.0 / n if reduction == "mean" else 1.0


def mean_loss_gradient(output, y):
    """``(output - y) / n`` with no checks: the course's two losses share this gradient.

    It is ``dL/da`` of the mean MSE at the outputs ``a``, and ``dL/dz`` of the mean
    cross-entropy at the logits of softmax probabilities ``p`` (see ``cross_entropy_loss``).
    """
    return (output - y) / output.shape[0]


def reduced_gradient(output, y, reduction):
    """``mean_loss_gradient``, or ``n`` times it, the gradient of the summed loss."""
    gradient = mean_loss_gradient(output, y)
    return gradient * output.shape[0] if reduction == "sum" else gradient


def squared_error_sum(a, y):
    """``1/2 * sum ||a - y||^2`` with no checks (for training loops)."""
    error = a - y
    return 0.5 * float(np.sum(error * error))


def cross_entropy_sum(p, y):
    """``-sum y log p`` with no checks.

    A probability that underflowed to 0 counts as the smallest positive float, so the loss
    stays finite (and huge) instead of ``inf``.
    """
    return -float(np.sum(y * np.log(np.maximum(p, np.finfo(p.dtype).tiny))))


def mse_loss(a, y, reduction="mean"):
    """Mean squared error ``L = 1/(2n) * sum_i ||a_i - y_i||^2`` and its gradient.

    The ``1/2`` cancels the 2 of the derivative, so the gradient is simply ``(a - y) / n``.

    Parameters
    ----------
    a : (n, k) array
        Network outputs.
    y : (n, k) array
        Targets.
    reduction : {"mean", "sum"}
        ``"sum"`` drops the ``1/n``.

    Returns
    -------
    loss : float
    dA : (n, k) array
        ``dL/da = (a - y) / n``.
    """
    a = as_array("a", a, ndim=2)
    y = as_array("y", y, ndim=2)
    require_shape("y", y, a.shape)
    scale = reduction_scale(reduction, a.shape[0])
    return scale * squared_error_sum(a, y), reduced_gradient(a, y, reduction)


def cross_entropy_loss(p, y, reduction="mean"):
    """Cross-entropy ``L = -1/n * sum_i sum_k y_ik log p_ik`` and the gradient at the logits.

    With a softmax output, ``dL/dz = (p - y) / n``: the softmax Jacobian and the ``1/p`` of the
    log cancel, which is why this loss returns the delta of the logits and not ``dL/dp``.

    Parameters
    ----------
    p : (n, k) array
        Softmax probabilities, one row per example.
    y : (n, k) array
        One-hot targets.
    reduction : {"mean", "sum"}

    Returns
    -------
    loss : float
    delta_out : (n, k) array
        ``(p - y) / n``.
    """
    p = as_array("p", p, ndim=2)
    y = as_array("y", y, ndim=2)
    require_shape("y", y, p.shape)
    scale = reduction_scale(reduction, p.shape[0])
    return scale * cross_entropy_sum(p, y), reduced_gradient(p, y, reduction)
