"""Batch normalisation over the rows, in training mode (Ioffe & Szegedy, 2015).

Each column (unit) is standardised with the mean and the *biased* variance of the batch,
``x_hat = (x - mean) / sqrt(var + eps)``, then scaled and shifted by learned ``gamma`` and
``beta``: ``out = gamma * x_hat + beta``. Every row's output depends on every row of the batch
through the mean and the variance, so the backward pass has three paths into ``x``: directly,
through the mean, and through the variance.
"""

from mlp_helpers._validation import as_array, require_shape


def _normalise(x, eps):
    # x_hat and 1/sqrt(var + eps), shared by the forward and the backward pass.
    inv_std = 1.0 / (x.var(axis=0, keepdims=True) + eps) ** 0.5
    return (x - x.mean(axis=0, keepdims=True)) * inv_std, inv_std


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    """``out = gamma * (x - mean) / sqrt(var + eps) + beta``, statistics over the rows.

    Parameters
    ----------
    x : (n, d) array
    gamma, beta : (1, d) arrays
    eps : float

    Returns
    -------
    out : (n, d) array
    cache : tuple ``(x, gamma, beta, eps)`` for ``batchnorm_backward``
    """
    x = as_array("x", x, ndim=2)
    gamma = as_array("gamma", gamma, ndim=2)
    beta = as_array("beta", beta, ndim=2)
    require_shape("gamma", gamma, (1, x.shape[1]))
    require_shape("beta", beta, (1, x.shape[1]))
    x_hat, _ = _normalise(x, eps)
    return gamma * x_hat + beta, (x, gamma, beta, eps)


def batchnorm_backward(dout, cache):
    """Backward pass of ``batchnorm_forward``.

    With ``g = dout * gamma`` (the gradient at ``x_hat``), the three paths into ``x`` add up to
    ``dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps)``, means over the rows:
    the direct path, minus what flows back through the mean, minus what flows back through
    the variance.

    Parameters
    ----------
    dout : (n, d) array
        ``dL/dout``.
    cache : tuple ``(x, gamma, beta, eps)`` from ``batchnorm_forward``

    Returns
    -------
    dx : (n, d) array
    dgamma, dbeta : (1, d) arrays
        ``sum(dout * x_hat)`` and ``sum(dout)`` over the rows.
    """
    x, gamma, _, eps = cache
    dout = as_array("dout", dout, ndim=2)
    require_shape("dout", dout, x.shape)
    x_hat, inv_std = _normalise(x, eps)
    g = dout * gamma
    dx = (g - g.mean(axis=0, keepdims=True)
          - x_hat * (g * x_hat).mean(axis=0, keepdims=True)) * inv_std
    return dx, (dout * x_hat).sum(axis=0, keepdims=True), dout.sum(axis=0, keepdims=True)
