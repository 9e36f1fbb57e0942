"""Checks of assignment 5's local rules: ``linear_backward``, ``tanh_derivative``, ``unbroadcast``.

Each is a function checked on fixtures against the reference and the named mistakes. A cache is
a tuple of arrays: the engine holds what it holds unchanged too (``engine.arguments``).
"""

import numpy as np

from mlp_helpers import activations, broadcasting, deltas, layers
from mlp_helpers.checks.engine.compare import compare_array, returned_none
from mlp_helpers.checks.engine.fixtures import ONE_D, seeded, standard_cases
from mlp_helpers.checks.engine.mistakes import Factor, Finding, Structure, flipped, lowered
from mlp_helpers.checks.engine.spec import Case, Spec
from mlp_helpers.checks.part import Part
from mlp_helpers.lectures import bugs


def _tuple_of(count, names):
    def finding(value):
        if value is None:
            return [returned_none()]
        if not isinstance(value, tuple | list) or len(value) != count:
            return [Finding("wrong-shape", "tuple", f"It should return {names}; it returned "
                            f"a {type(value).__name__}"
                            + (f" of {len(value)} items." if isinstance(value, tuple | list)
                               else "."))]
        return None
    return finding


def joined(findings):
    """One result's findings, the others' first mistakes told after them ("Also, ...")."""
    failing = [found for found in findings if found]
    if len(failing) <= 1:
        return failing[0] if failing else None
    first, rest = failing[0], [found[0] for found in failing[1:]]
    tail = " ".join(f"Also, {lowered(f.text)}" for f in rest)
    return [Finding(f.code, "&".join([f.key, *(r.key for r in rest)]), f"{f.text} {tail}")
            for f in first]


# --- linear_backward ------------------------------------------------------------------------

def _linear_args(case):
    dout, (X, W, b) = case.args
    return (dout.astype(np.float64), X.astype(np.float64), W.astype(np.float64),
            b.astype(np.float64))


def _linear_cases():
    rng = seeded(51)

    def case(n, fan_in, fan_out, dtype=np.float64, **role):
        X, W = rng.normal(0, 1, (n, fan_in)), rng.normal(0, 0.5, (fan_in, fan_out))
        b, dout = rng.normal(0, 0.5, (1, fan_out)), rng.normal(0, 0.2, (n, fan_out))
        cache = tuple(a.astype(dtype) for a in (X, W, b))
        note = f"X {X.shape}, W {W.shape}" + (f"; {role.pop('note')}" if "note" in role else "")
        return Case((dout.astype(dtype), cache), info={"n": n}, note=note,
                    float32=dtype == np.float32, **role)

    # The square (3, 3, 3) lets a product with the wrong operand transposed run, so it is named.
    return [case(5, 3, 2), case(4, 4, 3), case(3, 3, 3),
            case(1, 3, 2, note="one example", hidden=True),
            case(6, 4, 3, np.float32, note="float32", hidden=True),
            case(4, 3, 2, note="read-only arrays", hidden=True, read_only=True),
            case(6, 2, 5, hidden=True)]


def _product(what, shape_text, predict, key="no-transpose", code="missing-transpose"):
    return Structure(code, key, f"{what}: {shape_text}", predict)


def _dX_untransposed(case):
    # dX is the error sent down through W, as in a hidden delta: the same missing transpose.
    dout, _, W, _ = _linear_args(case)
    return bugs.error_down_untransposed(dout, W)


def _dW_of(bug):
    """The dW of a ``dense_gradients`` bug: linear_backward's dW, X as a_prev, dout as delta."""
    def predict(case):
        dout, X, _, _ = _linear_args(case)
        return bug(X, dout)[0]
    return predict


_DX_MISTAKES = [
    _product("dX", "you multiplied dout by W where its transpose belongs. dX has the shape of "
             "X, (n, fan_in): the product must sum over the fan_out outputs that W sends each "
             "input to.", _dX_untransposed),
    _product("dX", "it has the shape (fan_in, n), the transpose of the gradient. dX has the "
             "shape of X, (n, fan_in).", lambda case: _linear_args(case)[2]
             @ _linear_args(case)[0].T, key="transposed"),
]
_DW_MISTAKES = [
    _product("dW", "you multiplied X where its transpose belongs. The product must sum over the "
             "n examples: X is (n, fan_in) and dout is (n, fan_out).",
             _dW_of(bugs.dense_gradients_no_transpose)),
    _product("dW", "it has the shape (fan_out, fan_in): it is the transpose of the gradient. dW "
             "has the shape of W, (fan_in, fan_out).",
             _dW_of(bugs.dense_gradients_transposed), key="transposed"),
    _product("dW", "you transposed dout where X's transpose belongs: the product must sum over "
             "the n examples.", _dW_of(bugs.dense_gradients_delta_transposed),
             key="dout-transposed"),
]
_DW_FACTORS = [
    Factor("mean-twice", "1/n", "dW is {n} times too small, a factor 1/n with n = {n}: dout "
           "already contains the 1/n of the mean, and the matrix product sums over examples.",
           lambda case: 1.0 / case.info["n"]),
]


