"""Choosing a learning rate and when to stop: a learning-rate range test and early stopping.

The range test trains a fresh copy of the same network for a short run at each rate of a
log-spaced grid and compares the losses: too small a rate barely moves, too large a rate
makes the loss jump or climb, the best lies between. Early stopping keeps the network of the
epoch with the lowest validation loss.
"""

from dataclasses import dataclass

import numpy as np

from mlp_helpers.training import train

# Half a decade apart: 0.001, 0.00316, 0.01, ..., 100.
RANGE_TEST_RATES = tuple(float(rate) for rate in 10.0 ** np.arange(-3.0, 2.01, 0.5))


@dataclass(frozen=True)
class RangeTest:
    """The result of ``range_test``.

    ``rates`` and ``losses`` are ``(m,)`` arrays: the mean training loss over the last epoch
    of the short run at each rate (``nan`` where the parameters overflowed). ``start`` is the
    loss of the untrained network on the same examples; ``networks`` are the ``m`` trained
    networks, to look inside.
    """

    rates: np.ndarray
    losses: np.ndarray
    start: float
    networks: tuple = ()

    @property
    def best(self):
        """The rate with the lowest loss."""
        return float(self.rates[np.nanargmin(self.losses)])

    @property
    def too_small(self):
        """Rates below the best whose run did not get even halfway from the start to 0."""
        return [float(r) for r, loss in zip(self.rates, self.losses)
                if r < self.best and loss > self.start / 2]

    @property
    def too_large(self):
        """Rates above the best whose run ended no better than it started (or overflowed)."""
        return [float(r) for r, loss in zip(self.rates, self.losses)
                if r > self.best and not loss < self.start]


def range_test(make_network, X, Y, rates=RANGE_TEST_RATES, epochs=3, batch_size=32,
               reduction="mean", seed=0):
    """Train ``make_network()`` afresh at every rate for ``epochs`` epochs; compare the losses.

    Parameters
    ----------
    make_network : callable returning a new, untrained MLP (the same one every call)
    X : (n, d) array
    Y : (n, k) array
    rates : sequence of float
        Learning rates, best spaced evenly on a log scale.
    epochs, batch_size, reduction, seed
        As in ``train``.

    Returns
    -------
    RangeTest
    """
    first = make_network()
    start = first.loss(X, Y)
    losses, networks = [], []
    for rate in rates:
        net = make_network()
        with np.errstate(all="ignore"):  # the largest rates may overflow: that is the point
            history = train(net, X, Y, lr=rate, epochs=epochs, batch_size=batch_size,
                            reduction=reduction, seed=seed)
        finite = all(np.isfinite(p).all() for p in net.parameters().values())
        losses.append(history.loss[-1] if finite and np.isfinite(history.loss[-1]) else np.nan)
        networks.append(net)
    return RangeTest(rates=np.asarray(rates, dtype=float), losses=np.array(losses),
                     start=float(start), networks=tuple(networks))


def early_stopping(val_losses, patience=None):
    """The epoch to keep, and the epoch at which training would stop.

    Parameters
    ----------
    val_losses : sequence of float
        The validation loss after each epoch (``History.val_loss``).
    patience : int or None
        Stop once the validation loss has not improved for this many epochs in a row;
        ``None`` never stops early.

    Returns
    -------
    best : int
        The epoch (counted from 1) with the lowest validation loss up to the stop.
    stop : int
        The last epoch trained (``len(val_losses)`` when nothing stopped it).
    """
    best, best_loss = 0, np.inf
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best_loss:
            best, best_loss = epoch, loss
        elif patience is not None and epoch - best >= patience:
            return best, epoch
    return best, len(val_losses)


def train_keeping_best(net, X, Y, *, validation, **settings):
    """``train`` with a validation set, keeping a copy of the network at its best epoch.

    Parameters
    ----------
    net : MLP
        Trained in place, to the last epoch.
    X, Y, validation, **settings
        As in ``train`` (``validation=(X_val, Y_val)`` is required).

    Returns
    -------
    history : History
    best : MLP
        A copy of ``net`` after the epoch with the lowest validation loss.
    best_epoch : int
        That epoch, counted from 1.
    """
    kept = {"epoch": 0, "net": net.copy()}
    callback = settings.pop("callback", None)

    def keep(epoch, history):
        if history.val_loss[-1] == min(history.val_loss):
            kept["epoch"], kept["net"] = epoch + 1, net.copy()
        if callback is not None:
            callback(epoch, history)

    history = train(net, X, Y, validation=validation, callback=keep, **settings)
    return history, kept["net"], kept["epoch"]
