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
from mlp_helpers.lectures.learners import mnist_chaos
from mlp_helpers.lectures.learners.mnist import (
    CHECKPOINTS,
    PARAMETERS,
    RATES_FOR_THE_MEAN,
    SETTING,
    VARIANTS,
    _network,
    _state,
    rerun,
)
from mlp_helpers.lectures.replays import mnist_training_set
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


def _measure(net, X, Y, labels, test):
    """``(loss, training acc., test acc.)`` of ``net``: the row of a checkpoint."""
    with np.errstate(over="ignore"):
        output, _ = net._forward(X)
        return (net._loss_sum(output, Y) / len(X), np.mean(output.argmax(axis=1) == labels),
                net.accuracy(test.X, test.labels))


def _realisation(order, variant="learner"):
    """One realisation of a run on the sum: its trace, its checkpoint rows, its states there."""
    test = load_mnist_3v7().test
    X, Y, labels = mnist_chaos.training_set(order)
    rows, states = [], []

    def keep(passes_done, net):
        if passes_done in CHECKPOINTS:
            rows.append(_measure(net, X, Y, labels, test))
            states.append(_state(net))

    trace = mnist_chaos.run(SETTING.epochs, order, variant, keep=keep)
    return trace, rows, states


def _ensemble(variant, realisations):
    """The arrays of ``variant``'s ensemble from ``(trace, rows, final state)`` per realisation."""
    prefix = f"{variant}/ensemble"
    arrays = {f"{prefix}/orders": np.array(mnist_chaos.RECORDED),
              f"{prefix}/loss": np.array([trace.loss for trace, _, _ in realisations]),
              f"{prefix}/correct": np.array([trace.correct for trace, _, _ in realisations],
                                            dtype=np.int16),
              f"{prefix}/checkpoints": np.array([rows for _, rows, _ in realisations])}
    if variant == "learner":
        arrays[f"{prefix}/sevens"] = np.array([trace.sevens for trace, _, _ in realisations],
                                              dtype=np.int16)
    for name in PARAMETERS:
        arrays[f"{prefix}/final/{name}"] = np.stack([final[name] for _, _, final in realisations])
    return arrays


def _recorded_trace(arrays, variant, row):
    prefix = f"{variant}/ensemble"
    sevens = arrays.get(f"{prefix}/sevens")
    return mnist_chaos.Trace(loss=arrays[f"{prefix}/loss"][row],
                             correct=arrays[f"{prefix}/correct"][row],
                             sevens=None if sevens is None else sevens[row])


def _recorded_realisation(arrays, variant, row):
    """``(trace, rows, final state)`` of a realisation already in ``arrays``, or None."""
    prefix = f"{variant}/ensemble"
    if all(f"{prefix}/final/{name}" in arrays for name in PARAMETERS):
        trace = _recorded_trace(arrays, variant, row)
        return (trace, arrays[f"{prefix}/checkpoints"][row],
                {name: arrays[f"{prefix}/final/{name}"][row] for name in PARAMETERS})
    if mnist_chaos.RECORDED[row] != 0 or f"{variant}/W1" not in arrays:
        return None
    # Order 0 is the variant's own run, recorded at every checkpoint.
    X, Y, labels = mnist_training_set()
    test = load_mnist_3v7().test
    states = [{name: arrays[f"{variant}/{name}"][k] for name in PARAMETERS}
              for k in range(len(CHECKPOINTS))]
    if f"{prefix}/loss" in arrays:
        trace = _recorded_trace(arrays, variant, row)
        rows = arrays[f"{prefix}/checkpoints"][row]
    else:
        trace = mnist_chaos.Trace(loss=arrays[f"{variant}/loss"],
                                  correct=np.rint(arrays[f"{variant}/accuracy"] * len(X)),
                                  sevens=None)
        rows = [_measure(_network(state), X, Y, labels, test) for state in states]
    return trace, rows, states[-1]


def complete(arrays, log=print, workers=2):
    """Add to the recording ``arrays`` the realisations of the runs on the sum that it lacks.

    A realisation is run (10000 passes) only if some of its arrays are missing; one that was
    recorded before is then checked pass by pass against its recorded loss, which it repeats
    bit for bit on the machine that recorded it. What each realisation's network is after its
    last pass (``mnist_chaos.last_pass``) is measured again. Returns ``arrays`` with every
    ensemble whole.
    """
    arrays = dict(arrays)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        jobs = {}
        for variant in mnist_chaos.SUMMED:
            for row, order in enumerate(mnist_chaos.RECORDED):
                if _recorded_realisation(arrays, variant, row) is None:
                    jobs[variant, row] = pool.submit(_realisation, order, variant)
        for variant in mnist_chaos.SUMMED:
            realisations = []
            for row, order in enumerate(mnist_chaos.RECORDED):
                if (variant, row) not in jobs:
                    realisations.append(_recorded_realisation(arrays, variant, row))
                    continue
                trace, rows, states = jobs[variant, row].result()
                if f"{variant}/ensemble/loss" in arrays:
                    same = np.array_equal(trace.loss, arrays[f"{variant}/ensemble/loss"][row])
                    log(f"{variant}, order {order}: its recorded loss repeated bit for bit: {same}")
                realisations.append((trace, rows, states[-1]))
                log(f"{variant}, order {order}: final loss {rows[-1][0]:.6f}")
            arrays.update(_ensemble(variant, realisations))
    for variant in mnist_chaos.SUMMED:
        measured = mnist_chaos.measure(mnist_chaos.final_networks(variant, arrays), variant)
        arrays.update({f"{variant}/ensemble/last_pass/{key}": measured[key]
                       for key in mnist_chaos.MEASURES})
    return arrays


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
    for ``np.savez_compressed`` (what ``RUNS_PATH`` holds); ``complete`` adds the realisations
    of the other run on the sum.
    """
    arrays = {"rates_for_the_mean": np.array(RATES_FOR_THE_MEAN),
              "machine": np.array(json.dumps(mnist_chaos.machine())),
              "learner/lr": np.array(SETTING.lr)}
    others = [variant for variant in VARIANTS if variant != "learner"]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_realisation, order) for order in mnist_chaos.RECORDED]
        variants = [pool.submit(_variant, variant) for variant in others]
        realisations = []
        for order, future in zip(mnist_chaos.RECORDED, futures):
            trace, rows, states = future.result()
            realisations.append((trace, rows, states[-1]))
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
    arrays.update(_ensemble("learner", realisations))
    return arrays
