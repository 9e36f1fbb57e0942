"""Checks of assignment 4's functions: ``relu``, ``relu_derivative`` and ``init_for_activation``.

``relu`` and ``relu_derivative`` run on fixtures (``_engine``), with exact zeros among the
inputs: the course's ReLU has derivative 0 at ``z = 0``, and a comparison ``a >= 0`` flips it.
``init_for_activation`` draws random weights, so it is checked statistically, on large draws,
and for reproducibility: the same seed must give the same matrix, another seed another one.
"""

from dataclasses import replace

import numpy as np

from mlp_helpers import activations as reference
from mlp_helpers import initialisation
from mlp_helpers.checks.engine import guards
from mlp_helpers.checks.engine.compare import compare_array
from mlp_helpers.checks.engine.core import Diagnosis
from mlp_helpers.checks.engine.fixtures import ONE_D, salt, seeded, standard_cases
from mlp_helpers.checks.engine.mistakes import Structure
from mlp_helpers.checks.engine.running import Call, absence, where
from mlp_helpers.checks.engine.spec import Spec
from mlp_helpers.checks.part import Part
from mlp_helpers.lectures import bugs

_relu, _relu_derivative = reference.relu_unchecked, reference.relu_derivative_unchecked
_init = initialisation.init_for_activation


def _with_zeros(rng, *shape):
    # Rounded to halves, so that exact zeros are among the entries.
    return (np.round(rng.normal(0.0, 1.5, shape) * 2.0) / 2.0,)


def _relu_cases():
    return standard_cases(_with_zeros, [[(4, 3), (6, 5)], (1, 5), (5, 3), (3, 4), (7,)], seed=41,
                          keys="", last=ONE_D)


def _z(case):
    return case.args[0].astype(np.float64)


_RELU_MISTAKES = [
    Structure("wrong-formula", "abs", "You returned |z|: negative inputs come out positive. "
              "The ReLU keeps z where it is positive and gives 0 elsewhere.",
              lambda case: bugs.relu_abs(_z(case))),
    Structure("derivative-missing", "step", "You returned 1 where z > 0 and 0 elsewhere: that "
              "is the ReLU's derivative, not the ReLU, which keeps the value of z.",
              lambda case: bugs.relu_step(_z(case))),
    Structure("sign", "min", "You returned min(z, 0): the negative part instead of the "
              "positive one.", lambda case: np.minimum(_z(case), 0.0)),
]


def _judge_relu(case, value):
    return compare_array(case, "The result", value, _relu(_z(case)), _RELU_MISTAKES)


def _derivative_cases():
    # The ReLU's fixtures in their roles, each passed through the ReLU: activations.
    return [replace(case, args=(_relu(case.args[0]),)) for case in _relu_cases()]


_AT_ZERO = ("Where the activation a is exactly 0 your derivative is 1; the course's "
            "convention is 0 there. a = relu(z) is 0 for every z <= 0, so a unit with a = 0 is "
            "off and passes no gradient: compare with a strict > 0, not >= 0.")
_DERIVATIVE_MISTAKES = [
    Structure("derivative-at-zero", "at-zero", _AT_ZERO,
              lambda case: bugs.relu_derivative_one_at_zero(_z(case))),
    Structure("derivative-missing", "identity", "You returned `a` itself: the derivative is "
              "missing. The ReLU's slope is 1 where the unit is on and 0 where it is off.",
              _z),
    Structure("sign", "flipped-step", "You returned 1 where a is 0 and 0 where a > 0: the two "
              "cases are swapped.", lambda case: (_z(case) <= 0).astype(np.float64)),
]


def _judge_derivative(case, value):
    return compare_array(case, "The result", value, _relu_derivative(_z(case)),
                         _DERIVATIVE_MISTAKES)


SPECS = {
    "relu": Spec("relu", ("z",), _relu_cases, _judge_relu, (reference.relu, _relu)),
    "relu_derivative": Spec("relu_derivative", ("a",), _derivative_cases, _judge_derivative,
                            (reference.relu_derivative, _relu_derivative)),
}


