"""Every graded part of the assignments, one record each: what the course knows about it.

A record names the part as the notebook defines it, its assignment and points, what a student
writes and what the check judges, and how it is judged: a ``Spec`` (fixtures, reference and
hypotheses, run by ``_engine``) for a function, or a diagnoser of its own for a training loop,
a backward pass or a value. The ``check_<name>`` functions the test cells call, the grader's
verdicts (``judge``), the table of ``docs/diagnoses.md`` and the lists the tests go through
are all derived from ``PARTS``. A new graded function needs its record here, its reference in
``mlp_helpers``, its cell in a source notebook and its entries in the student bank.

``python -m mlp_helpers.checks`` prints the table for ``docs/diagnoses.md``.
"""

import os
from dataclasses import dataclass

from mlp_helpers.checks.engine.core import CheckFailed
from mlp_helpers.checks.engine.spec import run_checks
from mlp_helpers.checks.parts import activation_functions as activations
from mlp_helpers.checks.parts import backprop_deltas as deltas
from mlp_helpers.checks.parts import broken_run_causes as broken_runs
from mlp_helpers.checks.parts import cross_entropy, freeform, freeform_mnist, not_learning
from mlp_helpers.checks.parts import dense_layer as dense
from mlp_helpers.checks.parts import gradient_checking as gradcheck
from mlp_helpers.checks.parts import mse as loss_checks
from mlp_helpers.checks.parts import sanity_reports as sanity


@dataclass(frozen=True)
class Part:
    """One graded part.

    ``answer`` is what the notebook defines (a signature, or a value); ``judged`` says in a
    line what the check tries. ``spec`` (a function checked on fixtures) or ``diagnose``
    (``diagnose(answer, hidden, **options) -> Diagnosis | None``) judges it; ``kind`` is
    ``"value"`` when the notebook's name holds a value rather than a function. ``network``: the
    part must not use the course's reference network (``MLP``, ``train``).
    """

    name: str
    assignment: str
    points: int
    answer: str
    judged: str
    spec: object = None
    diagnose: object = None
    kind: str = "function"
    network: bool = False

    def verdict(self, answer, hidden=True, **options):
        """``None`` when ``answer`` is right, else the ``Diagnosis`` naming the mistake."""
        if self.spec is not None:
            return run_checks(self.spec, answer, hidden)
        return self.diagnose(answer, hidden, **options)


def _function(module, name, assignment, points, answer, judged):
    return Part(name, assignment, points, answer, judged, spec=module.SPECS[name])


PARTS = {part.name: part for part in (
    _function(activations, "sigmoid", "01_xor", 1, "`sigmoid(z)`",
              "values on several shapes, inputs up to 1e4 in size (no overflow)"),
    _function(activations, "sigmoid_derivative", "01_xor", 1, "`sigmoid_derivative(a)`",
              "`a * (1 - a)` from the activation, read-only and float32 inputs"),
    _function(deltas, "output_delta_mse", "01_xor", 2, "`output_delta_mse(a_out, y)`",
              "`(a_out - y) / n * a_out * (1 - a_out)` on several batch sizes"),
    _function(deltas, "hidden_delta", "01_xor", 2, "`hidden_delta(delta_next, W_next, a)`",
              "`(delta_next @ W_next.T) * a * (1 - a)`, square and non-square weights"),
    _function(dense, "dense_gradients", "01_xor", 2, "`dense_gradients(a_prev, delta)`",
              "`dW` and `db` with their shapes, `db` summed with `keepdims`"),
    Part("train_xor", "01_xor", 3, "`train_xor(X, Y, hidden_units=5, lr, epochs, seed=0)`",
         "trained with the reference helpers: XOR solved, every parameter moved; when graded, "
         "also XNOR at new seeds", diagnose=freeform.diagnose_train_xor, network=True),
    _function(loss_checks, "mse_loss", "02_mse_gradient", 2, "`mse_loss(a, y)`",
              "the mean loss (a float) and `(a - y) / n`"),
    _function(gradcheck, "numerical_gradient", "02_mse_gradient", 2,
              "`numerical_gradient(f, x, h=1e-5)`",
              "central differences of any shape of `x`, `x` restored afterwards"),
    _function(gradcheck, "relative_error", "02_mse_gradient", 1, "`relative_error(x, y)`",
              "the largest elementwise relative error, entries of both signs and zeros"),
    Part("xor_loss_and_gradients", "02_mse_gradient", 3,
         "`xor_loss_and_gradients(params, X, Y)`",
         "the loss and every gradient against the reference network, the layer of a mistake",
         diagnose=freeform.diagnose_xor_loss_and_gradients, network=True),
    Part("matching_learning_rate", "02_mse_gradient", 2, "`matching_learning_rate(lr_mean, n)`",
         "a run on the summed loss that follows the mean's run exactly; when graded, new n "
         "and rate", diagnose=freeform.diagnose_matching_learning_rate),
    _function(activations, "softmax", "03_mnist", 2, "`softmax(z)`",
              "rows that sum to 1, logits up to 1e4 in size (no overflow)"),
    _function(cross_entropy, "cross_entropy_loss", "03_mnist", 2, "`cross_entropy_loss(p, y)`",
              "the mean cross-entropy and `(p - y) / n`, probabilities that underflowed to 0"),
    Part("backward_two_hidden", "03_mnist", 3, "`backward_two_hidden(activations, Y, params)`",
         "every gradient against the reference network, the layer of a mistake",
         diagnose=freeform_mnist.diagnose_backward_two_hidden, network=True),
    Part("learner_bugs", "03_mnist", 2, "`learner_bugs`, a set of diagnosis codes",
         "the codes of the learner's mistakes, all of them", kind="value",
         diagnose=freeform_mnist.diagnose_learner_bugs),
    Part("train_two_hidden", "03_mnist", 4,
         "`train_two_hidden(X, Y, layer_sizes, lr, epochs, batch_size=32, seed=0)`",
         "mini-batches of `batch_size`; one epoch on every training digit reaches 97 % test "
         "accuracy; when graded, also with 3 and 7 swapped",
         diagnose=freeform_mnist.diagnose_train_two_hidden, network=True),
    _function(not_learning, "relu", "04_not_learning", 1, "`relu(z)`",
              "`max(z, 0)` on inputs with exact zeros, read-only, float32 and 1-D inputs"),
    _function(not_learning, "relu_derivative", "04_not_learning", 1, "`relu_derivative(a)`",
              "1 where `a > 0`, 0 where `a == 0` (the course's choice at the kink)"),
    Part("init_for_activation", "04_not_learning", 2,
         "`init_for_activation(fan_in, fan_out, activation, rng)`",
         "shape, mean 0 and the variance of Xavier or He within 5 % on 120,000 draws; the "
         "same seed gives the same weights, another seed others",
         diagnose=not_learning.diagnose_init_for_activation),
    Part("sanity_report", "04_not_learning", 3, "`sanity_report(net, X, Y)`",
         "a healthy network passes all three checks; one with a wrong backward pass (for "
         "the weights, or for the biases only), a large initialisation or equal weights is "
         "caught; when graded, new networks",
         diagnose=sanity.diagnose_sanity_report),
    Part("run_causes", "04_not_learning", 2, "`run_causes`, a dict from run to cause",
         "each run's cause from the list; a wrong one is told what in the run contradicts it",
         kind="value", diagnose=broken_runs.diagnose_run_causes),
    Part("fixed_settings", "04_not_learning", 3, "`fixed_settings`, a dict from run to settings",
         "each run retrained with its settings learns XOR; when graded, on new seeds",
         kind="value", diagnose=broken_runs.diagnose_fixed_settings),
)}


