"""Students' train_two_hidden: mini-batch SGD on MNIST, assignment 3, part 5.

Each loop calls the notebook's functions (defined here, as in a notebook); the check trains it
on MNIST with the reference backward pass in their place, which takes seconds: these entries
are slow.
"""

from itertools import pairwise

import numpy as np

from student_bank import correct, planted


def softmax(z):
    shifted = np.exp(z - z.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def forward_two_hidden(X, params):
    a1 = sigmoid(X @ params["W1"] + params["b1"])
    a2 = sigmoid(a1 @ params["W2"] + params["b2"])
    return [X, a1, a2, softmax(a2 @ params["W3"] + params["b3"])]


def backward_two_hidden(activations, Y, params):
    X, a1, a2, p = activations
    delta3 = (p - Y) / len(Y)
    delta2 = (delta3 @ params["W3"].T) * a2 * (1 - a2)
    delta1 = (delta2 @ params["W2"].T) * a1 * (1 - a1)
    return {"W3": a2.T @ delta3, "b3": delta3.sum(axis=0, keepdims=True),
            "W2": a1.T @ delta2, "b2": delta2.sum(axis=0, keepdims=True),
            "W1": X.T @ delta1, "b1": delta1.sum(axis=0, keepdims=True)}


def cross_entropy_loss(p, y):
    return -float(np.sum(y * np.log(np.maximum(p, 1e-300)))) / len(p), (p - y) / len(p)


def init_params(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    params = {}
    for l, (fan_in, fan_out) in enumerate(pairwise(layer_sizes), start=1):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        params[f"W{l}"] = rng.uniform(-limit, limit, (fan_in, fan_out))
        params[f"b{l}"] = np.zeros((1, fan_out))
    return params


def _step(params, X, Y, lr, biases=True):
    """One gradient step on the batch ``X, Y``; its loss and the new parameters."""
    activations = forward_two_hidden(X, params)
    loss = cross_entropy_loss(activations[-1], Y)[0]
    grads = backward_two_hidden(activations, Y, params)
    return loss, {name: value - lr * grads[name] if biases or name.startswith("W") else value
                  for name, value in params.items()}


@correct("train_two_hidden", "while-loop", slow=True)
def train_two_hidden_while(X, Y, layer_sizes=(784, 64, 32, 2), lr=0.5, epochs=3, batch_size=32,
                           seed=0):
    rng = np.random.default_rng(seed)
    params, losses = init_params(layer_sizes, seed=seed), []
    for _ in range(epochs):
        shuffled = rng.permutation(len(X))
        start, total = 0, 0.0
        while start < len(X):
            batch = shuffled[start:start + batch_size]
            loss, params = _step(params, X[batch], Y[batch], lr)
            total += loss * len(batch)
            start += batch_size
        losses.append(total / len(X))
    return params, losses


@planted("train_two_hidden", "other", "full-batch", slow=True)
def train_two_hidden_full_batch(X, Y, layer_sizes=(784, 64, 32, 2), lr=0.5, epochs=3,
                                batch_size=32, seed=0):
    params, losses = init_params(layer_sizes, seed=seed), []
    for _ in range(epochs):
        loss, params = _step(params, X, Y, lr)
        losses.append(loss)
    return params, losses


@planted("train_two_hidden", "bias-not-updated", "weights-only", slow=True)
def train_two_hidden_weights_only(X, Y, layer_sizes=(784, 64, 32, 2), lr=0.5, epochs=3,
                                  batch_size=32, seed=0):
    rng = np.random.default_rng(seed)
    params, losses = init_params(layer_sizes, seed=seed), []
    for _ in range(epochs):
        shuffled, total = rng.permutation(len(X)), 0.0
        for start in range(0, len(X), batch_size):
            batch = shuffled[start:start + batch_size]
            loss, params = _step(params, X[batch], Y[batch], lr, biases=False)
            total += loss * len(batch)
        losses.append(total / len(X))
    return params, losses


@correct("train_two_hidden", "in-place-drop-last", slow=True)
def train_two_hidden_in_place(X, Y, layer_sizes=(784, 64, 32, 2), lr=0.5, epochs=3, batch_size=32,
                              seed=0):
    # Shuffles an index array in place, drops the last incomplete batch, updates in place.
    rng = np.random.default_rng(seed)
    params, losses = init_params(layer_sizes, seed=seed), []
    indices = np.arange(len(X))
    for _ in range(epochs):
        rng.shuffle(indices)
        total = 0.0
        for start in range(0, len(X) - batch_size + 1, batch_size):
            batch = indices[start:start + batch_size]
            activations = forward_two_hidden(X[batch], params)
            total += cross_entropy_loss(activations[-1], Y[batch])[0]
            grads = backward_two_hidden(activations, Y[batch], params)
            for name in params:
                params[name] -= lr * grads[name]
        losses.append(total / (len(X) // batch_size))
    return params, losses


def _loop(step, pick=None):
    """A mini-batch loop whose update is ``step(params, grads, lr, n)``; ``pick`` its batches."""
    def train_two_hidden(X, Y, layer_sizes=(784, 64, 32, 2), lr=0.5, epochs=3, batch_size=32,
                         seed=0):
        rng = np.random.default_rng(seed)
        params, losses = init_params(layer_sizes, seed=seed), []
        for _ in range(epochs):
            order, total = rng.permutation(len(X)), 0.0
            for start in range(0, len(X), batch_size):
                rows, labels = (pick or (lambda o, s: (o[s:s + batch_size],) * 2))(order, start)
                activations = forward_two_hidden(X[rows], params)
                total += cross_entropy_loss(activations[-1], Y[labels])[0] * len(rows)
                grads = backward_two_hidden(activations, Y[labels], params)
                params = step(params, grads, lr, len(rows))
            losses.append(total / len(X))
        return params, losses
    return train_two_hidden


planted("train_two_hidden", "mean-twice", "divides-by-batch-again", slow=True)(_loop(
    lambda params, grads, lr, n: {k: v - lr * grads[k] / n for k, v in params.items()}))
planted("train_two_hidden", "sign", "climbs", slow=True)(_loop(
    lambda params, grads, lr, n: {k: v + lr * grads[k] for k, v in params.items()}))
planted("train_two_hidden", "other", "first-layer-frozen", slow=True)(_loop(
    lambda params, grads, lr, n: {k: v if k == "W1" else v - lr * grads[k]
                                  for k, v in params.items()}))
planted("train_two_hidden", "other", "same-batch-every-step", slow=True)(_loop(
    lambda params, grads, lr, n: {k: v - lr * grads[k] for k, v in params.items()},
    pick=lambda order, start: (order[:32],) * 2))
planted("train_two_hidden", "other", "labels-of-other-rows", slow=True)(_loop(
    lambda params, grads, lr, n: {k: v - lr * grads[k] for k, v in params.items()},
    pick=lambda order, start: (order[start:start + 32], np.sort(order[start:start + 32]))))
