"""The lectures' extra figures: each summary states what its figure shows, with its numbers."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mlp_helpers as mh
from mlp_helpers.lectures import replays, widgets
from mlp_helpers.lectures.plots.gradients import plot_gradient_error_vs_step
from mlp_helpers.lectures.plots.learners import plot_gap, plot_realisations_beside_posted
from mlp_helpers.lectures.plots.xor import (
    plot_linear_attempts,
    plot_loss_and_boundary,
    plot_weight_matrices,
    plot_xor_snapshots,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def short_run():
    return replays.replay_xor(widgets.XOR_DEMO)


def test_linear_attempts_summary_counts_lines_by_points_right():
    _, summary = plot_linear_attempts(*mh.xor(), lines=500, seed=1)
    assert summary.startswith("500 random lines against XOR: at most 3 of 4 points")
    assert "0 get 4" in summary


def test_weight_matrices_summary_gives_signs_and_norms_after_training(short_run):
    fig, summary = plot_weight_matrices({"run": short_run})
    W1 = short_run.after.weights[0]
    assert f"run W1: {np.sum(W1 > 0)} positive, {np.sum(W1 < 0)} negative" in summary
    assert f"norm {np.linalg.norm(W1):.2f}" in summary
    assert len(fig.axes) == 4


def test_snapshots_summary_says_when_all_four_points_are_right(short_run):
    X, Y = mh.xor()
    _, summary = plot_xor_snapshots([(0, short_run.before), (1000, short_run.after)])
    assert f"epoch 0: 2 of 4 right, loss {short_run.before.loss(X, Y):.3g}" in summary
    assert "epoch 1000: 4 of 4 right" in summary


def test_loss_and_boundary_summary_joins_both_panels(short_run):
    _, summary = plot_loss_and_boundary(short_run.history, short_run.after, "demo")
    assert summary.startswith("demo. Loss curves (training loss: ")
    assert "4 of 4 XOR points" in summary


def test_gradient_error_plot_marks_the_best_step():
    steps = np.array([1e-8, 1e-5, 1e-2])
    errors = np.array([1e-6, 1e-10, 1e-4])
    _, summary = plot_gradient_error_vs_step(steps, errors)
    assert "lowest 1.0e-10 at h = 1e-05" in summary
    assert "1.0e-06 at h = 1e-08" in summary


def test_gap_summary_says_from_which_pass_two_realisations_differ_beyond_each_level():
    distances = 1e-16 * np.exp(np.arange(1, 301) / 8)  # e every 8 passes
    losses = np.vstack([np.ones(300), 1 + distances])
    fig, summary = plot_gap(distances, losses)
    assert summary.startswith("After pass 1 the parameters differ by 1e-16 of their size")
    assert f"beyond 1e-6 from pass {np.argmax(distances > 1e-6) + 1};" in summary
    # losses[:, p] is the loss after p passes: the loss gap after pass k is distances[k].
    assert f"beyond 1e-3 from pass {np.argmax(distances[1:] > 1e-3) + 1}," in summary
    assert len(fig.axes[0].lines) >= 2


def test_realisations_summary_gives_every_realisations_range_beside_their_printout():
    losses = np.array([np.linspace(3, 0.5, 1000), np.linspace(0.4, 6, 1000)])
    _, summary = plot_realisations_beside_posted(losses, {501: 2.1, 1001: 4.0}, start=500)
    assert "each of the 2 realisations' loss ranges from" in summary
    assert "their printout lies between 2.10 and 4.00" in summary
    assert f"highest {losses[:, 500:].max():.2f}" in summary
