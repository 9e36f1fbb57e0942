"""A class graded by several processes on one gradebook (``mlp_helpers.grading.grade_class``):
what the instructor sees while it runs and at the end, and what the grading log says."""

import logging
import re

import nbformat
import pytest
from sandboxing import SANDBOXED

from mlp_helpers import grading
from mlp_helpers.grading import grade_class, logs

pytestmark = pytest.mark.slow
ASSIGNMENT = "01_xor"
# The course's "1 - a" mistake in the hidden layer's delta.
ONE_MINUS_A = '''def hidden_delta(delta_next, W_next, a):
    return (delta_next @ W_next.T) * (1 - a)
'''
PROGRESS = re.compile(r"^\[(\d)/4\] (s\d)  (\S+) / (\S+) points  \d+\.\d s  failed: (.*)$")


def test_groups_deal_every_student_once_and_leave_no_group_empty():
    names = [f"s{number}" for number in range(5)]
    assert grade_class.groups(names, 2) == [["s0", "s2", "s4"], ["s1", "s3"]]
    assert grade_class.groups(names[:1], 4) == [["s0"]]


def with_one_minus_a(notebook):
    notebook = nbformat.from_dict(notebook)
    cell = next(cell for cell in notebook.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") == "hidden_delta")
    cell.source = ONE_MINUS_A
    return notebook


def test_two_processes_grade_the_class_showing_each_student_and_a_table(tmp_path, capsys,
                                                                         monkeypatch):
    course = grading.make_course(tmp_path / "course", [ASSIGNMENT], sandboxed=SANDBOXED)
    released = grading.generate_assignment(course, ASSIGNMENT)
    source = course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    solved = grading.fill_in(released, grading.solutions(source))
    for name, notebook in [("s0", released), ("s1", solved), ("s2", with_one_minus_a(solved)),
                           ("s3", solved)]:
        grading.submit(course, ASSIGNMENT, name, notebook)
    # JupyterLab's copy of an open notebook, which a submission may carry: never graded or kept.
    checkpoints = course / "submitted" / "s1" / ASSIGNMENT / ".ipynb_checkpoints"
    checkpoints.mkdir()
    nbformat.write(nbformat.from_dict(solved), checkpoints / f"{ASSIGNMENT}-checkpoint.ipynb")
    monkeypatch.chdir(course)
    assert grade_class.main([ASSIGNMENT, "--jobs", "2"]) == 0
    out = capsys.readouterr().out.splitlines()

    points = grading.max_scores(source)
    tests = {cell.removeprefix("test_"): points[cell] for cell in points
             if cell.startswith("test")}
    total = sum(tests.values())
    # One line per student as they are graded, counted 1 to 4.
    progress = [PROGRESS.match(line).groups() for line in out if PROGRESS.match(line)]
    assert sorted(count for count, *_ in progress) == ["1", "2", "3", "4"]
    seen = {name: (score, most, failed) for _, name, score, most, failed in progress}
    assert seen == {"s0": ("0", f"{total:g}", ", ".join(tests)),
                    "s1": (f"{total:g}", f"{total:g}", "none"),
                    "s2": (f"{total - tests['hidden_delta']:g}", f"{total:g}", "hidden_delta"),
                    "s3": (f"{total:g}", f"{total:g}", "none")}
    # Then the table, a student a row, and the class's time.
    header = next(index for index, line in enumerate(out) if line.startswith("student"))
    assert out[header].split() == ["student", "score", "max", "parts", "failed", "s"]
    rows = {line.split()[0]: line.split() for line in out[header + 1:header + 5]}
    assert rows["s0"][1:3] == ["0", f"{total:g}"]
    assert rows["s0"][3:-1] == [f"{part}," for part in list(tests)[:-1]] + [list(tests)[-1]]
    assert rows["s1"][1:4] == [f"{total:g}", f"{total:g}", "-"]
    assert rows["s2"][1:4] == [f"{total - tests['hidden_delta']:g}", f"{total:g}",
                               "hidden_delta"]
    assert all(float(row[-1]) > 0 for row in rows.values())
    assert not (course / "autograded" / "s1" / ASSIGNMENT / ".ipynb_checkpoints").exists()
    assert re.match(r"4 students graded by 2 processes in \d+\.\d s; could not grade: none$",
                    out[-1])
    # The gradebook holds the same scores.
    scores = grading.scores(course, ASSIGNMENT)
    assert {name: sum(scores[name][f"test_{part}"] for part in tests) for name in scores} == {
        "s0": 0, "s1": total, "s2": total - tests["hidden_delta"], "s3": total}

    # The grading log's line for a student: the points and each failed part with its message.
    nb = nbformat.read(course / "autograded" / "s2" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    line = logs.score_line("s2", *logs.scored(nb))
    assert line.startswith(f"s2: {total - tests['hidden_delta']:g} / {total:g} points; failed: "
                           "hidden_delta (`hidden_delta`")
    assert "1 - a" in line


def test_the_grading_log_leaves_out_access_lines_but_not_errors(caplog):
    logs.grading_log()
    logs.grading_log()  # idempotent: one filter
    access = logging.getLogger("tornado.access")
    assert len([known for known in access.filters if type(known).__name__ == "_NoAccessLines"]) == 1
    with caplog.at_level(logging.INFO, logger="tornado.access"):
        access.info("200 GET /formgrader/api/assignments (127.0.0.1) 12.3ms")
        access.warning("404 GET /formgrader/missing (127.0.0.1) 1.0ms")
        access.error("500 POST /formgrader/api/submission/01_xor/s1/autograde 1.0ms")
    assert [record.getMessage()[:3] for record in caplog.records] == ["404", "500"]
    assert logs.is_noise("[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel.")
    assert not logs.is_noise("[IPKernelApp] ERROR | Exception in message handler:")
