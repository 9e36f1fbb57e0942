"""Assignment 5's checks beyond the bank: the training runs' margins, prepared answers, the kernel.

The bank (``student_bank/autograd.py``) holds each part's planted bugs and correct answers;
here, what the grader's settings for ``train_ten_class`` rest on, and what a graded kernel of
assignment 5 is not given.
"""

import numpy as np
import pytest
from student_bank import autograd as bank

from mlp_helpers import checks
from mlp_helpers.checks.engine.fixtures import fresh, standard_cases
from mlp_helpers.checks.kernel import edition
from mlp_helpers.checks.parts import freeform_mnist_10 as ten_class
from mlp_helpers.optimisers import adam_state, adam_step

RUNS = {"visible": (*ten_class.VISIBLE, 0), "hidden": (*ten_class.HIDDEN, 0),
        "permuted": (*ten_class.VISIBLE, 7)}


@pytest.mark.slow
@pytest.mark.parametrize("run", RUNS)
def test_a_correct_loop_clears_each_graded_run_by_two_points(run):
    count, units, target, salt = RUNS[run]
    permutation = (np.random.default_rng(salt).permutation(10) if salt
                   else np.arange(10)).tolist()
    X, Y = ten_class.training_X(count), ten_class.training_Y(count, permutation)
    params, losses = bank.train_ten_class_inline(X, Y, units, ten_class.LEARNING_RATE,
                                                 ten_class.EPOCHS, ten_class.BATCH_SIZE)
    assert losses[-1] < losses[0]
    assert ten_class._accuracy(params, permutation) >= target + 0.02


@pytest.fixture(scope="module")
def trained_once():
    X, Y = ten_class.training_X(2000), ten_class.training_Y(2000, list(range(10)))
    return bank.train_ten_class_inline(X, Y, 64, ten_class.LEARNING_RATE, 2, 64)[0]


@pytest.mark.slow
def test_a_network_trained_in_advance_passes_the_test_inputs_but_not_the_permuted_labels(
        trained_once):
    def prepared(X, Y, hidden_units=256, lr=1e-3, epochs=5, batch_size=64, seed=0):
        # Steps that look like training to the recorder (adam_step by its global name, as a
        # notebook calls it, so the check's swap reaches it), then the network trained before.
        states = {key: adam_state(value) for key, value in trained_once.items()}
        for _ in range(epochs * -(-len(X) // batch_size)):
            for key, value in trained_once.items():
                _, states[key] = adam_step(value, np.zeros_like(value), states[key], lr)
        return {key: value.copy() for key, value in trained_once.items()}, [2.0, 1.0]

    assert checks.diagnose("train_ten_class", prepared, hidden=False) is None
    with fresh(12345):
        found = checks.diagnose("train_ten_class", prepared, hidden=False)
    assert found.code == "other"
    assert "the ten labels permuted" in found.message


def test_the_graded_kernel_of_assignment_5_has_none_of_its_references():
    stubbed = set(edition.formula_modules("05_autograd"))
    assert {"layers", "activations", "broadcasting", "optimisers", "batchnorm"} <= stubbed
    assert "data" not in stubbed  # the digits stay loadable


def _adam_updating_the_state(param, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    m = beta1 * state["m"] + (1 - beta1) * grad
    v = beta2 * state["v"] + (1 - beta2) * grad**2
    state.update(t=t, m=m, v=v)  # right numbers, but the caller's state is now the new one
    step = lr * m / (1 - beta1**t) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return param - step, dict(state)


def _batchnorm_scaling_gamma(dout, cache):
    x, gamma, _, eps = cache
    inv_std = 1 / np.sqrt(x.var(axis=0) + eps)
    x_hat, g = (x - x.mean(axis=0)) * inv_std, dout * gamma
    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) * inv_std
    gamma *= 2.0  # after its last use: the numbers are right, the caller's gamma is not
    return dx, (dout * x_hat).sum(axis=0, keepdims=True), dout.sum(axis=0, keepdims=True)


@pytest.mark.parametrize(("part", "answer", "where"), [
    ("adam_step", _adam_updating_the_state, '`state["m"]`'),
    ("batchnorm_backward", _batchnorm_scaling_gamma, "`cache[1]`")])
def test_a_change_inside_a_cache_or_a_state_is_named_where_it_is(part, answer, where):
    found = checks.diagnose(part, answer, hidden=False)
    assert found.code == "mutates-input"
    assert found.message.startswith(f"`{part}` modified {where} in place")
    assert "nor what a tuple or a dict passed to them holds" in found.message


def test_the_float32_role_casts_the_arrays_of_a_cache_and_keeps_its_shape():
    def make(rng, n):
        return rng.normal(size=(n, 2)), (rng.normal(size=(n, 2)), (n, 2))

    cases = standard_cases(make, [[(3,)], (1,), (2,), (2,), (4,)], seed=5, keys="n")
    dout, (x, shape) = next(case for case in cases if case.float32).args
    assert (dout.dtype, x.dtype, shape) == (np.float32, np.float32, (2, 2))
