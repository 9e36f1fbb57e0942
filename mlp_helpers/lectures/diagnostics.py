"""Measurements that say why a network does not learn: inside the network, before training.

Each function looks at a network as it is (no training): the statistics of each hidden
layer's activations, the units that are saturated or off, the size of each layer's gradient,
and whether hidden units are copies of each other. The notation is the course's: rows are
examples, ``a_l`` is layer ``l``'s activation, hidden layers are ``l = 1 .. L-1``.
"""

import numpy as np

from mlp_helpers.network import MLP

# A sigmoid unit is saturated where its activation is within this of 0 or 1: there
# sigma'(z) = a (1 - a) is below 0.01, less than a 25th of its largest value 1/4.
SATURATION_MARGIN = 0.01


def hidden_activations(net, X):
    """The hidden layers' activations ``[a_1, ..., a_{L-1}]`` on ``X``, each ``(n, units_l)``."""
    _, activations = net.forward(X)
    return activations[1:-1]


def inactive(a, hidden):
    """Where a hidden unit passes (almost) no gradient: a boolean array shaped like ``a``.

    ``hidden="sigmoid"``: saturated, ``a`` within ``SATURATION_MARGIN`` of 0 or 1.
    ``hidden="relu"``: off, ``a == 0`` (the ReLU's derivative is 0 there).
    """
    if hidden == "relu":
        return a == 0
    return (a < SATURATION_MARGIN) | (a > 1.0 - SATURATION_MARGIN)


def layer_statistics(net, X):
    """Per hidden layer: the mean and std of its activations, and how many are saturated or off.

    Parameters
    ----------
    net : MLP
    X : (n, d) array

    Returns
    -------
    list of dict, one per hidden layer, with keys
        ``"layer"`` (1 for the first hidden layer), ``"mean"``, ``"std"`` (over every example
        and unit), and ``"inactive"``: the fraction of (example, unit) pairs that are
        saturated or off (see ``inactive``).
    """
    return [{"layer": l, "mean": float(a.mean()), "std": float(a.std()),
             "inactive": float(np.mean(inactive(a, net.hidden)))}
            for l, a in enumerate(hidden_activations(net, X), start=1)]


def layer_report(net, X):
    """``layer_statistics`` as text: one line per hidden layer."""
    word = "off" if net.hidden == "relu" else "saturated"
    return "\n".join(f"layer {row['layer']}: mean {row['mean']:.3f}, std {row['std']:.3f}, "
                     f"{row['inactive']:.1%} {word}" for row in layer_statistics(net, X))


def dead_units(net, X):
    """Per hidden layer, a ``(units_l,)`` mask of the ReLU units that are 0 for every row of X.

    Such a unit passes no gradient for any of these examples, so training on them never
    changes the weights that feed it: in the first hidden layer it stays dead for good.
    """
    return [np.all(a == 0, axis=0) for a in hidden_activations(net, X)]


def gradient_norms(net, X, Y, **backward_rules):
    """``(L,)`` array: the Frobenius norm of ``dW_l`` for ``l = 1 .. L``, first layer first."""
    grads = net.backward(net.forward(X)[1], Y, **backward_rules)
    return np.array([np.linalg.norm(grads[f"W{l}"]) for l in range(1, len(net.weights) + 1)])


def column_spread(W):
    """Largest difference between any column of ``W`` and its first column.

    0.0 when every unit of the layer has the same incoming weights: the units are copies of
    each other.

    Parameters
    ----------
    W : (fan_in, fan_out) array
    """
    W = np.asarray(W)
    return float(np.abs(W - W[:, :1]).max())


def deep_network(hidden, init, depth=10, width=256, inputs=784, outputs=2, seed=0,
                 dtype=np.float64):
    """A network ``inputs-width-...-width-outputs`` with ``depth`` hidden layers, biases 0.

    Parameters
    ----------
    hidden : {"sigmoid", "relu"}
    init : str or float
        A scheme of ``INIT_SCHEMES`` (``"xavier"``, ``"he"``, ...), or a *gain* ``g``: every
        weight drawn as ``g * randn / sqrt(fan_in)``. Gain 1 gives the variance
        ``1 / fan_in``, gain ``sqrt(2)`` He's ``2 / fan_in``.
    """
    if isinstance(init, str):
        return MLP((inputs, *(width,) * depth, outputs), init=init, hidden=hidden, seed=seed,
                   dtype=dtype)
    net = MLP((inputs, *(width,) * depth, outputs), init="scaled_normal", hidden=hidden,
              seed=seed, dtype=dtype)
    for W in net.weights:
        W *= float(init)
    return net