# --- init_for_activation --------------------------------------------------------------------

def generator(seed):
    """A ``WiredGenerator`` seeded with ``seed``: built again in a student's kernel."""
    return WiredGenerator(seed)


class WiredGenerator(np.random.Generator):
    """``numpy.random.default_rng(seed)`` that crosses to a kernel as its seed."""

    def __init__(self, seed):
        super().__init__(np.random.PCG64(seed))
        self.seed = seed

    def __wire__(self):
        """What the kernel calls to make its own copy."""
        return "mlp_helpers.checks.parts.not_learning.generator", (self.seed,)


_variance = initialisation.init_variance


def _hypotheses(fan_in, fan_out, activation):
    """Variances of known mistakes: (code, text, variance)."""
    right = _variance(fan_in, fan_out, activation)
    other = "relu" if activation == "sigmoid" else "sigmoid"
    swapped = _variance(fan_in, fan_out, other)
    names = {"sigmoid": "Xavier (Glorot), 2 / (fan_in + fan_out)", "relu": "He, 2 / fan_in"}
    return [
        ("init-scale", f"The variance fits {names[other]}, the scale for {other} layers. A "
         f"{activation} layer needs {names[activation]}.", swapped),
        ("init-scale", "The variance is the square of the right one: the formula gives a "
         "variance, and you multiplied by it where its square root (the standard deviation) "
         "belongs.", right ** 2),
        ("init-scale", "The variance is the square root of the right one: you took a square "
         "root twice (the standard deviation is sqrt(variance), once).", np.sqrt(right)),
        ("init-scale", "The variance is a third of the right one: a uniform draw on (-r, r) has "
         "variance r^2 / 3, so its limit is r = sqrt(3 * variance), not sqrt(variance).",
         right / 3.0),
        ("init-scale", "The variance is about 1: the draws are not scaled at all (randn alone). "
         "Multiply by the standard deviation the activation needs.", 1.0),
    ]


# Statistical tolerance: on fan_in * fan_out = 25,000 draws the sample variance's relative
# standard error is sqrt(2 / N) = 0.89 % for a normal draw (less for a uniform one), so a
# relative error above 5 % (5.6 standard errors: a chance of 2e-8) is a wrong scale, never bad
# luck. The mistakes above are at least 40 % away at these shapes. Larger draws would cost the
# grader their transfer from the kernel and decide nothing more.
_RELATIVE = 0.05
_BIG = [(125, 200, "sigmoid"), (125, 200, "relu")]
_BIG_HIDDEN = [(100, 250, "relu"), (250, 100, "sigmoid")]


def _calls(hidden):
    rng = seeded(43)
    seed = int(rng.integers(1, 2**31)) if salt() else 12345
    shapes = _BIG + (_BIG_HIDDEN if hidden else [])
    calls = [((fi, fo, act, generator(seed)), "stats") for fi, fo, act in shapes]
    calls += [((3, 2, "relu", generator(seed)), "same"), ((3, 2, "relu", generator(seed)), "same"),
              ((3, 2, "relu", generator(seed + 1)), "other")]
    return calls


