"""An instructor's own graded question, judged in the grader's process.

A test cell that calls none of the course's checks (``checks.check_<part>``) is the
instructor's own: plain ``assert`` lines on the names a student's cells define. Run in the
student's kernel, such a test is passed by a notebook that replaces what it uses
(``np.allclose = lambda *a, **k: True``). While a notebook is graded, it never runs there: the
grader runs the test cell's text, as the gradebook has it, in its own process. Every name the
text reads and does not define itself stands for the student's: a function is called in the
kernel through the channel the course's checks use (its arguments sent, its result returned as
data, never as code), and a value is read once. ``np`` (numpy) and ``math`` are the grader's, as
is everything the cell imports itself. docs/instructor-guide.md shows how to write one.
"""

import ast
import builtins
import contextlib
import io
import math
import re
import traceback

import numpy as np
from nbgrader.utils import compute_checksum

from mlp_helpers.checks.engine.running import run
from mlp_helpers.checks.kernel.remote import Remote
from mlp_helpers.checks.kernel.wire import Unreadable

FILENAME = "<test cell>"
# Seconds one call of a student's function may take (as a cell: c.Execute.timeout).
SECONDS = 60
_HIDDEN = re.compile(r"^[ \t]*### (BEGIN|END) HIDDEN TESTS", re.MULTILINE)
NOT_THE_INSTRUCTORS = ("this test cell is not the one the gradebook holds, so the grader did "
                       "not run it.")


class StudentFunction:
    """A function of the student's notebook, called in their kernel, its result read as data."""

    def __init__(self, remote, seconds=SECONDS):
        self._remote, self._seconds = remote, seconds

    def __repr__(self):
        return f"<the notebook's {self._remote.name}>"

    def __call__(self, *args, **kwargs):
        """Call the function in the kernel; return its value or raise what it raised."""
        outcome = run(self._remote, list(args), kwargs, seconds=self._seconds)
        if outcome.timed_out:
            raise TimeoutError(f"`{self._remote.name}` did not return within "
                               f"{self._seconds:g} s")
        if outcome.error is not None:
            raise outcome.error
        return outcome.value


def is_instructors(cell):
    """Whether ``cell``'s text and role are the gradebook's (nbgrader put its checksum there)."""
    grading = cell.metadata.get("nbgrader", {})
    return bool(grading.get("locked")) and grading.get("checksum") == compute_checksum(cell)


def _free_names(tree):
    """The names ``tree`` reads and never binds itself, builtins left out."""
    bound, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return sorted(read - bound - set(dir(builtins)))


def namespace(tree, kernel, seconds=SECONDS):
    """The grader's globals for the test: numpy, math, and the student's names it reads."""
    names = {"__builtins__": builtins, "__name__": "__test__", "np": np, "numpy": np,
             "math": math}
    for name in _free_names(tree):
        if name in names:
            continue
        kind, value = Remote(kernel, name).look()
        if kind == "callable":
            names[name] = StudentFunction(Remote(kernel, name), seconds)
        elif kind == "value" and not isinstance(value, Unreadable):
            names[name] = value
    return names


def _hidden_lines(source):
    """Line numbers (from 1) inside the cell's hidden-test blocks, markers included."""
    hidden, inside = set(), False
    for number, line in enumerate(source.splitlines(), start=1):
        marker = _HIDDEN.match(line)
        if marker or inside:
            hidden.add(number)
        if marker:
            inside = marker.group(1) == "BEGIN"
    return hidden


def _failed_line(error):
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if frame.filename == FILENAME]
    return frames[-1].lineno if frames else None


def message(error, source):
    """What the student reads for ``error``: never a line of the hidden tests."""
    said = str(error).strip()
    line = _failed_line(error)
    if isinstance(error, AssertionError) and said:
        return said
    if isinstance(error, AssertionError):
        if line is None or line in _hidden_lines(source):
            return "one of the hidden tests of this cell failed."
        return f"this test failed: `{source.splitlines()[line - 1].strip()}`"
    if isinstance(error, NameError):
        return f"{said}: run the cell that defines it, and keep its name."
    where = "" if line is None or line in _hidden_lines(source) else f" (line {line})"
    return f"{type(error).__name__}{where}: {said}" if said else type(error).__name__ + where


def failure(cell, kernel, seconds=SECONDS):
    """``None`` when the instructor's test cell passes on the student's names, else why not.

    The cell's text runs here, in the grader, only when it is the gradebook's (``is_instructors``).
    """
    if not is_instructors(cell):
        return NOT_THE_INSTRUCTORS
    try:
        tree = ast.parse(cell.source, FILENAME)
    except SyntaxError as error:
        return f"the test cell does not parse: {error.msg} (line {error.lineno})."
    names = namespace(tree, kernel, seconds)
    # What the test prints is not the verdict, and would go to the grader's log.
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            exec(compile(tree, FILENAME, "exec"), names)
        except Exception as error:  # what the test or the student's code raised: the verdict
            return message(error, cell.source)
    return None
