"""Checks of the activations: ``sigmoid``, ``sigmoid_derivative`` and ``softmax``."""

from dataclasses import replace

import numpy as np

from mlp_helpers import activations as reference
from mlp_helpers import layers
from mlp_helpers.checks.engine.compare import compare_array
from mlp_helpers.checks.engine.fixtures import ONE_D, seeded, standard_cases
from mlp_helpers.checks.engine.mistakes import Finding, Structure, flipped
from mlp_helpers.checks.engine.spec import Case, Spec
from mlp_helpers.checks.part import Part
from mlp_helpers.lectures import bugs

# The reference's kernels, and every function whose code counts as calling the reference.
_sigmoid, _softmax = reference.sigmoid_unchecked, reference.softmax_unchecked
_REFERENCE = {
    "sigmoid": (reference.sigmoid, _sigmoid, layers.sigmoid_forward),
    "sigmoid_derivative": (reference.sigmoid_derivative, reference.sigmoid_derivative_unchecked,
                           layers.sigmoid_backward),
    "softmax": (reference.softmax, _softmax),
}


def _z(case):
    return case.args[0].astype(np.float64)


def _cases(scale, extra=()):
    def make(rng, *shape):
        return (rng.normal(0.0, scale, shape),)
    return standard_cases(make, [[(4, 3), (6, 5)], (1, 5), (5, 3), (3, 4), (7,)], seed=7, keys="",
                          extra=extra, last=ONE_D)


def _sigmoid_cases():
    stress = np.array([[1e4, -1e4, 700.0, -700.0], [30.0, -30.0, 0.5, -0.5]])
    # Visible too: the assignment asks for no overflow up to 1e4, so the student's own test run
    # says so at once, not only the grade.
    return _cases(3.0, [Case((stress,), note="inputs up to 1e4 in size", stress=True)])


_SIGMOID_MISTAKES = [
    Structure("sign", "exponent-sign", "Its values are sigma(-z) = 1 - sigma(z): the sign inside "
              "the exponent is flipped. Revisit the definition of the logistic function.",
              lambda case: bugs.sigmoid_exponent_sign(_z(case))),
    Structure("precedence", "one-over-one", "Its values are 1 + exp(-z), all above 1: the "
              "division was done before the addition, so only the 1 was divided. Check how "
              "your expression groups the denominator of the logistic function.",
              lambda case: bugs.sigmoid_one_over_one(_z(case))),
    Structure("wrong-formula", "tanh", "You computed tanh(z), another activation, with values "
              "in (-1, 1). The sigmoid's values lie in (0, 1): revisit the logistic function.",
              lambda case: np.tanh(_z(case))),
]


def _judge_sigmoid(case, value):
    found = compare_array(case, "The result", value, _sigmoid(_z(case)), _SIGMOID_MISTAKES)
    if found and found[0].key == "fallback":
        a = np.asarray(value, dtype=np.float64)
        if (a < 0).any() or (a > 1).any():
            found = [Finding("other", "fallback", "Some values lie outside [0, 1]; the "
                             "sigmoid's never do. " + found[0].text)]
    return found


def _derivative_cases():
    # The sigmoid's fixtures in their roles, each passed through the sigmoid: activations.
    return [replace(case, args=(_sigmoid(case.args[0]),))
            for case in _sigmoid_cases() if not case.stress]


def _a(case):
    return _z(case)


_slope = reference.sigmoid_derivative_unchecked


_DERIVATIVE_MISTAKES = [
    # Passing `a` through the sigmoid again IS taking the slope at the point a, as if a were z:
    # one mistake, told once.
    Structure("derivative-twice", "sigma-again", "You passed `a` through the sigmoid again, "
              "sigma'(sigma(z)), as if `a` were z. The argument is already the activation "
              "a = sigma(z), so write the derivative with a alone.",
              lambda case: bugs.derivative_at_sigmoid_of_activation(_a(case))),
    Structure("derivative-twice", "sigma-twice", "You passed `a` through the sigmoid twice "
              "before taking the slope: sigma'(sigma(sigma(z))). The argument is already the "
              "activation a = sigma(z), so write the derivative with a alone, without calling "
              "the sigmoid at all.",
              lambda case: _slope(_sigmoid(_sigmoid(_a(case))))),
    Structure("derivative-twice", "squared", "You applied the derivative twice: the result is "
              "the square of sigma'(z).", lambda case: bugs.derivative_squared(_a(case))),
    Structure("wrong-formula", "tanh-derivative", "You returned 1 - a^2, the derivative of tanh "
              "written with tanh's output. The sigmoid's derivative, written with its own "
              "output a, is another expression: revisit sigma'(z) for the logistic function.",
              lambda case: bugs.derivative_of_tanh(_a(case))),
    Structure("one-minus-activation", "one-minus", "You returned 1 - a, which is only one of the "
              "two factors of sigma'(z) written with the activation a.",
              lambda case: bugs.derivative_one_minus_activation(_a(case))),
    Structure("derivative-missing", "identity", "You returned `a` itself: the derivative is "
              "missing.", _a),
]


