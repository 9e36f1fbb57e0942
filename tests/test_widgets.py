"""The lectures' playgrounds answer their controls, and degrade to a picture without a kernel."""

import base64

import pytest

from mlp_helpers import widgets


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
