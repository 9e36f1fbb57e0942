"""Assignment 5: local backward rules, BatchNorm, Adam and the ten-digit training loop."""

import numpy as np

# The loops call these by their global names, as a notebook does: the check swaps them.
from mlp_helpers.layers import linear_backward
from mlp_helpers.optimisers import adam_state, adam_step
from student_bank import correct, planted

# --- linear_backward --------------------------------------------------------------------------


@correct("linear_backward", "dot-and-einsum")
def linear_backward_einsum(dout, cache):
    X, W, _ = cache
    return np.dot(dout, W.T), np.einsum("ni,nj->ij", X, dout), np.sum(dout, axis=0)[None, :]


@correct("linear_backward", "loop-over-examples")
def linear_backward_loop(dout, cache):
    X, W, _ = cache
    dW, db = np.zeros(W.shape), np.zeros((1, W.shape[1]))
    for x_row, d_row in zip(X, dout):
        dW += np.outer(x_row, d_row)
        db += d_row
    return dout @ W.T, dW, db


@planted("linear_backward", "missing-transpose", "dX-without-transpose")
def linear_backward_no_transpose(dout, cache):
    X, W, _ = cache
    return dout @ W, X.T @ dout, dout.sum(axis=0, keepdims=True)


@planted("linear_backward", "missing-transpose", "transposes-swapped")
def linear_backward_swapped(dout, cache):
    X, W, _ = cache
    return dout @ W.T, dout.T @ X, dout.sum(axis=0, keepdims=True)


@planted("linear_backward", "bias-not-summed", "db-without-sum")
def linear_backward_db_unsummed(dout, cache):
    X, W, _ = cache
    return dout @ W.T, X.T @ dout, dout


@planted("linear_backward", "mean-twice", "dW-divided-by-n")
def linear_backward_divides(dout, cache):
    X, W, _ = cache
    return dout @ W.T, X.T @ dout / len(X), dout.sum(axis=0, keepdims=True)


@planted("linear_backward", "mutates-input", "scales-the-cache")
def linear_backward_in_place(dout, cache):
    X, W, _ = cache
    W *= 1.0  # a "harmless" in-place operation still writes into the caller's W
    W += 0.0
    X /= 1.0
    X -= 1e-3
    return dout @ W.T, (X + 1e-3).T @ dout, dout.sum(axis=0, keepdims=True)


# --- tanh_derivative --------------------------------------------------------------------------


@correct("tanh_derivative", "product-form")
def tanh_derivative_product(a):
    return (1 - a) * (1 + a)


@planted("tanh_derivative", "derivative-twice", "tanh-of-a")
def tanh_derivative_tanh_again(a):
    return 1 - np.tanh(a) ** 2


@planted("tanh_derivative", "wrong-formula", "sigmoid-form")
def tanh_derivative_sigmoid_form(a):
    return a * (1 - a)


@planted("tanh_derivative", "precedence", "square-of-difference")
def tanh_derivative_precedence(a):
    return (1 - a) ** 2


@planted("tanh_derivative", "sign", "a-squared-minus-one")
def tanh_derivative_sign(a):
    return a**2 - 1


# --- unbroadcast ------------------------------------------------------------------------------


@correct("unbroadcast", "loop-over-axes")
def unbroadcast_loop(grad, shape):
    grad = np.asarray(grad)
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] > 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


@correct("unbroadcast", "padded-shape")
def unbroadcast_padded(grad, shape):
    padded = (1,) * (np.ndim(grad) - len(shape)) + tuple(shape)
    axes = tuple(i for i, size in enumerate(padded) if size == 1)
    return np.sum(grad, axis=axes, keepdims=True).reshape(shape)