def _db_mistake(key, text, reduce):
    return Structure("bias-not-summed", key, "db " + text + " b was added to every row of the "
                     "output, so db adds up the rows of dout, and has the shape of b, "
                     "(1, fan_out).", lambda case: reduce(_linear_args(case)[0]))


_DB_MISTAKES = [
    _db_mistake("not-summed", "is dout itself, without the sum over the examples.", lambda d: d),
    _db_mistake("mean", "is averaged over the examples: dout already carries the 1/n of the "
                "mean.", lambda d: d.mean(axis=0, keepdims=True)),
    _db_mistake("flat", "lost its first axis (keepdims).", lambda d: d.sum(axis=0)),
    _db_mistake("axis-1", "is summed along the wrong axis (over outputs).",
                lambda d: d.sum(axis=1, keepdims=True)),
    _db_mistake("total", "is a single number, the sum of every entry.", lambda d: d.sum()),
]


def _judge_linear(case, value):
    wrong = _tuple_of(3, "the three gradients (dX, dW, db)")(value)
    if wrong:
        return wrong
    dout, X, W, _ = _linear_args(case)
    return joined([
        compare_array(case, "dX", value[0], dout @ W.T, _DX_MISTAKES),
        compare_array(case, "dW", value[1], X.T @ dout, _DW_MISTAKES, _DW_FACTORS),
        compare_array(case, "db", value[2], dout.sum(axis=0, keepdims=True), _DB_MISTAKES)])


# --- tanh_derivative --------------------------------------------------------------------------

def _tanh_cases():
    def make(rng, *shape):
        return (np.tanh(rng.normal(0.0, 1.0, shape)),)
    return standard_cases(make, [[(4, 3), (6, 5)], (1, 5), (5, 3), (3, 4), (7,)], seed=55, keys="",
                          last=ONE_D)


def _a(case):
    return case.args[0].astype(np.float64)


_TANH_MISTAKES = [
    Structure("derivative-twice", "tanh-again", "You passed `a` through tanh again, "
              "tanh'(tanh(z)), as if `a` were z. The argument is already the activation "
              "a = tanh(z), so write the derivative with a alone.",
              lambda case: bugs.tanh_derivative_at_tanh_of_activation(_a(case))),
    Structure("derivative-twice", "squared", "You applied the derivative twice: the result is "
              "the square of tanh'(z).", lambda case: (1.0 - _a(case) ** 2) ** 2),
    Structure("wrong-formula", "sigmoid-form", "You returned the sigmoid's derivative written "
              "with its activation. tanh's derivative, written with its own output a, is "
              "another expression: revisit tanh'(z).",
              lambda case: bugs.tanh_derivative_as_sigmoid(_a(case))),
    Structure("wrong-formula", "one-minus", "You returned 1 - a: the activation is not squared. "
              "Revisit tanh'(z) written with a = tanh(z).", lambda case: 1.0 - _a(case)),
    Structure("precedence", "square-of-difference", "You squared the whole difference 1 - a: "
              "check which part of the formula the square applies to (numpy follows the "
              "usual order of operations).",
              lambda case: bugs.tanh_derivative_square_of_difference(_a(case))),
    Structure("derivative-missing", "identity", "You returned `a` itself: the derivative is "
              "missing.", _a),
]


def _judge_tanh(case, value):
    a = _a(case)
    return compare_array(case, "The result", value, activations.tanh_derivative_unchecked(a),
                         _TANH_MISTAKES,
                         sign=flipped("The sign is flipped: tanh is increasing, so its slope "
                                      "is never negative."))


# --- unbroadcast ------------------------------------------------------------------------------

def _grad_and_shape(case):
    return case.args[0].astype(np.float64), tuple(case.args[1])


def _leading(grad, shape):
    return grad.sum(axis=tuple(range(grad.ndim - len(shape))))


def _stretched(grad, shape):
    return tuple(axis for axis, size in enumerate(shape) if size == 1 and grad.shape[axis] != 1)


def _unbroadcast(grad, shape):
    grad = _leading(grad, shape)
    return grad.sum(axis=_stretched(grad, shape), keepdims=True).reshape(shape)


