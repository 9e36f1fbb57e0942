"""Students' sigmoid, sigmoid_derivative and softmax."""

import functools
import math

import numpy as np

import mlp_helpers
import mlp_helpers.activations as act
from mlp_helpers import sigmoid as reference_sigmoid
from student_bank import correct, planted

# --- sigmoid ---------------------------------------------------------------------------------


@correct("sigmoid", "clipped")
def sigmoid_clipped(z):
    z = np.clip(z, -500, 500)
    return 1 / (1 + np.exp(-z))


@correct("sigmoid", "where-two-branches")
def sigmoid_two_branches(z):
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    e = np.exp(z[~positive])
    out[~positive] = e / (1.0 + e)
    return out


@correct("sigmoid", "tanh-identity")
def sigmoid_tanh(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


@correct("sigmoid", "loops-math")
def sigmoid_loops(z):
    out = np.zeros(z.shape, dtype=z.dtype)
    for index in np.ndindex(z.shape):
        value = float(z[index])
        if value >= 0:
            out[index] = 1.0 / (1.0 + math.exp(-value))
        else:
            out[index] = math.exp(value) / (1.0 + math.exp(value))
    return out


@planted("sigmoid", "unstable", "naive-overflows")
def sigmoid_naive(z):
    return 1 / (1 + np.exp(-z))


@planted("sigmoid", "sign", "exponent-sign")
def sigmoid_sign(z):
    return 1.0 / (1.0 + np.exp(np.clip(z, -500, 500)))


@planted("sigmoid", "precedence", "one-over-one-plus")
def sigmoid_precedence(z):
    return 1 / 1 + np.exp(-z)


@planted("sigmoid", "mutates-input", "in-place-clip")
def sigmoid_in_place(z):
    np.clip(z, -500, 500, out=z)
    z *= -1
    return 1 / (1 + np.exp(z))


@planted("sigmoid", "mutates-input", "clips-into-its-argument")
def sigmoid_clip_out(z):
    np.clip(z, -500, 500, out=z)  # changes nothing on small inputs, but writes into z
    return 1 / (1 + np.exp(-z))


@planted("sigmoid", "other", "assumes-two-axes")
def sigmoid_rows_and_columns(z):
    out = np.zeros(z.shape)
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            out[i, j] = 1 / (1 + math.exp(-min(max(z[i, j], -500), 500)))
    return out


planted("sigmoid", "calls-reference", "import-alias")(lambda z: reference_sigmoid(z))
planted("sigmoid", "calls-reference", "module-attribute")(lambda z: act.sigmoid(z) * 1.0)
planted("sigmoid", "calls-reference", "unchecked-kernel")(
    lambda z: act.sigmoid_unchecked(np.asarray(z)))
planted("sigmoid", "calls-reference", "partial")(functools.partial(mlp_helpers.sigmoid))


@planted("sigmoid", "other", "not-implemented")
def sigmoid_not_done(z):
    raise NotImplementedError()


@planted("sigmoid", "other", "never-finishes")
def sigmoid_loop_forever(z):
    total = 0
    while total >= 0:
        total += 1
    return z


planted("sigmoid", "other", "missing")(None)


# --- sigmoid_derivative ----------------------------------------------------------------------


@correct("sigmoid_derivative", "expanded")
def sigmoid_derivative_expanded(a):
    return a - a**2


@correct("sigmoid_derivative", "ufuncs")
def sigmoid_derivative_ufuncs(a):
    return np.multiply(a, np.subtract(1.0, a))


@planted("sigmoid_derivative", "derivative-twice", "sigma-of-a")
def sigmoid_derivative_of_z(a):
    s = 1 / (1 + np.exp(-a))
    return s * (1 - s)


@planted("sigmoid_derivative", "wrong-formula", "tanh-derivative")
def sigmoid_derivative_tanh(a):
    return 1 - a ** 2


@planted("sigmoid_derivative", "one-minus-activation", "one-minus")
def sigmoid_derivative_one_minus(a):
    return 1 - a


@planted("sigmoid_derivative", "sign", "a-minus-one")
def sigmoid_derivative_flipped(a):
    return a * (a - 1)


@planted("sigmoid_derivative", "other", "forgets-return")
def sigmoid_derivative_no_return(a):
    slope = a * (1 - a)  # noqa: F841 (the student's mistake: nothing is returned)


@planted("sigmoid_derivative", "mutates-input", "in-place")
def sigmoid_derivative_in_place(a):
    a *= 1 - a
    return a


# --- softmax ---------------------------------------------------------------------------------


@correct("softmax", "log-sum-exp")
def softmax_log_sum_exp(z):
    m = np.max(z, axis=1, keepdims=True)
    log_norm = m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))
    return np.exp(z - log_norm)


@correct("softmax", "row-loop")
def softmax_rows(z):
    out = np.zeros_like(z)
    for i in range(z.shape[0]):
        e = np.exp(z[i] - z[i].max())
        out[i] = e / e.sum()
    return out


@planted("softmax", "unstable", "no-shift")
def softmax_naive(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@planted("softmax", "unstable", "global-shift")
def softmax_global_max(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=1, keepdims=True)


@planted("softmax", "mutates-input", "shift-in-place")
def softmax_in_place(z):
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@planted("softmax", "wrong-axis", "columns")
def softmax_columns(z):
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)


@planted("softmax", "other", "no-keepdims")
def softmax_no_keepdims(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1)


@planted("softmax", "other", "max-without-keepdims")
def softmax_max_no_keepdims(z):
    e = np.exp(z - z.max(axis=1))  # told the broadcast error, not the overflow it also causes
    return e / e.sum(axis=1, keepdims=True)


@planted("softmax", "wrong-axis", "whole-batch")
def softmax_whole_batch(z):
    e = np.exp(z - z.max())
    return e / e.sum()


@planted("softmax", "unstable", "math-exp-overflows")
def softmax_math_exp(z):
    out = np.zeros(z.shape)
    for i in range(z.shape[0]):
        exps = [math.exp(value) for value in z[i]]
        out[i] = np.array(exps) / sum(exps)
    return out


@planted("sigmoid", "unstable", "where-both-branches")
def sigmoid_where(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
