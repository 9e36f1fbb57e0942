"""What a mini-batch loop did at each step, as the recording backward pass sees it.

The fingerprints tell every digit of the data apart, exactly, from the pixels a loop holds and
from the integers stored; a step that is ``lr`` times the gradient passes, and one that is off
by the batch size, the sign or the batch size again is named; what a hostile kernel sends
instead of records is left out, never run and never a crash. The accuracy each run must reach
keeps a measured margin below the instructor's loop.
"""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from mlp_helpers import data
from mlp_helpers.checks.engine.values import Unreadable
from mlp_helpers.checks.kernel import wire
from mlp_helpers.checks.parts import freeform_mnist, sgd_steps

_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "measure_mnist_margins.py"
_SPEC = importlib.util.spec_from_file_location("measure_mnist_margins", _SCRIPT)
margins = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(margins)


def test_fingerprints_tell_every_digit_apart_from_the_pixels_or_the_stored_integers():
    raw = data._raw_mnist(data.MNIST_PATH)
    digits = data.load_mnist_3v7(flatten=False)
    for stored, split in ((raw["x_train"], digits.train), (raw["x_test"], digits.test)):
        from_integers = sgd_steps.fingerprints(stored, scale=1.0)
        assert len(np.unique(from_integers)) == len(stored)
        np.testing.assert_array_equal(sgd_steps.fingerprints(split.X), from_integers)
        np.testing.assert_array_equal(from_integers, np.rint(from_integers))


def _params(rng):
    shapes = {"W1": (6, 4), "b1": (1, 4), "W2": (4, 3), "b2": (1, 3), "W3": (3, 2), "b3": (1, 2)}
    return {name: rng.standard_normal(shape) for name, shape in shapes.items()}


def _records(factor=1.0, lr=0.5, steps=5, looks=(), frozen=()):
    """Records of a loop whose step is ``factor * lr`` times the gradient."""
    rng = np.random.default_rng(0)
    X, Y = rng.integers(0, 256, (32, 784)) / 255.0, np.eye(2)[rng.integers(0, 2, 32)]
    params, records = _params(rng), []
    for step in range(steps):
        grads = _params(rng)
        records.append(sgd_steps.record(grads, [X[:8]], Y[:8], params))
        if step in looks:  # a look: another call before the step, the same parameters
            records.append(sgd_steps.record(_params(rng), [X], Y, params))
        params = {name: value if name in frozen else value - factor * lr * grads[name]
                  for name, value in params.items()}
    return records


def test_steps_of_lr_times_the_gradient_pass_and_a_look_between_them_is_no_step():
    assert sgd_steps.steps_off("loop", _records(), 0.5, 8) is None
    assert sgd_steps.steps_off("loop", _records(looks=(1, 3)), 0.5, 8) is None


@pytest.mark.parametrize(("factor", "code", "words"), [
    (1 / 8, "mean-twice", "divided by 8"), (-1.0, "sign", "the sign of the step is flipped"),
    (8.0, "sum-not-mean", "times 8"), (0.3, "other", "by 0.3 times `lr`")])
def test_a_step_off_lr_times_the_gradient_is_named(factor, code, words):
    found = sgd_steps.steps_off("loop", _records(factor), 0.5, 8)
    assert found.code == code
    assert words in found.message


def test_a_parameter_that_never_moves_is_named():
    found = sgd_steps.steps_off("loop", _records(frozen=("W2",)), 0.5, 8)
    assert found.code == "other"
    assert found.message.startswith("`loop`: W2 did not move")
    found = sgd_steps.steps_off("loop", _records(frozen=("b1", "b3")), 0.5, 8)
    assert found.code == "bias-not-updated"


def test_records_survive_the_way_back_from_a_kernel():
    # The kernel's answer nests the records six levels down: each is one array.
    records = _records()
    answer = {"calls": [{"recorded": {"backward": records}}]}
    back = wire.loads(wire.dumps(answer))["calls"][0]["recorded"]["backward"]
    assert len(sgd_steps.parsed(back)) == len(records)
    assert sgd_steps.steps_off("loop", back, 0.5, 8) is None


