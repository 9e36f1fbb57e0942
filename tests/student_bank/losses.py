"""Students' mse_loss and cross_entropy_loss, and the learning rate of the summed loss."""

import numpy as np

from student_bank import correct, planted

# --- mse_loss --------------------------------------------------------------------------------


@correct("mse_loss", "python-floats")
def mse_loss_float(a, y):
    n = a.shape[0]
    error = a - y
    return float(0.5 * np.sum(error * error) / n), error / n


@correct("mse_loss", "norm")
def mse_loss_norm(a, y):
    n = len(a)
    return np.linalg.norm(a - y) ** 2 / (2 * n), (a - y) * (1.0 / n)


@planted("mse_loss", "sum-not-mean", "summed-gradient")
def mse_loss_summed_gradient(a, y):
    n = a.shape[0]
    return np.sum((a - y) ** 2) / (2 * n), a - y


@planted("mse_loss", "mean-over-entries", "np-mean-loss")
def mse_loss_np_mean(a, y):
    return np.mean((a - y) ** 2), (a - y) / len(a)


@planted("mse_loss", "mean-over-entries", "half-np-mean-loss")
def mse_loss_half_np_mean(a, y):
    return 0.5 * float(np.mean((a - y) ** 2)), (a - y) / len(a)


@planted("mse_loss", "other", "gradient-times-two")
def mse_loss_two(a, y):
    n = a.shape[0]
    return np.sum((a - y) ** 2) / (2 * n), 2 * (a - y) / n


@planted("mse_loss", "inconsistent-scale", "loss-without-half-gradient-summed")
def mse_loss_inconsistent(a, y):
    n = a.shape[0]
    return np.sum((a - y) ** 2) / n, 2 * (a - y)  # the loss 2 times, dA 2n times too large


@planted("mse_loss", "loss-not-gradient", "returns-loss-twice")
def mse_loss_loss_twice(a, y):
    loss = np.sum((a - y) ** 2) / (2 * a.shape[0])
    return loss, loss


@planted("mse_loss", "wrong-shape", "per-example-loss")
def mse_loss_per_example(a, y):
    n = a.shape[0]
    return 0.5 * np.sum((a - y) ** 2, axis=1) / n, (a - y) / n


@planted("mse_loss", "sign", "y-minus-a")
def mse_loss_sign(a, y):
    n = a.shape[0]
    return np.sum((a - y) ** 2) / (2 * n), (y - a) / n


# --- cross_entropy_loss ----------------------------------------------------------------------


@correct("cross_entropy_loss", "pick-true-class")
def cross_entropy_pick(p, y):
    n = p.shape[0]
    labels = np.argmax(y, axis=1)
    loss = -np.mean(np.log(p[np.arange(n), labels]))
    return loss, (p - y) / n


@correct("cross_entropy_loss", "clipped-log")
def cross_entropy_clipped(p, y):
    n = len(p)
    loss = -np.sum(y * np.log(np.clip(p, 1e-300, 1.0))) / n
    delta = p.copy()
    delta -= y
    delta /= n
    return loss, delta


@correct("cross_entropy_loss", "epsilon-in-log")
def cross_entropy_epsilon(p, y):
    n = p.shape[0]
    return -np.sum(y * np.log(p + 1e-7)) / n, (p - y) / n


@correct("cross_entropy_loss", "clipped-probabilities")
def cross_entropy_keras_clip(p, y):
    eps = 1e-7
    clipped = np.clip(p, eps, 1 - eps)
    return -np.mean(np.sum(y * np.log(clipped), axis=1)), (clipped - y) / len(p)


@planted("cross_entropy_loss", "other", "epsilon-too-large")
def cross_entropy_large_epsilon(p, y):
    n = p.shape[0]
    return -np.sum(y * np.log(p + 1e-3)) / n, (p - y) / n


@planted("cross_entropy_loss", "mean-over-entries", "np-mean-over-classes")
def cross_entropy_mean_over_classes(p, y):
    return -np.mean(y * np.log(np.maximum(p, 1e-300))), (p - y) / len(p)


@planted("cross_entropy_loss", "wrong-formula", "exp-for-log")
def cross_entropy_exp(p, y):
    return -np.sum(y * np.exp(p)) / len(p), (p - y) / len(p)


@planted("cross_entropy_loss", "unstable", "log-of-zero")
def cross_entropy_naive_log(p, y):
    return -np.sum(y * np.log(p)) / len(p), (p - y) / len(p)


@planted("cross_entropy_loss", "mutates-input", "delta-aliases-p")
def cross_entropy_aliased(p, y):
    n = p.shape[0]
    loss = -np.sum(y * np.log(np.maximum(p, 1e-300))) / n
    delta = p
    delta -= y
    delta /= n
    return loss, delta


@planted("cross_entropy_loss", "sum-not-mean", "summed-loss")
def cross_entropy_summed(p, y):
    loss = -np.sum(y * np.log(np.maximum(p, 1e-300)))
    return loss, (p - y) / p.shape[0]


@planted("cross_entropy_loss", "sign", "positive-log-likelihood")
def cross_entropy_sign(p, y):
    n = p.shape[0]
    return np.sum(y * np.log(np.maximum(p, 1e-300))) / n, (p - y) / n


@planted("cross_entropy_loss", "other", "gradient-wrt-p")
def cross_entropy_dL_dp(p, y):
    n = p.shape[0]
    return -np.sum(y * np.log(np.maximum(p, 1e-300))) / n, -y / p / n


@planted("cross_entropy_loss", "sum-not-mean", "summed-delta")
def cross_entropy_summed_delta(p, y):
    n = p.shape[0]
    return -np.sum(y * np.log(np.maximum(p, 1e-300))) / n, p - y


@planted("cross_entropy_loss", "other", "returns-nan")
def cross_entropy_nan(p, y):
    n = p.shape[0]
    return -np.sum(y * np.log(p - p)) / n, (p - y) / n


# --- matching_learning_rate: the summed loss's rate that follows the mean's run -------------


@correct("matching_learning_rate", "times-reciprocal")
def matching_rate_reciprocal(lr_mean, n):
    return lr_mean * (1.0 / n)


@planted("matching_learning_rate", "other", "times-n")
def matching_rate_times_n(lr_mean, n):
    return lr_mean * n


@planted("matching_learning_rate", "other", "same-rate")
def matching_rate_unchanged(lr_mean, n):
    return lr_mean


@planted("matching_learning_rate", "other", "sign-flipped")
def matching_rate_negative(lr_mean, n):
    return -lr_mean / n


@planted("matching_learning_rate", "other", "integer-division")
def matching_rate_floored(lr_mean, n):
    return lr_mean // n
