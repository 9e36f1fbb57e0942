"""Grading where the sandbox cannot be had, the report of one notebook, the process limit.

A machine without bubblewrap is this one with a ``PATH`` that does not hold ``bwrap``: the
graders look for it there, as they would anywhere.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from sandboxing import needs_sandbox

from mlp_helpers import grading
from mlp_helpers.grading import sandbox
from mlp_helpers.grading.sandbox import processes as sandbox_processes

REPO = Path(__file__).resolve().parents[1]
NO_BWRAP = {**grading.environment(), "PATH": str(Path(sys.executable).parent)}
ASSIGNMENT = "01_xor"


def full_solution(folder):
    notebook = grading.fill_in(REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                               grading.solutions(REPO / "source" / ASSIGNMENT /
                                                 f"{ASSIGNMENT}.ipynb"))
    path = folder / f"{ASSIGNMENT}.ipynb"
    nbformat.write(notebook, path)
    return path


def self_check(notebook, *flags):
    return subprocess.run([sys.executable, "-m", "mlp_helpers.grading", str(notebook), *flags],
                          capture_output=True, text=True, check=False, env=NO_BWRAP,
                          cwd=notebook.parent, timeout=300)


def test_without_bubblewrap_the_self_check_refuses_and_says_what_to_do(tmp_path):
    done = self_check(full_solution(tmp_path))
    assert done.returncode == 1
    assert done.stdout == ""
    message = done.stderr.removeprefix("python -m mlp_helpers.grading: ")
    assert message.startswith("Grading refused: student code is graded only inside a sandbox, "
                              "and bubblewrap (the `bwrap` command) is not installed.")
    assert "`apt-get install bubblewrap`" in message
    assert "`make check NB=<notebook> UNSANDBOXED=1`" in message
    assert "`c.Sandbox.enabled = False`" in message
    assert message.count("\n") == 1  # one paragraph
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_without_bubblewrap_the_self_check_grades_when_told_unsandboxed(tmp_path):
    done = self_check(full_solution(tmp_path), "--unsandboxed")
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines()[0] == ("01_xor: 11 / 11 points graded automatically; "
                                           "2 more points are graded by hand")


@pytest.mark.slow
def test_without_bubblewrap_nbgrader_grades_nobody_and_says_why(tmp_path):
    course = grading.make_course(tmp_path / "course", [ASSIGNMENT])
    grading.generate_assignment(course, ASSIGNMENT)
    grading.submit(course, ASSIGNMENT, "ada", full_solution(tmp_path))
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT],
                          cwd=course, env=NO_BWRAP, capture_output=True, text=True, check=False,
                          timeout=300)
    assert done.returncode != 0
    assert "[AutogradeApp | ERROR] Grading refused: student code is graded only inside a " \
           "sandbox, and bubblewrap (the `bwrap` command) is not installed." in done.stderr
    assert "`apt-get install bubblewrap`" in done.stderr
    assert not (course / "autograded" / "ada" / ASSIGNMENT).exists()
    # nbgrader records the submission before it runs it: with no score at all.
    assert set(grading.scores(course, ASSIGNMENT)["ada"].values()) == {None}


def test_self_check_counts_points_graded_by_hand_apart():
    points = {"test_sigmoid": 1.0, "test_train_xor": 3.0, "explain_loss_not_gradient": 2.0}
    by_hand = frozenset({"explain_loss_not_gradient"})
    answered = grading.Report(ASSIGNMENT, {"test_sigmoid": 1.0, "test_train_xor": 0.0,
                                           "explain_loss_not_gradient": None}, points,
                              {"test_train_xor": "CheckFailed: `train_xor`: ..."}, by_hand)
    assert str(answered).splitlines() == [
        "01_xor: 1 / 4 points graded automatically; 2 more points are graded by hand",
        "  test_sigmoid                     1 / 1",
        "  test_train_xor                   0 / 3",
        "      CheckFailed: `train_xor`: ...",
        "  explain_loss_not_gradient        graded by hand"]
    unanswered = grading.Report(ASSIGNMENT, {"test_sigmoid": 1.0, "test_train_xor": 3.0,
                                             "explain_loss_not_gradient": 0.0}, points, {},
                                by_hand)
    lines = str(unanswered).splitlines()
    assert lines[0] == ("01_xor: 4 / 4 points graded automatically; 2 more points are graded "
                        "by hand")
    assert lines[-1] == ("  explain_loss_not_gradient        graded by hand: not answered yet "
                         "(0 / 2)")


def test_hand_graded_parts_are_the_written_answers():
    assert grading.hand_graded(REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb") == {
        "explain_loss_not_gradient"}


BOMB = """
import os, time
started = 0
for _ in range(2000):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    started += 1
print(started)
"""


@needs_sandbox
@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="becoming an ordinary user takes root and setpriv")
def test_for_an_ordinary_user_the_process_limit_counts_the_sandbox_alone():
    # nobody cannot enter root's home, where this machine's virtualenv Python lives: the system
    # Python starts the fork bomb, in the course's sandbox otherwise unchanged.
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    others = [subprocess.Popen([*nobody, "sleep", "60"]) for _ in range(150)]
    folder = Path(tempfile.mkdtemp(prefix="sandbox-nobody-"))
    try:
        os.chown(folder, 65534, 65534)
        limit = sandbox_processes.RlimitProcesses(100)
        command = sandbox.Sandbox().command(["/usr/bin/python3", "-c", BOMB], str(folder), limit)
        for index in reversed(range(len(command) - 2)):
            if command[index] == "--ro-bind" and command[index + 1].startswith("/root/"):
                del command[index:index + 3]
        done = subprocess.run([*nobody, *command], capture_output=True, text=True, timeout=120,
                              check=False)
        assert done.returncode == 0, done.stderr
        # Fewer than 100 with the sandbox's own processes, whatever nobody runs elsewhere.
        assert 90 <= int(done.stdout) < 100
    finally:
        for other in others:
            other.send_signal(signal.SIGKILL)
            other.wait()
        shutil.rmtree(folder)
