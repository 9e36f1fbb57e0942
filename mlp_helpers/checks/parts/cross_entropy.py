"""The check of ``cross_entropy_loss(p, y)``: the mean cross-entropy and ``delta_out``.

A numerically safe cross-entropy (an epsilon inside the log, or clipped probabilities) is right
up to ``EPSILON``; a larger epsilon is named with its size.
"""

import numpy as np

from mlp_helpers import deltas, losses
from mlp_helpers.activations import softmax_unchecked
from mlp_helpers.checks.engine.fixtures import standard_cases
from mlp_helpers.checks.engine.mistakes import Factor, Finding, Structure, flipped
from mlp_helpers.checks.engine.spec import Case, Spec
from mlp_helpers.checks.engine.values import close, numbers
from mlp_helpers.checks.part import Part
from mlp_helpers.checks.parts.loss_pair import arrays, compare_pair, k_of, mean_factors, n_of
from mlp_helpers.lectures import bugs

_cross_sum = losses.cross_entropy_sum
_delta_out = deltas.output_delta_softmax_cross_entropy


def _ce_cases():
    def make(rng, n, k):
        return (softmax_unchecked(rng.normal(0.0, 2.0, (n, k))),
                np.eye(k)[rng.integers(0, k, n)])
    p = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    stress = Case((p, np.eye(3)[[0, 1, 0, 2]]), info={"n": 4, "k": 3}, hidden=True,
                  stress=True, note="probabilities that underflowed to 0 and 1")
    return [*standard_cases(make, [[(5, 3), (4, 2)], (1, 4), (6, 3), (4, 3), (7, 5)], seed=22,
                            keys="nk"), stress]


_CE_LOSS_FACTORS = [
    *mean_factors("The loss", "it is summed over the examples instead of averaged."),
    Factor("mean-over-entries", "1/k", "The loss is {k} times too small, a factor 1/k with "
           "k = {k} classes: it is averaged over all n*k entries, over the classes too; the "
           "mean is over the n examples only.", lambda case: 1.0 / k_of(case)),
]
_CE_LOSS_MISTAKES = [
    Structure("other", "binary", "You added the binary cross-entropy's (1 - y) log(1 - p) term; "
              "with a softmax output the loss sums only y log p over the classes.",
              lambda case: bugs.cross_entropy_binary(*arrays(case))),
    Structure("wrong-formula", "exp", "Your loss takes exp of the probabilities where the "
              "cross-entropy takes their log: revisit L = -1/n sum_i sum_k y_ik log p_ik.",
              lambda case: bugs.cross_entropy_exp(*arrays(case))),
]
_CE_GRADIENT_FACTORS = [
    *mean_factors("delta_out", "the 1/n of the mean is missing."),
    Factor("mean-over-entries", "1/k", "delta_out is {k} times too small: you divided by the "
           "n*k entries; the mean is over the n examples.", lambda case: 1.0 / k_of(case)),
]
_CE_GRADIENT_MISTAKES = [
    Structure("other", "dL/dp", "That is dL/dp, the gradient with respect to the probabilities. "
              "delta_out is the gradient with respect to the logits z: through the softmax, "
              "the 1/p of the log cancels.",
              lambda case: bugs.cross_entropy_gradient_at_probabilities(*arrays(case))),
    Structure("other", "precedence", "Only y is divided by n: without parentheses, p - y / n "
              "divides y alone.", lambda case: arrays(case)[0] - arrays(case)[1] / n_of(case)),
]

# The largest epsilon a numerically safe cross-entropy may use, added inside the log
# (-log(p + eps)) or as the bounds of clipped probabilities (clip(p, eps, 1 - eps), or
# maximum(p, eps)): its loss and delta_out are accepted as right (docs/diagnoses.md says why).
EPSILON = 1e-6


def _epsilon_slack(case):
    """What the safety idioms at ``EPSILON`` may change: in the loss, and in each delta entry."""
    p, y = arrays(case)
    n, true = p.shape[0], y > 0
    with np.errstate(all="ignore"):
        exact = np.log(p[true])
        moved = np.maximum(np.abs(np.log(p[true] + EPSILON) - exact),
                           np.abs(np.log(np.clip(p[true], EPSILON, 1.0 - EPSILON)) - exact))
    moved = np.where(np.isfinite(moved), moved, 0.0)
    return float(np.sum(y[true] * moved)) / n, EPSILON / n


