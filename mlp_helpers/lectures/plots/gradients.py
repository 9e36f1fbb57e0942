"""Figures that check a result: gradient error against the step ``h``, a confusion matrix.

Each returns ``(figure, summary)`` like ``mlp_helpers.lectures.plots``; ``show`` puts both in a
notebook,
the figure first and its one-line summary under it.
"""

import matplotlib.pyplot as plt
import numpy as np

from mlp_helpers.data import DIGITS
from mlp_helpers.gradcheck import numerical_gradient, relative_error


def show(fig, summary):
    """Display ``fig`` in the notebook, close it (so it is not drawn twice), print ``summary``."""
    from IPython.display import display

    display(fig)
    plt.close(fig)
    print(summary)


def gradient_error_by_step(f, x, analytic, steps):
    """Relative error of the central difference against ``analytic``, for each step ``h``.

    Parameters
    ----------
    f : callable, scalar function of the array ``x``
    x : float array
    analytic : array shaped like ``x``, the exact gradient
    steps : (m,) array of step sizes

    Returns
    -------
    errors : (m,) array
    """
    return np.array([relative_error(analytic, numerical_gradient(f, x, h=h)) for h in steps])


def plot_gradient_error_vs_step(steps, errors, ax=None):
    """Log-log plot of the finite-difference error against ``h``, with its best step marked."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 3.5))
    else:
        fig = ax.figure
    steps, errors = np.asarray(steps), np.asarray(errors)
    best = int(np.argmin(errors))
    ax.loglog(steps, errors, "o-")
    ax.loglog(steps[best], errors[best], "r*", markersize=14, label=f"best h = {steps[best]:.0e}")
    ax.set_xlabel("step h")
    ax.set_ylabel("relative error")
    ax.legend()
    return fig, (f"Gradient-check error against h: {errors[0]:.1e} at h = {steps[0]:.0e}, "
                 f"lowest {errors[best]:.1e} at h = {steps[best]:.0e}, {errors[-1]:.1e} at "
                 f"h = {steps[-1]:.0e} (round-off to the left of the best h, truncation to "
                 "the right).")


def confusion_matrix(labels, predictions, classes=2):
    """``(classes, classes)`` counts: row = true class, column = predicted class."""
    counts = np.zeros((classes, classes), dtype=int)
    np.add.at(counts, (np.asarray(labels), np.asarray(predictions)), 1)
    return counts


def plot_confusion_matrix(labels, predictions, names=DIGITS):
    """Confusion matrix of a classifier, counts written in the cells."""
    counts = confusion_matrix(labels, predictions, len(names))
    fig, ax = plt.subplots(figsize=(3.5, 3))
    ax.imshow(counts, cmap="Blues")
    for (i, j), value in np.ndenumerate(counts):
        ax.text(j, i, str(value), ha="center", va="center",
                color="white" if value > counts.max() / 2 else "black")
    ticks = range(len(names))
    ax.set_xticks(ticks, [str(n) for n in names])
    ax.set_yticks(ticks, [str(n) for n in names])
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    errors = "; ".join(f"{counts[i, j]} {names[i]}s read as {names[j]}"
                       for i in ticks for j in ticks if i != j)
    return fig, (f"Confusion matrix: {np.trace(counts)} of {counts.sum()} right "
                 f"({np.trace(counts) / counts.sum():.1%}); {errors}.")
