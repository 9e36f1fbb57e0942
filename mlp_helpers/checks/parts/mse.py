"""The check of ``mse_loss(a, y)``: the mean squared error and its gradient ``dA``."""

from mlp_helpers import losses
from mlp_helpers.activations import sigmoid_unchecked
from mlp_helpers.checks.engine.fixtures import standard_cases
from mlp_helpers.checks.engine.mistakes import Factor, flipped
from mlp_helpers.checks.engine.spec import Spec
from mlp_helpers.checks.part import Part
from mlp_helpers.checks.parts.loss_pair import arrays, compare_pair, k_of, mean_factors, n_of

_squared_sum = losses.squared_error_sum


def _mse_cases():
    def make(rng, n, k):
        return sigmoid_unchecked(rng.normal(0.0, 2.0, (n, k))), rng.uniform(0.0, 1.0, (n, k))
    return standard_cases(make, [[(5, 3), (4, 1)], (1, 4), (6, 3), (4, 3), (7, 4)], seed=21,
                          keys="nk")


_MSE_LOSS_FACTORS = [
    *mean_factors("The loss", "it is summed over the examples instead of averaged."),
    Factor("mean-over-entries", "1/k", "The loss is {k} times too small, a factor 1/k with "
           "k = {k} outputs: it is averaged over all n*k entries, over the outputs too; "
           "L = 1/(2n) sum ||a - y||^2 is a mean over the n examples only.",
           lambda case: 1.0 / k_of(case)),
    Factor("mean-over-entries", "2/k", "The loss is averaged over all n*k entries, over the "
           "k = {k} outputs too, and lacks the 1/2: L = 1/(2n) sum ||a - y||^2 is a mean "
           "over the n examples only, with a 1/2 in front.", lambda case: 2.0 / k_of(case)),
    Factor("other", "2", "The loss is twice too large: the 1/2 of L = 1/(2n) sum ||a - y||^2 "
            "is missing.", lambda case: 2.0),
]
_MSE_GRADIENT_FACTORS = [
    *mean_factors("dA", "the 1/n of the mean is missing."),
    Factor("mean-over-entries", "1/k", "dA is {k} times too small: you divided by all n*k "
           "entries; the mean is over the n examples.", lambda case: 1.0 / k_of(case)),
    Factor("other", "n/k", "dA is off by a factor n/k = {n}/{k}: you divided by the number of "
           "outputs k = {k} instead of the number of examples n = {n}.",
           lambda case: n_of(case) / k_of(case)),
    Factor("other", "2", "dA is twice too large: the 1/2 of the loss cancels the 2 from "
            "differentiating the square.", lambda case: 2.0),
]


def _judge_mse(case, value):
    a, y = arrays(case)
    n = a.shape[0]
    want = (_squared_sum(a, y) / n, losses.mean_loss_gradient(a, y))
    return compare_pair(case, value, "dA", want, _MSE_LOSS_FACTORS, _MSE_GRADIENT_FACTORS,
                       flipped("The loss is negative: a sum of squares never is."))


SPECS = {
    "mse_loss": Spec("mse_loss", ("a", "y"), _mse_cases, _judge_mse,
                     (losses.mse_loss, _squared_sum)),
}


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
    Part("mse_loss", "02_mse_gradient", 2, "`mse_loss(a, y)`",
         "the mean loss (a float) and `(a - y) / n`", spec=SPECS["mse_loss"]),
)
