"""Check of assignment 4's ``sanity_report(net, X, Y)``: healthy networks pass, broken ones not.

The judge hands the student's function ``SanityNetwork``s
(``mlp_helpers.assignments.sanity``) made from
plain arguments: healthy ones, which the report must call healthy on every check, and ones
with a known flaw, which the report must catch on the check that flaw breaks. When graded, the
networks' seeds and sizes are the grader's own: drawn once a grading process (each must be shown
to train), and dealt to the roles in an order of each student's own.
"""

from functools import cache

import numpy as np

from mlp_helpers.assignments import sanity
from mlp_helpers.checks.engine.core import Diagnosis
from mlp_helpers.checks.engine.fixtures import salt, seeded, seeded_once
from mlp_helpers.checks.engine.guards import TIME_LIMIT
from mlp_helpers.checks.engine.running import Call, failed_call, shown, where
from mlp_helpers.checks.engine.values import numbers
from mlp_helpers.checks.part import Part
from mlp_helpers.data import xor
from mlp_helpers.gradcheck import GRADIENT_CHECK_THRESHOLD

NAME = "sanity_report"
FLAGS = ("loss_at_chance", "gradients_agree", "overfits_tiny_batch")
NUMBERS = ("initial_loss", "gradient_error")
# The flag each flaw must turn False, and the flaw in words.
CAUGHT_BY = {
    "backward": ("gradients_agree", "whose backward pass uses 1 - a as the hidden layer's "
                 "derivative", "Compare the backward pass with central differences of the "
                 "loss, for every parameter, and call them in agreement only below the course's "
                 f"threshold, {GRADIENT_CHECK_THRESHOLD:.0e}."),
    "bias-gradient": ("gradients_agree", "whose backward pass is right for the weights but "
                      "gives bias gradients n times too small", "Compare the backward pass "
                      "with central differences for every parameter of net.parameters(), the "
                      "biases as well as the weights."),
    "large-init": ("loss_at_chance", "whose output weights start far too large (its first "
                   "predictions are confident)", "Before training, a 2-class softmax "
                   "guesses about 1/2 for each class: its loss should be within "
                   f"{sanity.CHANCE_TOLERANCE:.0%} of ln 2."),
    "symmetric": ("overfits_tiny_batch", "whose weights all start equal (its hidden units "
                  "stay copies of each other)", "Train on the tiny batch with the network's "
                  "own gradients and report whether the loss falls below "
                  f"{sanity.OVERFIT_LOSS:g}; four XOR points need more than one distinct "
                  "hidden unit."),
}
_HEALTHY_HINT = {
    "loss_at_chance": "its initial loss is close to ln 2: compare with ln k for k classes "
                      f"(Y.shape[1]), within {sanity.CHANCE_TOLERANCE:.0%}",
    "gradients_agree": "its backward pass is right: check your finite differences (central, "
                       f"h about 1e-5) and the threshold {GRADIENT_CHECK_THRESHOLD:.0e}",
    "overfits_tiny_batch": "it can learn the tiny batch: train long enough "
                           f"({sanity.OVERFIT_STEPS} steps at rate {sanity.OVERFIT_LR:g} do), "
                           "on a copy of net.parameters(), with its own gradients",
}


# A drawn network is kept only if its healthy twin passes the course's three checks with room
# to spare on the four XOR points: every gradient entry at least this large (finite differences
# cannot check a smaller one to a relative 1e-4), its first loss within half the tolerance of
# chance, and the loss after the overfitting steps under half their target. Otherwise a right
# report, the course's own included, could call a healthy network unhealthy. Each flawed twin
# must break its check with as much room: the large initialisation's first loss at least twice
# the tolerance from chance (1 draw in 1,000 was within it), the wrong backward passes' gradient
# error at least 10 times the threshold, the equal weights' loss after the steps twice the target.
# A draw may take any role, so every twin is vetted.
_SMALLEST_GRADIENT = 1e-5


def _checkable(units, seed):
    net = sanity.sanity_network(units, seed)
    X, y = xor()
    Y = np.hstack([1.0 - y, y])
    params = net.parameters()
    chance = np.log(2.0)
    if abs(net.loss(params, X, Y) - chance) > sanity.CHANCE_TOLERANCE * chance / 2:
        return False
    grads = net.gradients(params, X, Y)
    if min(float(np.abs(value).min()) for value in grads.values()) < _SMALLEST_GRADIENT:
        return False
    if sanity.overfitted_loss(net, X, Y) >= sanity.OVERFIT_LOSS / 2:
        return False
    large = sanity.sanity_network(units, seed, "large-init")
    if abs(large.loss(large.parameters(), X, Y) - chance) < 2 * sanity.CHANCE_TOLERANCE * chance:
        return False
    for flaw in ("backward", "bias-gradient"):
        report = sanity.sanity_report(sanity.sanity_network(units, seed, flaw), X, Y)
        if report["gradient_error"] < 10 * GRADIENT_CHECK_THRESHOLD:
            return False
    symmetric = sanity.sanity_network(units, seed, "symmetric")
    return sanity.overfitted_loss(symmetric, X, Y) > 2 * sanity.OVERFIT_LOSS


