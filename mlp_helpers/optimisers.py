"""Optimisers: how a gradient becomes a step. Each returns new arrays and changes none.

Plain gradient descent steps by ``lr * grad``, so the step grows with the gradient: a gradient
summed over ``n`` examples instead of averaged steps ``n`` times further. Momentum keeps a
running sum of past gradients (a velocity), so steps build up along directions the gradients
agree on. Adam divides a running mean of the gradient by the root of a running mean of its
square: multiply every gradient by ``c`` and both are multiplied by ``c``, so the step hardly
changes. That is why Adam shrugs off a summed gradient that wrecks plain gradient descent.
"""

import numpy as np

from mlp_helpers._validation import as_array, require_shape


def _param_and_grad(param, grad):
    param = as_array("param", param)
    grad = as_array("grad", grad)
    require_shape("grad", grad, param.shape)
    return param, grad


def momentum_step(param, grad, velocity, lr, momentum=0.9):
    """One step of gradient descent with momentum (PyTorch's ``SGD(momentum=...)`` form).

    ``velocity = momentum * velocity + grad``, then ``param - lr * velocity``.

    Parameters
    ----------
    param, grad, velocity : arrays of one shape
        ``velocity`` starts at zeros.
    lr : float
    momentum : float in [0, 1)
        0 is plain gradient descent.

    Returns
    -------
    new_param, new_velocity : arrays shaped like ``param``
    """
    param, grad = _param_and_grad(param, grad)
    velocity = momentum * as_array("velocity", velocity) + grad
    return param - lr * velocity, velocity


def adam_state(param):
    """Adam's state at the start for a parameter: ``{"m": zeros, "v": zeros, "t": 0}``."""
    shape = np.shape(param)
    return {"m": np.zeros(shape), "v": np.zeros(shape), "t": 0}


def adam_step(param, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One step of Adam (Kingma & Ba, 2015).

    ``m`` and ``v`` are running means of the gradient and of its square; at step ``t`` both
    are divided by ``1 - beta**t``, which undoes their bias towards their zero start.

    Parameters
    ----------
    param, grad : arrays of one shape
    state : dict ``{"m": array, "v": array, "t": int}``
        From ``adam_state`` or the previous step; not modified.
    lr : float
        The largest step any entry takes, about: ``m_hat / sqrt(v_hat)`` is at most about 1.
    beta1, beta2 : floats in [0, 1)
    eps : float
        Added to ``sqrt(v_hat)``, outside the root, so that a zero gradient divides by ``eps``.

    Returns
    -------
    new_param : array shaped like ``param``
        ``param - lr * m_hat / (sqrt(v_hat) + eps)``.
    new_state : dict ``{"m", "v", "t"}`` with ``t`` one more
    """
    param, grad = _param_and_grad(param, grad)
    t = int(state["t"]) + 1
    m = beta1 * as_array("m", state["m"]) + (1.0 - beta1) * grad
    v = beta2 * as_array("v", state["v"]) + (1.0 - beta2) * grad**2
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v, "t": t}