def _loss_with_margin(p, y, eps, kind):
    q = p + eps if kind == "plus" else np.clip(p, eps, 1.0 - eps)
    return -float(np.sum(y[y > 0] * np.log(q[y > 0]))) / p.shape[0]


def _large_epsilon(case, loss):
    """A loss that is the cross-entropy with a safety epsilon above ``EPSILON``, named as such.

    Returns ``[(finding, slack of each delta_out entry)]``, one for each idiom that fits: on a
    fixture where it moves one probability only, clipping and adding eps may both fit, each
    with another eps; the key, eps included, keeps the idiom that fits every fixture.
    """
    p, y = arrays(case)
    got = float(numbers(loss))
    grid = np.logspace(np.log10(EPSILON), -1.0, 121)
    fits = []
    for kind, how in (("plus", "added inside the log"),
                      ("clip", "as the bound the probabilities are clipped to")):
        with np.errstate(all="ignore"):
            gaps = [_loss_with_margin(p, y, eps, kind) - got for eps in grid]
        for index, gap in enumerate(gaps[:-1]):
            if gap == 0 or np.sign(gap) == np.sign(gaps[index + 1]):
                continue
            low, high = grid[index], grid[index + 1]
            for _ in range(60):  # bisection, in log space
                middle = np.sqrt(low * high)
                if np.sign(_loss_with_margin(p, y, middle, kind) - got) == np.sign(gap):
                    low = middle
                else:
                    high = middle
            eps = float(np.sqrt(low * high))
            if abs(_loss_with_margin(p, y, eps, kind) - got) <= 1e-6 * abs(got):
                fits.append((Finding("other", f"epsilon-{kind}-{eps:.1e}", "The loss is the "
                                     f"cross-entropy with a safety epsilon of about {eps:.0e}, "
                                     f"{how}: that is large enough to change the loss itself, "
                                     "where a probability is small. Keep such an epsilon no "
                                     f"larger than {EPSILON:g}."), eps / p.shape[0]))
                break
    return fits


def _clipped_delta(case, gradient):
    """A delta_out made from probabilities clipped at an epsilon above ``EPSILON``, named."""
    p, y = arrays(case)
    n, got = p.shape[0], numbers(gradient)
    if got is None or got.shape != p.shape:
        return None
    eps = float(np.max(np.abs(got - _delta_out(p, y)))) * n
    if not EPSILON < eps <= 0.1 or not close(got, (np.clip(p, eps, 1 - eps) - y) / n, 1e-6):
        return None
    return Finding("other", "clipped-delta", f"delta_out is made from probabilities clipped at "
                   f"about {eps:.0e}: that changes delta_out where a probability is smaller. "
                   f"Keep such an epsilon no larger than {EPSILON:g}.")


def _judge_ce(case, value):
    p, y = arrays(case)
    n = p.shape[0]
    want = (_cross_sum(p, y) / n, _delta_out(p, y))
    found = compare_pair(case, value, "delta_out", want, _CE_LOSS_FACTORS, _CE_GRADIENT_FACTORS,
                        flipped("The loss has the wrong sign: log p is never positive, so the "
                                "cross-entropy, minus its mean, is never negative."),
                        _CE_LOSS_MISTAKES, _CE_GRADIENT_MISTAKES, _epsilon_slack(case),
                        _large_epsilon)
    if found and found[0].key == "fallback" and found[0].text.startswith("delta_out"):
        clipped = _clipped_delta(case, value[1])
        found = [clipped] if clipped is not None else found
    return found


SPECS = {
    "cross_entropy_loss": Spec(
        "cross_entropy_loss", ("p", "y"), _ce_cases, _judge_ce,
        (losses.cross_entropy_loss, _cross_sum, _delta_out)),
}


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
    Part("cross_entropy_loss", "03_mnist", 2, "`cross_entropy_loss(p, y)`",
         "the mean cross-entropy and `(p - y) / n`, probabilities that underflowed to 0",
         spec=SPECS["cross_entropy_loss"]),
)
