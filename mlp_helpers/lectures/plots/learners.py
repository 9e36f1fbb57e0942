"""Figures of the learners' replays: realisations of a run beside what the learner posted."""

import matplotlib.pyplot as plt
import numpy as np


def plot_realisations_beside_posted(losses, posted, start=500, ax=None):
    """Every realisation's loss at every pass, with the learner's printout.

    Parameters
    ----------
    losses : (realisations, passes) array
        Each realisation's mean loss before each pass; the first is drawn darkest.
    posted : dict mapping a pass to the loss the learner printed before it
    start : int
        The summary speaks of the passes from ``start`` on.
    ax : matplotlib Axes, optional

    Returns
    -------
    (Figure, str)
        The figure and a one-line summary of what it shows.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5))
    passes = np.arange(len(losses[0]))
    for k, loss in enumerate(losses):
        ax.plot(passes, loss, color="C0" if k == 0 else "0.7", linewidth=0.5, alpha=0.9,
                zorder=3 if k == 0 else 2,
                label="realisation 0 (the file's order)" if k == 0 else
                ("the other realisations" if k == 1 else None))
    ax.plot(list(posted), list(posted.values()), "x", color="C3", markersize=8, zorder=4,
            label="what they posted")
    ax.set_yscale("log")
    ax.set_xlabel("pass")
    ax.set_ylabel("mean cross-entropy")
    ax.legend(loc="lower right", fontsize="small")
    later = np.asarray(losses)[:, start:]
    theirs = [value for when, value in posted.items() if when >= start]
    return ax.figure, (f"From pass {start} on, each of the {len(losses)} realisations' loss "
                       f"ranges from {later.min(axis=1).max():.2f} or less to "
                       f"{later.max(axis=1).min():.2f} or more (lowest {later.min():.2f}, "
                       f"highest {later.max():.2f}); their printout lies between "
                       f"{min(theirs):.2f} and {max(theirs):.2f}.")


def plot_gap(distances, losses, ax=None):
    """How far two realisations of one run are apart, pass by pass, on a log scale.

    Parameters
    ----------
    distances : (passes,) array
        After each pass, the parameters' distance over their size.
    losses : (2, passes) array
        The two realisations' losses before each pass (after 0, 1, ... passes).
    ax : matplotlib Axes, optional

    Returns
    -------
    (Figure, str)
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5))
    loss_gap = np.abs(losses[0] - losses[1]) / losses[0]
    ax.semilogy(np.arange(1, len(distances) + 1), distances, color="C0",
                label="parameters: |difference| / |size|")
    ax.semilogy(np.arange(len(loss_gap)), np.where(loss_gap > 0, loss_gap, np.nan), ".",
                color="C1", markersize=2, label="loss: relative difference")
    ax.axhline(np.finfo(float).eps, color="0.5", linestyle=":", linewidth=1)
    ax.text(0, np.finfo(float).eps * 1.5, "the last bit of a float64", fontsize=8, color="0.4")
    ax.set_xlabel("pass")
    ax.set_ylabel("gap between the two realisations")
    ax.legend(loc="upper left", fontsize="small")

    def first(values, level):
        above = np.flatnonzero(values > level)
        return f"pass {above[0] + 1}" if above.size else "never"

    return ax.figure, (f"After pass 1 the parameters differ by {distances[0]:.0e} of their size, "
                       f"beyond 1e-6 from {first(distances, 1e-6)}; the losses differ beyond "
                       f"1e-6 from {first(loss_gap[1:], 1e-6)}, beyond 1e-3 from "
                       f"{first(loss_gap[1:], 1e-3)}, and by up to {np.nanmax(loss_gap):.0e} "
                       f"by pass {len(distances)}.")
