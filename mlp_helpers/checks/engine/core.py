"""What every check shares: the diagnosis codes, the diagnosis, and the failure a student sees.

A check of a graded part (``checks.registry``) returns ``None`` when the student's answer behaves
correctly, or a ``Diagnosis`` naming the mistake; ``check_<name>`` turns a diagnosis into a
``CheckFailed``.
"""

from dataclasses import dataclass

from mlp_helpers.checks.engine.codes import RECORDS

# The diagnosis codes, each with what it names and an example (``codes.RECORDS``).
CODES = tuple(code.name for code in RECORDS)


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
