"""Judging a loss function's answer, the pair (loss, gradient): each part, then both together.

A loss and its gradient that are wrong by the same factor are one mistake (the gradient is the
derivative of the wrong loss); wrong by different factors, they are not each other's
derivative, and the student is told so (``inconsistent-scale``).
"""

import numpy as np

from mlp_helpers.checks.engine.compare import compare_array, fitted_scale, returned_none
from mlp_helpers.checks.engine.mistakes import Factor, Finding, Structure, flipped, lowered
from mlp_helpers.checks.engine.values import close, described, numbers, shape_of


def arrays(case):
    """The case's arguments as float64 arrays."""
    return [arg.astype(np.float64) for arg in case.args]


def n_of(case):
    """The number of examples n of the case."""
    return case.info["n"]


def k_of(case):
    """The number of outputs (classes) k of the case."""
    return case.info["k"]


def mean_factors(name, missing):
    """``name`` (the loss, or its gradient) off by n: the mean's 1/n ``missing``, or taken twice."""
    return [Factor("sum-not-mean", "n", f"{name} is {{n}} times too large, a factor n = {{n}}: "
                   + missing, n_of),
            Factor("mean-twice", "1/n", f"{name} is {{n}} times too small: you divided by n "
                   "twice.", lambda case: 1.0 / n_of(case))]


def compare_pair(case, value, gradient_name, want, loss_factors, gradient_factors, loss_sign,
                loss_mistakes=(), gradient_mistakes=(), slack=(0.0, 0.0), safety=None):
    """Findings for ``(loss, gradient)``: both judged, the loss's mistake told first.

    ``slack`` is what numerical safety may change in the loss and in each gradient entry;
    ``safety(case, loss)`` may explain a loss no mistake explains by a safety margin too large,
    as ``(finding, slack of each gradient entry)``.
    """
    if value is None:
        return [returned_none()]
    if not isinstance(value, tuple | list) or len(value) != 2:
        return [Finding("wrong-shape", "pair", "It should return the pair (loss, "
                        f"{gradient_name}); it returned a {type(value).__name__}.")]
    loss, gradient = value
    if shape_of(loss) != ():
        return [Finding("wrong-shape", "loss-array", f"The loss has {described(loss)}; it "
                        "should be one number, the mean over examples.")]
    loss_found = compare_array(case, "The loss", loss, np.float64(want[0]), loss_mistakes,
                             loss_factors, sign=loss_sign, slack=slack[0])
    if loss_found and loss_found[0].key == "fallback" and safety is not None:
        explained = safety(case, loss)
        if explained:
            loss_found = [finding for finding, _ in explained]
            slack = (slack[0], max([slack[1], *(margin for _, margin in explained)]))
    if shape_of(gradient) == ():
        gradient_found = [Finding("loss-not-gradient", "scalar", f"{gradient_name} is a single "
                                  "number. It should be the loss's gradient, one entry per "
                                  "example and output.")]
    else:
        constant = Structure("loss-not-gradient", "constant", f"Every entry of {gradient_name} "
                             "is the same number, like the loss value. The gradient has one "
                             "entry per example and output.", lambda case: np.ones(want[1].shape),
                             free_scale=True)
        gradient_found = compare_array(
            case, gradient_name, gradient, want[1], (constant, *gradient_mistakes),
            gradient_factors, slack=slack[1],
            sign=flipped(f"{gradient_name} has the wrong sign: check the order of the difference."))
    if not (loss_found and gradient_found):
        return loss_found or gradient_found
    return [_both(l, g, _scale(g, gradient, want[1]), gradient_name)
            for l in loss_found for g in gradient_found]


def _scale(finding, gradient, want):
    """The constant the gradient is off by, or ``None`` when it is not a constant multiple."""
    if finding.scale is not None or finding.key != "fallback":
        return finding.scale
    got = numbers(gradient)
    scale = fitted_scale(got, want) if got is not None and got.shape == want.shape else 0.0
    return scale if scale != 0 and close(got, scale * want, 1e-6) else None


def _both(loss, gradient, scale, gradient_name):
    """One finding for a loss and a gradient that are both wrong."""
    if loss.scale is not None and scale is not None:
        if abs(loss.scale - scale) <= 1e-6 * abs(loss.scale):
            return Finding(loss.code, f"{loss.key}=", f"{loss.text} {gradient_name} is off by "
                           "the same factor: it is the derivative of your loss, and both need "
                           "the same fix.", loss.scale)
        return Finding("inconsistent-scale", f"{loss.key}|{gradient.key}",
                       f"{loss.text} {gradient.text} So {gradient_name} is not the derivative of "
                       "the loss you return: the two are scaled differently. Derive both from "
                       "the same mean loss of the course's conventions.")
    return Finding(loss.code, f"{loss.key}&{gradient.key}",
                   f"{loss.text} Also, {lowered(gradient.text)}")
