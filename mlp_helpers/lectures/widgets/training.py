"""Playgrounds of lecture 4: the initial scale of a deep network, and a learning-rate range test.

Each builder returns a ``widgets.Playground``: moving a control runs again and redraws the
figure and its one-line summary; without a kernel it shows its figure and summary as a picture.
"""

from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np

from mlp_helpers.lectures.diagnostics import deep_network, hidden_activations, inactive
from mlp_helpers.lectures.plots.training import (
    draw_layer_histograms,
    layer_summary,
    plot_range_test,
)
from mlp_helpers.lectures.replays import mnist_subset
from mlp_helpers.lectures.tuning import range_test
from mlp_helpers.lectures.widgets import Playground, choice_slider, menu
from mlp_helpers.losses import REDUCTIONS
from mlp_helpers.network import HIDDEN, MLP

# Weights drawn as gain * randn / sqrt(fan_in): gain 1 gives the variance 1 / fan_in (Xavier's
# for layers as wide as their input), sqrt(2) He's, 16 plain randn on a 256-unit layer.
GAINS = (0.1, 0.3, 1.0, 1.41, 2.0, 4.0, 16.0)
DEPTH, WIDTH, EXAMPLES = 10, 256, 500
RANGE_TEST = {"epochs": 3, "layer_sizes": (784, 64, 32, 2)}
INIT_FOR = {"sigmoid": "xavier", "relu": "he"}


def deep_activations(hidden, init, depth=DEPTH, width=WIDTH, examples=EXAMPLES):
    """Hidden activations of ``diagnostics.deep_network`` on ``examples`` MNIST digits."""
    X = mnist_subset()[0][:examples]
    net = deep_network(hidden, init, depth=depth, width=width, dtype=np.float32)
    with np.errstate(over="ignore"):  # a huge gain on ReLU layers may overflow float32
        return hidden_activations(net, X)


def plot_initial_scale(hidden, gain):
    """The per-layer histograms of one deep network and its std per layer: ``(fig, summary)``."""
    layers = deep_activations(hidden, gain)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.8), width_ratios=(3, 2))
    title = f"{DEPTH} {hidden} layers of {WIDTH}, weights {gain:g} × randn / √fan_in"
    draw_layer_histograms(left, layers, hidden, title)
    stds = np.array([a.std() for a in layers])
    right.semilogy(np.arange(1, DEPTH + 1), stds, "o-")
    # At least three decades shown, so that a wobble does not look like a trend.
    right.set_ylim(min(1e-3, stds.min() / 3), max(1.0, stds.max() * 3))
    right.set_xlabel("layer")
    right.set_ylabel("std of the activations")
    fig.tight_layout()
    word = "off" if hidden == "relu" else "saturated"
    fraction = np.mean([np.mean(inactive(a, hidden)) for a in layers])
    return fig, (f"{title}: {layer_summary(layers, hidden)}; {fraction:.0%} {word} over all "
                 f"layers; the std changes by a factor {stds[-1] / stds[0]:.3g} from layer 1 "
                 f"to layer {DEPTH}.")


def initial_scale_playground():
    """Hidden activation and weight gain of a 10-layer network, with its layers' histograms."""
    return Playground({
        "hidden": menu("hidden layers", tuple(HIDDEN), "sigmoid"),
        "gain": choice_slider("weight gain", GAINS, 1.0),
    }, plot_initial_scale)


@lru_cache(maxsize=16)
def mnist_range_test(hidden, reduction="mean", batch_size=32):
    """``tuning.range_test`` of 784-64-32-2 on the 1000 digits of ``replays.mnist_subset``.

    The hidden layers use ``hidden`` with their own initialisation (Xavier for the sigmoid,
    He for the ReLU); each run is 3 epochs. Cached: the lecture and its playground share runs.
    """
    X, Y = mnist_subset()[:2]

    def make_network():
        return MLP(RANGE_TEST["layer_sizes"], hidden=hidden, init=INIT_FOR[hidden], seed=0,
                   dtype=np.float32)

    return range_test(make_network, X, Y, epochs=RANGE_TEST["epochs"], batch_size=batch_size,
                      reduction=reduction)


def range_test_playground():
    """A range test of 784-64-32-2 for a hidden activation, a reduction and a batch size."""
    def run(hidden, reduction, batch_size):
        label = f"{hidden}, {reduction}, batch {batch_size}"
        tests = {label: mnist_range_test(hidden, reduction, batch_size)}
        reference = f"{hidden}, mean, batch 32"
        if label != reference:
            tests[reference] = mnist_range_test(hidden)
        fig, summary = plot_range_test(tests)
        fig.axes[0].set_title(f"784-64-32-2, {RANGE_TEST['epochs']} epochs of 1000 digits per "
                              "rate", fontsize=9)
        return fig, summary

    return Playground({
        "hidden": menu("hidden layers", tuple(HIDDEN), "relu"),
        "reduction": menu("loss", REDUCTIONS, "mean"),
        "batch_size": menu("batch size", (8, 32, 128), 32),
    }, run)
