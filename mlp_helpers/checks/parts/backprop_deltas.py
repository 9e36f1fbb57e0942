"""Checks of the deltas: ``output_delta_mse`` and ``hidden_delta``."""

from dataclasses import dataclass

import numpy as np

from mlp_helpers import deltas as reference
from mlp_helpers.activations import sigmoid_derivative_unchecked, sigmoid_unchecked
from mlp_helpers.checks.engine.compare import compare_array, fitted_scale
from mlp_helpers.checks.engine.fixtures import standard_cases
from mlp_helpers.checks.engine.mistakes import Factor, Finding, Structure, flipped
from mlp_helpers.checks.engine.spec import Spec
from mlp_helpers.checks.engine.values import close
from mlp_helpers.checks.part import Part
from mlp_helpers.lectures import bugs
from mlp_helpers.losses import mean_loss_gradient

_output_delta, _hidden = reference.output_delta_mse_unchecked, reference.hidden_delta_unchecked
_REFERENCE = {
    "output_delta_mse": (reference.output_delta_mse, _output_delta),
    "hidden_delta": (reference.hidden_delta, _hidden),
}
SUM_NOT_MEAN = Factor("sum-not-mean", "n", "It is {n} times too large, a factor n = {n}: the 1/n "
                      "of the mean loss is missing. Revisit dL/da for the mean loss "
                      "L = 1/(2n) sum_i ||a_i - y_i||^2.", lambda case: case.info["n"])
MEAN_TWICE = Factor("mean-twice", "1/n", "It is {n} times too small, a factor 1/n with n = {n}: "
                    "you divided by n twice. The 1/n of the mean enters once, in dL/da.",
                    lambda case: 1.0 / case.info["n"])


def _args(case):
    return [arg.astype(np.float64) for arg in case.args]


def _output_cases():
    def make(rng, n, k):
        return sigmoid_unchecked(rng.normal(0.0, 2.0, (n, k))), rng.uniform(0.0, 1.0, (n, k))
    return standard_cases(make, [[(5, 3), (4, 2)], (1, 4), (6, 2), (4, 3), (7, 1)], seed=11,
                          keys="nk")


def _gradient(case):
    return mean_loss_gradient(*_args(case))


_slope = sigmoid_derivative_unchecked


@dataclass(frozen=True)
class _Part:
    """One factor of a delta, as a student may have written it.

    The gradient that comes down (``dL/da``, or ``delta_next`` back through the weights), or the
    sigmoid's slope.
    """

    code: str | None  # None: this factor is right
    key: str
    text: str
    value: object  # value(case) -> array
    free_scale: bool = False


def _grid(first_parts, slopes, error):
    """Every mistake made of one first factor times one slope (two mistakes named together).

    The first factor ``"alone"`` (nothing but the slope) is tried with the right slope and the
    slopes of the error: a delta that is sigma' alone.
    """
    alone = f"Your delta is that derivative alone: {error} is missing from the product."
    structures = []
    for first in first_parts:
        for slope in slopes:
            if first.code is None and slope.code is None:
                continue
            if first.key == "alone":  # the slope is the mistake; what is missing follows
                if slope.code not in (None, "derivative-of-error"):
                    continue
                code = slope.code or first.code
                texts = [slope.text, alone] if slope.code else [first.text]
            else:
                code = first.code or slope.code
                texts = [t for t in (first.text, slope.text) if t]
                if len(texts) == 2:
                    texts[1] = "Also, " + texts[1][0].lower() + texts[1][1:]
            structures.append(Structure(
                code, f"{first.key}*{slope.key}", " ".join(texts),
                lambda case, first=first, slope=slope: first.value(case) * slope.value(case),
                free_scale=first.free_scale))
    return structures


