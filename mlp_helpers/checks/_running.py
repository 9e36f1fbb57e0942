"""Running a student's larger functions, and naming the mistake in a whole backward pass.

``run`` calls a training loop or a backward pass under the guards of ``_guards`` (a time limit,
printing swallowed, warnings recorded, the reference watched for), with some names of the
student's notebook temporarily bound to the reference, so that the part under test is judged
on its own. ``wrong_gradients`` compares a backward pass with the reference network and with
the same network under every known mistake, layer by layer.
"""

import contextlib
import io
import os
import sys
import warnings
from dataclasses import dataclass

import numpy as np

import mlp_helpers as reference
from mlp_helpers.checks import _guards
from mlp_helpers.checks._core import Diagnosis

# Seconds a training loop may take inside a check (``MLP_CHECK_TIME_LIMIT`` overrides it).
TIME_LIMIT = float(os.environ.get("MLP_CHECK_TIME_LIMIT", 20))
_abs, _max, _shape = np.abs, np.max, np.shape
_MISSING = object()


@dataclass
class Run:
    """What one call did: ``value`` or ``error``, whether it ``timed_out`` or used the reference."""

    value: object = None
    error: BaseException | None = None
    timed_out: bool = False
    entered_reference: bool = False
    seconds: float = TIME_LIMIT


@contextlib.contextmanager
def _watch_for(codes, outcome):
    # Like _guards._watch_for, but with a trace function, which sees Python calls only: a
    # profile function also runs on every numpy call and slows a training loop tenfold.
    def trace(frame, event, arg):
        if frame.f_code in codes:
            outcome.entered_reference = True

    previous = sys.gettrace()
    sys.settrace(trace if codes else previous)
    try:
        yield
    finally:
        sys.settrace(previous)


@contextlib.contextmanager
def _swapped(function, replacements):
    namespace = getattr(function, "__globals__", None)
    if namespace is None or not replacements:
        yield
        return
    saved = {name: namespace.get(name, _MISSING) for name in replacements}
    namespace.update(replacements)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is _MISSING:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def run(function, args, kwargs=None, swap=(), reference_codes=frozenset(), seconds=TIME_LIMIT):
    """Call ``function(*args, **kwargs)`` with the names in ``swap`` bound to the reference.

    ``swap`` is a sequence of names of ``mlp_helpers`` (e.g. ``"hidden_delta"``) or a dict of
    replacements. Returns a ``Run``; never raises what the student's code raises.
    """
    replacements = swap if isinstance(swap, dict) else {name: getattr(reference, name)
                                                         for name in swap}
    outcome = Run(seconds=seconds)
    with contextlib.ExitStack() as stack:
        stack.enter_context(warnings.catch_warnings())
        warnings.simplefilter("ignore")
        stack.enter_context(np.errstate(all="ignore"))
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
        stack.enter_context(_swapped(function, replacements))
        try:
            with _guards._time_limit(seconds), _watch_for(reference_codes, outcome):
                outcome.value = function(*args, **(kwargs or {}))
        except _guards._TimedOut:
            outcome.timed_out = True
        except (Exception, SystemExit) as error:
            outcome.error = error
    return outcome


def same(got, want, rtol=1e-6):
    """True when ``got`` has ``want``'s shape and agrees to ``rtol`` (plain arithmetic only)."""
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if _shape(got) != _shape(want):
        return False
    scale = max(float(_max(_abs(want))) if want.size else 0.0, 1e-12)
    return want.size == 0 or float(_max(_abs(got - want))) <= rtol * scale


def _sigmoid_derivative_at(kind):
    if kind == "one-minus-activation":
        return lambda a: 1.0 - a
    if kind == "derivative-missing":
        return lambda a: np.ones_like(a)
    # wrong-activation: sigma' evaluated at z = logit(a) instead of at the activation a.
    return lambda a: (lambda z: z * (1.0 - z))(np.log(a) - np.log1p(-a))


_HIDDEN_TEXT = {
    "one-minus-activation": "it multiplies by 1 - a where the sigmoid's derivative belongs; "
                            "revisit sigma'(z) written with the activation a",
    "derivative-missing": "the sigmoid's derivative is left out; after going back through the "
                          "weights, the delta still has to go back through the sigmoid",
    "wrong-activation": "the sigmoid's derivative is taken at z instead of at the activation "
                        "a = sigma(z); the formula in terms of a expects the activation",
}


