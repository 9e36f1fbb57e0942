"""Figures of lecture 4 (why a network does not learn), each returning ``(figure, summary)``.

As in ``mlp_helpers.lectures.plots``, the summary is one line of text saying what the figure shows,
with its numbers, for readers who cannot see it.
"""

import matplotlib.pyplot as plt
import numpy as np

from mlp_helpers.lectures.diagnostics import inactive


def _ridge_values(a, hidden):
    # A ReLU's activations span many orders of magnitude when the scale is wrong: its
    # histogram is drawn over log10 of the units that are on.
    if hidden == "relu":
        on = a[a > 0]
        return np.log10(on) if on.size else on
    return a.reshape(-1)


def _ridge_range(layers, hidden):
    if hidden != "relu":
        return 0.0, 1.0
    values = np.concatenate([_ridge_values(a, hidden) for a in layers])
    if values.size == 0:
        return -1.0, 1.0
    low, high = np.percentile(values, [0.5, 99.5])
    return float(low) - 0.25, float(high) + 0.25


def draw_layer_histograms(ax, layers, hidden, title, bins=40):
    """One histogram per layer on ``ax``, layer 1 at the top (see ``plot_layer_histograms``)."""
    low, high = _ridge_range(layers, hidden)
    depth = len(layers)
    for l, a in enumerate(layers, start=1):
        counts, edges = np.histogram(_ridge_values(a, hidden), bins=bins, range=(low, high))
        base = depth - l
        height = counts / counts.max() * 0.85 if counts.max() else counts.astype(float)
        ax.stairs(base + height, edges, baseline=base, fill=True, color=f"C{l % 10}",
                  alpha=0.8)
        off = "off" if hidden == "relu" else "sat."
        ax.text(high, base + 0.35, f" std {a.std():.2g}, {off} {np.mean(inactive(a, hidden)):.0%}",
                fontsize=7, va="center")
    ax.set_yticks([depth - l + 0.35 for l in range(1, depth + 1)],
                  [f"layer {l}" for l in range(1, depth + 1)], fontsize=7)
    ax.set_xlim(low, high)
    ax.set_xlabel("log10(a), units that are on" if hidden == "relu" else "activation a")
    ax.set_title(title, fontsize=9)


def layer_summary(layers, hidden):
    """The std of the first and last layers' activations, and the share of the last inactive."""
    word = "off" if hidden == "relu" else "saturated"
    return (f"std {layers[0].std():.2g} in layer 1 and {layers[-1].std():.2g} in layer "
            f"{len(layers)}, {np.mean(inactive(layers[-1], hidden)):.0%} {word} in layer "
            f"{len(layers)}")


def plot_layer_histograms(layers_by_init, hidden):
    """Histograms of every hidden layer's activations, one panel per initialisation.

    Parameters
    ----------
    layers_by_init : dict mapping a label to a list of ``(n, units)`` arrays
        Each list is ``[a_1, ..., a_depth]`` of one network (layer 1 drawn at the top).
    hidden : {"sigmoid", "relu"}
        The networks' hidden activation: sigmoid activations are drawn on [0, 1], ReLU ones
        as log10 of the units that are on (the units that are off are counted at the right).
    """
    fig, axes = plt.subplots(1, len(layers_by_init), figsize=(4.2 * len(layers_by_init), 3.8),
                             squeeze=False)
    parts = []
    for ax, (label, layers) in zip(axes[0], layers_by_init.items()):
        draw_layer_histograms(ax, layers, hidden, label)
        parts.append(f"{label}: {layer_summary(layers, hidden)}")
    fig.tight_layout()
    depth = len(next(iter(layers_by_init.values())))
    return fig, (f"Activations of the {depth} {hidden} layers, layer by layer: "
                 + "; ".join(parts) + ".")


