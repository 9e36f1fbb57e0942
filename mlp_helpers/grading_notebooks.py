"""What the graders read and write in notebooks.

The instructor's answers in a source notebook, a student's copy of a release notebook with
answers filled in, the points of each graded cell, the one-line error of each failed cell, the
feedback preprocessor that keeps tracebacks (which would quote hidden tests) out of the
students' feedback, and the autograde execution that survives a cell killing its kernel
(``grading_cells`` puts back the graded cells a submission broke or lost).
"""

import copy
import re

import nbformat
from jupyter_core.utils import run_sync
from nbclient.exceptions import DeadKernelError
from nbgrader.preprocessors import Execute, NbGraderPreprocessor

KERNEL_DIED = ("this cell stopped the Python kernel (os._exit, a crash, or running out of "
               "memory). The cells above it were run again in a new kernel and grading went on "
               "from the next cell; what this cell defines is missing.")

EXIT_STOPS_THE_CELL = ("exit() and quit() would stop the Python kernel; while the notebook is "
                       "graded they stop this cell only. Remove them from the notebook.")
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


class KernelRestartingExecute(Execute):
    """nbgrader's ``Execute``, where a cell that kills its kernel costs that cell only.

    With nbgrader's own, a kernel that dies (``os._exit`` in a student's cell, or in a function
    a check calls; a crash; the memory running out) ends the execution, and nbgrader drops the
    whole submission: the student gets no grade and no feedback. Here the cell gets a
    ``KernelDied`` error instead, a new kernel runs the cells above it again (silently, to
    rebuild the student's state) and execution goes on with the next cell, so only what
    depended on the killing cell loses points.
    """

    def preprocess_cell(self, cell, resources, index):
        """Execute one cell; if the kernel dies, record it and restart from the cells above."""
        if index == 0:
            self._prepare_kernel()
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self.log.warning("Cell %s stopped the kernel; restarting it.", index)
        cell.outputs = [nbformat.v4.new_output("error", ename="KernelDied", evalue=KERNEL_DIED,
                                               traceback=[f"KernelDied: {KERNEL_DIED}"])]
        run_sync(self.km.restart_kernel)(now=True)
        run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)
        self._prepare_kernel()
        for earlier in self.nb.cells[:index]:
            if earlier.cell_type == "code" and earlier.source.strip() and not _killed(earlier):
                self.wait_for_reply(self.kc.execute(earlier.source, silent=True,
                                                    store_history=False), earlier)
        return cell, resources


    def _prepare_kernel(self):
        # exit() and quit() ask the kernel to shut down after the cell, some cells later, where
        # nothing ties the death to that cell; here they stop only their own cell.
        self.wait_for_reply(self.kc.execute(_STOP_THE_CELL_ON_EXIT, silent=True,
                                            store_history=False))


_STOP_THE_CELL_ON_EXIT = f"""
def _stop_this_cell(*args, **kwargs):
    raise SystemExit({EXIT_STOPS_THE_CELL!r})
get_ipython().user_ns.update(exit=_stop_this_cell, quit=_stop_this_cell)
del _stop_this_cell
"""


def _killed(cell):
    # A cell that killed the kernel once would kill the new one too: it is not run again.
    return any(output.get("ename") == "KernelDied" for output in cell.get("outputs", []))


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
