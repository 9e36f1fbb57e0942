"""The score of every graded part, decided in the grader's process, never in the student's.

While a submission is graded, its graded test cells never run in its (sandboxed) kernel:
their text, which nbgrader restored from the gradebook, holds the hidden tests and, for value
parts, the answer key, and none of it may reach the student's code. When the other cells have
run, ``judge`` goes through the test cells nbgrader is about to score. For each check a test
cell calls (read from the cell's text, never run), the grader runs that same check here,
calling the student's function in the kernel through ``checks.kernel.remote``, on inputs drawn
fresh for this grading run (the test's own inputs are asked again only to word a mistake found
there), so that no prepared answer, patched module, hook or lying object in the kernel can
decide a score. A test cell that calls no check of the course is an instructor's own question:
``grading.questions`` runs its text here, the student's names standing for the kernel's. The
test cell's outputs are then the verdict alone, which is what nbgrader scores and the feedback
shows.
"""

import ast
import functools
import secrets
import types
from dataclasses import dataclass

import nbformat
from nbgrader import utils

from mlp_helpers import checks
from mlp_helpers.checks.engine.core import Diagnosis
from mlp_helpers.checks.engine.fixtures import fresh
from mlp_helpers.checks.kernel.remote import Remote
from mlp_helpers.grading import questions as grading_questions


@dataclass(frozen=True)
class CheckCall:
    """One check a test cell calls: ``checks.check_<part>(globals().get("<part>"), ...)``."""

    part: str
    hidden: bool
    options: dict


def calls_in(source):
    """The checks the test cell ``source`` calls, with their literal options, in order.

    Only calls of the form the assignments use are read; any other line is ignored.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "checks"
                and node.func.attr.startswith("check_") and node.args):
            continue
        part = node.func.attr.removeprefix("check_")
        if part not in checks.PARTS:
            continue
        try:
            options = {keyword.arg: ast.literal_eval(keyword.value)
                       for keyword in node.keywords if keyword.arg}
        except ValueError:
            continue
        hidden = bool(options.pop("hidden", False))
        found.append(CheckCall(part, hidden, options))
    return found


def verdict(calls, kernel, salt):
    """``None`` when every check the test cell calls passes, else the first ``Diagnosis``.

    The grade is decided on inputs drawn fresh for ``salt`` (the same roles as the test's own
    fixtures, other numbers), once. A mistake found there is worded on the test's own inputs
    when they show it too: what the student saw in their notebook is what they are told.
    """
    strictest = {}
    for call in calls:  # the hidden call of a part includes everything its visible one checks
        if call.part not in strictest or call.hidden:
            strictest[call.part] = call
    for call in strictest.values():
        student = Remote(kernel, call.part)
        with fresh(salt):
            found = checks.diagnose(call.part, student, call.hidden, **call.options)
        if found is not None:
            return checks.diagnose(call.part, student, call.hidden, **call.options) or found
    return None


def _reference_names(part):
    """Names in ``mlp_helpers`` that a part's own cell delegates to when it uses them."""
    record = checks.PARTS[part]
    if record.spec is not None:
        return {function.__name__ for function in record.spec.reference}
    return {"MLP", "train"} if record.network else set()


def _course_imports(nb):
    """``(module aliases, reference-name aliases)`` bound by the notebook's imports."""
    return _imports_in(tuple(cell.source for cell in nb.cells if cell.cell_type == "code"))


@functools.lru_cache(maxsize=1)  # asked for each graded part of the same notebook
def _imports_in(sources):
    modules, names = set(), {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules |= {alias.asname or alias.name.split(".")[0] for alias in node.names
                            if alias.name.split(".")[0] == "mlp_helpers"}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mlp_helpers"):
                for alias in node.names:
                    names[alias.asname or alias.name] = alias.name
    return frozenset(modules | set(names)), types.MappingProxyType(names)


def delegation(nb, part):
    """A ``calls-reference`` diagnosis when the cell of ``part`` uses the course's reference.

    Read from the submitted text, in the grader: the watch for calls into the reference runs in
    the student's kernel, where a notebook can switch it off. Catches the ways of naming the
    reference (``mh.sigmoid``, ``from mlp_helpers.activations import _sigmoid as s``,
    ``getattr(mh, "sigmoid")``), not code built to hide it.
    """
    names = _reference_names(part)
    cell = next((cell for cell in nb.cells if cell.cell_type == "code"
                 and cell.metadata.get("nbgrader", {}).get("grade_id") == part
                 and cell.metadata.get("nbgrader", {}).get("solution")), None)
    if not names or cell is None:
        return None
    modules, imported = _course_imports(nb)
    try:
        tree = ast.parse(cell.source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        used = None
        if isinstance(node, ast.Attribute) and node.attr in names:
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            used = node.attr if isinstance(root, ast.Name) and root.id in modules else None
        elif isinstance(node, ast.Name) and imported.get(node.id) in names:
            used = imported[node.id]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "getattr" and len(node.args) >= 2
              and isinstance(node.args[1], ast.Constant) and node.args[1].value in names):
            used = node.args[1].value
        if used:
            return Diagnosis("calls-reference", f"`{part}` uses the course's reference `{used}` "
                             "from mlp_helpers (line "
                             f"{getattr(node, 'lineno', '?')} of its cell) instead of computing "
                             "the result itself. Write the computation with numpy.")
    return None


def is_test(cell):
    """Whether ``cell`` is a graded test cell: the grader judges it, the kernel never runs it."""
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def _error(message, name="CheckFailed"):
    return nbformat.v4.new_output("error", ename=name, evalue=message,
                                  traceback=[f"{name}: {message}"])


def judge(nb, kernel, log, who="the submission"):
    """Set the outputs of ``nb``'s graded test cells to the grader's verdicts.

    ``kernel`` is a ``checks.kernel.remote.Kernel`` of the kernel that ran ``nb``'s other cells;
    ``log`` the grader's logger; ``who`` names the student in the log.
    """
    salt = secrets.randbelow(2**31 - 1) + 1
    cells = [(cell, calls_in(cell.source)) for cell in nb.cells if is_test(cell)]
    # The rule: the course's code reaches the kernel (a reference swapped into a training
    # loop, a sanity network) only once every part it implements has its verdict. Parts are
    # judged in the registry's order, whatever the notebook's, and ``kernel.pending`` holds
    # those still to be judged, whose implementations ``Remote.run`` never sends.
    order = list(checks.PARTS)
    cells.sort(key=lambda judged: min((order.index(call.part) for call in judged[1]),
                                      default=len(order)))
    kernel.pending = {call.part for _, calls in cells for call in calls}
    for position, (cell, calls) in enumerate(cells):
        if not calls:
            failure = grading_questions.failure(cell, kernel)
            cell.outputs = [] if failure is None else [_error(failure, "TestFailed")]
            if failure == grading_questions.NOT_THE_INSTRUCTORS:
                log.warning("%s: the test cell %s is not the gradebook's; it was not run.",
                            who, utils.get_grade_id(cell))
            continue
        # A cell that names the course's reference is told so, line and all: in the kernel
        # the reference only raises (``kernel_edition``), which would be the verdict's words.
        found = (next(filter(None, (delegation(nb, call.part) for call in calls)), None)
                 or verdict(calls, kernel, salt))
        cell.outputs = [] if found is None else [_error(found.message)]
        later = {call.part for _, calls in cells[position + 1:] for call in calls}
        kernel.pending &= later


def unjudged(nb, reason):
    """Mark every graded test cell of ``nb`` as failed for ``reason``: nothing could judge it."""
    for cell in filter(is_test, nb.cells):
        cell.outputs = [_error(reason)]
