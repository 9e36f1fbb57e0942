"""Check of ``dense_gradients``: ``(dW, db)`` of a dense layer from ``a_prev`` and ``delta``."""

import numpy as np

from mlp_helpers import deltas as reference
from mlp_helpers import layers
from mlp_helpers.checks.engine.compare import compare_array, returned_none
from mlp_helpers.checks.engine.fixtures import standard_cases
from mlp_helpers.checks.engine.mistakes import Factor, Finding, Structure
from mlp_helpers.checks.engine.spec import Spec
from mlp_helpers.checks.part import Part
from mlp_helpers.lectures import bugs

_dense = reference.dense_gradients_unchecked
_REFERENCE = (reference.dense_gradients, _dense, layers.dense_backward)


def _args(case):
    return [arg.astype(np.float64) for arg in case.args]


def _dense_cases():
    def make(rng, n, fan_in, fan_out):
        return rng.normal(0.0, 1.0, (n, fan_in)), rng.normal(0.0, 0.1, (n, fan_out))
    # The square (3, 3, 3) lets a product with the wrong operand transposed run, so it can be
    # named rather than only fail with numpy's shape error on the other shapes.
    return standard_cases(make, [[(5, 3, 2), (4, 4, 3), (3, 3, 3)], (1, 3, 2), (6, 4, 3),
                                 (4, 3, 2), (6, 2, 5)], seed=13)


_DW_MISTAKES = [
    Structure("missing-transpose", "no-transpose", "dW: you multiplied a_prev where its transpose "
              "belongs. The product must sum over the n examples: a_prev is (n, fan_in) and delta "
              "is (n, fan_out).", lambda case: bugs.dense_gradients_no_transpose(*_args(case))[0]),
    Structure("missing-transpose", "transposed", "dW has the shape (fan_out, fan_in): it is the "
              "transpose of the gradient. dW has the shape of W, (fan_in, fan_out).",
              lambda case: bugs.dense_gradients_transposed(*_args(case))[0]),
    Structure("missing-transpose", "delta-transposed", "dW: you transposed delta where a_prev's "
              "transpose belongs. a_prev @ delta.T pairs examples with examples; the product "
              "must sum over the n examples: a_prev is (n, fan_in) and delta is (n, fan_out).",
              lambda case: bugs.dense_gradients_delta_transposed(*_args(case))[0]),
]
_DW_FACTORS = [
    Factor("mean-twice", "1/n", "dW is {n} times too small, a factor 1/n with n = {n}: delta "
           "already contains the 1/n of the mean, and the matrix product sums over examples.",
           lambda case: 1.0 / case.info["n"]),
    Factor("sum-not-mean", "n", "dW is {n} times too large, a factor n = {n}.",
           lambda case: case.info["n"]),
]


def _db_mistake(key, text, db):
    # ``db(a_prev, delta)``: the wrong db.
    return Structure("bias-not-summed", key, "db " + text + " db adds up the contribution of "
                     "every example and has the shape of b, (1, fan_out).",
                     lambda case: db(*_args(case)))


_DB_MISTAKES = [
    _db_mistake("mean", "is averaged over the examples: delta already carries the 1/n of the mean.",
                lambda a_prev, d: bugs.dense_gradients_bias_averaged(a_prev, d)[1]),
    _db_mistake("flat", "lost its first axis (keepdims).",
                lambda a_prev, d: bugs.dense_gradients_without_keepdims(a_prev, d)[1]),
    _db_mistake("axis-1", "is summed along the wrong axis (over units).",
                lambda _, d: d.sum(axis=1)),
    _db_mistake("axis-1-kept", "is summed along the wrong axis (over units).",
                lambda _, d: d.sum(axis=1, keepdims=True)),
    _db_mistake("total", "is a single number, the sum of every entry.", lambda _, d: d.sum()),
    _db_mistake("not-summed", "is delta itself, not summed.", lambda _, d: d),
]


def _judge_dense(case, value):
    if value is None:
        return [returned_none()]
    if not isinstance(value, tuple | list) or len(value) != 2:
        return [Finding("wrong-shape", "pair", "It should return the pair (dW, db); it returned "
                        f"a {type(value).__name__}.")]
    want_dW, want_db = _dense(*_args(case))
    dW = compare_array(case, "dW", value[0], want_dW, _DW_MISTAKES, _DW_FACTORS)
    db = compare_array(case, "db", value[1], want_db, _DB_MISTAKES)
    if not (dW and db):
        return dW or db
    # Two mistakes, one in each gradient: both are named, dW's first.
    return [Finding(w.code, f"{w.key}&{b.key}", f"{w.text} Also, {b.text}")
            for w in dW for b in db]


SPECS = {"dense_gradients": Spec("dense_gradients", ("a_prev", "delta"), _dense_cases,
                                 _judge_dense, _REFERENCE)}


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
    Part("dense_gradients", "01_xor", 2, "`dense_gradients(a_prev, delta)`",
         "`dW` and `db` with their shapes, `db` summed with `keepdims`",
         spec=SPECS["dense_gradients"]),
)
