"""Lecture 4's playgrounds answer their controls, and degrade to a picture without a kernel."""

import base64
import re

import pytest

from mlp_helpers.lectures.widgets import training as widgets_training


def number(pattern, text):
    return float(re.search(pattern, text).group(1))


@pytest.fixture(scope="module")
def initial_scale():
    return widgets_training.initial_scale_playground()


@pytest.fixture(scope="module")
def range_playground():
    return widgets_training.range_test_playground()


def test_sigmoid_layers_saturate_when_the_gain_slider_goes_up(initial_scale):
    initial_scale.controls["hidden"].value = "sigmoid"
    initial_scale.controls["gain"].value = 1.0
    assert "0% saturated over all layers" in initial_scale.summary
    before = initial_scale.image.value
    initial_scale.controls["gain"].value = 16.0
    assert "weights 16 × randn" in initial_scale.summary
    assert number(r"(\d+)% saturated over all layers", initial_scale.summary) > 50
    assert initial_scale.image.value != before


@pytest.mark.parametrize(("gain", "low", "high"), [(1.0, 0.0, 0.1), (1.41, 0.5, 3.0),
                                                   (2.0, 10.0, 1e6), (0.1, 0.0, 1e-6)])
def test_relu_layers_keep_their_spread_only_at_hes_gain(initial_scale, gain, low, high):
    initial_scale.controls["hidden"].value = "relu"
    initial_scale.controls["gain"].value = gain
    assert f"10 relu layers of 256, weights {gain:g} × randn" in initial_scale.summary
    factor = number(r"changes by a factor ([0-9.e+-]+) from layer 1", initial_scale.summary)
    assert low < factor < high


def test_range_test_playground_marks_a_best_rate_between_too_small_and_too_large(
        range_playground):
    summary = range_playground.summary
    assert summary.startswith("Range test")
    assert "relu, mean, batch 32: lowest loss" in summary
    best = number(r"at lr ([0-9.]+)", summary)
    assert number(r"too small up to ([0-9.]+)", summary) < best
    assert best < number(r"too large from ([0-9.]+)", summary)


def test_summed_loss_moves_the_best_rate_down_by_about_the_batch_size(range_playground):
    range_playground.controls["hidden"].value = "sigmoid"
    range_playground.controls["batch_size"].value = 32
    range_playground.controls["reduction"].value = "mean"
    mean_best = number(r"sigmoid, mean, batch 32: lowest loss [0-9.]+ at lr ([0-9.]+)",
                       range_playground.summary)
    for batch_size in (8, 32, 128):
        range_playground.controls["reduction"].value = "sum"
        range_playground.controls["batch_size"].value = batch_size
        summed_best = number(rf"sigmoid, sum, batch {batch_size}: lowest loss [0-9.]+ at lr "
                             r"([0-9.e-]+)", range_playground.summary)
        # The grid's rates are sqrt(10) apart: the factor is the batch size to within that.
        assert batch_size / 10 ** 0.5 <= mean_best / summed_best <= batch_size * 10 ** 0.5
    # The reference curve stays in the figure.
    assert "sigmoid, mean, batch 32" in range_playground.summary


@pytest.mark.parametrize("name", ["initial_scale", "range_playground"])
def test_lecture_4_playgrounds_without_a_kernel_show_their_figure_and_summary(request, name):
    playground = request.getfixturevalue(name)
    bundle = playground._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"]) == playground.image.value
    assert playground.summary in bundle["text/html"]
    assert bundle["text/plain"] == playground.summary
