"""Recording the MNIST learner's runs: every variant's 10000 passes, and how rates are chosen.

``scripts/record_learner_mnist.py`` calls ``record`` and saves what it returns as
``mnist.RUNS_PATH``; lecture 3 and the tests read that file through ``learners.mnist``. Their
own run is chaotic, so it is recorded as ``mnist_chaos.RECORDED`` realisations, with the
machine that computed them.
"""

import json
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from mlp_helpers.data import load_mnist_3v7
from mlp_helpers.learners import mnist_chaos
from mlp_helpers.learners.mnist import (
    CHECKPOINTS,
    PARAMETERS,
    RATES_FOR_THE_MEAN,
    SETTING,
    VARIANTS,
    _state,
    rerun,
)
from mlp_helpers.replays import mnist_training_set
from mlp_helpers.training import train

# Passes of each trial of a rate; the mean loss over the second half of them decides.
RATE_TRIAL_PASSES = 500
# A larger rate must do better than a smaller one by more than this fraction to be chosen. A
# trial near the edge of stability is itself chaotic: both_fixed's trial at 3.0 scored 0.0319
# on one computer and 0.0277 on another, either side of the 0.0299 of 1.0.
RATE_MARGIN = 0.1


def rate_trial(variant, rate, passes=RATE_TRIAL_PASSES):
    """Mean loss over the second half of a short run at ``rate``: how a rate is chosen."""
    losses = rerun(variant, passes=passes, lr=rate).history.loss
    return float(np.mean(losses[passes // 2:]))


def choose_rate(trials, rates=RATES_FOR_THE_MEAN):
    """The smallest rate whose trial comes within ``RATE_MARGIN`` of the best trial."""
    trials = np.asarray(trials, dtype=float)
    best = np.nanmin(trials)
    return next(rate for rate, trial in zip(rates, trials) if trial <= best * (1 + RATE_MARGIN))


def _realisation(order):
    """One realisation of their run: its trace, and its accuracies and states at checkpoints."""
    test = load_mnist_3v7().test
    X, Y, labels = mnist_chaos.training_set(order)
    rows, states = [], []

    def keep(passes_done, net):
        if passes_done in CHECKPOINTS:
            with np.errstate(over="ignore"):
                output, _ = net._forward(X)
                rows.append((net._loss_sum(output, Y) / len(X),
                             np.mean(output.argmax(axis=1) == labels),
                             net.accuracy(test.X, test.labels)))
            states.append(_state(net))

    trace = mnist_chaos.run(SETTING.epochs, order, keep=keep)
    return trace, rows, states


def _variant(variant):
    """A run of ``variant`` (not the learner's), its rate chosen by trials if it has none."""
    arrays, rate = {}, VARIANTS[variant].lr
    if rate is None:
        trials = np.array([rate_trial(variant, r) for r in RATES_FOR_THE_MEAN])
        arrays[f"{variant}/rate_trials"] = trials
        rate = choose_rate(trials)
    net = SETTING.network()
    states = []

    def keep(epoch, history):
        if epoch + 1 in CHECKPOINTS:
            states.append(_state(net))

    X, Y, _ = mnist_training_set()
    with np.errstate(over="ignore"):
        history = train(net, X, Y, lr=rate, epochs=SETTING.epochs, callback=keep,
                        **VARIANTS[variant].rules)
    arrays[f"{variant}/lr"] = np.array(rate)
    arrays[f"{variant}/loss"] = np.array(history.loss)
    arrays[f"{variant}/accuracy"] = np.array(history.accuracy)
    for name in PARAMETERS:
        arrays[f"{variant}/{name}"] = np.stack([state[name] for state in states])
    return arrays


def record(log=print, workers=2):
    """Every variant's whole run, the realisations of theirs, the rate trials: the recording.

    The runs are independent, so ``workers`` processes share them. Returns a dict of arrays
    for ``np.savez_compressed`` (what ``RUNS_PATH`` holds).
    """
    arrays = {"rates_for_the_mean": np.array(RATES_FOR_THE_MEAN),
              "machine": np.array(json.dumps(mnist_chaos.machine())),
              "learner/ensemble/orders": np.array(mnist_chaos.RECORDED),
              "learner/lr": np.array(SETTING.lr)}
    others = [variant for variant in VARIANTS if variant != "learner"]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        realisations = [pool.submit(_realisation, order) for order in mnist_chaos.RECORDED]
        variants = [pool.submit(_variant, variant) for variant in others]
        traces = []
        for order, future in zip(mnist_chaos.RECORDED, realisations):
            trace, rows, states = future.result()
            traces.append((trace, rows))
            log(f"learner, order {order}: final loss {rows[-1][0]:.6f}")
            if order == 0:
                arrays["learner/loss"] = trace.loss
                arrays["learner/accuracy"] = trace.correct / len(mnist_training_set()[0])
                for name in PARAMETERS:
                    arrays[f"learner/{name}"] = np.stack([state[name] for state in states])
        for variant, future in zip(others, variants):
            arrays.update(future.result())
            log(f"{variant}: lr {arrays[f'{variant}/lr']}, "
                f"final loss {arrays[f'{variant}/loss'][-1]:.6f}")
    arrays["learner/ensemble/loss"] = np.array([trace.loss for trace, _ in traces])
    arrays["learner/ensemble/correct"] = np.array([trace.correct for trace, _ in traces],
                                                  dtype=np.int16)
    arrays["learner/ensemble/sevens"] = np.array([trace.sevens for trace, _ in traces],
                                                 dtype=np.int16)
    arrays["learner/ensemble/checkpoints"] = np.array([rows for _, rows in traces])
    return arrays
