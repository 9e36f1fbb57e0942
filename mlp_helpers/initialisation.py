"""Initial weights: the schemes the networks are built with, and the scale each activation needs.

With zero-mean weights of variance ``v`` and zero biases, a unit's pre-activation
``z = sum_i a_i W_i`` has variance ``fan_in * v * E[a**2]``. The scale is chosen so that this
stays of order 1 from layer to layer (and the same for the deltas on the way back):

- sigmoid (Glorot and Bengio, 2010): ``v = 2 / (fan_in + fan_out)``, the compromise between
  ``1 / fan_in`` (forward) and ``1 / fan_out`` (backward);
- ReLU (He et al., 2015): ``v = 2 / fan_in``, since a ReLU zeroes half of a symmetric ``z``
  and so halves ``E[a**2]``.
"""

import numpy as np

INIT_SCHEMES = ("uniform", "scaled_normal", "xavier", "he")
ACTIVATIONS = ("sigmoid", "relu")


def glorot_limit(fan_in, fan_out):
    """``r = sqrt(6 / (fan_in + fan_out))``: Glorot's uniform weights are drawn on ``(-r, r)``.

    A uniform draw on ``(-r, r)`` has variance ``r**2 / 3 = 2 / (fan_in + fan_out)``.
    """
    return np.sqrt(6.0 / (fan_in + fan_out))


def init_variance(fan_in, fan_out, activation):
    """The variance of the weights a layer of ``activation`` needs (see the module's docstring).

    ``2 / (fan_in + fan_out)`` for the sigmoid (Glorot, the variance of ``glorot_limit``'s
    uniform draw), ``2 / fan_in`` for the ReLU (He).
    """
    if activation == "sigmoid":
        return glorot_limit(fan_in, fan_out) ** 2 / 3.0
    return 2.0 / fan_in


def init_for_activation(fan_in, fan_out, activation, rng):
    """A weight matrix scaled for the layer's activation: Glorot for the sigmoid, He for ReLU.

    Parameters
    ----------
    fan_in, fan_out : int
        Units feeding the layer and units in it.
    activation : {"sigmoid", "relu"}
        The activation of the layer the weights feed.
    rng : numpy.random.Generator
        Draws the weights (a ``RandomState`` works too).

    Returns
    -------
    W : (fan_in, fan_out) float64 array, zero mean
        ``"sigmoid"``: uniform on ``(-r, r)`` with ``r = sqrt(6 / (fan_in + fan_out))``, so
        the variance is ``r**2 / 3 = 2 / (fan_in + fan_out)`` (Glorot's uniform form; one call
        ``rng.uniform(-r, r, size=(fan_in, fan_out))``).
        ``"relu"``: normal with variance ``2 / fan_in`` (He's normal form; one call
        ``rng.standard_normal((fan_in, fan_out))``, times ``sqrt(2 / fan_in)``).
    """
    for name, value in (("fan_in", fan_in), ("fan_out", fan_out)):
        if isinstance(value, bool) or int(value) != value or value < 1:
            raise ValueError(f"{name} must be a whole number >= 1, got {value!r}.")
    fan_in, fan_out = int(fan_in), int(fan_out)
    if activation == "sigmoid":
        limit = glorot_limit(fan_in, fan_out)
        return rng.uniform(-limit, limit, size=(fan_in, fan_out))
    if activation == "relu":
        return rng.standard_normal((fan_in, fan_out)) * np.sqrt(init_variance(fan_in, fan_out,
                                                                                "relu"))
    raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}.")


def init_weights(fan_in, fan_out, scheme, rng):
    """Draw a ``(fan_in, fan_out)`` weight matrix.

    ``"uniform"``: ``U[0, 1)``, all positive, as in many first attempts (and the XOR seed);
    ``"scaled_normal"``: ``randn / sqrt(fan_in)``, so each ``z`` starts with variance about 1;
    ``"xavier"``: Glorot's ``U(-r, r)`` with ``r = sqrt(6 / (fan_in + fan_out))``, the scale
    for sigmoid layers (``init_for_activation(..., "sigmoid", rng)``);
    ``"he"``: ``randn * sqrt(2 / fan_in)``, the scale for ReLU layers
    (``init_for_activation(..., "relu", rng)``).
    """
    if scheme == "uniform":
        return rng.random((fan_in, fan_out))
    if scheme == "scaled_normal":
        return rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)
    if scheme == "xavier":
        return init_for_activation(fan_in, fan_out, "sigmoid", rng)
    if scheme == "he":
        return init_for_activation(fan_in, fan_out, "relu", rng)
    raise ValueError(f"init must be one of {INIT_SCHEMES}, got {scheme!r}.")