def diagnose_init_for_activation(student, hidden=True):
    """Large draws for their mean and variance, then the same seed twice and another seed."""
    name = "init_for_activation"
    calls = _calls(hidden)
    reference = (_init, initialisation.init_weights)
    outcomes = where(student).run([Call(list(args), reference=reference) for args, _ in calls])
    if isinstance(outcomes[0].error, guards.Absent):  # the name holds no function
        return absence(name, outcomes[0].error.kind, outcomes[0].error.value)
    small = []
    for (args, role), outcome in zip(calls, outcomes, strict=True):
        fan_in, fan_out, activation, _ = args
        shown = f"fan_in={fan_in}, fan_out={fan_out}, activation={activation!r}"
        if outcome.entered_reference:
            return Diagnosis("calls-reference", f"`{name}` calls the reference in mlp_helpers "
                             "instead of drawing the weights itself.")
        if outcome.timed_out or outcome.error is not None:
            what = "did not finish" if outcome.timed_out else (
                f"raised {type(outcome.error).__name__}: {str(outcome.error)[:150]}")
            return Diagnosis("other", f"`{name}` {what} (with {shown}).")
        W = outcome.value
        if not isinstance(W, np.ndarray) or W.dtype.kind != "f":
            return Diagnosis("wrong-shape", f"`{name}` should return a float array; with "
                             f"{shown} it returned a {type(W).__name__}.")
        if W.shape != (fan_in, fan_out):
            return Diagnosis("wrong-shape", f"`{name}` returned shape {W.shape} with {shown}; "
                             "W is (fan_in, fan_out): rows are the units feeding the layer.")
        W = W.astype(np.float64)
        if role != "stats":
            small.append(W)
            continue
        found = _statistics(name, shown, W, fan_in, fan_out, activation)
        if found:
            return found
    first, again, other = small
    if not np.array_equal(first, again):
        return Diagnosis("ignores-rng", f"`{name}`: two calls with generators made from the "
                         "same seed gave different weights, so a run cannot be repeated. Draw "
                         "with the `rng` you are given (rng.standard_normal, rng.uniform), not "
                         "with np.random's global functions.")
    if np.array_equal(first, other):
        return Diagnosis("ignores-rng", f"`{name}`: generators made from different seeds gave "
                         "the same weights: the function does not draw from the `rng` it is "
                         "given (it makes its own, with a fixed seed).")
    return None


def _statistics(name, shown, W, fan_in, fan_out, activation):
    want = _variance(fan_in, fan_out, activation)
    got = float(W.var())
    # Six standard errors of the mean, measured with the draw's own spread: an honest
    # zero-mean draw passes (a chance of 2e-9 to fail), a draw from [0, 1) never does.
    if abs(float(W.mean())) > 6.0 * float(W.std()) / np.sqrt(W.size):
        return Diagnosis("init-scale", f"`{name}`: the weights' mean is not 0 (with {shown}): "
                         "draw symmetrically around 0, e.g. rng.uniform(-r, r) or "
                         "rng.standard_normal, not rng.random, which lies in [0, 1).")
    if abs(got / want - 1.0) <= _RELATIVE:
        return None
    for code, text, variance in _hypotheses(fan_in, fan_out, activation):
        if abs(got / variance - 1.0) <= _RELATIVE:
            return Diagnosis(code, f"`{name}`: {text} (Seen with {shown}.)")
    direction = "too large" if got > want else "too small"
    return Diagnosis("init-scale", f"`{name}`: the weights' variance is {direction}, "
                     f"{got / want:.2g} times the one a {activation} layer needs (with {shown}). "
                     "Revisit the variance of each scheme and how a standard deviation "
                     "scales a draw.")


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
    Part("relu", "04_not_learning", 1, "`relu(z)`",
         "`max(z, 0)` on inputs with exact zeros, read-only, float32 and 1-D inputs",
         spec=SPECS["relu"]),
    Part("relu_derivative", "04_not_learning", 1, "`relu_derivative(a)`",
         "1 where `a > 0`, 0 where `a == 0` (the course's choice at the kink)",
         spec=SPECS["relu_derivative"]),
    Part("init_for_activation", "04_not_learning", 2,
         "`init_for_activation(fan_in, fan_out, activation, rng)`",
         "shape, mean 0 and the variance of Xavier or He within 5 % on 25,000 draws; the "
         "same seed gives the same weights, another seed others",
         diagnose=diagnose_init_for_activation,
         implemented_by=frozenset({"initialisation.init_for_activation",
                                   "initialisation.init_weights", "initialisation.glorot_limit",
                                   "initialisation.init_variance",
                                   "assignments.broken_runs._weights",
                                   "assignments.sanity.SanityNetwork.__init__"})),
)
