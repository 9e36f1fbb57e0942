"""Playgrounds for the lectures: sliders and dropdowns that drive a training run and its plots.

Each builder returns a ``Playground``. Moving a control calls ``playground.update()``, which
trains again, redraws the figure and rewrites the one-line summary; tests call ``update`` (or
set a control's ``value``) without a browser. Displayed where no kernel runs (a web page, a
notebook opened without running it), a playground shows its current figure and summary as a
plain picture instead of dead controls.
"""

import base64
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from mlp_helpers.data import xor
from mlp_helpers.lectures.bugs import BUGS, MNIST_BUGS
from mlp_helpers.lectures.plots import plot_loss_curves, plot_xor_decision_boundary
from mlp_helpers.lectures.plots.xor import plot_loss_and_boundary
from mlp_helpers.lectures.replays import MNIST_SUBSET, Setting, mnist_subset, replay_xor
from mlp_helpers.network import INIT_SCHEMES, MLP
from mlp_helpers.training import train

CORRECT = "none: the course's rules"
# Settings chosen so one run answers a slider in about a second on a laptop.
XOR_DEMO = Setting(layer_sizes=(2, 3, 1), output="sigmoid", init="xavier", bias=True, seed=0,
                   lr=3.0, epochs=1000)
MNIST_EPOCHS = 3
MNIST_DEMO = {"lr": 0.5, "hidden": 32, "init": "xavier", "batch_size": 32}
# Round values on a log scale: a continuous slider would show 3.16 where a person means 3.
XOR_LEARNING_RATES = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
MNIST_LEARNING_RATES = (0.001, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0)
LABELS = {"description_width": "initial"}


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def choice_slider(description, options, value):
    """A slider over ``options`` (round values), retraining when its handle is released."""
    return widgets.SelectionSlider(options=options, value=value, description=description,
                                   continuous_update=False, style=LABELS)


def _slider(description, value, low, high):
    # Retrain when the handle is released, not at every pixel of a drag.
    return widgets.IntSlider(value=value, min=low, max=high, description=description,
                             continuous_update=False, style=LABELS)


def menu(description, options, value):
    """A drop-down menu of ``options``, starting at ``value``."""
    return widgets.Dropdown(options=options, value=value, description=description,
                            style=LABELS)


class Playground:
    """Controls, a figure and its summary, kept in step by ``update``.

    Parameters
    ----------
    controls : dict mapping a keyword of ``run`` to an ipywidgets control
    run : callable ``run(**values) -> (fig, summary)``
    """

    def __init__(self, controls, run):
        self.controls = controls
        self.run = run
        self.image = widgets.Image(format="png")
        self.label = widgets.HTML()
        self.widget = widgets.VBox([widgets.HBox(list(controls.values())), self.image,
                                    self.label])
        for control in controls.values():
            control.observe(lambda _change: self.update(), names="value")
        self.update()

    @property
    def summary(self):
        """The one-line summary of the figure shown now."""
        return self.label.value

    def update(self):
        """Run again with the controls' current values; returns the new summary."""
        fig, summary = self.run(**{name: c.value for name, c in self.controls.items()})
        self.image.value = _png(fig)
        self.label.value = summary
        return summary

    def _repr_mimebundle_(self, **kwargs):
        # A live front end picks the widget view; a static page falls back to the HTML picture.
        bundle = self.widget._repr_mimebundle_(**kwargs)
        picture = base64.b64encode(self.image.value).decode("ascii")
        bundle["image/png"] = picture
        bundle["text/html"] = f'<img src="data:image/png;base64,{picture}"/><p>{self.summary}</p>'
        bundle["text/plain"] = self.summary
        return bundle


def train_xor(lr, hidden, init, batch_size, epochs=XOR_DEMO.epochs, seed=0):
    """Train a 2-hidden-1 sigmoid net on XOR; returns ``(net, history)``."""
    net = MLP((2, hidden, 1), output="sigmoid", init=init, seed=seed)
    history = train(net, *xor(), lr=lr, epochs=epochs, batch_size=batch_size, seed=seed)
    return net, history


def xor_playground():
    """Learning rate, hidden units, initialisation and batch size for XOR."""
    def run(lr, hidden, init, batch_size):
        net, history = train_xor(lr, hidden, init, batch_size)
        return plot_loss_and_boundary(history, net, f"2-{hidden}-1, {init}, lr {lr:.3g}, "
                                                f"batch {batch_size}")

    return Playground({
        "lr": choice_slider("learning rate", XOR_LEARNING_RATES, XOR_DEMO.lr),
        "hidden": _slider("hidden units", 3, 1, 8),
        "init": menu("init", INIT_SCHEMES, "xavier"),
        "batch_size": menu("batch size", (1, 2, 4), 4),
    }, run)


