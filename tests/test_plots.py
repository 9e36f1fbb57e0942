"""Each figure comes with a one-line summary that states what it shows, with its numbers."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mlp_helpers as mh
from mlp_helpers.lectures import plots


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_loss_curve_summary_gives_first_and_last_loss():
    history = mh.History(loss=[0.5, 0.25, 0.125])
    fig, summary = plots.plot_loss_curves({"mean": history})
    assert summary == "Loss curves (mean: 0.5 -> 0.125 over 3 epochs)."
    assert len(fig.axes[0].lines) == 1


def test_decision_boundary_summary_counts_the_xor_points_classified_right():
    X, Y = mh.xor()
    net = mh.MLP((2, 5, 1), output="sigmoid", seed=0)
    mh.train(net, X, Y, lr=2.0, epochs=3000)
    _, summary = plots.plot_xor_decision_boundary(net, X, Y, resolution=50)
    assert summary.startswith("Decision boundary: 4 of 4 XOR points on the right side of 0.5")


def test_digit_grid_counts_digits_and_misclassified_ones():
    images = np.zeros((4, 784))
    labels = np.array([0, 1, 1, 0])
    fig, summary = plots.plot_digit_grid(images, labels, predictions=np.array([0, 1, 0, 0]),
                                         columns=2)
    assert summary == "4 digits (2 × 3, 2 × 7), 1 misclassified (in red)."
    assert [ax.get_title() for ax in fig.axes] == ["3→3", "7→7", "7→3", "3→3"]


def test_first_layer_weights_summary_gives_their_range():
    W1 = np.linspace(-1.0, 2.0, 784 * 3).reshape(784, 3)
    _, summary = plots.plot_first_layer_weights(W1)
    assert summary == ("Incoming weights of 3 of 3 first-layer units as 28×28 images; "
                       "weights range from -1.00 to 2.00.")
