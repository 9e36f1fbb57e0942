"""The diagnosis codes: one record per mistake the checks name, and the table of them in the docs.

Each ``Code`` says what the mistake is, an example of student code that makes it, an excerpt of
what that student is told and the planted bug of the test bank (``tests/student_bank/``) it is
taken from. ``core.CODES`` and the table of ``docs/diagnoses.md`` (``scripts/sync_parts.py``
writes it) are made from these records: a new code is written here, once, with a planted bug of
the bank that gets it (``tests/test_checks_messages.py`` checks each excerpt against its entry).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """One diagnosis code and what the docs say of it.

    ``name`` is the code; ``mistake`` what it names; ``example`` student code that makes it
    (Markdown); ``told`` an excerpt of what that student reads; ``entry`` the bank's planted bug.
    """

    name: str
    mistake: str
    example: str
    told: str
    entry: str


RECORDS = (
    Code("loss-not-gradient",
         "the loss value, one number, used where its gradient belongs",
         "`loss * a_out * (1 - a_out)`",
         "You multiplied sigma' by one single number, the same for every entry, such as the "
         "loss value. The chain rule needs the loss's gradient dL/da",
         "output_delta_mse-loss-times-slope"),
    Code("sum-not-mean",
         "the `1/n` of the mean is missing",
         "`(a_out - y) * a_out * (1 - a_out)`",
         "It is 5 times too large, a factor n = 5: the 1/n of the mean loss is missing.",
         "output_delta_mse-no-division"),
    Code("mean-twice",
         "divided by `n` again where the `1/n` is already in",
         "`(delta_next @ W_next.T) * a * (1 - a) / n`",
         "delta_next already contains the 1/n of the mean, so do not divide again.",
         "hidden_delta-divides-by-n"),
    Code("sign",
         "the sign is flipped",
         "`(y - a_out) / n * a_out * (1 - a_out)`",
         "The sign is flipped: check the order of the difference in dL/da.",
         "output_delta_mse-y-minus-a"),
    Code("derivative-missing",
         "the activation's derivative is left out",
         "`(a_out - y) / n`",
         "The activation's derivative sigma'(z) is missing",
         "output_delta_mse-gradient-only"),
    Code("derivative-twice",
         "the derivative applied twice, or to the activation again",
         "`s = sigmoid(a); s * (1 - s)`",
         "You passed `a` through the sigmoid again, sigma'(sigma(z)), as if `a` were z.",
         "sigmoid_derivative-sigma-of-a"),
    Code("one-minus-activation",
         "`1 - a` used as the derivative",
         "`delta_next @ W_next.T * (1 - a)`",
         "You used 1 - a as the derivative; it is only one of the two factors",
         "hidden_delta-one-minus"),
    Code("missing-transpose",
         "`W` used where `W.T` belongs",
         "`(delta_next @ W_next) * a * (1 - a)`",
         "You multiplied delta_next by W_next where its transpose belongs",
         "hidden_delta-no-transpose"),
    Code("wrong-activation",
         "the derivative taken at another activation",
         "`(a_out - y) / n * y * (1 - y)`",
         "You took the derivative at the targets y; it belongs at the output activation a_out.",
         "output_delta_mse-slope-at-y"),
    Code("bias-not-summed",
         "`db` averaged, along the wrong axis, or without `keepdims`",
         "`delta.mean(axis=0, keepdims=True)`",
         "db is averaged over the examples: delta already carries the 1/n of the mean.",
         "dense_gradients-db-mean"),
    Code("mutates-input",
         "an argument modified in place",
         "`delta = p; delta -= y`",
         "`cross_entropy_loss` modified `p` in place",
         "cross_entropy_loss-delta-aliases-p"),
    Code("unstable",
         "overflow, nan or inf on large but legal inputs",
         "`e = np.exp(z); e / e.sum(axis=1, keepdims=True)`",
         "numpy warned about an overflow for these large but legal inputs.",
         "softmax-no-shift"),
    Code("calls-reference",
         "delegates to the reference in `mlp_helpers`",
         "`from mlp_helpers import sigmoid as s`",
         "`sigmoid` calls the reference `sigmoid` from mlp_helpers instead of computing the "
         "result itself.",
         "sigmoid-import-alias"),
    Code("wrong-shape",
         "the result has the wrong shape",
         "`0.5 * np.sum((a - y) ** 2, axis=1) / n`",
         "The loss has shape (5,); it should be one number, the mean over examples.",
         "mse_loss-per-example-loss"),
    Code("precedence",
         "a missing pair of parentheses changes what is divided (the sigmoid, a central "
         "difference, the relative error's maximum)",
         "`1 / 1 + np.exp(-z)`",
         "the division was done before the addition, so only the 1 was divided",
         "sigmoid-one-over-one-plus"),
    Code("wrong-formula",
         "another function's formula where the course's belongs: tanh's derivative, `exp` where "
         "the log belongs",
         "`1 - a ** 2`",
         "You returned 1 - a^2, the derivative of tanh written with tanh's output.",
         "sigmoid_derivative-tanh-derivative"),
    Code("derivative-of-error",
         "the sigmoid's derivative taken of the error (the gradient coming down) instead of at "
         "the activation",
         "`e = a_out - y; e / n * e * (1 - e)`",
         "You applied the sigmoid's derivative, in its form written with the activation, to the "
         "error a_out - y instead of to a_out",
         "output_delta_mse-slope-of-the-error"),
    Code("weights-skipped",
         "the next layer's delta used as this layer's, without going back through its weights",
         "`delta_next * a * (1 - a)`",
         "You used delta_next as this layer's delta without going back through the weights",
         "hidden_delta-delta-next-as-is"),
    Code("perturbs-all",
         "a numerical gradient that moves several entries of `x` at once (all of them, or a row)",
         "`(f(x + h) - f(x - h)) / (2 * h)` on the whole array",
         "You moved every entry of x at once (x + h adds h to all of them)",
         "numerical_gradient-whole-array-at-once"),
    Code("perturbs-copy",
         "a numerical gradient that evaluates `f` at moved copies of `x`, so an `f` that reads "
         "the array `x` itself (as the notebook's gradient check, `lambda _: loss(params)`) "
         "never changes",
         "`x_plus = x.copy(); x_plus[i] += h; f(x_plus)`",
         "you evaluated f at moved copies of x, which such an f never sees",
         "numerical_gradient-copy-per-entry"),
    Code("norm-ratio",
         "a relative error of whole-array norms or maxima instead of the largest entry-wise "
         "ratio",
         "`norm(x - y) / (norm(x) + norm(y))`",
         "You compared whole arrays at once (their norms or their largest entries)",
         "relative_error-norms"),
    Code("wrong-axis",
         "a softmax normalised over the examples (columns) or over the whole batch",
         "`e / e.sum(axis=0)`",
         "Each column sums to 1, not each row: you normalised over the examples, down each "
         "column.",
         "softmax-columns"),
    Code("mean-over-entries",
         "a loss or gradient divided by all `n * k` entries (a mean over the classes or outputs "
         "too)",
         "`-np.mean(y * np.log(p))`",
         "it is averaged over all n*k entries, over the classes too; the mean is over the n "
         "examples only.",
         "cross_entropy_loss-np-mean-over-classes"),
    Code("inconsistent-scale",
         "a loss and its gradient scaled differently, so the gradient returned is not the "
         "derivative of the loss returned",
         "`np.sum((a - y) ** 2) / n, 2 * (a - y)`",
         "So dA is not the derivative of the loss you return: the two are scaled differently.",
         "mse_loss-loss-without-half-gradient-summed"),
    Code("symmetric-init",
         "a training loop whose hidden units start identical (zero or constant weights), so "
         "they stay identical",
         "`W1 = np.zeros((2, hidden_units))`",
         "Every unit started with the same weights, so each got the same gradient and took the "
         "same step",
         "train_xor-zero-weights"),
    Code("bias-not-updated",
         "a training loop that never updates some biases",
         "the update step moves `W1` and `W2` only",
         "b1 and b2 are still exactly zero, where the biases start",
         "train_xor-forgets-both-biases"),
    Code("derivative-at-zero",
         "a ReLU derivative of 1 where the activation is exactly 0 (`>=` where the course's `>` "
         "belongs)",
         "`(a >= 0).astype(float)`",
         "Where the activation a is exactly 0 your derivative is 1; the course's convention is "
         "0 there.",
         "relu_derivative-greater-or-equal"),
    Code("init-scale",
         "initial weights of the wrong variance (He where Xavier belongs or the reverse, a "
         "variance used as a standard deviation, a square root taken twice, `randn` unscaled) "
         "or not centred on 0",
         "`rng.standard_normal((fan_in, fan_out)) * variance`",
         "The variance is the square of the right one",
         "init_for_activation-variance-as-std"),
    Code("ignores-rng",
         "weights not drawn from the generator passed in (`np.random`'s global functions, or a "
         "generator of its own), so a run cannot be repeated from its seed",
         "`np.random.randn(fan_in, fan_out) * np.sqrt(variance)`",
         "two calls with generators made from the same seed gave different weights",
         "init_for_activation-global-random"),
    Code("no-bias-correction",
         "Adam's step without the bias correction of its running means (of `m`, of `v` or of "
         "both)",
         "`m / (np.sqrt(v) + eps)`",
         "The bias correction is missing: you used m and v where m_hat and v_hat belong.",
         "adam_step-no-bias-correction"),
    Code("eps-inside-root",
         "Adam's epsilon added under the square root instead of after it",
         "`m_hat / np.sqrt(v_hat + eps)`",
         "Epsilon is inside the square root.",
         "adam_step-eps-inside-root"),
    Code("moment-not-squared",
         "Adam's second moment `v` a running mean of the gradient instead of its square",
         "`v = beta2 * v + (1 - beta2) * grad`",
         "is a running mean of the gradient itself",
         "adam_step-v-of-grad"),
    Code("step-not-advanced",
         "Adam's step counter `t` not advanced: the returned state keeps the old `t`, the "
         "correction uses it, or a loop starts each step from a fresh state",
         "`{\"m\": m, \"v\": v, \"t\": state[\"t\"]}`",
         "is not advanced: it must count this step too",
         "adam_step-returns-old-t"),
    Code("missing-path",
         "a batch normalisation backward pass without the path through the batch mean, through "
         "the variance, or both",
         "`dx = dx_hat * inv_std + dvar * 2 * centred / n`",
         "dx leaves out the path through the mean",
         "batchnorm_backward-no-mean-path"),
    Code("unbiased-variance",
         "batch normalisation with the unbiased variance (`ddof=1`) where the batch's biased "
         "variance belongs",
         "`x.var(axis=0, ddof=1)`",
         "You normalised with the unbiased variance, divided by n - 1.",
         "batchnorm_backward-ddof-1"),
    Code("other",
         "wrong, none of the above (said in words)",
         "a forward difference `(f(x + h) - f(x)) / h`",
         "It is a one-sided difference, whose error shrinks only like h.",
         "numerical_gradient-forward-difference"),
)


def table():
    """The table of the diagnosis codes for ``docs/diagnoses.md``, in Markdown."""
    rows = ["| code | the mistake | example of student code | what the student is told "
            "(excerpt) | bank entry |", "|---|---|---|---|---|"]
    rows += [f"| `{code.name}` | {code.mistake} | {code.example} | \"{code.told}\" | "
             f"`{code.entry}` |" for code in RECORDS]
    return "\n".join(rows)
