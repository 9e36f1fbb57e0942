"""What every check shares: the diagnosis codes, the diagnosis, and the failure a student sees.

A check of a graded part (``checks.registry``) returns ``None`` when the student's answer behaves
correctly, or a ``Diagnosis`` naming the mistake; ``check_<name>`` turns a diagnosis into a
``CheckFailed``.
"""

from dataclasses import dataclass

CODES = (
    "loss-not-gradient", "sum-not-mean", "mean-twice", "sign", "derivative-missing",
    "derivative-twice", "one-minus-activation", "missing-transpose", "wrong-activation",
    "bias-not-summed", "mutates-input", "unstable", "calls-reference", "wrong-shape",
    "symmetric-init", "bias-not-updated",
    # Named from real student code (issue 16): tests/student_bank/wild.
    "precedence", "wrong-formula", "derivative-of-error", "weights-skipped", "perturbs-all",
    "norm-ratio", "wrong-axis", "mean-over-entries", "inconsistent-scale",
    # Assignment 4 (why a network does not learn).
    "derivative-at-zero", "init-scale", "ignores-rng",
    # A numerical gradient that moves copies of x (issue 23).
    "perturbs-copy",
    # Assignment 5 (Adam and BatchNorm).
    "no-bias-correction", "eps-inside-root", "moment-not-squared", "step-not-advanced",
    "missing-path", "unbiased-variance",
    "other",
)

@dataclass(frozen=True)
class Diagnosis:
    """A named mistake: ``code`` from ``CODES`` and the ``message`` the student reads."""

    code: str
    message: str

    def __post_init__(self):
        if self.code not in CODES:
            raise ValueError(f"unknown diagnosis code {self.code!r}; known: {CODES}")


class CheckFailed(AssertionError):
    """A failed check, shown as one line: ``CheckFailed: <message>``.

    IPython (and so nbgrader's feedback) honours ``_render_traceback_``, so the student reads the
    message instead of a traceback that would quote the test cell's hidden source.
    """

    def __init__(self, diagnosis):
        super().__init__(diagnosis.message)
        self.diagnosis = diagnosis

    def _render_traceback_(self):
        return [f"CheckFailed: {self}"]
