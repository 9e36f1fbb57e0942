"""What the graders read and write in notebooks.

The instructor's answers in a source notebook, a student's copy of a release notebook with
answers filled in, the points of each graded cell (and which of them are graded by hand), the
one-line error of each failed cell, and the feedback preprocessor that keeps tracebacks (which
would quote hidden tests) out of the students' feedback. How the cells run when graded is
``grading.execute`` (re-exported here); ``grading.cells`` puts back the graded cells a
submission broke or lost.
"""

import copy
import re

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution

from mlp_helpers.grading.execute import KERNEL_DIED, KernelRestartingExecute

__all__ = ["KERNEL_DIED", "HideTestTracebacks", "KernelRestartingExecute", "errors", "fill_in",
           "hand_graded", "max_scores", "solutions"]

_SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*(\n|$)", re.MULTILINE)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class HideTestTracebacks(NbGraderPreprocessor):
    """Feedback preprocessor: an error in a test cell shows as one line ``Name: message``.

    IPython's traceback quotes the test cell around the failing line, hidden tests included;
    the one line keeps the student's information (what failed, and why) and nothing else.
    """

    def preprocess_cell(self, cell, resources, index):
        """Shorten the error outputs of autograded test cells."""
        grading = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and grading.get("grade") and not grading.get("solution"):
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [_one_line(output)]
        return cell, resources


def _one_line(error):
    name = error.get("ename") or "Error"
    if name == "CellTimeoutError":
        return f"{name}: the cell ran longer than the time limit and was stopped"
    if error.get("evalue"):
        return f"{name}: {error['evalue']}"
    return _ANSI.sub("", (error.get("traceback") or [name])[-1]).strip() or name


def max_scores(notebook):
    """Points of every graded cell of a source or release notebook: ``{grade_id: points}``."""
    notebook = nbformat.read(notebook, as_version=4)
    return {cell.metadata.nbgrader["grade_id"]: float(cell.metadata.nbgrader["points"])
            for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade")}


def hand_graded(notebook):
    """The graded cells of a source or release notebook that the instructor grades by hand.

    They are nbgrader's "manually graded answers": graded cells that are also solution cells
    (a written answer), where test cells are graded automatically.
    """
    notebook = nbformat.read(notebook, as_version=4)
    return {cell.metadata.nbgrader["grade_id"] for cell in notebook.cells
            if is_grade(cell) and is_solution(cell)}


def errors(notebook):
    """The one-line error of every failed cell of an executed notebook: ``{grade_id: line}``.

    ``notebook`` is a path or a ``NotebookNode``; cells without a ``grade_id`` use their id.
    """
    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(notebook, as_version=4)
    found = {}
    for cell in notebook.cells:
        failed = [output for output in cell.get("outputs", []) if output.output_type == "error"]
        if failed:
            found[cell.metadata.get("nbgrader", {}).get("grade_id", cell.get("id"))] = \
                _one_line(failed[-1])
    return found


def solutions(notebook):
    """The instructor's answers in a source notebook: ``{grade_id: code}`` of solution cells.

    The ``### BEGIN/END SOLUTION`` marker lines are removed, so the code is what a student who
    got everything right would have written.
    """
    notebook = nbformat.read(notebook, as_version=4)
    return {cell.metadata.nbgrader["grade_id"]: _SOLUTION_MARKERS.sub("", cell.source)
            for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("solution")}


def fill_in(notebook, answers):
    """A copy of a release notebook with the cells ``answers`` names (``{grade_id: source}``) set.

    Raises ``KeyError`` if a ``grade_id`` is not in the notebook.
    """
    notebook = copy.deepcopy(nbformat.read(notebook, as_version=4)
                             if not isinstance(notebook, nbformat.NotebookNode) else notebook)
    cells = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell for cell in notebook.cells}
    for grade_id, source in answers.items():
        cells[grade_id].source = source
    return notebook
