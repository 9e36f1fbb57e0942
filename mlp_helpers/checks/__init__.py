"""The graders' checks: one ``check_<name>`` per graded part, and ``diagnose``.

Every graded part has one record in ``checks.registry.PARTS``; the ``check_<name>`` functions below
are derived from them. A test cell in the assignments imports the package again (a student's
variable may have taken the name) and calls one check, such as
``checks.check_hidden_delta(globals().get("hidden_delta"))``. In a notebook the checks give the
student feedback; when a notebook is graded, the grader runs the same checks in its own process
(``mlp_helpers.grading.judge``), and they decide the score.
"""

from mlp_helpers.checks.engine.core import CODES, CheckFailed, Diagnosis
from mlp_helpers.checks.part import Part
from mlp_helpers.checks.registry import PARTS, check, check_function, diagnose

for _part in PARTS.values():
    globals()[f"check_{_part.name}"] = check_function(_part)

__all__ = ["CODES", "PARTS", "CheckFailed", "Diagnosis", "Part", "check", "diagnose",
           *(f"check_{name}" for name in PARTS)]
