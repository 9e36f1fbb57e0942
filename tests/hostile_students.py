"""A hostile class of 01_xor, graded as the instructor guide says: the students and the tools.

Honest students (the full solution, one planted bug, the untouched stubs) are graded before and
after the hostile ones (their names sort on both sides). Each hostile student is the full
solution or the untouched stubs plus one cell that turns what happens *around* the kernel
against the grader: it leaves links, hard links, FIFOs, a device or a deep folder tree where
nbgrader writes, chmods, copies and publishes, or it watches what code reaches its kernel for
hidden tests, or it makes the test cells print. ``grade`` runs the class through the real
commands (plain ``nbgrader`` with the course's config, or
``python -m mlp_helpers.grading.grade_class``)
with a watch that stops a run that hangs, and a file size limit: today a link to /dev/zero is
copied without end.
"""

import hashlib
import os
import resource
import signal
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat

from mlp_helpers import grading

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "01_xor"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
SOURCE = REPO / "source" / ASSIGNMENT / NOTEBOOK
# Seconds: a cell, a whole notebook (an honest one takes about 3), a run that prints nothing
# for this long is taken as hung and stopped.
CELL_TIMEOUT, NOTEBOOK_TIMEOUT, STALL = 20, 60, 150
# The largest file a grading run may write: far above a feedback page or the gradebook, and it
# turns a copy of /dev/zero into an error instead of a full disk.
FILE_LIMIT = 256 * 2**20
TOKEN = f"hostile-{uuid.uuid4().hex}"  # in every hostile cell's text: found where it went
# What a test cell of the "loud" student prints; its cell's text never holds it as one string.
LOUD = f"TESTCELL-SAYS-{TOKEN}"
HONEST = {"full": ("aa_full", "za_full"), "planted_bug": ("ab_planted_bug", "zb_planted_bug"),
          "blank": ("ac_blank", "zc_blank")}
CLASSMATE = "aa_full"  # graded before every hostile student: the one they aim at

# The start of every hostile cell: what the student is assumed to know (the real paths).
PREAMBLE = """# {token}
import os, pathlib, sys
COURSE, SENTINEL = pathlib.Path({course!r}), pathlib.Path({sentinel!r})
CLASSMATE, NOTEBOOK = {classmate!r}, {notebook!r}

def relink(name, target):
    if os.path.lexists(name):
        os.remove(name)
    os.symlink(str(target), name)
    print("LINKED", name, "->", target)

def seen(code):
    # Every code the kernel receives, printed into the cell running and kept in a page.
    print("SAW", code)
    with open(SEEN, "a") as page:
        page.write(code + "\\n")

SEEN = os.path.abspath("seen.html")
"""

