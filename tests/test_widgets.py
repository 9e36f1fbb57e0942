"""The lectures' playgrounds answer their controls, and degrade to a picture without a kernel."""

import base64
import re

import pytest

from mlp_helpers.lectures import widgets


@pytest.fixture(scope="module")
def xor_playground():
    return widgets.xor_playground()


def test_moving_the_learning_rate_slider_retrains_and_redraws(xor_playground):
    before_summary, before_image = xor_playground.summary, xor_playground.image.value
    assert "4 of 4 XOR points" in before_summary
    xor_playground.controls["lr"].value = 0.01
    assert xor_playground.summary != before_summary
    assert xor_playground.image.value != before_image
    assert "lr 0.01" in xor_playground.summary
    assert "4 of 4 XOR points" not in xor_playground.summary


def test_one_hidden_unit_cannot_solve_xor_in_the_playground(xor_playground):
    xor_playground.controls["lr"].value = widgets.XOR_DEMO.lr
    xor_playground.controls["hidden"].value = 1
    assert "2-1-1" in xor_playground.summary
    assert "4 of 4 XOR points" not in xor_playground.summary


def test_playground_without_a_kernel_shows_its_figure_and_summary(xor_playground):
    bundle = xor_playground._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"]) == xor_playground.image.value
    assert xor_playground.summary in bundle["text/html"]
    assert bundle["text/plain"] == xor_playground.summary


def test_picking_the_sign_bug_replays_a_run_that_climbs_the_loss():
    picker = widgets.bug_picker()
    assert "4 of 4 XOR points" in picker.summary
    picker.controls["bug"].value = "sign"
    assert "(y - a) instead of (a - y)" in picker.summary
    assert "outputs 1.00, 1.00, 1.00, 1.00" in picker.summary


def test_picking_derivative_missing_still_solves_xor():
    picker = widgets.bug_picker()
    picker.controls["bug"].value = "derivative-missing"
    assert "With the bug: Decision boundary: 4 of 4 XOR points" in picker.summary


def test_mnist_playground_reports_test_accuracy_for_each_batch_size():
    playground = widgets.mnist_playground()
    assert "Test accuracy on 1000 held-out digits" in playground.summary
    first = playground.summary
    playground.controls["batch_size"].value = 1000
    assert "batch 32" in first
    assert "batch 1000" in playground.summary
    assert playground.summary != first


def test_mnist_bug_picker_shows_which_bugs_a_mini_batch_run_forgives():
    picker = widgets.mnist_bug_picker()
    assert picker.summary.startswith("Replay with the course's rules.")

    def accuracy():
        return float(re.search(r"held-out digits: ([0-9.]+)%", picker.summary).group(1))

    correct = accuracy()
    assert correct > 95.0
    found = {}
    for bug in widgets.MNIST_BUGS:
        picker.controls["bug"].value = bug
        assert f"Replay with {bug}: {widgets.MNIST_BUGS[bug].description}." in picker.summary
        assert "With the bug, test accuracy" in picker.summary
        found[bug] = accuracy()
    assert found["sign"] <= 60.0  # every step climbs the loss
    assert found["sum-not-mean"] <= 60.0  # steps 32 times larger
    assert found["derivative-twice"] > correct - 2.0
    assert correct - 10.0 < found["one-minus-activation"] < correct
