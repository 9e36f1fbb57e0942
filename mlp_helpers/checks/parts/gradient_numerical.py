"""Check of ``numerical_gradient(f, x, h)``: central differences, one entry of ``x`` at a time.

The fixtures are curved functions (``Curved``) on which a one-sided difference shows, arrays of
one to three axes, a larger ``h``, and one function that reads the array ``x`` itself
(``ReadsX``), as the assignment's gradient check does.
"""

import copy

import numpy as np

from mlp_helpers import gradcheck as reference
from mlp_helpers.checks.engine.compare import compare_array
from mlp_helpers.checks.engine.fixtures import seeded
from mlp_helpers.checks.engine.mistakes import Factor, Structure
from mlp_helpers.checks.engine.spec import Case, Spec
from mlp_helpers.checks.part import Part

_numerical_gradient = reference.numerical_gradient


class Curved:
    """A scalar function of ``x`` whose curvature makes a one-sided difference visible."""

    def __init__(self, weights, scales):
        self.weights, self.scales = weights, scales

    def __call__(self, x):
        """``sum(w * sin(5 x)) + 1/2 sum(s * x^2)``: a float."""
        return float(np.sum(self.weights * np.sin(5.0 * x)) + 0.5 * np.sum(self.scales * x * x))

    def __wire__(self):
        # A grader judging a notebook's kernel has the kernel build the same function.
        return f"{__name__}.Curved", (self.weights, self.scales)


class ReadsX(Curved):
    """``Curved`` at the array ``x`` it was made with, whatever it is called with.

    The assignment's gradient check passes ``lambda _: loss(params)``, a function that reads
    the parameter array it closes over: only a numerical gradient that moves the entries of
    that array (the ``x`` it is given) sees this function change.
    """

    def __init__(self, weights, scales, x):
        super().__init__(weights, scales)
        self.x = x

    def __call__(self, ignored):
        """``Curved``'s value at ``self.x``: a float."""
        return super().__call__(self.x)

    def __wire__(self):
        # Sent in one request with x itself, so the kernel's function reads the kernel's x.
        return f"{__name__}.ReadsX", (self.weights, self.scales, self.x)


def _curved(rng, shape):
    return Curved(rng.normal(0.0, 1.0, shape), rng.uniform(0.5, 1.5, shape))


def _gradient_cases():
    rng = seeded(31)
    cases = []
    for shape, note, hidden, h in [((3, 4), "", False, 1e-5), ((5,), "", False, 1e-5),
                                   ((1, 1), "one entry", True, 1e-5),
                                   ((2, 3, 2), "three axes", True, 1e-5),
                                   ((4,), "h = 0.01", True, 1e-2)]:
        x = rng.normal(0.0, 1.0, shape)
        cases.append(Case((_curved(rng, shape), x, h), info={"h": h}, note=note, hidden=hidden))
    x = rng.normal(0.0, 1.0, (3, 2))
    reads = ReadsX(rng.normal(0.0, 1.0, x.shape), rng.uniform(0.5, 1.5, x.shape), x)
    # Visible: the notebook's own gradient check needs it, and says DIFFER otherwise.
    cases.insert(2, Case((reads, x, 1e-5), info={"h": 1e-5, "reads": True},
                         note="an f that reads x itself"))
    return cases


def _own(case):
    """``(f, x, h)``: a copy of the fixture's function and array, ``f`` reading that ``x``."""
    f, x, h = copy.deepcopy(case.args)
    return f, x, h


def _steps(case, forward, backward, quotient=None):
    """Finite differences with the given offsets, one entry at a time, in float64.

    ``quotient(upper, lower, step)`` replaces ``(upper - lower) / step`` (a mis-grouped one).
    """
    f, x, h = _own(case)
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + forward * h
        upper = f(x)
        x[index] = original - backward * h
        lower = f(x)
        x[index] = original
        step = (forward + backward) * h
        grad[index] = (upper - lower) / step if quotient is None else quotient(upper, lower, step)
    return grad


def _moved(f, x, where, h):
    """``(f(x + h at where) - f(x - h at where)) / 2h``, moving ``x`` itself and putting it back."""
    original = x[where].copy()
    x[where] = original + h
    upper = f(x)
    x[where] = original - h
    lower = f(x)
    x[where] = original
    return (upper - lower) / (2 * h)


def _rows(case):
    f, x, h = _own(case)
    grad = np.zeros(x.shape)
    for i in range(x.shape[0]):
        grad[i] = _moved(f, x, i, h)
    return grad


def _all_at_once(case):
    f, x, h = _own(case)
    return np.float64(_moved(f, x, ..., h))


