"""Students' relu, relu_derivative and init_for_activation (assignment 4)."""

import numpy as np

from student_bank import correct, planted

# --- relu ------------------------------------------------------------------------------------


@correct("relu", "where")
def relu_where(z):
    return np.where(z > 0, z, 0.0)


@correct("relu", "mask-times")
def relu_mask(z):
    return z * (z > 0)


@planted("relu", "mutates-input", "in-place")
def relu_in_place(z):
    z[z < 0] = 0
    return z


@planted("relu", "wrong-formula", "abs")
def relu_abs(z):
    return np.abs(z)


@planted("relu", "derivative-missing", "step")
def relu_step(z):
    return (z > 0).astype(float)


# --- relu_derivative -------------------------------------------------------------------------


@correct("relu_derivative", "where")
def relu_derivative_where(a):
    return np.where(a > 0, 1.0, 0.0)


@correct("relu_derivative", "sign")
def relu_derivative_sign(a):
    return np.sign(a).astype(np.float64)


@planted("relu_derivative", "derivative-at-zero", "greater-or-equal")
def relu_derivative_ge(a):
    return (a >= 0).astype(np.float64)


@planted("relu_derivative", "derivative-at-zero", "heaviside-one")
def relu_derivative_heaviside(a):
    return np.heaviside(a, 1.0)


@planted("relu_derivative", "mutates-input", "in-place")
def relu_derivative_in_place(a):
    a[a > 0] = 1.0
    return a


@planted("relu_derivative", "derivative-missing", "identity")
def relu_derivative_identity(a):
    return a.astype(np.float64)


# --- init_for_activation ---------------------------------------------------------------------


@correct("init_for_activation", "normal-both")
def init_normal(fan_in, fan_out, activation, rng):
    variance = 2 / (fan_in + fan_out) if activation == "sigmoid" else 2 / fan_in
    return rng.normal(0.0, np.sqrt(variance), size=(fan_in, fan_out))


@correct("init_for_activation", "uniform-both")
def init_uniform(fan_in, fan_out, activation, rng):
    variance = {"sigmoid": 2 / (fan_in + fan_out), "relu": 2 / fan_in}[activation]
    limit = np.sqrt(3 * variance)
    return rng.uniform(-limit, limit, (fan_in, fan_out))


@planted("init_for_activation", "init-scale", "swapped")
def init_swapped(fan_in, fan_out, activation, rng):
    variance = 2 / fan_in if activation == "sigmoid" else 2 / (fan_in + fan_out)
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(variance)


@planted("init_for_activation", "init-scale", "variance-as-std")
def init_variance_as_std(fan_in, fan_out, activation, rng):
    variance = 2 / (fan_in + fan_out) if activation == "sigmoid" else 2 / fan_in
    return rng.standard_normal((fan_in, fan_out)) * variance


@planted("init_for_activation", "init-scale", "square-root-twice")
def init_sqrt_twice(fan_in, fan_out, activation, rng):
    variance = 2 / (fan_in + fan_out) if activation == "sigmoid" else 2 / fan_in
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(np.sqrt(variance))


@planted("init_for_activation", "init-scale", "all-positive")
def init_all_positive(fan_in, fan_out, activation, rng):
    variance = 2 / (fan_in + fan_out) if activation == "sigmoid" else 2 / fan_in
    return rng.random((fan_in, fan_out)) * np.sqrt(12 * variance)


@planted("init_for_activation", "init-scale", "randn-unscaled")
def init_unscaled(fan_in, fan_out, activation, rng):
    return rng.standard_normal((fan_in, fan_out))


@planted("init_for_activation", "ignores-rng", "global-random")
def init_global(fan_in, fan_out, activation, rng):
    variance = 2 / (fan_in + fan_out) if activation == "sigmoid" else 2 / fan_in
    return np.random.randn(fan_in, fan_out) * np.sqrt(variance)  # noqa: NPY002


@planted("init_for_activation", "ignores-rng", "own-generator")
def init_own_generator(fan_in, fan_out, activation, rng):
    variance = 2 / (fan_in + fan_out) if activation == "sigmoid" else 2 / fan_in
    return np.random.default_rng(0).standard_normal((fan_in, fan_out)) * np.sqrt(variance)


@planted("init_for_activation", "wrong-shape", "transposed")
def init_transposed(fan_in, fan_out, activation, rng):
    variance = 2 / (fan_in + fan_out) if activation == "sigmoid" else 2 / fan_in
    return rng.standard_normal((fan_out, fan_in)) * np.sqrt(variance)


# --- sanity_report ---------------------------------------------------------------------------


def _relative(x, y):
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def _gradient_error(net, params, X, Y, h=1e-5):
    grads, worst = net.gradients(params, X, Y), 0.0
    for key, value in params.items():
        numeric = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            up, down = value.copy(), value.copy()
            up[index] += h
            down[index] -= h
            numeric[index] = (net.loss({**params, key: up}, X, Y)
                              - net.loss({**params, key: down}, X, Y)) / (2 * h)
        worst = max(worst, _relative(grads[key], numeric))
    return worst


def _report(net, X, Y, threshold=1e-4, tolerance=0.1, steps=3000, stop=0.05):
    params = net.parameters()
    initial = net.loss(params, X, Y)
    error = _gradient_error(net, params, X, Y)
    for _ in range(steps):
        grads = net.gradients(params, X, Y)
        params = {key: params[key] - 1.5 * grads[key] for key in params}
    return {"initial_loss": initial,
            "loss_at_chance": abs(initial - np.log(Y.shape[1])) < tolerance * np.log(2),
            "gradient_error": error, "gradients_agree": error < threshold,
            "overfits_tiny_batch": net.loss(params, X, Y) < stop}


@correct("sanity_report", "loops")
def sanity_report_loops(net, X, Y):
    return _report(net, X, Y)


@planted("sanity_report", "other", "no-tolerance-on-gradients")
def sanity_report_loose(net, X, Y):
    report = _report(net, X, Y)
    report["gradients_agree"] = report["gradient_error"] < 10.0
    return report


@planted("sanity_report", "other", "too-few-steps")
def sanity_report_short(net, X, Y):
    return _report(net, X, Y, steps=20)


@planted("sanity_report", "other", "checks-only-the-weights")
def sanity_report_weights_only(net, X, Y):
    params = net.parameters()
    initial = net.loss(params, X, Y)
    grads = net.gradients(params, X, Y)
    error = 0.0
    for key in ("W1", "W2"):  # the weights are what the network learns
        numeric = np.zeros_like(params[key])
        for index in np.ndindex(params[key].shape):
            old = params[key][index]
            params[key][index] = old + 1e-5
            plus = net.loss(params, X, Y)
            params[key][index] = old - 1e-5
            minus = net.loss(params, X, Y)
            params[key][index] = old
            numeric[index] = (plus - minus) / 2e-5
        error = max(error, _relative(grads[key], numeric))
    for _ in range(2000):
        grads = net.gradients(params, X, Y)
        params = {key: params[key] - 2.0 * grads[key] for key in params}
    return {"initial_loss": initial,
            "loss_at_chance": abs(initial - np.log(2)) < 0.1 * np.log(2),
            "gradient_error": error, "gradients_agree": error < 1e-4,
            "overfits_tiny_batch": net.loss(params, X, Y) < 0.05}


@planted("sanity_report", "wrong-shape", "flags-as-text")
def sanity_report_text(net, X, Y):
    report = _report(net, X, Y)
    return {key: str(value) for key, value in report.items()}
