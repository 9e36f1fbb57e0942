"""The lecture notebooks run top to bottom, and the claims they make about numbers hold."""

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

import mlp_helpers as mh
from mlp_helpers.lectures import bugs, diagnostics, learners, replays, widgets
from mlp_helpers.lectures.plots.gradients import (
    confusion_matrix,
    gradient_error_by_step,
    plot_confusion_matrix,
)
from mlp_helpers.lectures.plots.xor import linear_separation_scores

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
# Warnings are errors in the kernel too; ipykernel's own shutdown raises a
# PendingDeprecationWarning about do_shutdown, which is not the lecture's doing.
STRICT = ("import warnings\n"
          "warnings.simplefilter('error')\n"
          "warnings.filterwarnings('default', category=PendingDeprecationWarning, "
          "module='ipykernel')")


@lru_cache(maxsize=4)
def execute(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(STRICT))
    NotebookClient(notebook, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return notebook


def stderr_and_errors(notebook):
    return [output.get("text", output.get("evalue")) for cell in notebook.cells
            if cell.cell_type == "code" for output in cell.outputs
            if output.output_type == "error"
            or (output.output_type == "stream" and output.name == "stderr")]


@pytest.mark.parametrize("name", sorted(path.name for path in NOTEBOOKS.glob("*.ipynb")))
def test_lecture_runs_top_to_bottom_in_a_fresh_kernel_without_warnings(name):
    notebook = execute(name)
    assert stderr_and_errors(notebook) == []
    figures = sum("image/png" in output.get("data", {}) for cell in notebook.cells
                  if cell.cell_type == "code" for output in cell.outputs)
    assert figures >= 3
    widget_outputs = [output["data"] for cell in notebook.cells if cell.cell_type == "code"
                      for output in cell.outputs
                      if "application/vnd.jupyter.widget-view+json" in output.get("data", {})]
    # Without a kernel (a web page), a playground falls back to its picture and summary.
    assert all("image/png" in data and "<p>" in data["text/html"] for data in widget_outputs)


# Lecture 1 ---------------------------------------------------------------------------------

def test_no_straight_line_separates_xor():
    X, Y = mh.xor()
    _, _, correct = linear_separation_scores(X, Y, lines=2000, seed=0)
    assert correct.max() == 3


def test_a_single_sigmoid_unit_trained_on_xor_hedges_at_one_half_to_the_last_digits():
    X, Y = mh.xor()
    single = mh.MLP((2, 1), output="sigmoid", init="xavier", seed=0)
    mh.train(single, X, Y, lr=3.0, epochs=1000)
    # Which side of 0.5 each output falls on is round-off, as the lecture says.
    assert np.all(np.abs(single.forward(X)[0] - 0.5) < 1e-12)


def test_their_xor_plot_ends_at_2_where_the_courses_loss_ends_at_a_quarter():
    history = learners.xor.replay_run().history
    assert learners.xor.their_loss(history)[-1] == pytest.approx(2.0, abs=1e-3)
    assert history.loss[-1] == pytest.approx(0.25, abs=1e-4)


# Lecture 2 ---------------------------------------------------------------------------------

def test_gradient_check_error_has_round_off_left_and_truncation_right_of_the_best_step():
    X, Y = mh.xor()
    net = mh.MLP((2, 3, 1), output="sigmoid", init="xavier", seed=0)
    exact = net.backward(net.forward(X)[1], Y)["W1"]
    steps = np.logspace(-13, -1, 25)
    errors = gradient_error_by_step(lambda _: net.loss(X, Y), net.weights[0], exact, steps)
    best = int(np.argmin(errors))
    assert 0 < best < len(steps) - 1
    assert 1e-7 <= steps[best] <= 1e-3
    assert errors[0] > 1e4 * errors[best]
    assert errors[-1] > 1e4 * errors[best]
    # Truncation: slope 2 on the log-log axes (h ten times larger, error 100 times larger).
    assert errors[-1] / errors[-3] == pytest.approx(100, rel=0.3)


def test_summed_loss_with_lr_trains_exactly_like_the_mean_with_lr_times_n():
    X, Y = mh.xor()
    summed, mean, difference = replays.measure_sum_versus_mean(
        replace(widgets.XOR_DEMO, lr=0.5), X, Y)
    assert mean.after is not summed.after
    assert difference < 1e-12
    assert summed.history.loss == pytest.approx(mean.history.loss, rel=1e-12)


def test_learning_rate_tuned_for_the_sum_at_batch_8_blows_up_at_batch_1000():
    runs = replays.measure_batch_size_effect(batch_sizes=(8, 1000), epochs=3)
    assert runs["sum", 8][0].loss == runs["mean", 8][0].loss
    # The table's first column is a mean over epoch 1: far below the start at batch 8, where
    # the epoch's steps act within it, the start itself at batch 1000 (one step, after it).
    X, Y = replays.mnist_subset()[:2]
    start = mh.MLP((784, 32, 16, 2), seed=0, dtype=np.float32).loss(X, Y)
    assert runs["mean", 8][0].loss[0] < start / 2
    assert runs["mean", 1000][0].loss[0] == pytest.approx(start, rel=1e-5)
    summed, summed_accuracy = runs["sum", 1000]
    mean, mean_accuracy = runs["mean", 1000]
    assert summed.loss[-1] > 10 * summed.loss[0]
    assert summed_accuracy < 0.6
    assert mean.loss[-1] < mean.loss[0]
    assert mean_accuracy > 0.8


# Lecture 3 ---------------------------------------------------------------------------------

def test_one_minus_sigmoid_of_the_activation_fails_the_gradient_check_below_the_output():
    X, Y, _ = replays.mnist_training_set()
    net = learners.mnist.SETTING.network()
    with np.errstate(over="ignore"):
        report = mh.check_network_gradients(
            net, X[:20], Y[:20], samples=4,
            hidden_delta=bugs.hidden_delta_one_minus_sigmoid_of_activation)
    assert set(report.failing) == {"W1", "b1", "W2", "b2"}


@pytest.fixture(scope="module")
def small_trained_mnist_net():
    X, Y, X_test, _, labels_test = replays.mnist_subset()
    net = mh.MLP((784, 32, 16, 2), seed=0, dtype=np.float32)
    mh.train(net, X, Y, lr=0.5, epochs=2, batch_size=32)
    return net, X_test, labels_test


def test_aliased_output_delta_makes_the_accuracy_read_afterwards_zero(small_trained_mnist_net):
    net, X_test, labels_test = small_trained_mnist_net
    before, after, row_sum = replays.measure_aliasing(net, X_test, labels_test)
    assert before > 0.9
    assert after == 0.0
    assert row_sum < 1e-6


def test_bias_gradient_without_keepdims_has_the_wrong_shape_and_the_same_update(
        small_trained_mnist_net):
    net, X_test, _ = small_trained_mnist_net
    Y = np.eye(2, dtype=np.float32)[net.predict(X_test[:50])]
    shape_with, shape_without, difference = replays.measure_bias_gradient_shapes(
        net, X_test[:50], Y, lr=0.5)
    assert shape_with == (1, 32)
    assert shape_without == (32,)
    assert difference == 0.0


def test_confusion_matrix_counts_each_true_and_predicted_pair():
    labels = np.array([0, 0, 1, 1, 1])
    predictions = np.array([0, 1, 1, 1, 0])
    assert confusion_matrix(labels, predictions).tolist() == [[1, 1], [1, 2]]
    fig, summary = plot_confusion_matrix(labels, predictions)
    plt.close(fig)
    assert "3 of 5 right (60.0%)" in summary
    assert "1 3s read as 7" in summary


def test_lecture_3_measures_bugs_3_and_4_on_section_5s_network_as_it_announces():
    notebook = execute("03_mnist_two_hidden.ipynb")
    printed = "".join(output.get("text", "") for cell in notebook.cells
                      if cell.cell_type == "code" for output in cell.outputs)
    test_accuracy = printed.split("test accuracy: ")[1].split(" ")[0]
    assert f"accuracy read from p before: {test_accuracy}" in printed
    assert "db with keepdims: (1, 64)" in printed


# Lecture 4 ---------------------------------------------------------------------------------

def test_sigmoid_deltas_shrink_about_4_fold_per_layer_with_glorots_weights():
    data = mh.load_mnist_3v7(validation_size=1000, seed=0)
    X, Y = data.train.X[:256], data.train.Y[:256]
    norms = diagnostics.gradient_norms(
        diagnostics.deep_network("sigmoid", "xavier", depth=10, width=64), X, Y)
    shrink = norms[1:-1] / norms[:-2]
    assert 4 < np.median(shrink) < 5
