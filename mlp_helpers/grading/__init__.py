"""Grading with nbgrader: what runs in the grader's process, never in a student's kernel.

- ``course``: the instructor guide's steps as functions (``make_course``, ``autograde``, ...),
  which ``python -m mlp_helpers.grading <notebook>`` and the tests use; ``pipeline`` runs several
  steps in one process; ``grade_class`` grades a class on every core.
- nbgrader's plug-ins, set in ``nbgrader_config.py``: ``execute`` (the kernel, restarted when a
  judge request kills it), ``judge`` (every graded test cell decided here), ``questions`` (the
  instructor's own assert cells), ``limits`` (the bounds), ``channel`` and ``outputs`` (the
  kernel's messages and a cell's outputs within them), ``ungradable`` (a notebook that cannot be
  graded), ``cells`` and ``notebooks`` (cell metadata and tracebacks), ``html`` and
  ``feedback_page`` (pages without the student's scripts, their maths typeset), ``collect``
  (what nbgrader takes from the exchange), ``guard`` (refusing to grade when the course's
  plug-ins do not load), ``logs``; ``lms`` exports grades for Canvas and Moodle.
- ``sandbox``: bubblewrap around every grading kernel, which imports the package's kernel
  edition (``checks.kernel.edition``: without the references of the parts being graded).
"""

from mlp_helpers.grading.course import (
    ASSIGNMENTS,
    REPO,
    Report,
    autograde,
    feedback_html,
    generate_assignment,
    generate_feedback,
    grade_notebook,
    make_course,
    messages,
    nbgrader,
    scores,
    submit,
)
from mlp_helpers.grading.notebooks import (
    HideTestTracebacks,
    errors,
    fill_in,
    hand_graded,
    max_scores,
    solutions,
)
from mlp_helpers.grading.pipeline import STEPS, environment, pipeline

__all__ = ["ASSIGNMENTS", "REPO", "STEPS", "HideTestTracebacks", "Report", "autograde",
           "environment", "errors", "feedback_html", "fill_in", "generate_assignment",
           "generate_feedback", "grade_notebook", "hand_graded", "make_course", "max_scores",
           "messages", "nbgrader", "pipeline", "scores", "solutions", "submit"]
