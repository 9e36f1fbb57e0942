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

``grading_log`` does the above and makes the log say what an instructor reads it for: after
each notebook is scored, one line with the student's points and the parts they failed, each
with its message (``scored``, ``score_line``); and no HTTP access lines from the formgrader's
server, where a class's log held more of them than of anything else (errors still show).
"""

import logging
import warnings

from nbgrader import utils
from nbgrader.preprocessors import OverwriteCells, SaveAutoGrades
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


def scored(nb):
    """What an autograded notebook ``nb`` scored: ``(points, max_points, failed)``.

    Over its test cells only: written answers are left out, a person scores them. ``failed``
    maps the part of every test cell that lost points (its grade id without ``test_``) to the
    one-line message its output shows.
    """
    points = possible = 0.0
    failed = {}
    for cell in nb.cells:
        if not utils.is_grade(cell) or utils.is_solution(cell) or cell.cell_type != "code":
            continue
        score, most = utils.determine_grade(cell)
        points, possible = points + (score or 0.0), possible + most
        if (score or 0.0) < most:
            messages = [output.get("evalue") or "".join(output.get("text", "")).strip()
                        for output in cell.outputs if output.get("output_type") in
                        ("error", "stream")]
            part = cell.metadata["nbgrader"]["grade_id"].removeprefix("test_")
            failed[part] = " ".join(" ".join(messages).split())[:300] or "no output"
    return points, possible, failed


def score_line(student, points, possible, failed):
    """``s001: 11 / 13 points; failed: train_xor (`train_xor`: ...)`` for the grading log."""
    what = "; ".join(f"{part} ({message})" for part, message in failed.items())
    return f"{student}: {points:g} / {possible:g} points; failed: {what or 'none'}"


_SAVE_AUTO_GRADES = SaveAutoGrades.preprocess


def _save_and_state(self, nb, resources):
    nb, resources = _SAVE_AUTO_GRADES(self, nb, resources)
    student = resources["nbgrader"]["student"]
    try:
        self.log.info("Scored %s", score_line(student, *scored(nb)))
    except Exception as error:  # a line of the log never costs a grade, already saved here
        self.log.warning("Scored %s: see the gradebook (%s: %s)", student,
                         type(error).__name__, error)
    return nb, resources


# Lines a grading kernel prints on its way out, which say nothing about the student: the
# kernel is interrupted when grading shuts it down, and ipykernel reports that as an error.
KERNEL_NOISE = ("KeyboardInterrupt caught in kernel",)


def is_noise(line):
    """Whether ``line`` of a grading process's output is known noise (``KERNEL_NOISE``)."""
    return any(noise in line for noise in KERNEL_NOISE)


class _NoAccessLines(logging.Filter):
    """Lets through the access log's warnings and errors (4xx, 5xx), not its routine lines."""

    def filter(self, record):
        return record.levelno >= logging.WARNING


def drop_access_lines():
    """Leave out the HTTP access log's routine lines in this process (4xx and 5xx still show).

    JupyterHub and Jupyter servers (the formgrader's) log every request to ``tornado.access``.
    Idempotent.
    """
    access = logging.getLogger("tornado.access")
    if not any(isinstance(known, _NoAccessLines) for known in access.filters):
        access.addFilter(_NoAccessLines())


def grading_log():
    """The grading log: harmless warnings quiet, each student's score stated, no access lines.

    Idempotent.
    """
    quiet_harmless_warnings()
    SaveAutoGrades.preprocess = _save_and_state
    drop_access_lines()
