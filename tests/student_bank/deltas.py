"""Students' output_delta_mse, hidden_delta and dense_gradients."""

import numpy as np

from mlp_helpers.deltas import hidden_delta_unchecked
from student_bank import correct, planted

# --- output_delta_mse ------------------------------------------------------------------------


@correct("output_delta_mse", "np-dot-style")
def output_delta_steps(a_out, y):
    n = len(a_out)
    dL_da = (a_out - y) / n
    return np.multiply(dL_da, a_out * (1 - a_out))


@correct("output_delta_mse", "loops")
def output_delta_loops(a_out, y):
    n, k = a_out.shape
    delta = np.zeros((n, k))
    for i in range(n):
        for j in range(k):
            delta[i, j] = (a_out[i, j] - y[i, j]) * a_out[i, j] * (1 - a_out[i, j]) / n
    return delta


@planted("output_delta_mse", "loss-not-gradient", "loss-times-slope")
def output_delta_loss_value(a_out, y):
    loss = np.sum((a_out - y) ** 2) / (2 * len(a_out))
    return loss * a_out * (1 - a_out)


@planted("output_delta_mse", "loss-not-gradient", "mean-squared-times-slope")
def output_delta_mean_square(a_out, y):
    return np.mean((a_out - y) ** 2) * a_out * (1 - a_out)


@planted("output_delta_mse", "sum-not-mean", "no-division")
def output_delta_summed(a_out, y):
    return (a_out - y) * a_out * (1 - a_out)


@planted("output_delta_mse", "mean-twice", "divided-twice")
def output_delta_divided_twice(a_out, y):
    n = a_out.shape[0]
    grad = (a_out - y) / n
    return grad * a_out * (1 - a_out) / n


@planted("output_delta_mse", "sign", "y-minus-a")
def output_delta_flipped(a_out, y):
    return (y - a_out) / a_out.shape[0] * a_out * (1 - a_out)


@planted("output_delta_mse", "derivative-missing", "gradient-only")
def output_delta_no_slope(a_out, y):
    return (a_out - y) / len(y)


@planted("output_delta_mse", "derivative-twice", "sigma-of-a-out")
def output_delta_sigma_again(a_out, y):
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))
    return (a_out - y) / len(a_out) * sigmoid(a_out) * (1 - sigmoid(a_out))


@planted("output_delta_mse", "one-minus-activation", "one-minus")
def output_delta_one_minus(a_out, y):
    return (a_out - y) / len(a_out) * (1 - a_out)


@planted("output_delta_mse", "wrong-activation", "slope-at-y")
def output_delta_at_y(a_out, y):
    return (a_out - y) / len(a_out) * y * (1 - y)


@planted("output_delta_mse", "mean-over-entries", "divided-by-entries")
def output_delta_all_entries(a_out, y):
    return (a_out - y) / a_out.size * a_out * (1 - a_out)


@planted("output_delta_mse", "sum-not-mean", "two-times-error-not-averaged")
def output_delta_two_errors(a_out, y):
    return 2 * (a_out - y) * a_out * (1 - a_out)  # two factors: no 1/n, and the 2 kept


@planted("output_delta_mse", "derivative-of-error", "slope-of-the-error")
def output_delta_slope_of_error(a_out, y):
    error = a_out - y
    return error / len(y) * error * (1 - error)


@planted("output_delta_mse", "other", "raises-type-error")
def output_delta_typo(a_out, y):
    return (a_out - y) / a_out.shape[0] * a_out * (1 - a_out) + "0"


# --- hidden_delta ----------------------------------------------------------------------------


@correct("hidden_delta", "np-dot")
def hidden_delta_dot(delta_next, W_next, a):
    return np.dot(delta_next, W_next.T) * (a * (1 - a))


@correct("hidden_delta", "transpose-of-product")
def hidden_delta_transposed_product(delta_next, W_next, a):
    back = (W_next @ delta_next.T).T
    back *= a
    back *= 1 - a
    return back


@planted("hidden_delta", "missing-transpose", "no-transpose")
def hidden_delta_no_transpose(delta_next, W_next, a):
    return (delta_next @ W_next) * a * (1 - a)


@planted("hidden_delta", "derivative-missing", "no-slope")
def hidden_delta_no_slope(delta_next, W_next, a):
    return delta_next.dot(W_next.T)


@planted("hidden_delta", "one-minus-activation", "one-minus")
def hidden_delta_one_minus(delta_next, W_next, a):
    return delta_next @ W_next.T * (1 - a)


@planted("hidden_delta", "derivative-twice", "slope-squared")
def hidden_delta_slope_squared(delta_next, W_next, a):
    slope = a * (1 - a)
    return (delta_next @ W_next.T) * slope * slope


