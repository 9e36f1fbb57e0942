"""A hostile class graded through the real pipeline, as the instructor guide says.

01_xor for a whole class (``tests/hostile_students.py``): honest students graded before and
after hostile ones, each hostile student turning against the grader what nbgrader does around
the kernel (the kernel's folder is where nbgrader writes, chmods, copies and publishes) or
what reaches the kernel (the hidden tests, in its folder and in its requests). The class is
graded by plain ``nbgrader autograde`` with the course's ``nbgrader_config.py`` and by
``python -m mlp_helpers.grading.grade_class``, then ``nbgrader generate_feedback`` and
``release_feedback`` to the course's exchange. Nothing a student does may gain a point, change a
classmate's grade or file or anything outside the course, leak what is secret, leave a process
or stop the class. Grading also refuses to run at all where the course's configuration does not
load or the sandbox cannot be had.
"""

import html
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from hostile_students import (
    ASSIGNMENT,
    CLASSMATE,
    HONEST,
    HOSTILE_STUDENTS,
    LOUD,
    LOUD_STUDENT,
    NOTEBOOK,
    PROBE,
    ROUTES,
    SOURCE,
    STUDENTS,
    TOKEN,
    entries,
    fingerprint,
    grade,
    kind_of,
    make_class,
    processes_under,
    run,
    snapshot,
)
from nbgrader.utils import notebook_hash
from sandboxing import needs_sandbox

from mlp_helpers import grading

pytestmark = [pytest.mark.slow, needs_sandbox]
# What grading is expected to write in the course: everything else there stays as it was.
OUTPUTS = ("autograded", "feedback", ".exchange", "gradebook.db", "gradebook.db-journal")
# Devices a student's link points at; nbgrader chmods through links, as root.
DEVICES = ("/dev/zero",)
DEEPEST = 12  # folders below autograded/ or feedback/ that grading itself makes: 3
# The largest file grading hands back (an honest feedback page is about 170 kB); files are
# searched for secrets up to this size.
LARGEST = 16 * 2**20


@pytest.fixture(scope="module")
def honest_scores(tmp_path_factory):
    """The scores of the honest students in a class of honest students alone, by kind."""
    alone = {kind: names[0] for kind, names in HONEST.items()}
    built = make_class(tmp_path_factory.mktemp("honest"), alone.values())
    steps = grade(built["course"], "nbgrader", built["root"] / "logs")
    assert all(step["returncode"] == 0 for step in steps.values()), steps
    scores = grading.scores(built["course"], ASSIGNMENT)
    return {kind: scores[name] for kind, name in alone.items()}


@pytest.fixture(scope="module", params=list(ROUTES))
def graded(request, tmp_path_factory):
    """The hostile class graded by one route: what it was before and what grading left."""
    built = make_class(tmp_path_factory.mktemp(f"hostile-{request.param}"), STUDENTS)
    root, course = built["root"], built["course"]
    before = {"course": snapshot(course, skip=OUTPUTS),
              "outside": snapshot(root, skip=("course", "logs")),
              "gradebook": stat.S_IMODE(os.stat(course / "gradebook.db").st_mode)}
    devices = {path: os.stat(path).st_mode for path in DEVICES}
    try:
        steps = grade(course, request.param, root / "logs")
    finally:  # a device chmodded through a student's link is the machine's: put it back
        changed = {path: os.stat(path).st_mode for path in DEVICES
                   if os.stat(path).st_mode != devices[path]}
        for path in changed:
            os.chmod(path, stat.S_IMODE(devices[path]))
    time.sleep(1)  # a kernel being torn down as the last command ends
    yield {**built, "route": request.param, "steps": steps, "before": before,
           "devices_changed": changed, "left": processes_under(root)}
    remove_deep_trees(root)