def _slopes(x_of, error_of, what, error):
    """The slopes a student may multiply by: the right one, and each known mistake.

    ``what`` names the activation (``a_out``), ``error`` the gradient coming down, in words.
    """
    return [
        _Part(None, "slope", "", lambda case: _slope(x_of(case))),
        _Part("derivative-missing", "no-slope", "", lambda case: 1.0),
        _Part("derivative-twice", "slope-twice", "The derivative sigma'(z) appears twice.",
              lambda case: bugs.derivative_squared(x_of(case))),
        _Part("derivative-twice", "sigma-again", f"You took sigma' of {what} as if it were z, "
              f"sigma'(sigma(z)): {what} is already the activation, so the slope is written "
              f"with {what} itself, without the sigmoid.",
              lambda case: bugs.derivative_at_sigmoid_of_activation(x_of(case))),
        _Part("one-minus-activation", "one-minus", f"You used 1 - {what} as the derivative; it "
              f"is only one of the two factors of sigma'(z) written with {what}.",
              lambda case: bugs.derivative_one_minus_activation(x_of(case))),
        _Part("other", "only-a", f"You multiplied by {what} alone; it is only one of the two "
              f"factors of sigma'(z) written with {what}.", x_of),
        _Part("wrong-formula", "tanh-derivative", f"You used 1 - {what}^2 as the derivative: "
              "that is tanh's derivative, written with tanh's output. Revisit sigma'(z) of the "
              f"logistic function, written with {what}.",
              lambda case: bugs.derivative_of_tanh(x_of(case))),
        _Part("derivative-of-error", "slope-of-error", f"You took sigma' of {error}, not at "
              f"the activation {what}: the derivative belongs where the layer's activation is, "
              "and that error enters the chain rule as a factor of its own.",
              lambda case: bugs.derivative_at_sigmoid_of_activation(error_of(case))),
        _Part("derivative-of-error", "error-form", "You applied the sigmoid's derivative, in "
              f"its form written with the activation, to {error} instead of to {what}: the "
              "derivative belongs where the layer's activation is, and that error enters the "
              "chain rule as a factor of its own.",
              lambda case: _slope(error_of(case))),
    ]


_SLOPE_ALONE = ("Your delta is sigma' alone: the gradient coming down, the other factor of the "
                "chain rule, is missing from the product.")
_OUTPUT_GRADIENTS = [
    _Part(None, "gradient", "", _gradient),
    _Part("loss-not-gradient", "loss-value", "You multiplied sigma' by one single number, "
          "the same for every entry, such as the loss value. The chain rule needs the "
          "loss's gradient dL/da, one entry per example and output.",
          lambda case: np.ones(case.args[0].shape), free_scale=True),
    _Part("loss-not-gradient", "alone", _SLOPE_ALONE.replace("the gradient coming down",
                                                             "the loss's gradient dL/da"),
          lambda case: 1.0),
]
_OUTPUT_ERROR = "the error a_out - y"
_OUTPUT_SLOPES = _slopes(lambda case: _args(case)[0],
                         lambda case: _args(case)[0] - _args(case)[1], "a_out", _OUTPUT_ERROR)
_OUTPUT_SLOPES[1] = _Part("derivative-missing", "no-slope", "The activation's derivative "
                          "sigma'(z) is missing: you returned dL/da alone. Revisit the chain "
                          "rule: delta_out = dL/dz, and a_out depends on z through the sigmoid.",
                          lambda case: 1.0)
_OUTPUT_SLOPES += [
    _Part("wrong-activation", "at-y", "You took the derivative at the targets y; it belongs at "
          "the output activation a_out.", lambda case: _slope(_args(case)[1])),
    _Part("derivative-of-error", "error-form-flipped", _OUTPUT_SLOPES[-1].text.replace(
        "a_out - y", "y - a_out"), lambda case: _slope(_args(case)[1] - _args(case)[0])),
]
_OUTPUT_MISTAKES = _grid(_OUTPUT_GRADIENTS, _OUTPUT_SLOPES, "dL/da")
_OUTPUT_FACTORS = [
    SUM_NOT_MEAN, MEAN_TWICE,
    Factor("mean-over-entries", "1/k", "It is {k} times too small, a factor 1/k with k = {k} "
           "outputs: you divided by the number of entries n*k; the mean is over the n examples.",
           lambda case: 1.0 / case.info["k"]),
    Factor("other", "n/k", "It is off by a factor n/k = {n}/{k}: you divided by the number of "
           "outputs k = {k} instead of the number of examples n = {n}.",
           lambda case: case.info["n"] / case.info["k"]),
    Factor("other", "2", "It is twice too large: the 1/2 in L = 1/(2n) sum ||a - y||^2 cancels "
           "the 2 from differentiating the square.", lambda case: 2.0),
]


def _judge_output(case, value):
    a, y = _args(case)
    return compare_array(case, "delta_out", value, _output_delta(a, y), _OUTPUT_MISTAKES,
                       _OUTPUT_FACTORS, sign=flipped("The sign is flipped: check the order of "
                                                     "the difference in dL/da."))


