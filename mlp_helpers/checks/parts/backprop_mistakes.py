"""Naming the mistake in a whole backward pass, layer by layer.

The student's gradients are compared with the reference network's (``MLP.backward``) and with
the same network run under every mistake the course names, in one layer or in all of them;
the first mistake that reproduces every gradient is named, with the layer where it enters.
"""

import numpy as np

from mlp_helpers.activations import sigmoid_derivative_unchecked
from mlp_helpers.checks.engine.core import Diagnosis
from mlp_helpers.checks.engine.fixtures import seeded
from mlp_helpers.checks.engine.running import same
from mlp_helpers.deltas import hidden_delta_unchecked
from mlp_helpers.lectures import bugs
from mlp_helpers.network import MLP


def gradient_fixture(sizes, n, output, seed):
    """``(net, X, Y)``: a network of ``sizes`` with random biases and a batch of ``n`` examples."""
    rng = seeded(seed)
    net = MLP(sizes, output=output, init="xavier", rng=seeded(seed + 100))
    net.biases = [rng.normal(0.0, 0.5, b.shape) for b in net.biases]
    X = rng.normal(0.0, 1.0, (n, sizes[0]))
    labels = rng.integers(0, sizes[-1], n) if output == "softmax" else None
    Y = np.eye(sizes[-1])[labels] if output == "softmax" else rng.random((n, sizes[-1]))
    return net, X, Y


def judge_gradients(name, net, X, Y, grads):
    """The ``Diagnosis`` of the gradients ``grads`` that ``name`` returned for ``net``, or None."""
    params = net.parameters()
    if not isinstance(grads, dict):
        return Diagnosis("wrong-shape", f"`{name}` should return the gradients as a dict "
                         f"{{'W1': dW1, 'b1': db1, ...}}; it returned a {type(grads).__name__}.")
    for key, value in params.items():
        if np.shape(grads.get(key)) != value.shape:
            return Diagnosis("wrong-shape", f"`{name}`: the gradient {key!r} has shape "
                             f"{np.shape(grads.get(key))}; it must have the shape of {key}, "
                             f"{value.shape}.")
    return wrong_gradients(name, net, X, Y, grads)


# The slope each hidden-layer mistake multiplies by, in the catalogue's terms.
_SLOPES = {"one-minus-activation": bugs.derivative_one_minus_activation,
           "derivative-missing": np.ones_like,
           "wrong-activation": bugs.derivative_at_preactivation}


_HIDDEN_TEXT = {
    "one-minus-activation": "it multiplies by 1 - a where the sigmoid's derivative belongs; "
                            "revisit sigma'(z) written with the activation a",
    "derivative-missing": "the sigmoid's derivative is left out; after going back through the "
                          "weights, the delta still has to go back through the sigmoid",
    "wrong-activation": "the sigmoid's derivative is taken at z instead of at the activation "
                        "a = sigma(z); the formula in terms of a expects the activation",
}


def _hidden_rule(kind, layers, activations):
    derivative = _SLOPES[kind]

    def rule(delta_next, W_next, a):
        layer = next(l for l, seen in enumerate(activations) if seen is a)
        return hidden_delta_unchecked(delta_next, W_next, a, derivative if layer in layers
                                      else sigmoid_derivative_unchecked)
    return rule


def _scaled(grads, factor):
    return {key: factor * value for key, value in grads.items()}


def hypotheses(net, activations, Y):
    """Every known mistake's gradients: ``(code, text, grads)``, whole-network ones first."""
    with np.errstate(all="ignore"):
        return _hypotheses(net, activations, Y)


def _hypotheses(net, activations, Y):
    n, hidden = len(Y), list(range(1, len(net.weights)))
    right = net.backward(activations, Y)
    found = [
        ("sum-not-mean", f"every gradient is n = {n} times too large: the 1/n of the mean loss "
         "is missing", net.backward(activations, Y, reduction="sum")),
        ("mean-twice", f"every gradient is n = {n} times too small: divided by n twice",
         _scaled(right, 1.0 / n)),
        ("sign", "every gradient has the wrong sign: revisit dL/da = (a - y) / n",
         _scaled(right, -1.0)),
        ("bias-not-summed", "the bias gradients average delta over the examples; db sums "
         "delta over the examples (the 1/n is already inside delta)",
         net.backward(activations, Y, dense_gradients=bugs.dense_gradients_bias_averaged)),
    ]
    if net.output == "sigmoid":
        found += [
            ("loss-not-gradient", "the output delta multiplies by the loss value, one number, "
             "where the gradient (a - y) / n belongs",
             net.backward(activations, Y, output_delta=bugs.output_delta_mean_loss_value)),
            ("derivative-missing", "the output delta leaves out the output sigmoid's derivative",
             net.backward(activations, Y, output_delta=bugs.output_delta_without_derivative)),
        ]
    for kind, text in _HIDDEN_TEXT.items():
        groups = [[l] for l in hidden] + ([hidden] if len(hidden) > 1 else [])
        for layers in groups:
            where = " and ".join(f"layer {l}" for l in layers)
            rule = _hidden_rule(kind, layers, activations)
            grads = net.backward(activations, Y, hidden_delta=rule)
            found.append((kind, f"the delta of {where}: {text}", grads))
            found.append(("sum-not-mean", f"two mistakes: the delta of {where}: {text}; and "
                          f"every gradient is n = {n} times too large (the 1/n of the mean is "
                          "missing)", _scaled(grads, n)))
    return right, found


def _where(wrong, layers):
    bad = sorted({int(key[1:]) for key in wrong})
    named = ", ".join(f"d{key}" for key in sorted(wrong, key=lambda k: (k[1:], k)))
    if len(bad) == layers:
        return f"every layer's gradients are wrong ({named})"
    right = [l for l in range(1, layers + 1) if l not in bad]
    return (f"{named} {'is' if len(wrong) == 1 else 'are'} wrong while layer"
            f"{'s' if len(right) > 1 else ''} {', '.join(map(str, right))} "
            f"{'are' if len(right) > 1 else 'is'} right, so the mistake enters at layer "
            f"{max(bad)}")


def wrong_gradients(name, net, X, Y, grads):
    """``None`` when ``grads`` equal the reference's, else a ``Diagnosis`` naming the layer."""
    _, activations = net.forward(X)
    right, candidates = hypotheses(net, activations, Y)
    wrong = [key for key in right if not same(grads[key], right[key])]
    if not wrong:
        return None
    where = _where(wrong, len(net.weights))
    for code, text, variant in candidates:
        if all(same(grads[key], variant[key]) for key in right):
            return Diagnosis(code, f"`{name}`: {where}. The numbers fit this mistake: {text}.")
    return Diagnosis("other", f"`{name}`: {where}. Revisit that layer's delta and its dW, db "
                     "(dW = a_prev.T @ delta, db = delta summed over the examples).")