def plot_gradient_norms(norms_by_label, ax=None):
    """``|dW_l|`` against the layer ``l`` (log scale), one line per network.

    Parameters
    ----------
    norms_by_label : dict mapping a label to an ``(L,)`` array, first layer first
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 3.6))
    else:
        fig = ax.figure
    parts = []
    for label, norms in norms_by_label.items():
        norms = np.asarray(norms)
        ax.semilogy(np.arange(1, len(norms) + 1), norms, "o-", label=label, markersize=4)
        parts.append(f"{label}: {norms[-1]:.1e} at the output layer, {norms[0]:.1e} at layer 1 "
                     f"({norms[-1] / norms[0]:.3g} times smaller)" if norms[-1] > norms[0] else
                     f"{label}: {norms[-1]:.1e} at the output layer, {norms[0]:.1e} at layer 1")
    ax.set_xlabel("layer l (1 = first hidden layer)")
    ax.set_ylabel("|dW_l|")
    ax.legend(fontsize=8)
    return fig, "Gradient norm per layer: " + "; ".join(parts) + "."


def plot_range_test(tests, ax=None):
    """Loss after a short run against the learning rate (log axes), one line per range test.

    Parameters
    ----------
    tests : dict mapping a label to a ``tuning.RangeTest``
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 3.6))
    else:
        fig = ax.figure
    parts = []
    top = max(np.nanmax(test.losses) for test in tests.values())
    for i, (label, test) in enumerate(tests.items()):
        color = f"C{i}"
        ax.loglog(test.rates, test.losses, "o-", color=color, label=label, markersize=4)
        diverged = test.rates[np.isnan(test.losses)]
        if diverged.size:
            ax.plot(diverged, np.full(diverged.size, top * 1.5), "x", color=color)
        ax.plot(test.best, np.nanmin(test.losses), "*", color=color, markersize=14)
        small = f"too small up to {max(test.too_small):.3g}" if test.too_small else \
            "none too small"
        large = f"too large from {min(test.too_large):.3g}" if test.too_large else \
            "none too large"
        parts.append(f"{label}: lowest loss {np.nanmin(test.losses):.3g} at lr {test.best:.3g}, "
                     f"{small}, {large}")
    starts = {}
    for i, test in enumerate(tests.values()):
        starts.setdefault(round(test.start, 6), f"C{i}")
    for start, color in starts.items():
        # One dashed line per distinct network: in its colour, grey when they all share it.
        ax.axhline(start, color=color if len(starts) > 1 else "0.5", linestyle="--",
                   linewidth=1, label=f"untrained ({start:.3g})")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("mean loss, last epoch")
    ax.legend(fontsize=8)
    return fig, ("Range test (too small: not halfway from the untrained loss to 0; too large: "
                 "no better than untrained; x: overflowed): " + "; ".join(parts) + ".")


def plot_training_and_validation(history, best=None, stop=None):
    """Training and validation loss per epoch (log scale), and the validation loss alone.

    The right panel draws the validation loss on a linear scale, where its rises and falls
    show; the epoch early stopping keeps (and the one it stops at) is marked on both.

    Parameters
    ----------
    history : History with ``val_loss``
    best, stop : int, optional
        The epoch kept and the epoch training stopped (from ``tuning.early_stopping``).
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    epochs = np.arange(1, len(history.loss) + 1)
    left.semilogy(epochs, history.loss, ".-", label="training")
    left.semilogy(epochs, history.val_loss, ".-", label="validation")
    right.plot(epochs, history.val_loss, ".-", color="C1", label="validation")
    text = (f"Training loss {history.loss[0]:.3g} -> {history.loss[-1]:.3g}, validation loss "
            f"{history.val_loss[0]:.3g} -> {history.val_loss[-1]:.3g} over {len(epochs)} epochs")
    for ax in (left, right):
        if best is not None:
            ax.axvline(best, color="0.4", linestyle="--", linewidth=1,
                       label=f"lowest validation loss (epoch {best})")
        if stop is not None and stop < len(epochs):
            ax.axvline(stop, color="C3", linestyle=":", linewidth=1,
                       label=f"early stopping (epoch {stop})")
        ax.set_xlabel("epoch")
        ax.set_ylabel("mean loss")
    # Zoom on the validation loss once it has come down from its first epochs.
    later = np.asarray(history.val_loss[len(epochs) // 10:])
    low, high = later.min(), later.max()
    right.set_ylim(low - 0.1 * (high - low), high + 0.1 * (high - low))
    right.set_title("validation loss alone", fontsize=9)
    left.legend(fontsize=8)
    right.legend(fontsize=8)
    fig.tight_layout()
    if best is not None:
        text += f"; lowest validation loss {history.val_loss[best - 1]:.3g} at epoch {best}"
    if stop is not None and stop < len(epochs):
        text += f"; early stopping ends the run at epoch {stop}"
    return fig, text + "."
