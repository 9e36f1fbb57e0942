"""Check of ``relative_error(x, y)``: the largest entry-wise ``|x - y| / (|x| + |y|)``."""

import numpy as np

from mlp_helpers import gradcheck as reference
from mlp_helpers.checks.engine.compare import compare_array, tolerance
from mlp_helpers.checks.engine.fixtures import FLOAT32, READ_ONLY, seeded
from mlp_helpers.checks.engine.mistakes import Finding, Structure
from mlp_helpers.checks.engine.spec import Case, Spec
from mlp_helpers.checks.engine.values import close, described, numbers, shape_of
from mlp_helpers.checks.part import Part

_relative_error = reference.relative_error


def _error_cases():
    # The standard roles, written by hand: each y is built from its x.
    rng = seeded(32)
    x = rng.normal(0.0, 1.0, (4, 3))
    flat = rng.normal(0.0, 1.0, 5)
    flat_y = flat.copy()
    flat_y[[1, 3]] += [1e-3, 0.5]
    single = np.array([[2.0]])
    float32 = rng.normal(0.0, 1.0, (3, 2)).astype(np.float32)
    return [
        Case((x, x + rng.normal(0.0, 1e-2, x.shape))),
        Case((flat, flat_y)),
        Case((single, single + 0.5), note="one entry", hidden=True),
        Case((float32, float32 * 1.01), **FLOAT32),
        Case((x, x * 1.1), **READ_ONLY),
        Case((np.zeros((3, 2)), np.zeros((3, 2))), note="x and y both zero", hidden=True,
             stress=True),
        Case((np.array([1.0, -2.0, 0.5]), np.array([-1.0, -2.1, 0.6])),
             note="entries of opposite signs", hidden=True),
    ]


def _ratios(case, denominator):
    x, y = (arg.astype(np.float64) for arg in case.args)
    return np.abs(x - y) / np.maximum(1e-8, denominator(x, y))


_WHOLE_ARRAYS = ("You compared whole arrays at once (their norms or their largest entries), so "
                 "one large entry can hide a wrong small one. The course's relative error is "
                 "computed entry by entry, then the largest of those ratios is taken.")


def _summaries():
    """Ratios of whole-array summaries: a norm of x - y over a norm of x and y, in any form."""
    norms = {"L2": lambda v: np.linalg.norm(v.ravel()), "L1": lambda v: np.abs(v).sum(),
             "max": lambda v: np.abs(v).max()}
    denominators = {"sum": lambda s, x, y: s(x) + s(y), "of-sum": lambda s, x, y: s(x + y),
                    "of-abs-sum": lambda s, x, y: s(np.abs(x) + np.abs(y)),
                    "larger": lambda s, x, y: max(s(x), s(y)), "x": lambda s, x, y: s(x),
                    "y": lambda s, x, y: s(y)}

    def ratio(norm, denominator):
        def predict(case):
            x, y = (arg.astype(np.float64) for arg in case.args)
            return np.float64(norm(x - y) / denominator(norm, x, y))
        return predict
    return [Structure("norm-ratio", f"whole-{n}-{d}", _WHOLE_ARRAYS, ratio(norm, denominator))
            for n, norm in norms.items() for d, denominator in denominators.items()]


_ERROR_MISTAKES = [
    Structure("other", "mean", "It is the average relative error; the course's is the "
              "largest one (the worst entry is the one that shows a bug).",
              lambda case: _ratios(case, lambda x, y: np.abs(x) + np.abs(y)).mean()),
    Structure("other", "max-denominator", "The denominator is the larger of |x| and |y|; "
              "revisit the denominator of the course's relative error.",
              lambda case: _ratios(case, lambda x, y: np.maximum(np.abs(x), np.abs(y))).max()),
    Structure("other", "x-denominator", "The denominator uses |x| alone; the relative "
              "error is symmetric in x and y.",
              lambda case: _ratios(case, lambda x, y: np.abs(x)).max()),
    Structure("other", "sum-denominator", "The denominator is |x + y|, which vanishes where x "
              "and y have opposite signs; the course's denominator is |x| + |y|.",
              lambda case: _ratios(case, lambda x, y: np.abs(x + y)).max()),
    *_summaries(),
]


def _max_first(case, floor):
    x, y = (arg.astype(np.float64) for arg in case.args)
    return np.abs(x - y).max() / np.maximum(floor, np.abs(x) + np.abs(y))


def _judge_error(case, value):
    if shape_of(value) != ():
        got = numbers(value)
        if got is not None and any(close(got, _max_first(case, floor), tolerance(case))
                                   for floor in (1e-8, 0.0)):
            return [Finding("precedence", "max-first", "It returned an array, one number per "
                            "entry: the largest |x - y| was taken on its own, then divided by "
                            "each entry's |x| + |y|. The course's relative error takes the "
                            "largest of the entry-wise ratios: check where the parentheses of "
                            "your maximum close.")]
        shown = "a ragged list" if shape_of(value) is None else f"an array of {described(value)}"
        return [Finding("wrong-shape", "array", f"It returned {shown}; "
                        "the relative error is one number, the largest over the entries.")]
    x, y = (arg.astype(np.float64) for arg in case.args)
    return compare_array(case, "The relative error", value, np.float64(_relative_error(x, y)),
                       _ERROR_MISTAKES)


SPECS = {
    "relative_error": Spec("relative_error", ("x", "y"), _error_cases, _judge_error,
                           (_relative_error,)),
}


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
    Part("relative_error", "02_mse_gradient", 1, "`relative_error(x, y)`",
         "the largest elementwise relative error, entries of both signs and zeros",
         spec=SPECS["relative_error"]),
)
