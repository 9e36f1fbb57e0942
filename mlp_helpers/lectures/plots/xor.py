"""Figures of the XOR lecture, each returning ``(figure, summary)`` like ``lectures.plots``."""

import matplotlib.pyplot as plt
import numpy as np

from mlp_helpers.data import xor
from mlp_helpers.lectures.plots import plot_loss_curves, plot_xor_decision_boundary


def linear_separation_scores(X, Y, lines=2000, seed=0):
    """How many points each of ``lines`` random lines puts on the right side.

    A line is one sigmoid unit's boundary ``x @ w + b = 0`` (class 1 where positive).

    Returns
    -------
    weights : (lines, 2) array, biases : (lines,) array, correct : (lines,) ints
    """
    rng = np.random.default_rng(seed)
    weights = rng.standard_normal((lines, 2))
    biases = rng.uniform(-1.5, 1.5, lines)
    predicted = (X @ weights.T + biases) > 0
    correct = np.sum(predicted == (np.asarray(Y).reshape(-1, 1) > 0.5), axis=0)
    return weights, biases, correct


def plot_linear_attempts(X, Y, lines=2000, seed=0, shown=4):
    """The four XOR points and the best of ``lines`` random lines: none gets all four right."""
    weights, biases, correct = linear_separation_scores(X, Y, lines, seed)
    fig, ax = plt.subplots(figsize=(4, 4))
    xs = np.array([-0.25, 1.25])
    for j in np.argsort(-correct, kind="stable")[:shown]:
        w, b = weights[j], biases[j]
        ax.plot(xs, -(w[0] * xs + b) / w[1], label=f"{correct[j]} of 4 right")
    targets = np.asarray(Y).reshape(-1)
    ax.scatter(X[:, 0], X[:, 1], c=targets, cmap="RdBu_r", vmin=0, vmax=1, s=120,
               edgecolors="k", zorder=3)
    ax.set(xlim=(-0.25, 1.25), ylim=(-0.25, 1.25), xlabel="$x_1$", ylabel="$x_2$",
           aspect="equal")
    ax.legend(fontsize=8)
    counts = ", ".join(f"{np.sum(correct == k)} get {k}" for k in range(5))
    return fig, (f"{lines} random lines against XOR: at most {correct.max()} of 4 points on the "
                 f"right side ({counts}).")


def plot_xor_snapshots(snapshots):
    """Decision boundaries side by side, from ``[(epoch, net), ...]`` taken during training."""
    fig, axes = plt.subplots(1, len(snapshots), figsize=(3 * len(snapshots), 3), squeeze=False)
    X, Y = xor()
    parts = []
    for ax, (epoch, net) in zip(axes[0], snapshots):
        plot_xor_decision_boundary(net, X, Y, ax=ax, resolution=80)
        ax.set_title(f"epoch {epoch}")
        outputs = net.forward(X)[0]
        parts.append(f"epoch {epoch}: {np.sum((outputs > 0.5) == (Y > 0.5))} of 4 right, "
                     f"loss {net.loss(X, Y):.3g}")
    fig.tight_layout()
    return fig, "Decision boundary as it forms (" + "; ".join(parts) + ")."


def plot_weight_matrices(replays):
    """Each weight matrix before and after training, values written in the cells.

    Parameters
    ----------
    replays : dict mapping a run's label to a ``mlp_helpers.lectures.replays.Replay``
    """
    columns = [(label, stage, net) for label, run in replays.items()
               for stage, net in (("before", run.before), ("after", run.after))]
    layers = len(columns[0][2].weights)
    fig, axes = plt.subplots(layers, len(columns), figsize=(2.2 * len(columns), 2.6 * layers),
                             squeeze=False)
    limit = max(float(np.abs(W).max()) for _, _, net in columns for W in net.weights)
    parts = []
    for c, (label, stage, net) in enumerate(columns):
        for l, W in enumerate(net.weights):
            ax = axes[l, c]
            ax.imshow(W, cmap="RdBu_r", vmin=-limit, vmax=limit)
            for (i, j), value in np.ndenumerate(W):
                ax.text(j, i, f"{value:.1f}", ha="center", va="center", fontsize=7)
            ax.set_title(f"{label}, {stage}: W{l + 1}", fontsize=8)
            ax.set_xticks([])
            ax.set_yticks([])
            if stage == "after":
                parts.append(f"{label} W{l + 1}: {np.sum(W > 0)} positive, {np.sum(W < 0)} "
                             f"negative, norm {np.linalg.norm(W):.2f}")
    fig.tight_layout()
    return fig, "Weights after training (red +, blue -): " + "; ".join(parts) + "."


def plot_loss_and_boundary(history, net, title):
    """The loss curve of a run and its decision boundary, side by side."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    _, loss_summary = plot_loss_curves(history, ax=left)
    _, boundary_summary = plot_xor_decision_boundary(net, *xor(), ax=right, resolution=100)
    right.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig, f"{title}. {loss_summary} {boundary_summary}"