def remove_deep_trees(folder):
    """Remove what lies deeper than ``DEEPEST`` under ``folder``.

    pytest's clean-up of old temporary folders stops at a tree deeper than Python's recursion
    limit, with an error at the end of every later test run on the machine; ``rm`` does not.
    """
    deep = {Path(folder, *path.parts[:DEEPEST]) for path, info in entries(folder).items()
            if len(path.parts) > DEEPEST}
    if deep:
        subprocess.run(["rm", "-rf", "--", *map(str, deep)], check=True)


def graded_scores(graded):
    return grading.scores(graded["course"], ASSIGNMENT)


def feedback_page(graded, student):
    return graded["course"] / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"


def released_page(graded, student):
    """Where ``release_feedback`` puts ``student``'s page, and ``fetch_feedback`` looks."""
    name = notebook_hash(secret=graded["secrets"][student], notebook_id=ASSIGNMENT)
    return (graded["course"] / ".exchange" / "backprop-from-scratch" / "feedback"
            / f"{name}.html")


def files_under(graded, *folders):
    """``{path: text}`` of every regular file under the course's ``folders``, unescaped."""
    found = {}
    for folder in folders:
        top = graded["course"] / folder
        for path, info in (entries(top).items() if top.is_dir() else ()):
            if stat.S_ISREG(info.st_mode):
                with open(top / path, "rb") as file:
                    found[top / path] = html.unescape(file.read(LARGEST).decode("latin-1"))
    return found


def lines_of(path):
    return {line.strip() for cell in nbformat.read(path, as_version=4).cells
            for line in cell.source.splitlines()}


def test_the_class_run_completes_and_every_student_gets_feedback(graded):
    for step, result in graded["steps"].items():
        assert not result["hung"], f"{step} hung: {result['output'][-3000:]}"
        assert result["returncode"] == 0, f"{step}: {result['output'][-3000:]}"
    missing = [student for student in STUDENTS
               if not (graded["course"] / "autograded" / student / ASSIGNMENT / NOTEBOOK
                       ).is_file()
               or not feedback_page(graded, student).is_file()
               or not released_page(graded, student).is_file()]
    assert missing == []


def test_honest_students_score_exactly_as_in_a_class_of_honest_students(graded, honest_scores):
    scores = graded_scores(graded)
    for kind, names in HONEST.items():
        for student in names:
            assert scores.get(student) == honest_scores[kind], student


def test_no_hostile_student_scores_more_than_the_same_notebook_without_its_attack(
        graded, honest_scores):
    scores = graded_scores(graded)
    gained = {}
    for student in HOSTILE_STUDENTS:
        honest = honest_scores[kind_of(student)]
        mine = scores.get(student, {})
        more = {cell: mine[cell] for cell in honest
                if (mine.get(cell) or 0) > (honest[cell] or 0)}
        if more:
            gained[student] = more
    assert gained == {}


def differences(before, after):
    """``{path: (before, after)}`` of what was added, removed or changed between two snapshots."""
    return {str(path): (before.get(path), after.get(path)) for path in before.keys() | after.keys()
            if before.get(path) != after.get(path)}


def test_the_course_and_every_classmates_work_are_unchanged(graded):
    course = graded["course"]
    assert differences(graded["before"]["course"], snapshot(course, skip=OUTPUTS)) == {}
    gradebook = os.lstat(course / "gradebook.db")
    assert fingerprint(course / "gradebook.db", gradebook)[:2] == (
        stat.S_IFREG, graded["before"]["gradebook"])
    assert (course / "gradebook.db").read_bytes()[:16] == b"SQLite format 3\0"
    honest = [name for names in HONEST.values() for name in names]
    taken = [student for student in honest
             if TOKEN in (course / "autograded" / student / ASSIGNMENT / NOTEBOOK).read_text()
             or TOKEN in feedback_page(graded, student).read_text()]
    assert taken == []
    # Each released as their own page: no classmate's took its place.
    replaced = [student for student in honest if released_page(graded, student).read_bytes()
                != feedback_page(graded, student).read_bytes()]
    assert replaced == []