def _hidden_cases():
    def make(rng, n, units, units_next):
        return (rng.normal(0.0, 0.1, (n, units_next)), rng.normal(0.0, 1.0, (units, units_next)),
                sigmoid_unchecked(rng.normal(0.0, 2.0, (n, units))))
    return standard_cases(make, [[(5, 4, 3), (4, 3, 3)], (1, 3, 2), (6, 5, 2), (4, 3, 2),
                                 (3, 2, 5)], seed=12)


def _back(case):
    delta_next, W_next, _ = _args(case)
    return delta_next @ W_next.T


_HIDDEN_BACK = [
    _Part(None, "back", "", _back),
    _Part("missing-transpose", "no-transpose", "You multiplied delta_next by W_next where its "
          "transpose belongs: delta_next is (n, units_next) and W_next is (units, units_next), "
          "so going down a layer means summing over units_next.",
          lambda case: bugs.error_down_untransposed(*_args(case)[:2])),
    _Part("weights-skipped", "skipped", "You used delta_next as this layer's delta without "
          "going back through the weights: delta_next is dL/dz of the layer above, (n, "
          "units_next); this layer's delta is (n, units), and reaches it through W_next.",
          lambda case: bugs.error_down_weights_skipped(*_args(case)[:2])),
    _Part("other", "alone", _SLOPE_ALONE, lambda case: 1.0),
]
_HIDDEN_SLOPES = _slopes(lambda case: _args(case)[2], _back, "a",
                         "the error coming down through the weights")
_HIDDEN_SLOPES[1] = _Part("derivative-missing", "no-slope", "The derivative sigma'(z) of this "
                          "layer is missing: after going back through the weights, the delta "
                          "still goes back through this layer's sigmoid.", lambda case: 1.0)
_HIDDEN_MISTAKES = _grid(_HIDDEN_BACK, _HIDDEN_SLOPES, "the error coming down")
_HIDDEN_FACTORS = [
    SUM_NOT_MEAN,
    Factor("mean-twice", "1/n", "It is {n} times too small, a factor 1/n with n = {n}: "
           "delta_next already contains the 1/n of the mean, so do not divide again.",
           lambda case: 1.0 / case.info["n"]),
]


def _constant_multiple(value, case):
    # The fallback already tells a constant factor as such (0.5 times, say).
    want = _hidden(*_args(case))
    got = np.asarray(value, dtype=np.float64)
    scale = fitted_scale(got, want)
    return scale != 0 and close(got, scale * want, 1e-6)


def _judge_hidden(case, value):
    found = compare_array(case, "delta", value, _hidden(*_args(case)), _HIDDEN_MISTAKES,
                        _HIDDEN_FACTORS)
    if found and found[0].key == "fallback" and not _constant_multiple(value, case):
        # Any slope x * (1 - x) lies in [0, 1/4]: one that is not a * (1 - a), nor a constant
        # multiple of it, belongs to another layer's activation (a global variable, say).
        back = _back(case)
        usable = np.abs(back) > 1e-3 * np.abs(back).max()
        slope = np.asarray(value, dtype=np.float64)[usable] / back[usable]
        if slope.size and (slope > -1e-9).all() and (slope < 0.25 + 1e-9).all():
            found = [Finding("wrong-activation", "other-layer", "The derivative you multiplied "
                             "by is a sigmoid slope, but not the one at this layer's "
                             "activation: it must come from the argument `a`, not from another "
                             "layer's activation or a variable of your notebook.")]
    return found


SPECS = {
    "output_delta_mse": Spec("output_delta_mse", ("a_out", "y"), _output_cases, _judge_output,
                             _REFERENCE["output_delta_mse"]),
    "hidden_delta": Spec("hidden_delta", ("delta_next", "W_next", "a"), _hidden_cases,
                         _judge_hidden, _REFERENCE["hidden_delta"]),
}


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
    Part("output_delta_mse", "01_xor", 2, "`output_delta_mse(a_out, y)`",
         "`(a_out - y) / n * a_out * (1 - a_out)` on several batch sizes",
         spec=SPECS["output_delta_mse"]),
    Part("hidden_delta", "01_xor", 2, "`hidden_delta(delta_next, W_next, a)`",
         "`(delta_next @ W_next.T) * a * (1 - a)`, square and non-square weights",
         spec=SPECS["hidden_delta"]),
)