HOSTILE_RECORDS = [None, "junk", [1, [2]], {"n": 3}, Unreadable("Evil"), np.full(3, np.inf),
                   np.zeros(40), np.array([1e300, *range(14)]), np.array([-5.0] * 20),
                   np.array([2.0, *[np.nan] * 12, 1.0, 2.0, 0.0, 1.0]), True, 10**30]


def test_what_a_hostile_kernel_sends_instead_of_records_is_left_out():
    # Only the last but two reads as a record (of 2 rows, nothing known of its steps).
    assert [item[0] for item in sgd_steps.parsed(HOSTILE_RECORDS)] == [2]
    dataset, labels = sgd_steps.fingerprints(np.zeros((40, 784))), np.zeros(40)
    for records in (HOSTILE_RECORDS, HOSTILE_RECORDS + _records(), _records() + HOSTILE_RECORDS):
        assert sgd_steps.batches_miss_examples("loop", records, dataset, labels, 1) is None
        assert sgd_steps.steps_off("loop", records, 0.5, 8) is None


def test_mini_batches_that_skip_examples_or_pair_them_with_other_labels_are_named():
    rng = np.random.default_rng(1)
    X = rng.integers(0, 256, (64, 784)) / 255.0
    labels = rng.integers(0, 2, 64)
    Y, params = np.eye(2)[labels], _params(rng)
    dataset = sgd_steps.fingerprints(X)

    def records(batches, pairs=None, calls=1):
        # A step between batches (new parameters); ``calls`` calls of the backward pass on each.
        found = []
        for rows in batches:
            at = _params(rng)
            found += [sgd_steps.record(at, [X[rows]], Y[rows if pairs is None else pairs(rows)],
                                       at)] * calls
        return found

    order = rng.permutation(64)
    every = [order[start:start + 8] for start in range(0, 64, 8)]
    assert sgd_steps.batches_miss_examples("loop", records(every), dataset, labels, 1) is None
    found = sgd_steps.batches_miss_examples("loop", records([order[:8]] * 8), dataset, labels, 1)
    assert "56 images were never in a mini-batch" in found.message
    found = sgd_steps.batches_miss_examples("loop", records(every * 2), dataset, labels, 1)
    assert "in 2 mini-batches" in found.message
    # Two calls on each batch before its step (its loss, then its gradient): one batch.
    assert sgd_steps.batches_miss_examples("loop", records(every, calls=2), dataset, labels,
                                           1) is None
    found = sgd_steps.batches_miss_examples("loop", records(every, pairs=np.sort), dataset,
                                            labels, 1)
    assert "came with the label of another image" in found.message
    # A loop that changes the pixels before its forward pass cannot be followed: not judged.
    assert sgd_steps.batches_miss_examples("loop", [sgd_steps.record(
        params, [X[rows] * 0.5], Y[rows], params) for rows in every], dataset, labels, 1) is None


def test_the_accuracy_goals_keep_a_measured_margin_below_the_instructors_loop():
    # Measured by scripts/measure_mnist_margins.py at the check's settings: after a change of
    # them, measure again.
    measured = json.loads(margins.RESULT.read_text())
    for run in ("visible", "hidden"):
        count, epochs, goal = getattr(freeform_mnist, run.upper())
        found = measured[run]
        assert (found["digits"], found["epochs"], found["lr"], found["goal"]) == (
            count, epochs, freeform_mnist.LEARNING_RATE, goal)
        assert found["seeds"] >= 200
        assert found["lowest"] - goal >= 0.02, (run, found)


def test_the_margin_script_runs_the_instructors_loop_as_the_check_does(tmp_path):
    margins.main(["--seeds", "2", "--out", str(tmp_path / "margins.json")])
    found = json.loads((tmp_path / "margins.json").read_text())
    assert set(found) == {"visible", "hidden", "hidden_before"}
    for run in (found["visible"], found["hidden"]):
        assert run["goal"] < run["lowest"] <= run["median"] <= run["highest"] < 1
        assert run["below_goal"] == 0