@cache
def _fresh_draws():
    """Six checkable ``(hidden_units, seed)`` of the grader's, drawn once a grading process."""
    rng = seeded_once(47)
    draws = []
    while len(draws) < 6:
        draw = (int(rng.integers(3, 7)), int(rng.integers(1, 10_000)))
        if _checkable(*draw):
            draws.append(draw)
    return draws


def _networks(hidden):
    if salt():
        pool = _fresh_draws()
        draws = [pool[i] for i in seeded(48).permutation(len(pool))]
    else:
        draws = [(4, 0), (4, 1), (5, 2), (3, 3), (6, 4), (4, 5)]
    # Both backward passes in the visible test: a report that compares only the weights'
    # gradients is told so while the student works, not only when graded.
    nets = [(None, *draws[0]), ("backward", *draws[1]), ("bias-gradient", *draws[5])]
    if hidden:
        nets += [("large-init", *draws[2]), ("symmetric", *draws[3]), (None, *draws[4])]
    return nets


def _form(report):
    if not isinstance(report, dict):
        return (f"`{NAME}` should return a dict of the named checks; it returned "
                f"{shown(report)}.")
    missing = [key for key in NUMBERS + FLAGS if key not in report]
    if missing:
        return f"`{NAME}`: the report has no {', '.join(map(repr, missing))}."
    for key in FLAGS:
        if not isinstance(report[key], bool | np.bool_):
            return f"`{NAME}`: report[{key!r}] should be True or False."
    for key in NUMBERS:
        value = numbers(report[key])
        if value is None or value.size != 1:
            return f"`{NAME}`: report[{key!r}] should be one number."
    return None


def diagnose_sanity_report(student, hidden=True):
    """Run the report on healthy and flawed networks, on the four XOR points."""
    X, y = xor()
    Y = np.hstack([1.0 - y, y])
    nets = [(flaw, units, seed, sanity.sanity_network(units, seed, flaw))
            for flaw, units, seed in _networks(hidden)]
    # The first network alone, then the others in one request: a report that never finishes
    # costs one time limit, a right one two trips to the student's kernel, not one a network.
    for batch in (nets[:1], nets[1:]):
        outcomes = where(student).run([Call([net, X.copy(), Y.copy()], seconds=TIME_LIMIT)
                                       for *_, net in batch])
        for (flaw, units, seed, net), outcome in zip(batch, outcomes, strict=True):
            found = _verdict(flaw, f"(hidden_units={units}, seed={seed})", net, outcome, X, Y)
            if found:
                return found
    return None


def _verdict(flaw, which, net, outcome, X, Y):
    """The ``Diagnosis`` of the report ``outcome`` on ``net`` (``flaw``), or ``None``."""
    found = failed_call(NAME, outcome, outcome.seconds)
    if found:
        return found
    report = outcome.value
    wrong = _form(report)
    if wrong:
        return Diagnosis("wrong-shape", wrong)
    want = net.loss(net.parameters(), X, Y)
    got = float(numbers(report["initial_loss"]).reshape(-1)[0])
    if not abs(got - want) <= 1e-6 * max(abs(want), 1.0):
        return Diagnosis("other", f"`{NAME}`: report['initial_loss'] is not the network's "
                         f"loss before training {which}: compute it with net.loss on "
                         "net.parameters(), before any step.")
    if flaw is None:
        unhealthy = [key for key in FLAGS if not report[key]]
        if unhealthy:
            key = unhealthy[0]
            return Diagnosis("other", f"`{NAME}` reports {key}=False for a healthy network "
                             f"{which}, though {_HEALTHY_HINT[key]}.")
        return None
    key, what, hint = CAUGHT_BY[flaw]
    if report[key]:
        return Diagnosis("other", f"`{NAME}` does not catch a network {what} {which}: "
                         f"report[{key!r}] should be False there. {hint}")
    return None


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
    Part("sanity_report", "04_not_learning", 3, "`sanity_report(net, X, Y)`",
         "a healthy network passes all three checks; one with a wrong backward pass (for "
         "the weights, or for the biases only), a large initialisation or equal weights is "
         "caught; when graded, new networks", diagnose=diagnose_sanity_report,
         implemented_by=frozenset({"assignments.sanity.sanity_report"})),
)