# name: (what the rest of the notebook is, where the cell goes, the cell after the preamble).
# "end": the last cell; "top": right after the setup cell, before every test cell. Numbered so
# that the attacks which stop nbgrader's run (a FIFO, a deep tree, the gradebook overwritten)
# are graded last: every attack before them is seen, whichever of them stops the class.
HOSTILE = {
    # The notebook file nbgrader puts in the kernel's folder holds the hidden tests.
    "h01_reads_notebook": ("blank", "top", """
text = pathlib.Path(NOTEBOOK).read_text()
for line in text.splitlines():
    if "hidden" + "=True" in line or "BEGIN " + "HIDDEN" in line or "expected" + "=" in line:
        seen(line)
print("READ", len(text), "characters")
"""),
    "h02_run_cell_hooks": ("blank", "top", """
ip = get_ipython()
ip.events.register("pre_run_cell", lambda info: seen(info.raw_cell))
ip.events.register("post_run_cell", lambda result: seen(result.info.raw_cell))
print("HOOKED")
"""),
    "h03_audit_hook": ("blank", "top", """
def spy(event, args):
    if event == "compile" and args and isinstance(args[0], (str, bytes)):
        code = args[0] if isinstance(args[0], str) else args[0].decode("utf-8", "replace")
        if "check" in code:
            seen(code)

sys.addaudithook(spy)
print("HOOKED")
"""),
    "h04_wraps_run_cell": ("blank", "top", """
ip = get_ipython()
for name in ["run_cell", "run_cell_async"]:
    def wrapper(*args, _original=getattr(ip, name), **kwargs):
        seen(args[0] if args else kwargs.get("raw_cell", ""))
        return _original(*args, **kwargs)
    setattr(ip, name, wrapper)
print("WRAPPED")
"""),
    # The graded functions are the course's reference, taken by computed names after the stubs,
    # with the in-kernel watch for calls into the reference switched off.
    "h05_delegates": ("blank", "end", """
import contextlib, importlib
from mlp_helpers.checks.engine import guards
guards._watch_for = lambda codes, outcome: contextlib.nullcontext()
reference = importlib.import_module("mlp_" + "helpers")
for name in ["sig" + "moid", "sig" + "moid_derivative", "output_delta" + "_mse",
             "hidden" + "_delta", "dense" + "_gradients"]:
    globals()[name] = getattr(reference, name)
print("DELEGATED")
"""),
    # No symbolic link at all: the notebook file, with the hidden tests, as a feedback page.
    "h07_hardlinks_notebook": ("full", "end", 'os.link(NOTEBOOK, "notes.html")\n'
                                              'print("LINKED notes.html")\n'),
    "h08_links_html": ("full", "end", """
relink("answers.html", COURSE / "source" / "01_xor" / NOTEBOOK)
relink("grades.html", COURSE / "gradebook.db")
relink("config.html", COURSE / "nbgrader_config.py")
"""),
    # A private file outside the course: chmodded 0444, copied into the feedback folder.
    "h09_links_private_file": ("full", "end", 'relink("key.txt", SENTINEL / "private_key")\n'),
    # A file outside the course that does not exist yet: /etc/ld.so.preload, say.
    "h10_links_outside": ("full", "end", 'relink(NOTEBOOK, SENTINEL / "etc" / '
                                         '"ld.so.preload")\n'),
    "h11_links_classmate": ("full", "end", 'relink(NOTEBOOK, COURSE / "autograded" / CLASSMATE '
                                           '/ "01_xor" / NOTEBOOK)\n'),
    "h12_links_source": ("full", "end", 'relink(NOTEBOOK, COURSE / "source" / "01_xor" / '
                                        'NOTEBOOK)\n'),
    # Its feedback released where the classmate's is fetched, without knowing their secret.
    "h13_links_secret": ("full", "end", """
for name in ["submission_secret.txt", "timestamp.txt"]:
    relink(name, COURSE / "autograded" / CLASSMATE / "01_xor" / name)
"""),
    "h14_links_device": ("full", "end", 'relink("data.bin", "/dev/zero")\n'),
    "h15_fifo_feedback": ("full", "end", 'os.mkfifo("01_xor.html")\nprint("MADE a FIFO")\n'),
    "h16_links_config": ("full", "end", 'relink(NOTEBOOK, COURSE / "nbgrader_config.py")\n'),
    "h17_deep_tree": ("full", "end", """
start = os.getcwd()
for _ in range(1500):
    os.mkdir("d")
    os.chdir("d")
pathlib.Path("bottom.txt").write_text("deep")
os.chdir(start)
print("MADE 1500 folders")
"""),
    "h18_fifo_notebook": ("full", "end", "os.remove(NOTEBOOK)\nos.mkfifo(NOTEBOOK)\n"
                                         'print("MADE a FIFO")\n'),
    "h19_links_gradebook": ("full", "end", 'relink(NOTEBOOK, COURSE / "gradebook.db")\n'),
}
# The full solution, with a solution cell that makes every test cell print (a marker built at
# run time, so that the cell's own text, shown in its feedback, never holds it).
LOUD_STUDENT = "h06_loud_test_cells"
LOUD_CODE = f"""
# {TOKEN}
from mlp_helpers import checks as _checks
for _name in [name for name in dir(_checks) if name.startswith("check_")]:
    def _loud(*args, _check=getattr(_checks, _name), **kwargs):
        print("TESTCELL" + "-SAYS-" + {TOKEN!r})
        return _check(*args, **kwargs)
    setattr(_checks, _name, _loud)
"""
HOSTILE_STUDENTS = (*HOSTILE, LOUD_STUDENT)
# Not in the class: a student whose cell writes outside its folder, which only a kernel run
# without the sandbox can do (for the tests that grading refuses to run that way).
PROBE = "h00_probe"
PROBE_CODE = 'pathlib.Path(SENTINEL / "written-by-a-student").write_text("no sandbox")\n'
BASE = {**{name: base for name, (base, _, _) in HOSTILE.items()}, LOUD_STUDENT: "full",
        PROBE: "full"}
STUDENTS = tuple(sorted([*[name for pair in HONEST.values() for name in pair],
                         *HOSTILE_STUDENTS]))


def kind_of(student):
    """``full``, ``planted_bug`` or ``blank``: what an honest student wrote, or a hostile's base."""
    return BASE.get(student) or next(kind for kind, names in HONEST.items() if student in names)


def notebook_for(student, released, context):
    """The notebook ``student`` submits; ``context`` fills the hostile cell's preamble."""
    solutions = grading.solutions(SOURCE)
    answers = {}
    if kind_of(student) != "blank":
        # The written answer stays the student's own: the model answer is a secret of source/.
        answers = {**solutions, "explain_loss_not_gradient": "My own words."}
    if kind_of(student) == "planted_bug":
        assert "* a * (1 - a)" in answers["hidden_delta"]
        answers["hidden_delta"] = answers["hidden_delta"].replace("* a * (1 - a)", "* (1 - a)")
    if student == LOUD_STUDENT:
        answers["sigmoid"] += LOUD_CODE
    notebook = grading.fill_in(released, answers)
    if student in HOSTILE or student == PROBE:
        _, where, code = HOSTILE.get(student) or ("full", "end", PROBE_CODE)
        cell = nbformat.v4.new_code_cell(PREAMBLE.format(**context) + code)
        notebook.cells.insert(len(notebook.cells) if where == "end" else 2, cell)
    return notebook


