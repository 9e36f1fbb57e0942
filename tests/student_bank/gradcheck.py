"""Students' numerical_gradient and relative_error."""

import numpy as np

import mlp_helpers as mh
from student_bank import correct, planted

# --- numerical_gradient ----------------------------------------------------------------------


@correct("numerical_gradient", "nditer")
def numerical_gradient_nditer(f, x, h=1e-5):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
        it.iternext()
    return grad


@planted("numerical_gradient", "perturbs-copy", "copies-flat-loop")
def numerical_gradient_copies(f, x, h=1e-5):
    grad = np.zeros(x.size)
    for i in range(x.size):
        step = np.zeros(x.size)
        step[i] = h
        step = step.reshape(x.shape)
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad.reshape(x.shape)


@correct("numerical_gradient", "add-subtract-in-place")
def numerical_gradient_add_subtract(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for index in np.ndindex(*x.shape):
        x[index] += h
        plus = f(x)
        x[index] -= 2 * h
        minus = f(x)
        x[index] += h
        grad[index] = (plus - minus) / (2 * h)
    return grad


@planted("numerical_gradient", "other", "forward-difference")
def numerical_gradient_forward(f, x, h=1e-5):
    grad = np.zeros_like(x)
    base = f(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        grad[index] = (f(x) - base) / h
        x[index] = old
    return grad


@planted("numerical_gradient", "other", "missing-half")
def numerical_gradient_no_half(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = f(x)
        x[index] = old - h
        minus = f(x)
        x[index] = old
        grad[index] = (plus - minus) / h
    return grad


@planted("numerical_gradient", "mutates-input", "never-restores")
def numerical_gradient_no_restore(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        x[index] += h
        plus = f(x)
        x[index] -= 2 * h
        minus = f(x)
        grad[index] = (plus - minus) / (2 * h)
    return grad


@planted("numerical_gradient", "perturbs-all", "rows-only")
def numerical_gradient_rows(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


@planted("numerical_gradient", "perturbs-all", "whole-array-at-once")
def numerical_gradient_all_at_once(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


@planted("numerical_gradient", "precedence", "over-2-times-h")
def numerical_gradient_over_2_times_h(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = f(x)
        x[index] = old - h
        minus = f(x)
        x[index] = old
        grad[index] = (plus - minus) / 2 * h
    return grad


@planted("numerical_gradient", "wrong-shape", "flat")
def numerical_gradient_flat(f, x, h=1e-5):
    grad = []
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = f(x)
        x[index] = old - h
        minus = f(x)
        x[index] = old
        grad.append((plus - minus) / (2 * h))
    return np.array(grad)


planted("numerical_gradient", "calls-reference", "lambda")(
    lambda f, x, h=1e-5: mh.numerical_gradient(f, x, h))


@planted("numerical_gradient", "other", "five-point-stencil")
def numerical_gradient_five_point(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        values = []
        for k in (1, -1, 2, -2):
            x[i] = old + k * h
            values.append(f(x))
        x[i] = old
        grad[i] = (8 * (values[0] - values[1]) - (values[2] - values[3])) / (12 * h)
    return grad


@planted("numerical_gradient", "perturbs-copy", "copy-per-entry")
def numerical_gradient_copy_per_entry(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x_plus = x.copy()
        x_plus[i] += h
        x_minus = x.copy()
        x_minus[i] -= h
        grad[i] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad


# --- relative_error --------------------------------------------------------------------------


@correct("relative_error", "plus-floor")
def relative_error_plus(x, y):
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


@planted("relative_error", "unstable", "no-floor")
def relative_error_no_floor(x, y):
    return np.max(np.abs(x - y) / (np.abs(x) + np.abs(y)))


@planted("relative_error", "other", "sum-denominator")
def relative_error_sum_denominator(x, y):
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x + y))))


@planted("relative_error", "other", "mean")
def relative_error_mean(x, y):
    return np.mean(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))


@planted("relative_error", "wrong-shape", "no-max")
def relative_error_elementwise(x, y):
    return np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))


@planted("relative_error", "norm-ratio", "norms")
def relative_error_norms(x, y):
    return np.linalg.norm(x - y) / (np.linalg.norm(x) + np.linalg.norm(y))


@planted("relative_error", "precedence", "max-closes-first")
def relative_error_max_first(x, y):
    return np.max(np.abs(x - y)) / np.maximum(1e-8, np.abs(x) + np.abs(y))


@planted("relative_error", "other", "max-denominator")
def relative_error_max_denominator(x, y):
    return np.max(np.abs(x - y) / np.maximum(1e-8, np.maximum(np.abs(x), np.abs(y))))


@correct("relative_error", "fmax-builtin-abs")
def relative_error_fmax(x, y):
    ratio = np.divide(abs(x - y), np.fmax(abs(x) + abs(y), 1e-8))
    return float(ratio.max())