def _unbroadcast_cases():
    rng = seeded(53)

    def case(grad_shape, shape, dtype=np.float64, **role):
        grad = rng.normal(0.0, 1.0, grad_shape).astype(dtype)
        note = f"to shape {shape}" + (f"; {role.pop('note')}" if "note" in role else "")
        copies = grad.size // max(1, int(np.prod(shape)))
        return Case((grad, shape), info={"shape": shape, "copies": copies}, note=note,
                    float32=dtype == np.float32, **role)

    return [case((4, 3), (1, 3)), case((4, 3), (3,)), case((2, 4, 3), (4, 1)),
            case((1, 3), (1, 3), note="nothing stretched", hidden=True),
            case((3, 2, 4), (2, 1), np.float32, note="float32", hidden=True),
            case((2, 3, 4, 5), (3, 1, 5), note="read-only arrays", hidden=True, read_only=True),
            case((5, 3), (), hidden=True)]


def _ones_only(case):
    grad, shape = _grad_and_shape(case)
    added = grad.ndim - len(shape)
    axes = _stretched(_leading(grad, shape), shape)
    return grad.sum(axis=tuple(axis + added for axis in axes), keepdims=True)


def _kept_flat(case):
    grad, shape = _grad_and_shape(case)
    summed = _leading(grad, shape)
    return summed.sum(axis=_stretched(summed, shape))


_WRONG_AXES = ("Each entry of the operand was used once for every copy broadcasting made: its "
               "gradient adds up the gradients of those copies, over the axes broadcasting "
               "added in front and over every axis where `shape` has 1 but grad does not.")
_UNBROADCAST_MISTAKES = [
    Structure("wrong-shape", "not-summed", "You returned grad as it is, where the operand has "
              "shape {shape}. " + _WRONG_AXES, lambda case: _grad_and_shape(case)[0]),
    Structure("wrong-axis", "leading-only", "You summed over the axes broadcasting added in "
              "front, but not over the axes where `shape` has 1: those were stretched too. "
              + _WRONG_AXES, lambda case: _leading(*_grad_and_shape(case))),
    Structure("wrong-axis", "ones-only", "You summed over the axes where `shape` has 1, but "
              "not over the axes broadcasting added in front. " + _WRONG_AXES, _ones_only),
    Structure("wrong-axis", "first-axis", "You summed over the first axis whatever `shape` "
              "is. " + _WRONG_AXES,
              lambda case: _grad_and_shape(case)[0].sum(axis=0, keepdims=True)),
    Structure("wrong-axis", "total", "You summed over every axis, to a single number. "
              + _WRONG_AXES, lambda case: _grad_and_shape(case)[0].sum()),
    Structure("wrong-shape", "keepdims", "The sums dropped the axes where `shape` has 1 "
              "(keepdims): the result must have exactly the shape {shape}, the operand's.",
              _kept_flat),
]
_UNBROADCAST_FACTORS = [
    Factor("bias-not-summed", "mean", "It is averaged over the {copies} copies instead of "
           "summed: each copy's gradient counts in full, as db sums the rows of delta.",
           lambda case: 1.0 / case.info["copies"]),
]


def _judge_unbroadcast(case, value):
    return compare_array(case, "The result", value, _unbroadcast(*_grad_and_shape(case)),
                         _UNBROADCAST_MISTAKES, _UNBROADCAST_FACTORS)


SPECS = {
    "linear_backward": Spec("linear_backward", ("dout", "cache"), _linear_cases, _judge_linear,
                            (layers.linear_backward, layers.dense_backward,
                             deltas.dense_gradients, deltas.dense_gradients_unchecked)),
    "tanh_derivative": Spec("tanh_derivative", ("a",), _tanh_cases, _judge_tanh,
                            (activations.tanh_derivative,)),
    "unbroadcast": Spec("unbroadcast", ("grad", "shape"), _unbroadcast_cases, _judge_unbroadcast,
                        (broadcasting.unbroadcast,)),
}


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
    Part("linear_backward", "05_autograd", 2, "`linear_backward(dout, cache)`",
         "`dX`, `dW` and `db` with their shapes, square and non-square weights, the cache left "
         "unchanged", spec=SPECS["linear_backward"]),
    Part("tanh_derivative", "05_autograd", 1, "`tanh_derivative(a)`",
         "tanh's slope from its activation, read-only and float32 inputs",
         spec=SPECS["tanh_derivative"]),
    Part("unbroadcast", "05_autograd", 2, "`unbroadcast(grad, shape)`",
         "sums over added leading axes and stretched axes of 1, up to four axes, exact shape",
         spec=SPECS["unbroadcast"]),
)
