"""What the graders read and write in notebooks.

The instructor's answers in a source notebook, a student's copy of a release notebook with
answers filled in, the points of each graded cell, the one-line error of each failed cell, the
feedback preprocessor that keeps tracebacks (which would quote hidden tests) out of the
students' feedback, the sanitizing that survives broken cell metadata and deleted or pasted
graded cells, and the autograde execution that survives a cell killing its kernel.
"""

import copy
import re

import nbformat
from jupyter_core.utils import run_sync
from nbclient.exceptions import DeadKernelError
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import Execute, NbGraderPreprocessor, OverwriteCells

KERNEL_DIED = ("this cell stopped the Python kernel (os._exit, a crash, or running out of "
               "memory). The cells above it were run again in a new kernel and grading went on "
               "from the next cell; what this cell defines is missing.")

EXIT_STOPS_THE_CELL = ("exit() and quit() would stop the Python kernel; while the notebook is "
                       "graded they stop this cell only. Remove them from the notebook.")
_SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*(\n|$)", re.MULTILINE)
_METADATA = MetadataValidator()
_HIDDEN_TESTS = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[ \t]*\n?",
                           re.MULTILINE | re.DOTALL)
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


class RepairCellMetadata(NbGraderPreprocessor):
    """Sanitize preprocessor, first of all: nbgrader metadata a submission broke is dropped.

    nbgrader stops the grading of the *whole class* at a cell whose metadata has an old or
    missing ``schema_version``, and drops a student at a graded cell without a ``grade_id``.
    Here such a cell is upgraded to the current schema when it can be, and becomes an ordinary
    cell when it cannot; ``RestoringOverwriteCells`` then puts back what was graded there.
    """

    def preprocess_cell(self, cell, resources, index):
        """Upgrade or drop the nbgrader metadata of one cell."""
        grading = cell.metadata.get("nbgrader")
        if grading is None:
            return cell, resources
        try:
            # Only what stops nbgrader is repaired: a full validation would cost 40 ms a notebook.
            if grading.get("schema_version") != _METADATA.schema_version:
                _METADATA.upgrade_cell_metadata(cell)
            flags = ("grade", "solution", "locked", "task")
            if (any(cell.metadata.nbgrader.get(flag) for flag in flags)
                    and not isinstance(cell.metadata.nbgrader.get("grade_id"), str)):
                raise ValueError("a graded, solution or locked cell without a grade_id")
        except Exception as error:  # whatever the student's editor left: the cell is plain
            self.log.warning("Cell %s: unusable nbgrader metadata (%s); treated as an ordinary "
                             "cell.", index, error)
            del cell.metadata["nbgrader"]
        return cell, resources


class RestoringOverwriteCells(OverwriteCells):
    """nbgrader's ``OverwriteCells``, which puts back every graded cell a submission lost.

    nbgrader's own re-inserts a deleted graded cell only after a solution or graded cell, and
    drops the whole submission (``KeyError``) when the cell before it in the source was another
    kind (a locked setup cell, say), when a cell's ``grade_id`` is unknown, or when a pasted
    copy of a graded cell had its metadata cleared. Here a missing graded cell goes after the
    nearest earlier cell of the source notebook that the submission still has; a cell with an
    unknown ``grade_id`` becomes an ordinary cell; and a known cell gets back its role (graded,
    solution) before its checksum is compared.
    """

    def preprocess(self, nb, resources):
        """Overwrite the graded cells from the gradebook; put back the missing ones."""
        self._roles = None
        return super().preprocess(nb, resources)

    def _source_roles(self):
        if self._roles is None:
            source = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
            points = {cell.name: cell.max_score for cell in source.grade_cells}
            solutions = {cell.name for cell in source.solution_cells}
            self._roles = {cell.name: (cell.name in points, cell.name in solutions,
                                       points.get(cell.name)) for cell in source.source_cells}
        return self._roles

    def preprocess_cell(self, cell, resources, index):
        """Overwrite one cell from the gradebook, once its role is the source's."""
        grading = cell.metadata.get("nbgrader")
        grade_id = None if grading is None else grading.get("grade_id")
        if grading is not None and grade_id is None:
            # DeduplicateIds empties the metadata of all but the last copy of a cell: without
            # a schema_version, the empty metadata would stop the grading of the whole class.
            del cell.metadata["nbgrader"]
        elif grade_id is not None:
            if grade_id not in self._source_roles():
                self.log.warning("Cell %s: unknown grade_id %r; treated as an ordinary cell.",
                                 index, grade_id)
                del cell.metadata["nbgrader"]
                return cell, resources
            graded, solution, points = self._source_roles()[grade_id]
            cell.metadata.nbgrader.update(grade=graded, solution=solution)
            if graded:
                cell.metadata.nbgrader.setdefault("points", points)
        return super().preprocess_cell(cell, resources, index)

    def add_missing_grade_cells(self, nb, resources):
        """Put back each missing graded cell where the submission still has its text.

        Without its text, the cell goes after the nearest earlier source cell the submission
        still has.
        """
        source = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = list(source.source_cells)
        solutions = {cell.name for cell in source.solution_cells}
        for graded in source.grade_cells:
            if _position(nb, graded.name) is not None:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", graded.name)
            cell = next(cell for cell in order if cell.name == graded.name)
            restored = self.missing_cell_transform(cell, graded.max_score,
                                                   is_solution=graded.name in solutions)
            # An editor that drops cell metadata (some do) leaves the test's own text behind.
            same_text = _unmarked_copy(nb, cell)
            if same_text is not None:
                nb.cells[same_text] = restored
                continue
            earlier = reversed(order[:order.index(cell)])
            anchor = next((found for found in (_located(nb, other) for other in earlier)
                           if found is not None), -1)
            nb.cells.insert(anchor + 1, restored)
        return nb, resources

    def add_missing_task_cells(self, nb, resources):
        """As nbgrader's, without failing on cells whose nbgrader metadata is empty."""
        source = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        cells = {cell.name: cell for cell in source.source_cells}
        for task in source.task_cells:
            if _position(nb, task.name) is None:
                nb.cells.append(self.missing_cell_transform(cells[task.name], task.max_score,
                                                            is_task=True))
        return nb, resources


def _located(nb, source_cell):
    found = _position(nb, source_cell.name)
    return _unmarked_copy(nb, source_cell) if found is None else found


def _unmarked_copy(nb, source_cell):
    # A cell without nbgrader metadata whose text is the source cell's, or the students' copy
    # of it (hidden tests removed).
    texts = {source_cell.source.strip(), _HIDDEN_TESTS.sub("", source_cell.source).strip()}
    return next((index for index, cell in enumerate(nb.cells)
                 if "nbgrader" not in cell.metadata and cell.source.strip() in texts), None)


def _position(nb, grade_id):
    return next((index for index, cell in enumerate(nb.cells)
                 if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id), None)


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