def _judge_derivative(case, value):
    a = _a(case)
    return compare_array(case, "The result", value, _slope(a), _DERIVATIVE_MISTAKES,
                       sign=flipped("The sign is flipped: the sigmoid is increasing, so its "
                                    "slope is never negative."))


def _softmax_cases():
    stress = np.array([[1e4, 1e4 - 1.0, 0.0], [-1e4, -1e4 + 2.0, -1e4 + 1.0], [3.0, 1.0, 2.0]])
    first, _, *hidden = _cases(2.0, [Case((stress,), note="logits up to 1e4, rows on different "
                                           "scales", hidden=True, stress=True)])
    # A square batch in place of the second shape: row sums that lost their axis (keepdims)
    # broadcast on it, so that mistake is named where other shapes only fail with numpy's
    # shape error. No 1-D array: the softmax's rows are examples.
    square = Case((seeded(8).normal(0.0, 2.0, (3, 3)),), note="3 examples, 3 classes")
    return [first, square, *hidden[:-1]]


_COLUMNS = ("Each column sums to 1, not each row: you normalised over the examples, down "
            "each column. Rows are examples, and each example's probabilities over its k "
            "classes are what must sum to 1: check which axis your sum runs over.")
_WHOLE = ("The whole batch sums to 1, not each row: you normalised over every entry at once, "
          "all the examples together. Each example (a row) gets its own probabilities over its "
          "k classes, summing to 1: check what your sum runs over.")
_SOFTMAX_MISTAKES = [
    Structure("sign", "minus-z", "You exponentiated -z: the sign of the logits is flipped, so the "
              "largest logit gets the smallest probability.", lambda case: _softmax(-_z(case))),
    Structure("wrong-axis", "columns", _COLUMNS, lambda case: bugs.softmax_over_columns(_z(case))),
    Structure("wrong-axis", "whole", _WHOLE, lambda case: bugs.softmax_over_batch(_z(case))),
    Structure("other", "keepdims", "Each row is divided by another row's sum: the row sums "
              "lost their axis (keepdims), so numpy broadcast them along each row, and entry "
              "(i, j) is divided by the sum of row j.",
              lambda case: bugs.softmax_without_keepdims(_z(case))),
    Structure("other", "column-max", "You subtracted each column's maximum. The shift must be "
              "the same for all entries of a row (its own maximum), or the ratios change.",
              lambda case: np.exp(_z(case) - _z(case).max(axis=0))
              / np.exp(_z(case) - _z(case).max(axis=0)).sum(axis=1, keepdims=True)),
]


def _sums_to_one(p, axis=None):
    return bool((np.abs(p.sum(axis=axis) - 1.0) < 1e-6).all())


def _judge_softmax(case, value):
    found = compare_array(case, "The result", value, _softmax(_z(case)), _SOFTMAX_MISTAKES)
    if found and found[0].key == "fallback":
        p = np.asarray(value, dtype=np.float64)
        rows = _sums_to_one(p, axis=1)
        if not rows and (p >= 0).all() and _sums_to_one(p, axis=0):
            text, code = _COLUMNS, "wrong-axis"
        elif not rows and (p >= 0).all() and _sums_to_one(p):
            text, code = _WHOLE, "wrong-axis"
        elif rows and (p >= 0).all():
            text, code = ("Its rows sum to 1, but the probabilities are not exp(z) normalised "
                          "row by row."), "other"
        else:
            text, code = "Its rows do not each sum to 1 with entries between 0 and 1.", "other"
        found[0] = Finding(code, "fallback" if code == "other" else "sums", text)
    return found


SPECS = {
    "sigmoid": Spec("sigmoid", ("z",), _sigmoid_cases, _judge_sigmoid, _REFERENCE["sigmoid"],
                    overflow_hint=" (np.where computes both of its branches for every entry, "
                                  "so it does not prevent this.)"),
    "sigmoid_derivative": Spec("sigmoid_derivative", ("a",), _derivative_cases,
                               _judge_derivative, _REFERENCE["sigmoid_derivative"]),
    "softmax": Spec("softmax", ("z",), _softmax_cases, _judge_softmax, _REFERENCE["softmax"],
                    overflow_hint=" A row's probabilities do not change when the same number is "
                                  "subtracted from each of its logits."),
}


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
    Part("sigmoid", "01_xor", 1, "`sigmoid(z)`",
         "values on several shapes, inputs up to 1e4 in size (no overflow)",
         spec=SPECS["sigmoid"]),
    Part("sigmoid_derivative", "01_xor", 1, "`sigmoid_derivative(a)`",
         "`a * (1 - a)` from the activation, read-only and float32 inputs",
         spec=SPECS["sigmoid_derivative"]),
    Part("softmax", "03_mnist", 2, "`softmax(z)`",
         "rows that sum to 1, logits up to 1e4 in size (no overflow)", spec=SPECS["softmax"]),
)
