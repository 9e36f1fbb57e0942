"""Training by (mini-batch) stochastic gradient descent, and the record it keeps.

One step is the course's whole cycle: forward pass, backpropagation, then
``param -= lr * grad`` for every parameter. An epoch is one pass over the shuffled training set
in mini-batches; ``batch_size=None`` is full-batch gradient descent.
"""

from dataclasses import dataclass, field

import numpy as np

from mlp_helpers.network import class_labels


@dataclass
class History:
    """Per-epoch record of a training run.

    ``loss`` and ``accuracy`` are the mean over the epoch's mini-batches, measured on each batch
    before its step (free to compute). ``loss`` is always the *mean* loss per example, whatever
    the reduction used for the gradient, so runs are comparable. ``val_*`` are measured on the
    validation set after each epoch.
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)


def train(net, X, Y, *, lr, epochs, batch_size=None, reduction="mean", seed=0, validation=None,
          callback=None, weight_decay=0.0, **backward_rules):
    """Train ``net`` in place by (mini-batch) stochastic gradient descent.

    Parameters
    ----------
    net : MLP
    X : (n, d) array
    Y : (n, k) array
        Targets, one-hot for a softmax output.
    lr : float
        Learning rate.
    epochs : int
        Passes over the training set.
    batch_size : int or None
        ``None`` is full-batch gradient descent, in the data's order.
    reduction : {"mean", "sum"}
        Loss whose gradient is followed; ``"sum"`` makes each step ``batch_size`` times larger.
    seed : int
        Seeds the shuffling of mini-batches.
    validation : tuple ``(X_val, Y_val)``, optional
    callback : callable ``callback(epoch, history)``, optional
        Called after each epoch (e.g. to redraw a live plot).
    weight_decay : float
        Factor of an L2 penalty on the weights (see ``MLP.step``); the recorded loss leaves
        the penalty out.
    **backward_rules
        ``output_delta``, ``hidden_delta``, ``dense_gradients`` for ``net.backward``.

    Returns
    -------
    History
    """
    X, Y = net._check_inputs(X, Y)
    if validation is not None:
        X_val, Y_val = net._check_inputs(*validation)
    if not lr > 0 or int(epochs) != epochs or epochs < 0:
        raise ValueError(f"lr must be > 0 and epochs a whole number >= 0, got {lr} and {epochs}.")
    n = X.shape[0]
    batch_size = n if batch_size is None else int(batch_size)
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}.")
    rng = np.random.default_rng(seed)
    history = History()
    for epoch in range(int(epochs)):
        order = rng.permutation(n) if batch_size < n else None
        loss_sum = correct = 0.0
        for start in range(0, n, batch_size):
            if order is None:
                X_batch, Y_batch = X, Y
            else:
                chosen = order[start:start + batch_size]
                X_batch, Y_batch = X[chosen], Y[chosen]
            output, activations = net._forward(X_batch)
            loss_sum += net._loss_sum(output, Y_batch)
            correct += np.count_nonzero(class_labels(output) == class_labels(Y_batch))
            net.step(net.backward(activations, Y_batch, reduction=reduction, **backward_rules),
                     lr, weight_decay)
        history.loss.append(loss_sum / n)
        history.accuracy.append(correct / n)
        if validation is not None:
            output, _ = net._forward(X_val)
            history.val_loss.append(net._loss_sum(output, Y_val) / X_val.shape[0])
            history.val_accuracy.append(float(np.mean(class_labels(output)
                                                      == class_labels(Y_val))))
        if callback is not None:
            callback(epoch, history)
    return history
