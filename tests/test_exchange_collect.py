"""Collecting from an exchange students can write into: only what each student made is taken.

A real ``nbgrader submit`` by the user running the tests makes the honest submission; the
others are what a student could make by hand in ``inbound/`` (which every student may write
into): a folder named for a classmate, a notebook that is a link to the instructor's, a folder
whose name nbgrader cannot read. ``nbgrader collect`` runs with the course's configuration.
The same, with real Unix users on the hub: ``tests/hub/test_hub_class.py``.
"""

import getpass
import os
import pwd
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pytest

from mlp_helpers import grading

ASSIGNMENT = "01_xor"
ME = getpass.getuser()


def stamp(minutes_later):
    """A submission time as nbgrader writes it in folder names, ``minutes_later`` from now."""
    when = datetime.now(UTC) + timedelta(minutes=minutes_later)
    return when.strftime("%Y-%m-%d %H:%M:%S.%f %Z")


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A course with 01_xor released, and one honest submission of it by this user (made once)."""
    root = tmp_path_factory.mktemp("released")
    course = grading.make_course(root / "course", [ASSIGNMENT], sandboxed=False)
    grading.generate_assignment(course, ASSIGNMENT)
    released = grading.nbgrader(course, "release_assignment", ASSIGNMENT, "--force")
    assert released.returncode == 0, released.stderr[-2000:]
    work = root / "student" / ASSIGNMENT
    work.mkdir(parents=True)
    nbformat.write(nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4),
                   work / f"{ASSIGNMENT}.ipynb")
    submitted = subprocess.run(
        [sys.executable, "-m", "nbgrader", "submit", ASSIGNMENT, "--course",
         "backprop-from-scratch", f"--Exchange.root={course / '.exchange'}"],
        cwd=work.parent, env=grading.environment(), capture_output=True, text=True, check=False)
    assert submitted.returncode == 0, submitted.stderr[-2000:]
    return course


def copied(course, tmp_path):
    """A copy of ``course`` for one test (its exchange and gradebook too), links kept as links.

    Each test plants and collects in its own copy; the course is built, released and submitted
    to once (about 5 s of nbgrader's commands) for all of them.
    """
    return Path(shutil.copytree(course, tmp_path / "course", symlinks=True))


@pytest.fixture
def course(released, tmp_path):
    """The released course with its honest submission, this test's own copy."""
    return copied(released, tmp_path)


def inbound(course):
    return course / ".exchange" / "backprop-from-scratch" / "inbound"


def planted(course, name, minutes_later=5):
    """A copy of the honest submission under another folder name, made by hand."""
    honest = next(inbound(course).glob(f"{ME}+{ASSIGNMENT}+*"))
    folder = inbound(course) / name.format(stamp=stamp(minutes_later))
    shutil.copytree(honest, folder)
    return folder


def collect(course):
    done = grading.nbgrader(course, "collect", ASSIGNMENT)
    collected = sorted(path.name for path in (course / "submitted").glob("*")
                       if (path / ASSIGNMENT).is_dir()) if (course / "submitted").is_dir() else []
    return done, collected


def test_the_honest_submission_is_collected(course):
    done, collected = collect(course)
    assert done.returncode == 0, done.stderr[-2000:]
    assert collected == [ME]
    assert "Not collected" not in done.stderr


def test_a_folder_named_for_a_classmate_is_not_collected_as_theirs(course):
    impostor = planted(course, "root+" + ASSIGNMENT + "+{stamp}" if ME != "root"
                       else "nobody+" + ASSIGNMENT + "+{stamp}")
    victim = impostor.name.split("+")[0]
    done, collected = collect(course)
    assert done.returncode == 0, done.stderr[-2000:]
    assert collected == [ME]
    assert (f"Not collected: {impostor.name} in {inbound(course)}: {impostor.name} belongs to "
            f"{ME}, not to {victim}.") in done.stderr
    assert impostor.is_dir()  # left where it was, for the instructor to look at


def test_a_link_to_the_instructors_notebook_is_not_followed(course):
    linked = planted(course, f"{ME}+{ASSIGNMENT}+{{stamp}}")
    notebook = linked / f"{ASSIGNMENT}.ipynb"
    notebook.unlink()
    notebook.symlink_to(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    done, collected = collect(course)
    assert done.returncode == 0, done.stderr[-2000:]
    # The honest, earlier submission is collected; the newer one with the link is not.
    assert collected == [ME]
    assert (f"{linked.name}/{ASSIGNMENT}.ipynb is a symbolic link") in done.stderr
    mine = (course / "submitted" / ME / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    assert "BEGIN SOLUTION" not in mine
    assert not os.path.islink(course / "submitted" / ME / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")


def test_a_folder_whose_name_cannot_be_read_does_not_stop_the_class(course):
    odd = inbound(course) / f"{ME}+{ASSIGNMENT}+not a time"
    shutil.copytree(next(inbound(course).glob(f"{ME}+{ASSIGNMENT}+*")), odd)
    done, collected = collect(course)
    assert done.returncode == 0, done.stderr[-2000:]
    assert collected == [ME]
    assert (f"Not collected: {odd.name} in {inbound(course)}: its name is not "
            "<student>+<assignment>+<time>.") in done.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="a second student's folder needs root to make")
def test_a_submission_too_large_to_copy_costs_only_its_student(course):
    # Every folder over max_dir_size stopped nbgrader's collect of the whole class there.
    big = planted(course, "nobody+" + ASSIGNMENT + "+{stamp}")
    (big / "weights.npy").write_bytes(b"0" * 300_000)
    for path in (big, *big.iterdir()):
        os.chown(path, pwd.getpwnam("nobody").pw_uid, -1)
    done = grading.nbgrader(course, "collect", ASSIGNMENT,
                            "--CourseDirectory.max_dir_size=200")  # in kB
    collected = sorted(path.name for path in (course / "submitted").glob("*")
                       if (path / ASSIGNMENT).is_dir())
    assert done.returncode == 0, done.stderr[-2000:]
    assert collected == [ME]
    assert f"Not collected: {big.name}: Directory size is too big." in done.stderr


# One Unix user for the whole class, as in Zero-to-JupyterHub (every pod runs as uid 1000):
# each student's server submits as that one user, in the student's own name, and the students
# have no account where collect runs. nbgrader's switch for it is check_owner=False.
SHARED_UID_CLASS = ("ada-shared", "grace-shared", "linus-shared")
NO_OWNER_CHECK = "--ExchangeCollect.check_owner=False"


def submit_as(course, student, notebook, work):
    """``nbgrader submit --student=<student>`` by this user, as a shared-uid server does."""
    folder = work / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{ASSIGNMENT}.ipynb")
    submitted = subprocess.run(
        [sys.executable, "-m", "nbgrader", "submit", ASSIGNMENT, "--course",
         "backprop-from-scratch", f"--Exchange.root={course / '.exchange'}",
         f"--student={student}"],
        cwd=folder.parent, env=grading.environment(), capture_output=True, text=True,
        check=False)
    assert submitted.returncode == 0, submitted.stderr[-2000:]


@pytest.fixture(scope="module")
def shared_uid_released(released, tmp_path_factory):
    """The released course, and a submission by each of three students under one uid."""
    for student in SHARED_UID_CLASS:
        with pytest.raises(KeyError):
            pwd.getpwnam(student)  # no account here, as in the formgrader's pod
    root = tmp_path_factory.mktemp("shared-uid")
    course = copied(released, root)
    full = grading.fill_in(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                           grading.solutions(course / "source" / ASSIGNMENT /
                                             f"{ASSIGNMENT}.ipynb"))
    release = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    for student, notebook in zip(SHARED_UID_CLASS, (full, release, full), strict=True):
        submit_as(course, student, notebook, root / "servers")
    return course


@pytest.fixture
def shared_uid_class(shared_uid_released, tmp_path):
    """The shared-uid class's course, this test's own copy."""
    return copied(shared_uid_released, tmp_path)


def collected_names(course):
    return sorted(path.name for path in (course / "submitted").glob("*")
                  if (path / ASSIGNMENT).is_dir()) if (course / "submitted").is_dir() else []


def test_on_one_shared_uid_nothing_is_collected_while_owners_are_checked(shared_uid_class):
    done = grading.nbgrader(shared_uid_class, "collect", ASSIGNMENT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert collected_names(shared_uid_class) == [ME]
    for student in SHARED_UID_CLASS:
        assert f": there is no user {student} on this machine." in done.stderr


def test_on_one_shared_uid_check_owner_false_collects_and_grades_the_class(shared_uid_class):
    done = grading.nbgrader(shared_uid_class, "collect", ASSIGNMENT, NO_OWNER_CHECK)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Not collected" not in done.stderr
    assert collected_names(shared_uid_class) == sorted([*SHARED_UID_CLASS, ME])
    graded = grading.autograde(shared_uid_class, ASSIGNMENT, sandboxed=False)
    assert graded.returncode == 0, graded.stderr[-3000:]
    points = grading.max_scores(shared_uid_class / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    tests = [cell for cell in points if cell.startswith("test")]  # not the hand-graded answer
    total = {student: sum(parts[cell] for cell in tests)
             for student, parts in grading.scores(shared_uid_class, ASSIGNMENT).items()}
    assert total["ada-shared"] == total["linus-shared"] == sum(points[cell] for cell in tests)
    assert total["grace-shared"] == 0


def test_without_the_owner_check_links_and_fifos_are_still_refused(shared_uid_class):
    linked = planted(shared_uid_class, f"ada-shared+{ASSIGNMENT}+{{stamp}}")
    notebook = linked / f"{ASSIGNMENT}.ipynb"
    notebook.unlink()
    notebook.symlink_to(shared_uid_class / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    piped = planted(shared_uid_class, f"grace-shared+{ASSIGNMENT}+{{stamp}}", minutes_later=6)
    os.mkfifo(piped / "answers")
    done = grading.nbgrader(shared_uid_class, "collect", ASSIGNMENT, NO_OWNER_CHECK)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{linked.name}/{ASSIGNMENT}.ipynb is a symbolic link" in done.stderr
    assert f"{piped.name}/answers is not a plain file or folder" in done.stderr
    # Each student's earlier, plain submission is collected in place of the refused one.
    assert collected_names(shared_uid_class) == sorted([*SHARED_UID_CLASS, ME])
    ada = shared_uid_class / "submitted" / "ada-shared" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert not ada.is_symlink()
    assert "BEGIN SOLUTION" not in ada.read_text()


@pytest.mark.skipif(os.geteuid() != 0, reason="a file of another user needs root to make")
def test_without_the_owner_check_a_file_of_another_user_is_still_refused(shared_uid_class):
    mixed = planted(shared_uid_class, f"linus-shared+{ASSIGNMENT}+{{stamp}}")
    os.chown(mixed / f"{ASSIGNMENT}.ipynb", pwd.getpwnam("nobody").pw_uid, -1)
    done = grading.nbgrader(shared_uid_class, "collect", ASSIGNMENT, NO_OWNER_CHECK)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (f"{mixed.name}/{ASSIGNMENT}.ipynb belongs to nobody, not to {ME}"
            in done.stderr)