def _hidden_rule(kind, layers, activations):
    derivative = _sigmoid_derivative_at(kind)

    def rule(delta_next, W_next, a):
        layer = next(l for l, seen in enumerate(activations) if seen is a)
        slope = derivative(a) if layer in layers else a * (1.0 - a)
        return (delta_next @ W_next.T) * slope
    return rule


def _scaled(grads, factor):
    return {key: factor * value for key, value in grads.items()}


def hypotheses(net, activations, Y):
    """Every known mistake's gradients: ``(code, text, grads)``, whole-network ones first."""
    with np.errstate(all="ignore"):
        return _hypotheses(net, activations, Y)


def _hypotheses(net, activations, Y):
    n, hidden = len(Y), list(range(1, len(net.weights)))
    right = net.backward(activations, Y)
    found = [
        ("sum-not-mean", f"every gradient is n = {n} times too large: the 1/n of the mean loss "
         "is missing", net.backward(activations, Y, reduction="sum")),
        ("mean-twice", f"every gradient is n = {n} times too small: divided by n twice",
         _scaled(right, 1.0 / n)),
        ("sign", "every gradient has the wrong sign: revisit dL/da = (a - y) / n",
         _scaled(right, -1.0)),
        ("bias-not-summed", "the bias gradients average delta over the examples; db sums "
         "delta over the examples (the 1/n is already inside delta)",
         net.backward(activations, Y, dense_gradients=lambda a_prev, delta: (
             a_prev.T @ delta, delta.mean(axis=0, keepdims=True)))),
    ]
    if net.output == "sigmoid":
        def loss_value(a, y):
            return float(np.sum((a - y) ** 2)) / (2 * len(y)) * a * (1.0 - a)
        found += [
            ("loss-not-gradient", "the output delta multiplies by the loss value, one number, "
             "where the gradient (a - y) / n belongs",
             net.backward(activations, Y, output_delta=loss_value)),
            ("derivative-missing", "the output delta leaves out the output sigmoid's derivative",
             net.backward(activations, Y, output_delta=lambda a, y: (a - y) / len(y))),
        ]
    for kind, text in _HIDDEN_TEXT.items():
        groups = [[l] for l in hidden] + ([hidden] if len(hidden) > 1 else [])
        for layers in groups:
            where = " and ".join(f"layer {l}" for l in layers)
            rule = _hidden_rule(kind, layers, activations)
            grads = net.backward(activations, Y, hidden_delta=rule)
            found.append((kind, f"the delta of {where}: {text}", grads))
            found.append(("sum-not-mean", f"two mistakes: the delta of {where}: {text}; and "
                          f"every gradient is n = {n} times too large (the 1/n of the mean is "
                          "missing)", _scaled(grads, n)))
    return right, found


def _where(wrong, layers):
    bad = sorted({int(key[1:]) for key in wrong})
    named = ", ".join(f"d{key}" for key in sorted(wrong, key=lambda k: (k[1:], k)))
    if len(bad) == layers:
        return f"every layer's gradients are wrong ({named})"
    right = [l for l in range(1, layers + 1) if l not in bad]
    return (f"{named} {'is' if len(wrong) == 1 else 'are'} wrong while layer"
            f"{'s' if len(right) > 1 else ''} {', '.join(map(str, right))} "
            f"{'are' if len(right) > 1 else 'is'} right, so the mistake enters at layer "
            f"{max(bad)}")


def wrong_gradients(name, net, X, Y, grads):
    """``None`` when ``grads`` equal the reference's, else a ``Diagnosis`` naming the layer."""
    _, activations = net.forward(X)
    right, candidates = hypotheses(net, activations, Y)
    wrong = [key for key in right if not same(grads[key], right[key])]
    if not wrong:
        return None
    where = _where(wrong, len(net.weights))
    for code, text, variant in candidates:
        if all(same(grads[key], variant[key]) for key in right):
            return Diagnosis(code, f"`{name}`: {where}. The numbers fit this mistake: {text}.")
    return Diagnosis("other", f"`{name}`: {where}. Revisit that layer's delta and its dW, db "
                     "(dW = a_prev.T @ delta, db = delta summed over the examples).")
