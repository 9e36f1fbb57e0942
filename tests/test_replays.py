"""The replayed bugs are the very mistakes the graders name (one list, two independent views)."""

import numpy as np
import pytest

from mlp_helpers.checks import diagnose
from mlp_helpers.lectures import replays, widgets
from mlp_helpers.lectures.bugs import BUGS, dense_gradients_without_keepdims

GRADED = {"output_delta": "output_delta_mse", "hidden_delta": "hidden_delta"}


@pytest.mark.parametrize("code", sorted(BUGS))
def test_each_bug_in_the_pick_a_bug_list_is_diagnosed_with_its_own_code(code):
    bug = BUGS[code]
    assert diagnose(GRADED[bug.rule], bug.function).code == code


def test_db_without_keepdims_is_diagnosed_as_bias_not_summed():
    assert diagnose("dense_gradients", dense_gradients_without_keepdims).code == "bias-not-summed"


def test_a_replay_run_twice_tells_the_same_story():
    first, second = (replays.replay_xor(widgets.XOR_DEMO) for _ in range(2))
    assert first.history.loss == second.history.loss
    for W_first, W_second in zip(first.after.weights, second.after.weights):
        assert np.array_equal(W_first, W_second)
