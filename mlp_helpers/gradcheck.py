"""Gradient checking by central finite differences.

``df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h)`` has an error of order ``h**2`` (truncation)
plus about ``eps * |f| / h`` (round-off), so ``h = 1e-5`` in float64 agrees with a correct
analytic gradient to about 1e-8 relative error, and a wrong one shows at once.
"""

from dataclasses import dataclass

import numpy as np

from mlp_helpers._validation import as_array


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

    Below about 1e-7 the two agree; above 1e-4 one of them is wrong.
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


def check_network_gradients(net, X, Y, tolerance=1e-6, samples=None, seed=0, **backward_rules):
    """Compare ``net.backward`` with finite differences of ``net.loss``, per parameter.

    Parameters
    ----------
    net : MLP
        Checked in float64; its parameters are perturbed in place and restored.
    X : (n, d) array
    Y : (n, k) array
    tolerance : float
        Largest relative error reported as correct.
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