def bug_picker(setting=XOR_DEMO):
    """Replay XOR with one bug of the course's list, next to the correct run."""
    correct = replay_xor(setting)

    def run(bug):
        if bug == CORRECT:
            buggy, what, runs = correct, "the course's rules", {"correct": correct.history}
        else:
            buggy = replay_xor(setting, **{BUGS[bug].rule: BUGS[bug].function})
            what = f"{bug}: {BUGS[bug].description}"
            runs = {"correct": correct.history, bug: buggy.history}
        fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
        _, loss_summary = plot_loss_curves(runs, ax=left)
        _, boundary_summary = plot_xor_decision_boundary(buggy.after, *xor(), ax=right,
                                                          resolution=100)
        right.set_title(bug, fontsize=9)
        fig.tight_layout()
        result = "Result" if bug == CORRECT else "With the bug"
        return fig, f"Replay with {what}. {loss_summary} {result}: {boundary_summary}"

    return Playground({"bug": menu("bug", (CORRECT, *BUGS), CORRECT)}, run)


def train_mnist(lr, hidden, init, batch_size, **rules):
    """Train 784-``hidden``-16-2 (float32) on the MNIST subset; returns ``(net, history)``.

    ``rules`` replace the course's rules (``output_delta=``, ``hidden_delta=``...).
    """
    X, Y, X_test, Y_test, _ = mnist_subset()
    net = MLP((784, hidden, 16, 2), init=init, seed=0, dtype=np.float32)
    history = train(net, X, Y, lr=lr, epochs=MNIST_EPOCHS, batch_size=batch_size,
                    validation=(X_test, Y_test), **rules)
    return net, history


def _test_accuracy(net):
    _, _, X_test, _, labels_test = mnist_subset()
    return f"on {len(labels_test)} held-out digits: {net.accuracy(X_test, labels_test):.1%}"


def mnist_playground():
    """Learning rate, first hidden layer, initialisation and batch size for 784-h-16-2."""
    def run(lr, hidden, init, batch_size):
        net, history = train_mnist(lr, hidden, init, batch_size)
        fig, ax = plt.subplots(figsize=(6, 3.2))
        _, summary = plot_loss_curves(history, ax=ax, log_scale=False)
        title = f"784-{hidden}-16-2, {init}, lr {lr:.3g}, batch {batch_size}"
        ax.set_title(title, fontsize=9)
        return fig, f"{title}. {summary} Test accuracy {_test_accuracy(net)}."

    return Playground({
        "lr": choice_slider("learning rate", MNIST_LEARNING_RATES, MNIST_DEMO["lr"]),
        "hidden": _slider("hidden units", MNIST_DEMO["hidden"], 2, 128),
        "init": menu("init", INIT_SCHEMES, MNIST_DEMO["init"]),
        "batch_size": menu("batch size", (8, 32, 128, MNIST_SUBSET), MNIST_DEMO["batch_size"]),
    }, run)


def mnist_bug_picker():
    """The MNIST playground's default run with a bug of ``MNIST_BUGS``, next to the correct one."""
    correct_net, correct = train_mnist(**MNIST_DEMO)

    def run(bug):
        if bug == CORRECT:
            net, runs, what = correct_net, {"correct": correct}, "the course's rules"
        else:
            net, history = train_mnist(**MNIST_DEMO,
                                       **{MNIST_BUGS[bug].rule: MNIST_BUGS[bug].function})
            runs, what = {"correct": correct, bug: history}, f"{bug}: {MNIST_BUGS[bug].description}"
        fig, ax = plt.subplots(figsize=(6, 3.2))
        _, summary = plot_loss_curves(runs, ax=ax, log_scale=False)
        ax.set_title(f"784-{MNIST_DEMO['hidden']}-16-2, {bug}", fontsize=9)
        result = "Test accuracy" if bug == CORRECT else "With the bug, test accuracy"
        return fig, f"Replay with {what}. {summary} {result} {_test_accuracy(net)}."

    return Playground({"bug": menu("bug", (CORRECT, *MNIST_BUGS), CORRECT)}, run)


class LiveFigure:
    """A figure and its summary redrawn in place in the notebook, e.g. every few epochs."""

    def __init__(self):
        self._handles = None

    def show(self, fig, summary):
        """Draw ``fig`` and print ``summary`` the first time; replace both afterwards."""
        from IPython.display import Pretty, display

        if self._handles is None:
            self._handles = (display(fig, display_id=True),
                             display(Pretty(summary), display_id=True))
        else:
            self._handles[0].update(fig)
            self._handles[1].update(Pretty(summary))
        plt.close(fig)
