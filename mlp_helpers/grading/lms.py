"""The class's grades as a learning management system imports them: Canvas's and Moodle's CSV.

``python -m mlp_helpers.grading.lms canvas --out grades.csv`` (in the course folder, after
autograde and hand grading) writes one row per student of the gradebook and one column per
assignment, each score out of the assignment's points, in the form the LMS's gradebook import
reads (docs/instructor-guide.md, "Grades into Canvas or Moodle"):

- **Canvas** (Grades ▸ Import): the columns ``Student``, ``ID``, ``SIS User ID``,
  ``SIS Login ID``, ``Section``, then one per assignment, and a second row ``Points Possible``
  with each assignment's points. Canvas finds a student by ``ID`` (their Canvas user id, the
  roster's ``lms_user_id``), then by ``SIS Login ID`` (the e-mail address, or the user name with
  ``--identify username``), then by name (``Last, First``). A column whose title is not an
  assignment of the Canvas course becomes a new assignment.
- **Moodle** (Grades ▸ Import ▸ CSV file): the columns ``First name``, ``Last name``,
  ``Email address`` (or ``Username``), then one per assignment. On the import page, "Map from"
  ``Email address`` to ``Email address`` (``useremail``; or ``Username`` to ``username``), and each
  assignment's column to its grade item or to a new one. Moodle stops the whole import at a
  student it cannot find, so every student needs the identifier: a missing one is refused here.

A student with no submission gets an empty cell (Canvas leaves the grade as it is; Moodle reads
``-`` as no grade), or 0 with ``--missing-as-zero``. Scores are plain decimals with a point
(``6.5``, never ``6,5`` or ``6.50e+00``), after any late penalty, as nbgrader's own export.
"""

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

CANVAS_STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "Points Possible"
MOODLE_IDENTIFIERS = {"email": "Email address", "username": "Username"}


@dataclass(frozen=True)
class Student:
    """One student of the gradebook and their score in each assignment (``None``: no submission)."""

    username: str
    first_name: str
    last_name: str
    email: str
    lms_user_id: str
    scores: dict


def class_grades(db_url):
    """``(points, students, waiting)`` from the gradebook at ``db_url``.

    ``points`` is ``{assignment: points}``, ``students`` every ``Student`` sorted by name, and
    ``waiting`` the ``(student, assignment)`` pairs that still wait for a hand grade (their score
    counts what is graded so far).
    """
    with Gradebook(db_url) as gradebook:
        points = {assignment.name: assignment.max_score for assignment in
                  sorted(gradebook.assignments, key=lambda assignment: assignment.name)}
        students, waiting = [], []
        for student in gradebook.students:
            scores = {}
            for assignment in points:
                try:
                    submission = gradebook.find_submission(assignment, student.id)
                except MissingEntry:
                    scores[assignment] = None
                    continue
                penalty = submission.late_submission_penalty or 0.0
                scores[assignment] = max(0.0, submission.score - penalty)
                if submission.needs_manual_grade:
                    waiting.append((student.id, assignment))
            students.append(Student(student.id, student.first_name or "",
                                    student.last_name or "", student.email or "",
                                    student.lms_user_id or "", scores))
    students.sort(key=lambda s: (s.last_name.lower(), s.first_name.lower(), s.username))
    return points, students, waiting


def number(score):
    """A score as both LMSs parse it: ``13``, ``6.5``, ``0.25`` (at most two decimals)."""
    return f"{score:.2f}".rstrip("0").rstrip(".")


def identifier(student, identify):
    """The student's e-mail address (``identify="email"``) or user name (``"username"``)."""
    return student.email if identify == "email" else student.username


def canvas_rows(points, students, identify="email", missing=""):
    """The rows of Canvas's gradebook import: header, ``Points Possible``, one per student."""
    rows = [[*CANVAS_STUDENT_COLUMNS, *points],
            [POINTS_POSSIBLE, "", "", "", "", *map(number, points.values())]]
    for student in students:
        name = ", ".join(filter(None, (student.last_name, student.first_name)))
        rows.append([name or student.username, student.lms_user_id, "",
                     identifier(student, identify), "",
                     *(missing if student.scores[a] is None else number(student.scores[a])
                       for a in points)])
    return rows


def moodle_rows(points, students, identify="email", missing="-"):
    """The rows of Moodle's CSV grade import: a header, then one row per student.

    Raises ``ValueError`` naming the students without the identifier Moodle finds them by.
    """
    unknown = [student.username for student in students if not identifier(student, identify)]
    if unknown:
        raise ValueError(f"Moodle finds each student by their {MOODLE_IDENTIFIERS[identify]}, "
                         f"and {', '.join(unknown)} {'has' if len(unknown) == 1 else 'have'} "
                         "none in the gradebook: add it to the roster's email column and run "
                         "the set-up again (or `nbgrader db student add ... --email`), or "
                         "export with --identify username.")
    rows = [["First name", "Last name", MOODLE_IDENTIFIERS[identify], *points]]
    for student in students:
        rows.append([student.first_name, student.last_name, identifier(student, identify),
                     *(missing if student.scores[a] is None else number(student.scores[a])
                       for a in points)])
    return rows


def write(rows, path):
    """Write ``rows`` as CSV (UTF-8, fields with commas or quotes quoted, as RFC 4180)."""
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)


def main(argv=None):
    """Command line: ``python -m mlp_helpers.grading.lms canvas|moodle --out FILE``."""
    parser = argparse.ArgumentParser(prog="python -m mlp_helpers.grading.lms",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("lms", choices=("canvas", "moodle"))
    parser.add_argument("--out", required=True, type=Path, help="the CSV file to write")
    parser.add_argument("--course", type=Path, default=Path(),
                        help="the course folder, whose gradebook.db is read (default: here)")
    parser.add_argument("--db", help="the gradebook's URL, when not the course's gradebook.db")
    parser.add_argument("--identify", choices=tuple(MOODLE_IDENTIFIERS), default="email",
                        help="what the LMS finds a student by besides its own id")
    parser.add_argument("--missing-as-zero", action="store_true",
                        help="a student without a submission scores 0 (default: left empty)")
    arguments = parser.parse_args(argv)
    db_url = arguments.db or f"sqlite:///{(arguments.course / 'gradebook.db').resolve()}"
    if not arguments.db and not (arguments.course / "gradebook.db").is_file():
        parser.exit(1, f"{parser.prog}: there is no gradebook.db in {arguments.course.resolve()}"
                       ": run this in the course folder (or give --course or --db).\n")
    points, students, waiting = class_grades(db_url)
    try:
        if arguments.lms == "canvas":
            rows = canvas_rows(points, students, arguments.identify,
                               "0" if arguments.missing_as_zero else "")
        else:
            rows = moodle_rows(points, students, arguments.identify,
                               "0" if arguments.missing_as_zero else "-")
    except ValueError as error:
        parser.exit(1, f"{parser.prog}: {error}\n")
    write(rows, arguments.out)
    for student, assignment in waiting:
        print(f"{student}'s {assignment} still waits for a hand grade: its score counts only "
              "what is graded so far", file=sys.stderr)
    print(f"{len(students)} students, {len(points)} assignments: {arguments.out}")


if __name__ == "__main__":
    main()