def test_no_file_outside_the_course_is_created_or_changed(graded):
    after = snapshot(graded["root"], skip=("course", "logs"))
    assert differences(graded["before"]["outside"], after) == {}
    assert graded["devices_changed"] == {}


def test_no_hidden_test_answer_key_or_solution_reaches_any_feedback_or_exchange_file(graded):
    course = graded["course"]
    # Lines of source/ that no student has (hidden tests, the model answer), the markers, the
    # gradebook, the course's configuration and a private file outside the course.
    known = lines_of(course / "release" / ASSIGNMENT / NOTEBOOK).union(*[
        lines_of(course / "submitted" / student / ASSIGNMENT / NOTEBOOK) for student in STUDENTS])
    secrets = {line for line in lines_of(SOURCE) if len(line) >= 24} - known
    assert len(secrets) > 5
    secrets |= {"BEGIN HIDDEN TESTS", "hidden=True", "BEGIN SOLUTION", "expected=",
                "SQLite format 3", graded["config_secret"], graded["key_secret"]}
    leaks = {(str(path.relative_to(course)), secret)
             for path, text in files_under(graded, "feedback", ".exchange").items()
             for secret in secrets if secret in text}
    assert leaks == set()


def test_what_a_test_cell_prints_in_the_kernel_never_reaches_the_feedback(graded):
    assert LOUD_STUDENT in STUDENTS
    pages = files_under(graded, "feedback", ".exchange")
    assert [str(path) for path, text in pages.items() if LOUD in text] == []


def test_nothing_a_kernel_leaves_is_handed_back_as_a_link_pipe_device_or_deep_tree(graded):
    found = []
    for folder in ("autograded", "feedback", ".exchange"):
        for path, info in entries(graded["course"] / folder).items():
            regular = stat.S_ISREG(info.st_mode) and info.st_nlink == 1 \
                and info.st_size <= LARGEST
            if not (regular or stat.S_ISDIR(info.st_mode)) or len(path.parts) > DEEPEST:
                found.append((folder, str(path)[:120], fingerprint(
                    graded["course"] / folder / path, info)[:2]))
    assert found == []


def test_no_process_outlives_grading(graded):
    assert graded["left"] == []
    assert processes_under(graded["root"]) == []


def refused(output):
    """The paragraph of ``output`` from "Grading refused:" on, or '' if there is none."""
    start = output.find("Grading refused:")
    return "" if start < 0 else output[start:start + 1000]


@pytest.mark.parametrize("route", ROUTES)
def test_grading_refuses_when_the_course_configuration_does_not_load(route, tmp_path):
    built = make_class(tmp_path, [CLASSMATE, PROBE])
    with open(built["course"] / "nbgrader_config.py", "a") as config:
        config.write("\nc.Sandbox.enabled = (\n")  # a syntax error: the file no longer loads
    result = run(ROUTES[route], built["course"], tmp_path / "autograde.log")
    assert not result["hung"]
    assert result["returncode"] != 0
    assert "nbgrader_config.py" in refused(result["output"]), result["output"][-3000:]
    assert not (built["sentinel"] / "written-by-a-student").exists()
    assert not list((built["course"] / "autograded").glob(f"*/{ASSIGNMENT}/{NOTEBOOK}"))


@pytest.mark.parametrize("route", ROUTES)
def test_grading_refuses_where_bubblewrap_is_missing(route, tmp_path):
    built = make_class(tmp_path, [CLASSMATE, PROBE])
    # The course's environment and nothing else: no bwrap on the PATH.
    env = {**grading.environment(), "PATH": str(Path(sys.executable).parent)}
    result = run(ROUTES[route], built["course"], tmp_path / "autograde.log", env=env)
    assert not result["hung"]
    assert result["returncode"] != 0
    assert "bubblewrap" in refused(result["output"]), result["output"][-3000:]
    assert not (built["sentinel"] / "written-by-a-student").exists()
    assert not list((built["course"] / "autograded").glob(f"*/{ASSIGNMENT}/{NOTEBOOK}"))