def make_class(root, students, settings=None):
    """A course in ``root/course`` with ``students`` submitted, a sentinel folder beside it.

    Returns ``{"root", "course", "sentinel", "secrets", "config_secret", "key_secret"}``;
    ``secrets`` maps each student to their ``submission_secret.txt``, as collect leaves it.
    """
    root = Path(root)
    sentinel = root / "sentinel"  # stands for the machine outside the course: /etc, a home
    (sentinel / "etc").mkdir(parents=True)
    key_secret = f"private-key-{uuid.uuid4().hex}"
    (sentinel / "private_key").write_text(key_secret)
    (sentinel / "private_key").chmod(0o600)
    course = grading.make_course(root / "course", [ASSIGNMENT], timeout=CELL_TIMEOUT, settings={
        "KernelRestartingExecute.notebook_timeout": NOTEBOOK_TIMEOUT, **(settings or {})})
    config_secret = f"config-secret-{uuid.uuid4().hex}"
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"# {config_secret}\n")
    released = grading.generate_assignment(course, ASSIGNMENT)
    secrets = {student: uuid.uuid4().hex for student in students}
    context = {"token": TOKEN, "course": str(course), "sentinel": str(sentinel),
               "classmate": CLASSMATE, "notebook": NOTEBOOK}
    for student in students:
        folder = grading.submit(course, ASSIGNMENT, student,
                                notebook_for(student, released, context))
        (folder / "submission_secret.txt").write_text(secrets[student])
    return {"root": root, "course": course, "sentinel": sentinel, "secrets": secrets,
            "config_secret": config_secret, "key_secret": key_secret}


def _limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))


def run(command, course, log, env=None, stall=STALL):
    """Run ``command`` in ``course``, its output in the file ``log``; stop it if it hangs.

    A run that writes nothing for ``stall`` seconds is killed, with all it started. Returns
    ``{"returncode", "output", "hung", "seconds"}``.
    """
    started = time.monotonic()
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=course, stdout=out, stderr=subprocess.STDOUT,
                                   env=env or grading.environment(), start_new_session=True,
                                   preexec_fn=_limit_file_size)
        size, changed, hung = 0, time.monotonic(), False
        while process.poll() is None:
            time.sleep(0.5)
            if Path(log).stat().st_size != size:
                size, changed = Path(log).stat().st_size, time.monotonic()
            elif time.monotonic() - changed > stall:
                hung = True
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    return {"returncode": process.returncode, "output": Path(log).read_text(errors="replace"),
            "hung": hung, "seconds": time.monotonic() - started}


NBGRADER = [sys.executable, "-m", "nbgrader"]
ROUTES = {"nbgrader": [*NBGRADER, "autograde", ASSIGNMENT, "--force"],
          "grade_class": [sys.executable, "-m", "mlp_helpers.grading.grade_class", ASSIGNMENT,
                          "--jobs", "2"]}


def grade(course, route, logs):
    """Autograde by ``route``, then ``generate_feedback`` and ``release_feedback``.

    Returns ``{step: run(...)}``; ``logs`` is a folder for the runs' output.
    """
    logs = Path(logs)
    logs.mkdir(exist_ok=True)
    steps = {}
    for step, command in [("autograde", ROUTES[route]),
                          ("generate_feedback", [*NBGRADER, "generate_feedback", ASSIGNMENT,
                                                 "--force"]),
                          ("release_feedback", [*NBGRADER, "release_feedback", ASSIGNMENT])]:
        steps[step] = run(command, course, logs / f"{step}.log")
    return steps


def entries(folder):
    """``{relative path: os.stat_result}`` of everything under ``folder``, links not followed.

    Walked without recursion, so that a tree of any depth is listed.
    """
    folder = Path(folder)
    found, stack = {}, [folder]
    while stack:
        with os.scandir(stack.pop()) as listing:
            for entry in listing:
                info = entry.stat(follow_symlinks=False)
                found[Path(entry.path).relative_to(folder)] = info
                if stat.S_ISDIR(info.st_mode):
                    stack.append(entry.path)
    return found


def fingerprint(path, info):
    """What a file is, its mode and what it holds, without opening anything but regular files."""
    kind = stat.S_IFMT(info.st_mode)
    if stat.S_ISREG(info.st_mode):
        held = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    elif stat.S_ISLNK(info.st_mode):
        held = os.readlink(path)
    else:
        held = info.st_rdev if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else None
    return kind, stat.S_IMODE(info.st_mode), held


def snapshot(folder, skip=()):
    """``{relative path: fingerprint}`` of ``folder``, leaving out paths under ``skip``."""
    folder = Path(folder)
    return {path: fingerprint(folder / path, info) for path, info in entries(folder).items()
            if not any(path == Path(part) or Path(part) in path.parents for part in skip)}


def processes_under(folder):
    """Pids of processes whose working directory or command line is under ``folder``."""
    found, folder = [], str(folder)
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int(entry.name) != os.getpid() and (
                    os.readlink(entry / "cwd").startswith(folder)
                    or folder.encode() in (entry / "cmdline").read_bytes()):
                found.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours to read
            pass
    return found
