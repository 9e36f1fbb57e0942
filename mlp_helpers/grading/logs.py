"""A grading log that shows errors: three known, harmless warnings left out at the source.

``autograde`` warns "Attribute 'checksum' for cell test_... has changed!" for every test cell
of every student (six a student here): the gradebook stores the checksum of the instructor's
cell, hidden tests included, and the student's copy never has them, so the checksum always
differs, and nbgrader restores the cell anyway. A class of 200 printed 1,200 such lines around
the few that mattered. ``quiet_harmless_warnings`` (called from ``nbgrader_config.py``) makes
nbgrader log that one case at debug level; a change of any *other* attribute (source, points,
cell type...) and every other warning still shows.

Autograding through nbgrader's API (the formgrader's Autograde button, ``grade_class``) makes
SQLAlchemy warn "Object of type <SubmittedAssignment> not in session, add operation along
'Student.submissions' will not proceed" (and the same of <SubmittedNotebook>), three warnings
of two lines each per student: nbgrader's gradebook code reads an object it is still creating;
the submission is stored all the same (the scores the tests check come from that gradebook).
Those two messages are ignored; any other SQLAlchemy warning still shows.

The last known one, ipykernel's "Kernel is running over TCP without encryption", is printed by
the kernel itself: grading kernels in the sandbox talk over Unix sockets (``sandbox_kernel``), so
it does not appear there; it still appears when grading unsandboxed (``Sandbox.enabled =
False``), where it is true.
"""

import warnings

from nbgrader.preprocessors import OverwriteCells
from sqlalchemy.exc import SAWarning

_ORIGINAL = OverwriteCells.report_change


def _report_change(self, name, attr, old, new):
    if attr == "checksum":
        self.log.debug("Checksum of cell %s differs from the gradebook's (expected: the "
                       "student's copy has no hidden tests); the cell is restored.", name)
        return
    _ORIGINAL(self, name, attr, old, new)


def quiet_harmless_warnings():
    """Log "checksum has changed" at debug level, drop "not in session"; idempotent."""
    OverwriteCells.report_change = _report_change
    warnings.filterwarnings("ignore", category=SAWarning,
                            message=r"Object of type <Submitted(Assignment|Notebook)> not in "
                                    r"session, add operation along")
