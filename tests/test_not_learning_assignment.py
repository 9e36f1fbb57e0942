"""Assignment 4's broken runs, sanity networks and their checks, without nbgrader."""

import numpy as np
import pytest

from mlp_helpers import checks
from mlp_helpers.assignments import broken_runs, sanity
from mlp_helpers.checks.engine.fixtures import fresh
from mlp_helpers.checks.kernel import wire
from mlp_helpers.checks.parts.not_learning import generator
from mlp_helpers.data import xor

CAUSE = {"A": "lr-too-high", "B": "symmetric-init", "C": "one-minus-activation",
         "D": "saturation", "E": "sum-not-mean"}
# The one change that undoes each run's cause.
FIX = {"A": {"lr": 10.0}, "B": {"init": "xavier"}, "C": {"derivative": "a * (1 - a)"},
       "D": {"init": "xavier"}, "E": {"gradient": "mean"}}


def tiny_batch():
    X, y = xor()
    return X, np.hstack([1.0 - y, y])


def test_every_broken_run_fails_and_the_good_settings_learn_from_any_seed():
    for run, settings in broken_runs.RUNS.items():
        assert not broken_runs.train_run(settings)["solved"], run
    assert all(broken_runs.train_run(broken_runs.GOOD, seed)["solved"] for seed in range(10))


@pytest.mark.parametrize("run", list(broken_runs.RUNS))
def test_undoing_a_runs_cause_alone_makes_it_learn(run):
    fixed = {**broken_runs.RUNS[run], **FIX[run]}
    assert all(broken_runs.train_run(fixed, seed)["solved"] for seed in range(5))


def test_right_causes_pass_and_every_wrong_choice_is_told_what_contradicts_it():
    assert checks.diagnose("run_causes", CAUSE, expected=CAUSE) is None
    for run in CAUSE:
        for cause in broken_runs.CAUSES:
            if cause != CAUSE[run]:
                found = checks.diagnose("run_causes", {**CAUSE, run: cause}, expected=CAUSE)
                assert f"run {run} is not a case of {cause}" in found.message


def test_fixed_settings_are_judged_on_the_graders_own_seeds_too():
    fixed = {run: {**settings, **FIX[run]} for run, settings in broken_runs.RUNS.items()}
    assert checks.diagnose("fixed_settings", fixed) is None
    with fresh(7):
        assert checks.diagnose("fixed_settings", fixed) is None
    unfixed = {**fixed, "C": dict(broken_runs.RUNS["C"])}
    assert "`fixed_settings['C']` does not learn yet" in checks.diagnose(
        "fixed_settings", unfixed).message


def test_reference_report_calls_healthy_networks_healthy_and_catches_each_flaw():
    X, Y = tiny_batch()
    flags = ("loss_at_chance", "gradients_agree", "overfits_tiny_batch")
    for seed in range(3):
        report = sanity.sanity_report(sanity.sanity_network(4, seed), X, Y)
        assert all(report[flag] for flag in flags), report
    caught = {"backward": "gradients_agree", "bias-gradient": "gradients_agree",
              "large-init": "loss_at_chance", "symmetric": "overfits_tiny_batch"}
    assert set(caught) == set(sanity.FLAWS)
    for flaw, flag in caught.items():
        assert not sanity.sanity_report(sanity.sanity_network(4, 0, flaw), X, Y)[flag], flaw
    assert checks.diagnose("sanity_report", sanity.sanity_report) is None
    with fresh(3):
        assert checks.diagnose("sanity_report", sanity.sanity_report) is None


def test_a_report_that_always_says_healthy_is_told_which_flaw_it_missed():
    def always_healthy(net, X, Y):
        return {"initial_loss": net.loss(net.parameters(), X, Y), "gradient_error": 0.0,
                "loss_at_chance": True, "gradients_agree": True, "overfits_tiny_batch": True}

    found = checks.diagnose("sanity_report", always_healthy)
    assert "does not catch a network whose backward pass" in found.message


def test_a_report_that_compares_only_the_weights_gradients_is_told_in_the_visible_test():
    from student_bank import not_learning as bank

    X, Y = tiny_batch()
    flawed = sanity.sanity_network(4, 0, "bias-gradient")
    assert sanity.sanity_report(flawed, X, Y)["gradient_error"] > 0.1
    assert bank.sanity_report_weights_only(flawed, X, Y)["gradients_agree"]
    found = checks.diagnose("sanity_report", bank.sanity_report_weights_only, hidden=False)
    assert "does not catch a network whose backward pass is right for the weights but gives " \
           "bias gradients n times too small" in found.message
    assert "the biases as well as the weights" in found.message


def test_networks_and_generators_cross_to_a_kernel_as_their_plain_recipe():
    X, Y = tiny_batch()
    net = sanity.sanity_network(5, 3, "large-init")
    rebuilt = wire.loads(wire.dumps(net), make=True)
    assert rebuilt.loss(rebuilt.parameters(), X, Y) == net.loss(net.parameters(), X, Y)
    rng = wire.loads(wire.dumps(generator(11)), make=True)
    assert np.array_equal(rng.standard_normal(3), np.random.default_rng(11).standard_normal(3))