def _part(name):
    if name not in PARTS:
        raise KeyError(f"no checks for {name!r}; known: {sorted(PARTS)}")
    return PARTS[name]


def diagnose(name, student_function, hidden=True, **options):
    """Diagnose ``student_function`` as the graded part ``name``, on every fixture.

    ``hidden=False`` keeps only the fixtures of the visible test in the student release.

    Returns
    -------
    None when it behaves as the course's conventions say, else a ``Diagnosis``.
    """
    return _part(name).verdict(student_function, hidden, **options)


def judge(name, answer, hidden=True, **options):
    """The verdict on part ``name``; ``answer`` may stand for it in its kernel (``_remote``).

    For a part whose answer is a value, the value is fetched from the kernel first.
    """
    part = _part(name)
    if part.kind == "value" and hasattr(answer, "look"):
        kind, value = answer.look()
        answer = value if kind == "value" else None if kind == "missing" else "a function"
    return part.verdict(answer, hidden, **options)


def check(name, answer, hidden=True, **options):
    """Raise ``CheckFailed`` with the diagnosis' message unless ``answer`` is right."""
    found = judge(name, answer, hidden, **options)
    if found is not None:
        raise CheckFailed(found)


class GradingRefused(RuntimeError):
    """A test cell run in a kernel by ``nbgrader autograde``: nbgrader lacks the course's grader.

    The course's grader never sends a test cell to the student's kernel (``grading_judge``
    judges it in its own process), so a check called there while nbgrader autogrades means
    nbgrader runs without the course's configuration: no sandbox, no judge. The check then
    gives no points rather than trust the kernel.
    """

    def __init__(self):
        super().__init__("Grading refused: this notebook is being autograded without the "
                         "course's nbgrader_config.py (no sandbox, no grader's judgement), so "
                         "no test passes. Grade it from the course's folder, with its "
                         "configuration.")

    def _render_traceback_(self):
        return [f"GradingRefused: {self}"]


def check_function(part):
    """``check_<name>``: what the test cells of ``part`` call."""
    def check_part(answer, hidden=False, **options):
        if os.environ.get("NBGRADER_EXECUTION") == "autograde":
            raise GradingRefused
        check(part.name, answer, hidden, **options)

    check_part.__name__ = check_part.__qualname__ = f"check_{part.name}"
    check_part.__doc__ = (f"Raise ``CheckFailed`` naming the mistake unless {part.answer} is "
                          f"right: {part.judged}.\n\n``hidden=True`` adds the hidden test's "
                          "inputs.")
    return check_part


def table():
    """The table of graded parts for ``docs/diagnoses.md``, in Markdown."""
    rows = ["| assignment | part | points | you write | the check tries |",
            "|---|---|---|---|---|"]
    rows += [f"| {part.assignment} | `{part.name}` | {part.points} | {part.answer} | "
             f"{part.judged} |" for part in PARTS.values()]
    return "\n".join(rows)

