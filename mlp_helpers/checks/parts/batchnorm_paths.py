"""Check of ``batchnorm_backward``: ``(dx, dgamma, dbeta)`` of training-mode batch normalisation.

Every row's output depends on every row of ``x`` through the batch mean and variance, so
``dx`` has three paths; the named mistakes leave out the path through the mean, through the
variance, or both, or normalise with the unbiased variance (``ddof=1``, the one the forward
pass does not use). ``dgamma`` and ``dbeta`` are sums over the rows, like ``db``.
"""

import numpy as np

from mlp_helpers import batchnorm
from mlp_helpers.checks.engine.compare import compare_array
from mlp_helpers.checks.engine.fixtures import seeded
from mlp_helpers.checks.engine.mistakes import Structure
from mlp_helpers.checks.engine.spec import Case, Spec
from mlp_helpers.checks.part import Part
from mlp_helpers.checks.parts.backward_rules import _tuple_of, joined


def _batchnorm_cases():
    rng = seeded(59)

    def case(n, d, dtype=np.float64, **role):
        x = rng.normal(2.0, 3.0, (n, d)) * rng.uniform(0.5, 2.0, (1, d))
        gamma, beta = rng.normal(1.0, 0.3, (1, d)), rng.normal(0.0, 1.0, (1, d))
        dout = rng.normal(0.0, 1.0, (n, d))
        cache = (*(a.astype(dtype) for a in (x, gamma, beta)), 1e-5)
        note = f"x {x.shape}" + (f"; {role.pop('note')}" if "note" in role else "")
        return Case((dout.astype(dtype), cache), info={"n": n}, note=note,
                    float32=dtype == np.float32, **role)

    return [case(5, 3), case(8, 4), case(4, 2),
            case(2, 3, note="two examples", hidden=True),
            case(6, 3, np.float32, note="float32", hidden=True),
            case(5, 4, note="read-only arrays", hidden=True, read_only=True),
            case(10, 2, hidden=True)]


def _parts(case, ddof=0):
    """``dout``, ``g = dout * gamma``, ``x_hat`` and ``1/sqrt(var + eps)`` of the fixture."""
    dout, (x, gamma, _, eps) = case.args
    dout, x, gamma = (a.astype(np.float64) for a in (dout, x, gamma))
    inv_std = 1.0 / np.sqrt(x.var(axis=0, ddof=ddof, keepdims=True) + eps)
    return dout, dout * gamma, (x - x.mean(axis=0, keepdims=True)) * inv_std, inv_std


def _mean(a):
    return a.mean(axis=0, keepdims=True)


def _dx(case, mean_path=True, variance_path=True, ddof=0, variance_divisor=None, gamma=True):
    dout, g, x_hat, inv_std = _parts(case, ddof)
    g = g if gamma else dout
    through_variance = x_hat * ((g * x_hat).sum(axis=0, keepdims=True)
                                / (variance_divisor or len(g)))
    return (g - (_mean(g) if mean_path else 0.0)
            - (through_variance if variance_path else 0.0)) * inv_std


_PATHS = (" Every row's output depends on every x through the batch mean and the batch "
          "variance: dx adds up the direct path and the paths through both.")
_UNBIASED = ("You normalised with the unbiased variance, divided by n - 1. Batch normalisation "
             "divides by n, the biased variance of the batch (numpy's default, ddof=0), in the "
             "forward pass, so its backward pass does too.")
_DX_MISTAKES = [
    Structure("missing-path", "no-mean-path", "dx leaves out the path through the mean: "
              "moving one x moves the mean, which every row subtracts." + _PATHS,
              lambda case: _dx(case, mean_path=False)),
    Structure("missing-path", "no-variance-path", "dx leaves out the path through the "
              "variance: moving one x changes the variance, which divides every row." + _PATHS,
              lambda case: _dx(case, variance_path=False)),
    Structure("missing-path", "direct-only", "dx takes only the direct path, through x_hat, "
              "and leaves out the paths through the mean and through the variance." + _PATHS,
              lambda case: _dx(case, mean_path=False, variance_path=False)),
    Structure("unbiased-variance", "unbiased", _UNBIASED, lambda case: _dx(case, ddof=1)),
    Structure("unbiased-variance", "unbiased-exact", _UNBIASED,
              lambda case: _dx(case, ddof=1, variance_divisor=len(case.args[0]) - 1)),
    Structure("other", "gamma-missing", "dx leaves out gamma: the gradient reaching x_hat is "
              "dout scaled by gamma, since out = gamma * x_hat + beta.",
              lambda case: _dx(case, gamma=False)),
]


def _sum_mistake(what, key, text, reduce):
    return Structure("bias-not-summed", key, f"{what} {text} Like db, it adds up the "
                     "contribution of every row and has gamma's shape, (1, d).", reduce)


def _sums(what, of):
    return [
        _sum_mistake(what, "mean", "is averaged over the rows: dout already carries the 1/n "
                     "of a mean loss.", lambda case: _mean(of(case))),
        _sum_mistake(what, "flat", "lost its first axis (keepdims).",
                     lambda case: of(case).sum(axis=0)),
        _sum_mistake(what, "not-summed", "is not summed over the rows.", of),
    ]


def _dgamma_terms(case, ddof=0):
    dout, _, x_hat, _ = _parts(case, ddof)
    return dout * x_hat


_DGAMMA_MISTAKES = [
    Structure("unbiased-variance", "unbiased", "dgamma is normalised with the unbiased "
              "variance too.",
              lambda case: _dgamma_terms(case, 1).sum(axis=0, keepdims=True)),
    Structure("wrong-formula", "raw-x", "dgamma multiplies dout by x where the normalised "
              "x_hat belongs: gamma scales x_hat.",
              lambda case: (_parts(case)[0] * case.args[1][0].astype(np.float64)).sum(
                  axis=0, keepdims=True)),
    *_sums("dgamma", _dgamma_terms),
]
_DBETA_MISTAKES = _sums("dbeta", lambda case: _parts(case)[0])


def _judge_batchnorm(case, value):
    wrong = _tuple_of(3, "the three gradients (dx, dgamma, dbeta)")(value)
    if wrong:
        return wrong
    dout = _parts(case)[0]
    return joined([
        compare_array(case, "dx", value[0], _dx(case), _DX_MISTAKES),
        compare_array(case, "dgamma", value[1], _dgamma_terms(case).sum(axis=0, keepdims=True),
                      _DGAMMA_MISTAKES),
        compare_array(case, "dbeta", value[2], dout.sum(axis=0, keepdims=True),
                      _DBETA_MISTAKES)])


SPECS = {"batchnorm_backward": Spec("batchnorm_backward", ("dout", "cache"), _batchnorm_cases,
                                    _judge_batchnorm, (batchnorm.batchnorm_backward,))}


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
    Part("batchnorm_backward", "05_autograd", 3, "`batchnorm_backward(dout, cache)`",
         "`dx` through the mean and the variance, `dgamma` and `dbeta` with their shapes, two "
         "examples and float32, the cache left unchanged", spec=SPECS["batchnorm_backward"]),
)
