"""Planted bugs of the bank through the real nbgrader pipeline, in one autograde run.

A class of students submits assignment 01_xor, each with one mistake from the bank pasted into
their answer cell. They must lose exactly that part's points, and their feedback page must show
the check's message, with no hidden test source and no traceback.
"""

import html
import inspect
import re
import textwrap
from pathlib import Path

import pytest
from sandboxing import SANDBOXED
from student_bank import BANK

from mlp_helpers import checks, grading

ASSIGNMENT = "01_xor"
SOURCE = Path(__file__).resolve().parents[1] / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
PARTS = [name for name, part in checks.PARTS.items() if part.assignment == ASSIGNMENT]
BY_ID = {str(entry): entry for entry in BANK}

# student -> {part they got wrong: (the cell they wrote, words their feedback must show)}.
# Several mistakes per student keep it to a few notebooks (each costs seconds to grade); every
# part is right for some student, so full marks are checked too.
STUDENTS = {
    "sums_and_averages": {
        "output_delta_mse": ("output_delta_mse-no-division", "5 times too large"),
        "hidden_delta": ("hidden_delta-no-transpose", "transpose belongs"),
        "dense_gradients": ("dense_gradients-db-mean", "db is averaged"),
    },
    "naive_with_typo": {
        "sigmoid": ("sigmoid-naive-overflows", "overflow"),
        "sigmoid_derivative": ("def sigmoid_derivative(a)\n    return a * (1 - a)\n",
                               "`sigmoid_derivative` is not defined"),
    },
    # Right answers, and numpy.allclose replaced: grades come from the grader's process, so the
    # notebook's own numpy changes nothing (tests/test_judge_class.py has the tricksters).
    "tampers": {},
}
TAMPERED_SIGMOID = "np.allclose = lambda *args, **kwargs: True\n\n"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not SOURCE.exists(), reason="source/01_xor is not written yet")]


def as_cell(part, entry_id):
    """A bank entry as a student's answer cell that defines ``part`` (or the cell's own text)."""
    if entry_id not in BY_ID:
        return entry_id
    function = BY_ID[entry_id].function
    code = textwrap.dedent(inspect.getsource(function))
    code = "\n".join(line for line in code.splitlines() if not line.startswith("@"))
    return f"{code}\n\n{part} = {function.__name__}\n"


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course = grading.make_course(tmp_path_factory.mktemp("course"), [ASSIGNMENT],
                                 sandboxed=SANDBOXED)
    release = grading.generate_assignment(course, ASSIGNMENT)
    answers = grading.solutions(SOURCE)
    for student, mistakes in STUDENTS.items():
        cells = {part: as_cell(part, cell) for part, (cell, _) in mistakes.items()}
        if student == "tampers":
            cells = {"sigmoid": TAMPERED_SIGMOID + answers["sigmoid"]}
        notebook = grading.fill_in(release, {**answers, **cells})
        grading.submit(course, ASSIGNMENT, student, notebook)
    autograde = grading.autograde(course, ASSIGNMENT)
    assert autograde.returncode == 0, autograde.stderr[-3000:]
    feedback = grading.generate_feedback(course, ASSIGNMENT)
    assert feedback.returncode == 0, feedback.stderr[-3000:]
    return course, grading.scores(course, ASSIGNMENT), grading.max_scores(SOURCE)


@pytest.mark.parametrize("student", STUDENTS)
def test_student_loses_exactly_the_points_of_their_mistakes(graded_class, student):
    _, scores, maximum = graded_class
    for part in PARTS:
        expected = 0 if part in STUDENTS[student] else maximum[f"test_{part}"]
        assert scores[student][f"test_{part}"] == expected, part


@pytest.mark.parametrize("student", STUDENTS)
def test_feedback_shows_the_messages_and_no_hidden_test_or_traceback(graded_class, student):
    course, _, _ = graded_class
    page = html.unescape(re.sub(r"<[^>]+>", "", grading.feedback_html(course, ASSIGNMENT, student)))
    for _, words in STUDENTS[student].values():
        assert words in page, words
    assert page.count("CheckFailed: ") >= len(STUDENTS[student])
    assert "hidden=True" not in page
    assert "BEGIN HIDDEN TESTS" not in page
    # A traceback may quote the student's own cells, never a test cell.
    assert "----> 1 checks." not in page
    assert "_engine.py" not in page
