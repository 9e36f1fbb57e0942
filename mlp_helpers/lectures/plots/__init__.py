"""Figures of the course.

Each returns ``(figure, summary)``: the summary is one line of text saying what the figure
shows, with its numbers, for readers who cannot see it.
"""

import matplotlib.pyplot as plt
import numpy as np

from mlp_helpers.data import DIGITS


def _axes(ax, figsize):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def plot_loss_curves(histories, ax=None, log_scale=True):
    """Training loss per epoch for one or several runs.

    Parameters
    ----------
    histories : History, or dict mapping a run's label to its History
    ax : matplotlib Axes, optional
    log_scale : bool
        A log axis shows both the early drop and the late crawl.
    """
    if not isinstance(histories, dict):
        histories = {"training loss": histories}
    fig, ax = _axes(ax, (6, 3.5))
    parts = []
    for label, history in histories.items():
        epochs = np.arange(1, len(history.loss) + 1)
        ax.plot(epochs, history.loss, label=label)
        if history.loss:
            parts.append(f"{label}: {history.loss[0]:.3g} -> {history.loss[-1]:.3g} "
                         f"over {len(history.loss)} epochs")
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean loss")
    ax.legend()
    return fig, "Loss curves (" + "; ".join(parts) + ")."


def plot_xor_decision_boundary(net, X, Y, ax=None, resolution=200):
    """The network's output over the unit square, its 0.5 contour, and the four XOR points."""
    fig, ax = _axes(ax, (4, 4))
    grid = np.linspace(-0.25, 1.25, resolution)
    gx, gy = np.meshgrid(grid, grid)
    output, _ = net.forward(np.column_stack([gx.ravel(), gy.ravel()]))
    surface = output[:, 0].reshape(gx.shape)
    ax.contourf(gx, gy, surface, levels=20, cmap="RdBu_r", vmin=0, vmax=1, alpha=0.8)
    ax.contour(gx, gy, surface, levels=[0.5], colors="k")
    targets = np.asarray(Y).reshape(-1)
    ax.scatter(X[:, 0], X[:, 1], c=targets, cmap="RdBu_r", vmin=0, vmax=1, s=120,
               edgecolors="k")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    predictions = net.forward(X)[0][:, 0]
    correct = int(np.sum((predictions > 0.5) == (targets > 0.5)))
    shown = ", ".join(f"{p:.2f}" for p in predictions)
    return fig, (f"Decision boundary: {correct} of {len(targets)} XOR points on the right side "
                 f"of 0.5 (outputs {shown}); {np.mean(surface > 0.5):.0%} of the square "
                 "is classified 1.")


def plot_digit_grid(images, labels, predictions=None, columns=8, max_digits=32):
    """A grid of digits titled with their digit (and the prediction, in red when wrong).

    Parameters
    ----------
    images : (n, 784) or (n, 28, 28) array in [0, 1]
    labels : (n,) ints, 0 for a three and 1 for a seven
    predictions : (n,) ints, optional
    """
    images = np.asarray(images)[:max_digits].reshape(-1, 28, 28)
    labels = np.asarray(labels)[:max_digits]
    rows = int(np.ceil(len(images) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 1.1, rows * 1.3), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    wrong = 0
    for i, (ax, image) in enumerate(zip(axes.ravel(), images)):
        ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
        title = str(DIGITS[labels[i]])
        color = "black"
        if predictions is not None:
            title += f"→{DIGITS[predictions[i]]}"
            if predictions[i] != labels[i]:
                color, wrong = "red", wrong + 1
        ax.set_title(title, color=color, fontsize=9)
    counts = ", ".join(f"{np.sum(labels == k)} × {d}" for k, d in enumerate(DIGITS))
    summary = f"{len(images)} digits ({counts})"
    if predictions is not None:
        summary += f", {wrong} misclassified (in red)"
    return fig, summary + "."


def plot_first_layer_weights(W1, max_units=16, columns=8):
    """Each hidden unit's incoming weights ``W1[:, j]`` as a 28 x 28 image (red +, blue -)."""
    W1 = np.asarray(W1)
    units = min(W1.shape[1], max_units)
    rows = int(np.ceil(units / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 1.1, rows * 1.1), squeeze=False)
    limit = float(np.abs(W1[:, :units]).max())
    for ax in axes.ravel():
        ax.axis("off")
    for j, ax in enumerate(axes.ravel()[:units]):
        ax.imshow(W1[:, j].reshape(28, 28), cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"unit {j + 1}", fontsize=8)
    return fig, (f"Incoming weights of {units} of {W1.shape[1]} first-layer units as 28×28 "
                 f"images; weights range from {W1.min():.2f} to {W1.max():.2f}.")