@planted("unbroadcast", "wrong-axis", "leading-axes-only")
def unbroadcast_leading_only(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    return grad


@planted("unbroadcast", "wrong-shape", "keepdims-lost")
def unbroadcast_no_keepdims(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    return grad.sum(axis=tuple(i for i, size in enumerate(shape) if size == 1))


@planted("unbroadcast", "bias-not-summed", "averaged")
def unbroadcast_mean(grad, shape):
    padded = (1,) * (grad.ndim - len(shape)) + tuple(shape)
    axes = tuple(i for i, size in enumerate(padded) if size == 1)
    return grad.mean(axis=axes, keepdims=True).reshape(shape)


# --- batchnorm_backward -----------------------------------------------------------------------


def _staged(dout, cache, ddof=0, mean_path=True, variance_path=True):
    # CS231n's staged backward pass: x_hat, then the variance, then the mean.
    x, gamma, _, eps = cache
    n = x.shape[0]
    centred = x - x.mean(axis=0)
    var = x.var(axis=0, ddof=ddof)
    inv_std = 1 / np.sqrt(var + eps)
    dx_hat = dout * gamma
    dvar = np.sum(dx_hat * centred, axis=0) * -0.5 * inv_std**3
    dmean = -np.sum(dx_hat * inv_std, axis=0) + dvar * np.mean(-2 * centred, axis=0)
    dx = dx_hat * inv_std
    if variance_path:
        dx = dx + dvar * 2 * centred / n
    if mean_path:
        dx = dx + dmean / n
    dgamma = np.sum(dout * centred * inv_std, axis=0, keepdims=True)
    return dx, dgamma, np.sum(dout, axis=0, keepdims=True)


@correct("batchnorm_backward", "staged")
def batchnorm_backward_staged(dout, cache):
    return _staged(dout, cache)


@planted("batchnorm_backward", "missing-path", "no-mean-path")
def batchnorm_backward_no_mean(dout, cache):
    return _staged(dout, cache, mean_path=False)


@planted("batchnorm_backward", "missing-path", "no-variance-path")
def batchnorm_backward_no_variance(dout, cache):
    return _staged(dout, cache, variance_path=False)


@planted("batchnorm_backward", "unbiased-variance", "ddof-1")
def batchnorm_backward_unbiased(dout, cache):
    return _staged(dout, cache, ddof=1)


@planted("batchnorm_backward", "mutates-input", "centres-x-in-place")
def batchnorm_backward_in_place(dout, cache):
    x, gamma, _, eps = cache
    x -= x.mean(axis=0)
    inv_std = 1 / np.sqrt((x**2).mean(axis=0) + eps)
    x_hat, g = x * inv_std, dout * gamma
    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) * inv_std
    return dx, (dout * x_hat).sum(axis=0, keepdims=True), dout.sum(axis=0, keepdims=True)


# --- adam_step --------------------------------------------------------------------------------


@correct("adam_step", "corrected-step-size")
def adam_step_folded(param, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    m = state["m"] + (1 - beta1) * (grad - state["m"])
    v = state["v"] + (1 - beta2) * (np.square(grad) - state["v"])
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return param - lr * m_hat / (v_hat**0.5 + eps), dict(m=m, v=v, t=t)


def _adam(param, grad, state, lr, beta1, beta2, eps, corrected=True, inside=False,
          squared=True, advance=True):
    t = state["t"] + 1
    m = beta1 * state["m"] + (1 - beta1) * grad
    v = beta2 * state["v"] + (1 - beta2) * (grad**2 if squared else grad)
    m_hat = m / (1 - beta1**t) if corrected else m
    v_hat = v / (1 - beta2**t) if corrected else v
    root = np.sqrt(v_hat + eps) if inside else np.sqrt(v_hat) + eps
    return param - lr * m_hat / root, {"m": m, "v": v, "t": t if advance else state["t"]}


@planted("adam_step", "no-bias-correction", "no-bias-correction")
def adam_step_uncorrected(param, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(param, grad, state, lr, beta1, beta2, eps, corrected=False)


@planted("adam_step", "eps-inside-root", "eps-inside-root")
def adam_step_eps_inside(param, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(param, grad, state, lr, beta1, beta2, eps, inside=True)


@planted("adam_step", "moment-not-squared", "v-of-grad")
def adam_step_not_squared(param, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(param, grad, state, lr, beta1, beta2, eps, squared=False)


@planted("adam_step", "step-not-advanced", "returns-old-t")
def adam_step_old_t(param, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(param, grad, state, lr, beta1, beta2, eps, advance=False)


@planted("adam_step", "mutates-input", "updates-state-in-place")
def adam_step_in_place(param, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] += 1
    state["m"] = beta1 * state["m"] + (1 - beta1) * grad
    state["v"] = beta2 * state["v"] + (1 - beta2) * grad**2
    m_hat = state["m"] / (1 - beta1 ** state["t"])
    v_hat = state["v"] / (1 - beta2 ** state["t"])
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), state


# --- train_ten_class --------------------------------------------------------------------------


def _ten_class_loop(X, Y, hidden_units, lr, epochs, batch_size, seed, fresh_state=False,
                    full_batch=False):
    rng = np.random.default_rng(seed)
    params = {"W1": rng.standard_normal((784, hidden_units)) * np.sqrt(2 / 784),
              "b1": np.zeros((1, hidden_units)),
              "W2": rng.standard_normal((hidden_units, 10)) * np.sqrt(2 / hidden_units),
              "b2": np.zeros((1, 10))}
    states = {key: adam_state(value) for key, value in params.items()}
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        total = 0.0
        for start in range(0, len(X), len(X) if full_batch else batch_size):
            rows = order[start:start + (len(X) if full_batch else batch_size)]
            z1 = X[rows] @ params["W1"] + params["b1"]
            a1 = np.maximum(z1, 0)
            z2 = a1 @ params["W2"] + params["b2"]
            p = np.exp(z2 - z2.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            total -= np.sum(Y[rows] * np.log(p + 1e-12))
            delta = (p - Y[rows]) / len(rows)
            da1, dW2, db2 = linear_backward(delta, (a1, params["W2"], params["b2"]))
            _, dW1, db1 = linear_backward(da1 * (z1 > 0), (X[rows], params["W1"], params["b1"]))
            grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
            for key in params:
                state = adam_state(params[key]) if fresh_state else states[key]
                params[key], states[key] = adam_step(params[key], grads[key], state, lr)
        losses.append(total / len(X))
    return params, losses


@planted("train_ten_class", "other", "plain-gradient-descent", slow=True)
def train_ten_class_sgd(X, Y, hidden_units=256, lr=1e-3, epochs=5, batch_size=64, seed=0):
    # Self-contained (numpy only), so the class of simulated students can paste it.
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((784, hidden_units)) * np.sqrt(2 / 784)
    W2 = rng.standard_normal((hidden_units, 10)) * np.sqrt(2 / hidden_units)
    b1, b2 = np.zeros((1, hidden_units)), np.zeros((1, 10))
    losses = []
    for _ in range(epochs):
        order, total = rng.permutation(len(X)), 0.0
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            z1 = X[rows] @ W1 + b1
            a1 = np.maximum(z1, 0)
            z2 = a1 @ W2 + b2
            p = np.exp(z2 - z2.max(axis=1, keepdims=True))
            p = p / p.sum(axis=1, keepdims=True)
            total -= np.sum(Y[rows] * np.log(p + 1e-12))
            delta2 = (p - Y[rows]) / len(rows)
            delta1 = delta2 @ W2.T * (z1 > 0)
            W2, b2 = W2 - 50 * lr * a1.T @ delta2, b2 - 50 * lr * delta2.sum(axis=0)
            W1, b1 = W1 - 50 * lr * X[rows].T @ delta1, b1 - 50 * lr * delta1.sum(axis=0)
        losses.append(total / len(X))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, losses


@correct("train_ten_class", "inline-forward", slow=True)
def train_ten_class_inline(X, Y, hidden_units=256, lr=1e-3, epochs=5, batch_size=64, seed=0):
    return _ten_class_loop(X, Y, hidden_units, lr, epochs, batch_size, seed)


@planted("train_ten_class", "step-not-advanced", "fresh-state-every-step", slow=True)
def train_ten_class_fresh_state(X, Y, hidden_units=256, lr=1e-3, epochs=5, batch_size=64,
                                seed=0):
    return _ten_class_loop(X, Y, hidden_units, lr, epochs, batch_size, seed, fresh_state=True)


@planted("train_ten_class", "other", "full-batch", slow=True)
def train_ten_class_full_batch(X, Y, hidden_units=256, lr=1e-3, epochs=5, batch_size=64,
                               seed=0):
    return _ten_class_loop(X, Y, hidden_units, lr, epochs, batch_size, seed, full_batch=True)
