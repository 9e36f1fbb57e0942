"""Gradient checking by central finite differences.

``df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h)`` has an error of order ``h**2`` (truncation)
plus about ``eps * |f| / h`` (round-off). With ``h = 1e-5`` in float64, a correct analytic
gradient and the finite differences agree to a relative error at or below 1e-4
(``GRADIENT_CHECK_THRESHOLD``); a wrong gradient gives 1e-2 or more.
"""

from dataclasses import dataclass

import numpy as np

from mlp_helpers._validation import as_array

# The course's one threshold: a relative error (``relative_error``, the worst entry) at or below
# it means that the analytic gradient and the central differences agree. Measured with
# h = 1e-5 in float64, every parameter of the course's networks checked:
# - 2-u-1 sigmoid networks on XOR, u = 2, 3, 4, 5, 8, 16 hidden units, weights from xavier,
#   U[0, 1), randn / sqrt(fan_in) or randn, 400 seeds each (9,600 checks): a correct backward
#   pass gives a median of 3.5e-9, and 99.9 % stay below 2.9e-5. The 4 checks above 1e-4 (the
#   largest 2.3e-4) each owe it to one entry of size about 1e-8, where the round-off of the
#   differences, eps * L / h ~ 1e-12, is no longer small next to the entry (relative_error's
#   floor of 1e-8 keeps such an entry's error below about 3e-4).
# - the checks' own fixtures (2-3-1 to 8-5-2-3, n = 1 to 9), assignment 2's network (randn
#   weights and biases, 3,000 seeds) and 784-64-32-2 on 20 MNIST digits (300 entries of each
#   parameter, 3 seeds): at most 6.8e-6 (lecture 3's printed check: 7.5e-8).
# - every known mistake (mlp_helpers.lectures.bugs, the derivative taken at the wrong point, db
#   averaged) on 1,200 of the XOR networks: 2.6e-2 or more, 260 times the threshold.
GRADIENT_CHECK_THRESHOLD = 1e-4


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function ``f`` at the array ``x``.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a scalar. It may read ``x`` (which is perturbed in place, one entry
        at a time), so a network's loss can be checked through its own weight arrays.
    x : float array of any shape
        Restored exactly afterwards, even if ``f`` raises.
    h : float
        Step size.

    Returns
    -------
    grad : array, same shape as ``x``
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise ValueError("x must be a float ndarray, perturbed in place; got "
                         f"{type(x).__name__} of dtype {getattr(x, 'dtype', None)}.")
    grad = np.zeros(x.shape, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index]
        try:
            x[index] = original + h
            f_plus = float(f(x))
            x[index] = original - h
            f_minus = float(f(x))
        finally:
            x[index] = original
        grad[index] = (f_plus - f_minus) / (2.0 * h)
    return grad


def relative_error(x, y):
    """Largest elementwise relative error ``|x - y| / max(1e-8, |x| + |y|)``.

    For an analytic gradient against central differences: at or below 1e-4
    (``GRADIENT_CHECK_THRESHOLD``) the two agree; a wrong gradient gives 1e-2 or more.
    """
    x = as_array("x", x, finite=False)
    y = as_array("y", y, finite=False)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}.")
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


@dataclass(frozen=True)
class GradientReport:
    """Relative error between analytic and numerical gradient, one entry per parameter."""

    errors: dict
    tolerance: float

    @property
    def passed(self):
        """True when every parameter is within the tolerance."""
        return all(error <= self.tolerance for error in self.errors.values())

    @property
    def failing(self):
        """Names of the parameters whose error exceeds the tolerance."""
        return [name for name, error in self.errors.items() if error > self.tolerance]

    def __str__(self):
        lines = [f"{'parameter':<10} {'relative error':>15}"]
        for name, error in self.errors.items():
            verdict = "ok" if error <= self.tolerance else "WRONG"
            lines.append(f"{name:<10} {error:>15.2e}  {verdict}")
        return "\n".join(lines)


def check_network_gradients(net, X, Y, tolerance=GRADIENT_CHECK_THRESHOLD, samples=None, seed=0,
                            **backward_rules):
    """Compare ``net.backward`` with finite differences of ``net.loss``, per parameter.

    Parameters
    ----------
    net : MLP
        Checked in float64; its parameters are perturbed in place and restored.
    X : (n, d) array
    Y : (n, k) array
    tolerance : float
        Largest relative error reported as correct: at or below 1e-4
        (``GRADIENT_CHECK_THRESHOLD``) the gradients agree.
    samples : int or None
        Entries checked per parameter, drawn at random (seeded); ``None`` checks them all.
    **backward_rules
        Passed to ``net.backward`` (e.g. a student's ``hidden_delta``), to check those.

    Returns
    -------
    GradientReport
    """
    if net.dtype != np.float64:
        raise ValueError(f"gradient checks need a float64 network, got {net.dtype}: in float32 "
                         "the finite differences themselves are off by about 1e-2.")
    _, activations = net.forward(X)
    analytic = net.backward(activations, Y, **backward_rules)
    rng = np.random.default_rng(seed)
    errors = {}
    for name, param in net.parameters().items():
        flat = param.reshape(-1)
        if samples is None or samples >= flat.size:
            chosen = np.arange(flat.size)
        else:
            chosen = rng.choice(flat.size, size=samples, replace=False)
        numeric = np.empty(chosen.size)
        for slot, i in enumerate(chosen):
            numeric[slot] = numerical_gradient(lambda _: net.loss(X, Y), flat[i:i + 1])[0]
        errors[name] = relative_error(analytic[name].reshape(-1)[chosen], numeric)
    return GradientReport(errors=errors, tolerance=tolerance)