def _copies(case):
    # What any difference of f at moved copies of x gives for an f that never reads them.
    return np.zeros(case.args[1].shape) if case.info.get("reads") else None


_ONE_AT_A_TIME = ("A partial derivative moves one entry of x while every other entry stays "
                  "where it is.")
_GRADIENT_MISTAKES = [
    Structure("other", "forward", "It is a one-sided difference, whose error shrinks only like "
              "h. A central difference evaluates f on both sides of x.",
              lambda case: _steps(case, 1, 0)),
    Structure("other", "backward", "It is a one-sided difference, whose error shrinks only like "
              "h. A central difference evaluates f on both sides of x.",
              lambda case: _steps(case, 0, 1)),
    Structure("perturbs-all", "rows", "You perturbed a whole row of x at once, so each result "
              "mixes the partial derivatives of that row's entries (it is only right for 1-D x). "
              f"{_ONE_AT_A_TIME} np.ndindex(x.shape) or np.nditer visit every entry of an array "
              "of any shape.", _rows),
    Structure("perturbs-all", "all", "You moved every entry of x at once (x + h adds h to all "
              "of them), so the result is one slope along all the entries together, the sum of "
              f"the gradient's entries, not a gradient. {_ONE_AT_A_TIME}", _all_at_once),
    Structure("perturbs-all", "all-filled", "Every entry holds the same number: you moved every "
              "entry of x at once (x + h adds h to all of them), which gives one slope along all "
              f"the entries together, the sum of the gradient's entries. {_ONE_AT_A_TIME}",
              lambda case: np.full(case.args[1].shape, _all_at_once(case))),
    Structure("precedence", "numerator", "Only f(x - h) is divided by 2h: the division was done "
              "before the subtraction. Check how your expression groups the difference of the "
              "two values of f.",
              lambda case: _steps(case, 1, 1, lambda upper, lower, step: upper - lower / step)),
    Structure("other", "fixed-h", "With this h it is closer to the exact derivative than "
              "a central difference with this h can be: it ignores the argument h and uses a "
              "step of its own, or it uses another, more accurate formula than the course's "
              "central difference.", lambda case: _numerical_gradient(*_own(case)[:2])),
    Structure("perturbs-copy", "copies", "Every entry is 0 for an f that reads the array x "
              "itself and ignores its argument, as the notebook's gradient check does: you "
              "evaluated f at moved copies of x, which such an f never sees. The assignment asks "
              "you to move the entries of x itself, in place, so that f may read x, and to put "
              "each one back.", _copies),
]
_GRADIENT_FACTORS = [
    Factor("other", "2", "It is twice too large: the two points x + h and x - h are 2h apart.",
           lambda case: 2.0),
    Factor("other", "1/2", "It is half as large as it should be: the two points are 2h apart, "
           "not 4h.", lambda case: 0.5),
    Factor("precedence", "h^2", "It is h^2 times what it should be (h = {h:g}): the division "
           "by 2h was done as a division by 2 followed by a multiplication by h, since / and * "
           "apply from left to right. Check how your expression groups the denominator.",
           lambda case: case.info["h"] ** 2),
]


def _left_changed(case, arg, before, after):
    """How ``numerical_gradient`` left ``x``: which entries were not put back, and by how much."""
    h = case.args[2]
    moved = np.abs(np.asarray(after, np.float64) - before)
    count, size = int((moved > 1e-12 * (1.0 + np.abs(before))).sum()), before.size
    if count and np.allclose(moved[moved > 0], h, rtol=1e-6, atol=0.0):
        how = f"{'every entry' if count == size else f'{count} of its {size} entries'} ended h "
        how += "away from where it started"
    else:
        how = f"{count} of its {size} entries ended elsewhere than where they started"
    return (f"{how}. Moving an entry of x in place to evaluate f is fine, but after the two "
            "evaluations put that entry back to its original value: the next entry's "
            "differences, and the caller, must see x as it was.")


def _judge_gradient(case, value):
    return compare_array(case, "The gradient", value, _numerical_gradient(*_own(case)),
                       _GRADIENT_MISTAKES, _GRADIENT_FACTORS)


SPECS = {
    "numerical_gradient": Spec("numerical_gradient", ("f", "x", "h"), _gradient_cases,
                               _judge_gradient, (_numerical_gradient,), writable=("x",),
                               drift=1e-12, left_changed=_left_changed),
}


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
    Part("numerical_gradient", "02_mse_gradient", 2, "`numerical_gradient(f, x, h=1e-5)`",
         "central differences of any shape of `x`, `x` restored afterwards",
         spec=SPECS["numerical_gradient"]),
)