@planted("hidden_delta", "weights-skipped", "delta-next-as-is")
def hidden_delta_skips_weights(delta_next, W_next, a):
    return delta_next * a * (1 - a)


@planted("hidden_delta", "mean-twice", "divides-by-n")
def hidden_delta_divides_again(delta_next, W_next, a):
    return (delta_next @ W_next.T) * a * (1 - a) / delta_next.shape[0]


@planted("hidden_delta", "other", "halved")
def hidden_delta_halved(delta_next, W_next, a):
    return 0.5 * (delta_next @ W_next.T) * a * (1 - a)  # told as the factor 1/2, not a layer


@planted("hidden_delta", "wrong-activation", "another-layers-activation")
def hidden_delta_other_activation(delta_next, W_next, a):
    other = np.linspace(0.1, 0.9, a.size).reshape(a.shape)  # stands for a global `a2`
    return (delta_next @ W_next.T) * other * (1 - other)


@planted("hidden_delta", "mutates-input", "in-place-on-a")
def hidden_delta_in_place(delta_next, W_next, a):
    a *= 1 - a
    return (delta_next @ W_next.T) * a


@planted("hidden_delta", "calls-reference", "unchecked-kernel")
def hidden_delta_kernel(delta_next, W_next, a):
    return hidden_delta_unchecked(delta_next, W_next, a)


# --- dense_gradients -------------------------------------------------------------------------


@correct("dense_gradients", "loops")
def dense_gradients_loops(a_prev, delta):
    dW = np.zeros((a_prev.shape[1], delta.shape[1]))
    db = np.zeros((1, delta.shape[1]))
    for i in range(a_prev.shape[0]):
        dW += np.outer(a_prev[i], delta[i])
        db[0] += delta[i]
    return dW, db


@planted("dense_gradients", "missing-transpose", "no-transpose")
def dense_gradients_no_transpose(a_prev, delta):
    return a_prev @ delta, delta.sum(axis=0, keepdims=True)


@planted("dense_gradients", "missing-transpose", "transposed-result")
def dense_gradients_transposed(a_prev, delta):
    return np.dot(delta.T, a_prev), np.sum(delta, axis=0, keepdims=True)


@planted("dense_gradients", "missing-transpose", "delta-transposed")
def dense_gradients_delta_transposed(a_prev, delta):
    return a_prev @ delta.T, delta.sum(axis=0, keepdims=True)


@planted("dense_gradients", "mean-twice", "divides-dW-by-n")
def dense_gradients_averaged(a_prev, delta):
    n = a_prev.shape[0]
    return a_prev.T @ delta / n, delta.sum(axis=0, keepdims=True)


@planted("dense_gradients", "bias-not-summed", "db-mean")
def dense_gradients_bias_mean(a_prev, delta):
    return a_prev.T @ delta, delta.mean(axis=0, keepdims=True)


@planted("dense_gradients", "bias-not-summed", "db-no-keepdims")
def dense_gradients_bias_flat(a_prev, delta):
    return a_prev.T @ delta, np.sum(delta, axis=0)


@planted("dense_gradients", "bias-not-summed", "db-wrong-axis")
def dense_gradients_bias_axis(a_prev, delta):
    return a_prev.T @ delta, delta.sum(axis=1, keepdims=True)


@planted("dense_gradients", "bias-not-summed", "db-mean-no-keepdims")
def dense_gradients_bias_mean_flat(a_prev, delta):
    return a_prev.T @ delta, delta.mean(axis=0)  # two mistakes: averaged, and the axis lost


@planted("dense_gradients", "bias-not-summed", "db-every-entry-keepdims")
def dense_gradients_bias_total_kept(a_prev, delta):
    return a_prev.T @ delta, np.sum(delta, keepdims=True)  # no axis: every entry, kept 2-D


@planted("dense_gradients", "missing-transpose", "dW-transposed-db-flat")
def dense_gradients_transposed_flat(a_prev, delta):
    return delta.T @ a_prev, delta.sum(axis=0)  # one mistake in each gradient


@planted("dense_gradients", "wrong-shape", "returns-dW-only")
def dense_gradients_one(a_prev, delta):
    return a_prev.T @ delta


@planted("output_delta_mse", "other", "divides-by-outputs")
def output_delta_by_outputs(a_out, y):
    n = a_out.shape[1]
    return (a_out - y) / n * a_out * (1 - a_out)


@planted("hidden_delta", "other", "forgets-one-minus-a")
def hidden_delta_times_a(delta_next, W_next, a):
    return np.dot(delta_next, W_next.T) * a


@correct("dense_gradients", "einsum")
def dense_gradients_einsum(a_prev, delta):
    return np.einsum("ni,nj->ij", a_prev, delta), np.sum(delta, axis=0)[None, :]
