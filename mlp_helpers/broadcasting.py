"""Broadcasting in a backward pass: the gradient of a stretched operand is a sum.

When numpy adds a bias ``b`` of shape ``(1, k)`` to ``z`` of shape ``(n, k)``, it uses ``b``
once for every row: ``b`` is *copied* ``n`` times. A quantity used in ``n`` places gets the sum
of the gradients of its ``n`` uses, so ``db`` is ``delta`` summed over the rows. Broadcasting
in the forward pass is a sum in the backward pass, and a sum in the forward pass is a
broadcast in the backward pass.
"""

import numpy as np


def unbroadcast(grad, shape):
    """The gradient of an operand of shape ``shape`` that broadcasting stretched to ``grad.shape``.

    Parameters
    ----------
    grad : array
        ``dL/dout`` for the broadcast result.
    shape : tuple of int
        The operand's own shape; numpy must be able to broadcast it to ``grad.shape``.

    Returns
    -------
    array of shape exactly ``shape``
        ``grad`` summed over the leading axes broadcasting added, then over every axis where
        ``shape`` has 1 (keeping that axis).
    """
    grad = np.asarray(grad, dtype=np.float64)
    shape = tuple(shape)
    if np.broadcast_shapes(shape, grad.shape) != grad.shape:
        raise ValueError(f"shape {shape} does not broadcast to the gradient's {grad.shape}.")
    added = grad.ndim - len(shape)
    grad = grad.sum(axis=tuple(range(added)))
    stretched = tuple(axis for axis, size in enumerate(shape)
                      if size == 1 and grad.shape[axis] != 1)
    return grad.sum(axis=stretched, keepdims=True).reshape(shape)
