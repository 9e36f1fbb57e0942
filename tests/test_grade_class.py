"""A class graded by several processes on one gradebook (``mlp_helpers.grading.grade_class``)."""

import pytest
from sandboxing import SANDBOXED

from mlp_helpers import grading
from mlp_helpers.grading import grade_class

pytestmark = pytest.mark.slow
ASSIGNMENT = "01_xor"


def test_groups_deal_every_student_once_and_leave_no_group_empty():
    names = [f"s{number}" for number in range(5)]
    assert grade_class.groups(names, 2) == [["s0", "s2", "s4"], ["s1", "s3"]]
    assert grade_class.groups(names[:1], 4) == [["s0"]]


def test_two_processes_grade_the_class_into_one_gradebook(tmp_path):
    course = grading.make_course(tmp_path / "course", [ASSIGNMENT], sandboxed=SANDBOXED)
    released = grading.generate_assignment(course, ASSIGNMENT)
    solved = grading.fill_in(released, grading.solutions(
        course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))
    for number in range(4):
        grading.submit(course, ASSIGNMENT, f"s{number}", solved if number % 2 else released)
    result = grade_class.grade(ASSIGNMENT, jobs=2, course=course, env=grading.environment())
    assert result["failed"] == []
    assert (result["students"], result["jobs"]) == (4, 2)
    scores = grading.scores(course, ASSIGNMENT)
    points = grading.max_scores(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    tests = [cell for cell in points if cell.startswith("test")]
    assert sorted(scores) == ["s0", "s1", "s2", "s3"]
    for name in ("s1", "s3"):
        assert {cell: scores[name][cell] for cell in tests} == {cell: points[cell]
                                                                for cell in tests}
    for name in ("s0", "s2"):
        assert sum(scores[name][cell] for cell in tests) == 0
