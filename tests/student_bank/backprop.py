"""Students' backward passes: xor_loss_and_gradients (assignment 2), backward_two_hidden (3).

The mistakes here are changes to the arguments made through a name that points to them: the
check beside the function and the grader judging it in the notebook's kernel must both see
them, whether the array changed is an argument, an item of the list of activations or an entry
of the dict of parameters.
"""

import numpy as np

from student_bank import correct, planted


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# --- xor_loss_and_gradients ------------------------------------------------------------------


@correct("xor_loss_and_gradients", "layer-loop")
def xor_loss_and_gradients_loop(params, X, Y):
    a = [X]
    for l in (1, 2):
        a.append(_sigmoid(a[-1] @ params[f"W{l}"] + params[f"b{l}"]))
    n = len(X)
    loss = 0.5 * np.sum((a[2] - Y) ** 2) / n
    delta = (a[2] - Y) / n * a[2] * (1 - a[2])
    grads = {}
    for l in (2, 1):
        grads[f"W{l}"] = a[l - 1].T @ delta
        grads[f"b{l}"] = np.sum(delta, axis=0, keepdims=True)
        if l > 1:
            delta = delta @ params[f"W{l}"].T * a[l - 1] * (1 - a[l - 1])
    return float(loss), grads


@planted("xor_loss_and_gradients", "mutates-input", "grads-is-params")
def xor_loss_and_gradients_into_params(params, X, Y):
    a1 = _sigmoid(X @ params["W1"] + params["b1"])
    a2 = _sigmoid(a1 @ params["W2"] + params["b2"])
    n = len(X)
    delta2 = (a2 - Y) / n * a2 * (1 - a2)
    delta1 = (delta2 @ params["W2"].T) * a1 * (1 - a1)
    grads = params  # the same keys as params
    grads["W2"], grads["b2"] = a1.T @ delta2, delta2.sum(axis=0, keepdims=True)
    grads["W1"], grads["b1"] = X.T @ delta1, delta1.sum(axis=0, keepdims=True)
    return float(np.sum((a2 - Y) ** 2)) / (2 * n), grads


# --- backward_two_hidden ---------------------------------------------------------------------


@correct("backward_two_hidden", "layer-loop")
def backward_two_hidden_loop(activations, Y, params):
    grads = {}
    delta = (activations[3] - Y) / len(Y)
    for l in (3, 2, 1):
        grads[f"W{l}"] = activations[l - 1].T @ delta
        grads[f"b{l}"] = delta.sum(axis=0, keepdims=True)
        if l > 1:
            a = activations[l - 1]
            delta = (delta @ params[f"W{l}"].T) * a * (1 - a)
    return grads


@planted("backward_two_hidden", "mutates-input", "d3-aliases-p")
def backward_two_hidden_aliases_p(activations, Y, params):
    X, a1, a2, p = activations
    d3 = p
    d3 -= Y
    d3 /= len(Y)
    d2 = d3 @ params["W3"].T * a2 * (1 - a2)
    d1 = d2 @ params["W2"].T * a1 * (1 - a1)
    return {"W3": a2.T @ d3, "b3": d3.sum(axis=0, keepdims=True),
            "W2": a1.T @ d2, "b2": d2.sum(axis=0, keepdims=True),
            "W1": X.T @ d1, "b1": d1.sum(axis=0, keepdims=True)}


@planted("backward_two_hidden", "mutates-input", "grads-is-params")
def backward_two_hidden_into_params(activations, Y, params):
    X, a1, a2, p = activations
    d3 = (p - Y) / len(Y)
    d2 = d3 @ params["W3"].T * a2 * (1 - a2)
    d1 = d2 @ params["W2"].T * a1 * (1 - a1)
    grads = params  # the same keys as params
    grads["W3"], grads["b3"] = a2.T @ d3, d3.sum(axis=0, keepdims=True)
    grads["W2"], grads["b2"] = a1.T @ d2, d2.sum(axis=0, keepdims=True)
    grads["W1"], grads["b1"] = X.T @ d1, d1.sum(axis=0, keepdims=True)
    return grads
