"""Grades into Canvas and Moodle: the CSV files their gradebook imports read.

What the files must hold, from the LMSs' own import code and guides:

- Canvas (``GradebookImporter``): a header whose first cell holds ``Student`` and second ``ID``,
  then ``SIS User ID`` and ``SIS Login ID``, then ``Section``, then one column per assignment; a
  row whose first cell holds ``Points Possible`` gives each assignment's points; a student is
  found by ``ID``, then the SIS ids, then the name; an empty grade leaves Canvas's as it is.
- Moodle (``grade/import/csv``): a header, one row per student; one column is mapped to the
  user's e-mail address (or user name), each other to a grade item; a grade is ``-`` or empty
  (no grade) or a number PHP's ``is_numeric`` accepts; a student it cannot find stops the import.

A real course grades three students (full marks with half a hand-graded point, a blank
notebook, no submission at all); the student with the full marks has a comma in their name.
"""

import csv
import io
import re
import subprocess
import sys

import pytest
from nbgrader.api import Gradebook

from mlp_helpers import grading
from mlp_helpers.grading import lms

pytestmark = pytest.mark.slow
ASSIGNMENT = "01_xor"
# PHP's is_numeric, for the plain decimals written here (no exponent, no sign, no spaces).
PHP_NUMERIC = re.compile(r"[0-9]+(\.[0-9]+)?")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course whose gradebook holds three students of 01_xor, graded."""
    course = grading.make_course(tmp_path_factory.mktemp("lms") / "course", [ASSIGNMENT],
                                 sandboxed=False)
    released = grading.generate_assignment(course, ASSIGNMENT)
    solved = grading.fill_in(released, grading.solutions(
        course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))
    grading.submit(course, ASSIGNMENT, "s_full", solved)
    grading.submit(course, ASSIGNMENT, "s_blank", released)
    graded = grading.autograde(course, ASSIGNMENT, sandboxed=False)
    assert graded.returncode == 0, graded.stderr[-3000:]
    with Gradebook(db_url(course)) as gradebook:
        gradebook.update_or_create_student("s_full", first_name="José, Jr.", last_name="Núñez",
                                           email="jose@uni.example", lms_user_id="4242")
        gradebook.update_or_create_student("s_blank", first_name="Grace", last_name="Hopper",
                                           email="grace@uni.example")
        gradebook.update_or_create_student("s_none", first_name="Alan", last_name="Turing",
                                           email="alan@uni.example")
    return course


def db_url(course):
    return f"sqlite:///{course / 'gradebook.db'}"


def hand_grade(course, student, points):
    with Gradebook(db_url(course)) as gradebook:
        grade = gradebook.find_grade("explain_loss_not_gradient", ASSIGNMENT, ASSIGNMENT, student)
        grade.manual_score = points
        gradebook.db.commit()


def export(course, *arguments):
    out = course / "export.csv"
    done = subprocess.run([sys.executable, "-m", "mlp_helpers.grading.lms", *arguments,
                           "--out", str(out)], cwd=course, env=grading.environment(),
                          capture_output=True, text=True, check=False)
    return done, (out.read_bytes().decode("utf-8") if out.exists() else None)


def test_scores_are_written_as_both_lms_parse_numbers():
    assert [lms.number(score) for score in (13.0, 12.5, 0.25, 1 / 3, 0.0, 1e-7)] == [
        "13", "12.5", "0.25", "0.33", "0", "0"]


def test_the_canvas_file_has_canvas_columns_points_and_one_row_per_student(course):
    hand_grade(course, "s_full", 1.5)
    done, text = export(course, "canvas")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"3 students, 1 assignments: {course / 'export.csv'}\n"
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ASSIGNMENT],
        ["Points Possible", "", "", "", "", "13"],
        ["Hopper, Grace", "", "", "grace@uni.example", "", "0"],
        ["Núñez, José, Jr.", "4242", "", "jose@uni.example", "", "12.5"],
        ["Turing, Alan", "", "", "alan@uni.example", "", ""],
    ]
    # A name with commas is one quoted field, and lines end as RFC 4180 says.
    assert '\r\n"Núñez, José, Jr.",4242,,jose@uni.example,,12.5\r\n' in text


def test_canvas_reads_the_header_as_its_importer_does(course):
    _, text = export(course, "canvas")
    header, points, *students = csv.reader(io.StringIO(text))
    # GradebookImporter: Student, ID, then SIS User ID and SIS Login ID, then Section.
    assert re.search("Student", header[0])
    assert re.search("ID", header[1])
    assert re.search(r"SIS\s+User\s+ID", header[2])
    assert re.search(r"SIS\s+Login\s+ID", header[3])
    assert re.search("Section", header[4])
    assert re.search("Points Possible", points[0])
    assert all(PHP_NUMERIC.fullmatch(cell) for cell in points[5:])
    assert all(PHP_NUMERIC.fullmatch(row[5]) or row[5] == "" for row in students)


def test_the_moodle_file_maps_by_email_and_marks_no_submission_as_no_grade(course):
    hand_grade(course, "s_full", 2)
    done, text = export(course, "moodle")
    assert done.returncode == 0, done.stderr
    assert list(csv.reader(io.StringIO(text))) == [
        ["First name", "Last name", "Email address", ASSIGNMENT],
        ["Grace", "Hopper", "grace@uni.example", "0"],
        ["José, Jr.", "Núñez", "jose@uni.example", "13"],
        ["Alan", "Turing", "alan@uni.example", "-"],
    ]


def test_a_student_without_a_submission_scores_zero_when_asked(course):
    _, canvas = export(course, "canvas", "--missing-as-zero")
    _, moodle = export(course, "moodle", "--missing-as-zero")
    assert canvas.splitlines()[-1] == "\"Turing, Alan\",,,alan@uni.example,,0"
    assert moodle.splitlines()[-1] == "Alan,Turing,alan@uni.example,0"


def test_moodle_by_user_name_and_a_student_without_address_is_refused(course):
    _, text = export(course, "moodle", "--identify", "username")
    assert text.splitlines()[0] == f"First name,Last name,Username,{ASSIGNMENT}"
    assert text.splitlines()[3] == "Alan,Turing,s_none,-"
    with Gradebook(db_url(course)) as gradebook:
        gradebook.update_or_create_student("s_none", email=None)
    try:
        (course / "export.csv").unlink()
        done, text = export(course, "moodle")
    finally:
        with Gradebook(db_url(course)) as gradebook:
            gradebook.update_or_create_student("s_none", email="alan@uni.example")
    assert done.returncode == 1
    assert text is None
    assert done.stderr == (
        "python -m mlp_helpers.grading.lms: Moodle finds each student by their Email address, "
        "and s_none has none in the gradebook: add it to the roster's email column and run the "
        "set-up again (or `nbgrader db student add ... --email`), or export with --identify "
        "username.\n")


def test_a_hand_grade_still_to_give_is_named(course):
    hand_grade(course, "s_full", None)
    done, text = export(course, "canvas")
    assert done.returncode == 0
    assert "s_full's 01_xor still waits for a hand grade" in done.stderr
    assert "\"Núñez, José, Jr.\",4242,,jose@uni.example,,11\r\n" in text


def test_outside_a_course_the_export_says_where_to_run(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mlp_helpers.grading.lms", "canvas", "--out",
                           str(tmp_path / "grades.csv")], cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 1
    assert done.stderr == (f"python -m mlp_helpers.grading.lms: there is no gradebook.db in "
                           f"{tmp_path}: run this in the course folder (or give --course or "
                           "--db).\n")
